/**
 * The fitting-room service on the real zone engine and a simulated shop
 * floor (S001's demo floor): a shopper takes garments into fitting room 1,
 * three stay long enough, and a garment hanging in room 2 by the wall, read
 * now and then through it by room 1's antenna, never makes a session in
 * room 1. Time is the floor's own clock: one inventory round every 500 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSgtin96, type TryOnFact, type ZoneEvent } from '@pos/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TagFloor } from '../simulators/tag-floor';
import { DEMO_FLOOR, DEMO_ZONE_MAP, DEMO_ZONE_READER, inRoom, nearWall } from './demo-floor';
import { createFittingRoomService, type FittingRoomService } from './fitting-room-service';
import { tryOnDoc } from './fact-push';

const T0 = Date.parse('2026-12-07T06:00:00.000Z');
const ROUND_MS = 500;

function epc(serial: number): string {
  const made = encodeSgtin96({ gtin: '06901234567892', serial: String(serial) });
  if (!made.ok) throw new Error(made.message);
  return made.epc;
}

describe('the fitting-room service on the demo floor', () => {
  let dir: string;
  let service: FittingRoomService;
  let clock: number;
  let pushed: TryOnFact[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-fitting-floor-'));
    clock = T0;
    pushed = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      const { docs } = JSON.parse(init.body as string) as { docs: Record<string, unknown>[] };
      for (const { _id, kind: _, ...body } of docs) pushed.push({ id: _id, ...body } as TryOnFact);
      return Response.json(
        docs.map((d) => ({ ok: true, id: d._id, rev: '1-a' })),
        { status: 201 },
      );
    }) as unknown as typeof globalThis.fetch;
    service = createFittingRoomService({
      storeId: 'S001',
      deviceId: 'S001-FR',
      map: DEMO_ZONE_MAP,
      sync: { url: 'http://sync.test', token: 'fitting-room-token', fetch },
      outboxPath: join(dir, 'outbox.jsonl'),
      now: () => new Date(clock),
      tickEveryMs: 0,
    });
  });
  afterEach(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Inventory rounds of the zone reader for `ms` of floor time, fed to the service as raw reads. */
  const run = (floor: TagFloor, ms: number) => {
    for (let end = clock + ms; clock < end; clock += ROUND_MS) {
      for (const tag of floor.readsFor(DEMO_ZONE_READER)) {
        service.feed({
          epc: tag.epc,
          scheme: 'sgtin-96',
          source: DEMO_ZONE_READER,
          ...(tag.antenna !== undefined ? { antenna: tag.antenna } : {}),
          ...(tag.rssi !== undefined ? { rssi: tag.rssi } : {}),
          at: new Date(clock).toISOString(),
        });
      }
      service.tick();
    }
  };

  it('[FR1] [TO3] [TO5] three garments tried on in room 1; the stray read through the wall is not', async () => {
    const floor = new TagFloor({ seed: 17, ...DEMO_FLOOR });
    const garments = [epc(1), epc(2), epc(3), epc(4)];
    const stray = epc(9);
    garments.forEach((g, i) => floor.place(g, inRoom('FLOOR', 9 + i).x, inRoom('FLOOR', 9 + i).y));
    floor.place(stray, nearWall('FR2').x, nearWall('FR2').y);
    const events: ZoneEvent[] = [];
    service.onZoneEvent((e) => events.push(e));
    run(floor, 20_000);

    // Into room 1 with four garments; one goes back to the floor within seconds.
    garments.forEach((g, i) => floor.move(g, inRoom('FR1', i * 9).x, inRoom('FR1', i * 9).y));
    run(floor, 15_000);
    floor.move(garments[3]!, inRoom('FLOOR', 20).x, inRoom('FLOOR', 20).y);
    run(floor, 90_000);
    expect(
      service
        .rooms()
        .find((r) => r.room.id === 'FR1')!
        .sessions.map((s) => s.epc)
        .sort(),
    ).toEqual(garments.slice(0, 3).sort());
    // Out again.
    garments.slice(0, 3).forEach((g, i) => {
      floor.move(g, inRoom('FLOOR', 30 + i).x, inRoom('FLOOR', 30 + i).y);
    });
    run(floor, 30_000);
    await service.flush();

    const room1 = pushed.filter((f) => f.room === 'FR1');
    expect(
      room1
        .filter((f) => f.tryOn)
        .map((f) => f.epc)
        .sort(),
    ).toEqual(garments.slice(0, 3).sort());
    expect(room1.filter((f) => !f.tryOn).map((f) => f.epc)).toEqual([garments[3]]);
    expect(pushed.some((f) => f.epc === stray && f.room === 'FR1')).toBe(false);
    expect(events.some((e) => e.epc === stray && e.zone === 'FR1')).toBe(false);
    for (const fact of pushed) {
      expect(tryOnDoc(fact)).toMatchObject({ kind: 'tryOn', gtin: '06901234567892' });
    }
    expect(service.status()).toMatchObject({ waiting: 0, lastError: null });
  });
});
