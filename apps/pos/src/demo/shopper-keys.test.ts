import { describe, expect, it } from 'vitest';
import type { FittingRoomView, ZoneEvent } from '@pos/domain';
import type { DemoZoneId } from '@pos/hardware';
import { shopperKeys } from './shopper-keys';

/** The floor as the keys see it: where each garment was carried, and the room's links. */
function fakeFloor(garments: string[]) {
  const carried: [string[], DemoZoneId][] = [];
  const removed: string[] = [];
  const links: [string, string][] = [];
  let emit: (event: ZoneEvent) => void = () => undefined;
  const timers: (() => void)[] = [];
  const store = {
    garments,
    carry: (epcs: readonly string[], zone: DemoZoneId) => void carried.push([[...epcs], zone]),
    floor: { remove: (epc: string) => (removed.push(epc), true) },
    fittingRooms: {
      onZoneEvent: (callback: (event: ZoneEvent) => void) => {
        emit = callback;
        return () => undefined;
      },
      linkMember: (room: string, member: string) => (links.push([room, member]), 3),
      rooms: (): FittingRoomView[] => [
        {
          room: { id: 'FR1', kind: 'fitting-room', name: '试衣间 1 Fitting room 1' },
          sessions: [],
        },
      ],
      status: () => ({ deviceId: 'S001-FIT1', waiting: 0, lastPushAt: null, lastError: null }),
    },
  };
  return { store, carried, removed, links, emit: (e: ZoneEvent) => emit(e), timers };
}

describe('the demo’s shopper keys', () => {
  it('walks a shopper with 3 garments into a room, out, to the counter and out of the store', () => {
    const garments = ['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7'];
    const fake = fakeFloor(garments);
    const printed: string[] = [];
    const later: (() => void)[] = [];
    const keys = shopperKeys(
      fake.store as unknown as Parameters<typeof shopperKeys>[0],
      (line) => printed.push(line),
      {
        nameOf: (epc) => (epc === 'E1' ? 'TEE-01-WH-M #1' : undefined),
        timers: {
          setTimeout: ((run: () => void) => later.push(run)) as unknown as typeof setTimeout,
        },
      },
    );
    expect(keys.handle('out')).toBe(true);
    expect(printed.at(-1)).toBe('The shopper holds nothing: type fr1 or fr2 first.');
    expect(keys.handle('link M0001')).toBe(true);
    expect(fake.links).toEqual([]);

    keys.handle('fr1');
    keys.handle('link M0001');
    fake.emit({ kind: 'moved', epc: 'E1', serial: '1', from: 'FLOOR', zone: 'FR1', at: 'x' });
    fake.emit({ kind: 'moved', epc: 'E9', from: 'FLOOR', zone: 'FR2', at: 'x' });
    keys.handle('OUT');
    keys.handle('pay');
    keys.handle('leave');
    later.forEach((run) => run());
    keys.handle('fr2');

    expect(fake.carried).toEqual([
      [['E1', 'E2', 'E3'], 'FR1'],
      [['E1', 'E2', 'E3'], 'FLOOR'],
      [['E1', 'E2', 'E3'], 'CHECKOUT'],
      [['E1', 'E2', 'E3'], 'EXIT'],
      [['E4', 'E5', 'E6'], 'FR2'],
    ]);
    expect(fake.links).toEqual([['FR1', 'M0001']]);
    expect(fake.removed).toEqual(['E1', 'E2', 'E3']);
    expect(printed).toContain('[zone] TEE-01-WH-M #1 moved: FLOOR → FR1');
    keys.handle('rooms');
    expect(printed.slice(-2)).toEqual([
      '  试衣间 1 Fitting room 1: empty',
      '  S001-FIT1: 0 try-on fact(s) waiting for the server',
    ]);
    expect(printed.some((line) => line.includes('E9'))).toBe(false);
    expect(keys.handle('7')).toBe(false);
  });
});
