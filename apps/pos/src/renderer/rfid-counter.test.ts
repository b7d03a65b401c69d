import { describe, expect, it } from 'vitest';
import { done, initialTillState, refuse, type TillState } from '@pos/app-core';
import { staffFixture } from '@pos/domain/fixtures';
import type { ReturnDraft, SaleFact } from '@pos/domain';
import {
  counterReaderOf,
  onSaleScreen,
  refusedAfter,
  rfidWords,
  withReturnedEpcs,
} from './rfid-counter';

const rfid = (id: string) => ({ id, kind: 'rfid' as const, state: 'ready' as const });
const printer = { id: 'printer-1', kind: 'printer' as const, state: 'ready' as const };

describe('RFID checkout on the till screen', () => {
  it('[TL8] the counter reader is the configured one, else the hub’s only reader while no zone engine is seen', () => {
    expect(counterReaderOf('counter#1', [rfid('a'), rfid('b')], true)).toBe('counter#1');
    expect(counterReaderOf(undefined, [printer, rfid('a')], false)).toBe('a');
    expect(counterReaderOf(undefined, [rfid('a')], true)).toBeUndefined();
    expect(counterReaderOf(undefined, [rfid('a'), rfid('b')], false)).toBeUndefined();
    expect(counterReaderOf(undefined, [printer], false)).toBeUndefined();
  });

  it('[TL8] tags ring up a sale only on the sale screen', () => {
    const selling: TillState = {
      ...initialTillState('CNY'),
      staff: staffFixture(),
      shift: { id: 'SH1' } as TillState['shift'],
    };
    const ui = { paying: false, deskOpen: false };
    expect(onSaleScreen(selling, ui)).toBe(true);
    expect(onSaleScreen({ ...selling, staff: null }, ui)).toBe(false);
    expect(onSaleScreen({ ...selling, shift: null }, ui)).toBe(false);
    expect(onSaleScreen(selling, { ...ui, paying: true })).toBe(false);
    expect(onSaleScreen(selling, { ...ui, deskOpen: true })).toBe(false);
    expect(onSaleScreen({ ...selling, parcel: {} as TillState['parcel'] }, ui)).toBe(false);
    expect(onSaleScreen({ ...selling, returning: {} as TillState['returning'] }, ui)).toBe(false);
  });

  it('[TL9] lists each tag refused with a word once, never a tag already in the cart, in zh-CN and en', () => {
    const sold = '3035A5680800008000000007';
    const outcome = done(
      {
        added: [],
        ignored: 0,
        refused: [
          { epc: sold, reason: 'sold-at-store' as const, message: '', name: 'T恤 白 M' },
          { epc: 'AA', reason: 'in-cart' as const, message: '' },
        ],
      },
      [{ tone: 'error' as const, text: '', code: 'RFID_SOLD', params: { items: '', epcs: sold } }],
    );
    const once = refusedAfter([], outcome);
    expect(once).toEqual([{ epc: sold, code: 'RFID_SOLD', item: 'T恤 白 M #7' }]);
    expect(refusedAfter(once, outcome)).toEqual(once);
    expect(refusedAfter(once, refuse('FAILED', 'x'))).toEqual(once);
    expect(rfidWords('zh-CN', 'RFID_SOLD')).toBe('已售出');
    expect(rfidWords('en', 'RFID_SOLD')).toBe('Already sold');
  });

  it('[TL10] [RC6] a return names the tags read at the counter that the line sold, at most its units; a whole line names none', () => {
    const line = (lineId: string, quantity: number, epcs?: string[]) =>
      ({ lineId, quantity, ...(epcs ? { epcs } : {}) }) as SaleFact['lines'][number];
    const draft: ReturnDraft = {
      sale: { lines: [line('L1', 3, ['A', 'B', 'C']), line('L2', 2)] } as SaleFact,
      previous: [
        { lines: [{ lineId: 'L1', quantity: 1, epcs: ['A'] }] },
      ] as ReturnDraft['previous'],
    };
    const read = new Set(['A', 'C', 'B', 'Z']);
    expect(withReturnedEpcs(draft, [{ lineId: 'L1', quantity: 1 }], read)).toEqual([
      { lineId: 'L1', quantity: 1, epcs: ['B'] },
    ]);
    expect(withReturnedEpcs(draft, [{ lineId: 'L1', quantity: 2 }], read)).toEqual([
      { lineId: 'L1', quantity: 2 },
    ]);
    expect(withReturnedEpcs(draft, [{ lineId: 'L2', quantity: 1 }], read)).toEqual([
      { lineId: 'L2', quantity: 1 },
    ]);
    expect(withReturnedEpcs(draft, [{ lineId: 'L1', quantity: 1 }], new Set())).toEqual([
      { lineId: 'L1', quantity: 1 },
    ]);
  });
});
