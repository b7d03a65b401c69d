/**
 * [FR2] [FR3] The fitting-room service pushing to the real sync server, on
 * PGlite and on PostgreSQL (TEST_DATABASE_URL): the demo's fitting-room
 * device (`S001-FIT1`) pushes its closed sessions as `tryOn` facts; the
 * server holds each once ([TO7]); a restarted service pushes nothing again;
 * a fact the server refuses is kept aside with its reason.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSgtin96 } from '@pos/domain';
import {
  createSyncServer,
  DEMO_FITTING_ROOM_SERVICES,
  openPgliteStorage,
  openPostgresStorage,
  seedDemo,
} from '@pos/sync-server';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TagRead } from '../rfid/tag-read';
import { pushTryOnFacts } from './fact-push';
import { createFittingRoomService, type FittingRoomService } from './fitting-room-service';
import { createImmediateZoneEngine } from './test-engine';
import type { ZoneMap } from './zone-types';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const [FIT] = DEMO_FITTING_ROOM_SERVICES;
const MAP: ZoneMap = {
  zones: [
    { id: 'FLOOR', kind: 'sales-floor', name: 'Sales floor' },
    { id: 'FR1', kind: 'fitting-room', name: 'Fitting room 1' },
  ],
  antennas: [
    { reader: 'rfid-zones', antenna: 1, zone: 'FLOOR' },
    { reader: 'rfid-zones', antenna: 2, zone: 'FR1' },
  ],
};
const T0 = Date.parse('2026-01-02T02:00:00.000Z');

type Storage = Awaited<ReturnType<typeof openPgliteStorage>>;
const BACKENDS: {
  name: string;
  skip: boolean;
  open(): Promise<Storage & { drop?(): Promise<void> }>;
}[] = [
  { name: 'PGlite (in memory)', skip: false, open: () => openPgliteStorage('memory://') },
  {
    name: TEST_DATABASE_URL ? 'PostgreSQL' : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL is not set',
    skip: !TEST_DATABASE_URL,
    async open() {
      const schema = `fitting_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const storage = await openPostgresStorage(TEST_DATABASE_URL!, { schema, max: 5 });
      return Object.assign(storage, {
        async drop() {
          const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
          await client.connect();
          try {
            await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          } finally {
            await client.end();
          }
        },
      });
    },
  },
];

const epc = (serial: number) => {
  const made = encodeSgtin96({ gtin: '06901234567892', serial: String(serial) });
  if (!made.ok) throw new Error(made.message);
  return made.epc;
};
const read = (tag: string, antenna: number, ms: number): TagRead => ({
  epc: tag,
  scheme: 'sgtin-96',
  source: 'rfid-zones',
  antenna,
  rssi: -50,
  at: new Date(T0 + ms).toISOString(),
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(
    `the fitting-room service and the sync server on ${backend.name}`,
    () => {
      let dir: string;
      let storage: Storage & { drop?(): Promise<void> };
      let server: ReturnType<typeof createSyncServer>;
      let url: string;
      const services: FittingRoomService[] = [];
      let n = 0;

      beforeEach(async () => {
        dir = mkdtempSync(join(tmpdir(), 'pos-fitting-sync-'));
        n = 0;
        storage = await backend.open();
        await seedDemo(storage);
        server = createSyncServer({
          storage,
          log: () => undefined,
          now: () => new Date(T0 + 600_000),
        });
        url = await server.listen(0, '127.0.0.1');
      });
      afterEach(async () => {
        await Promise.all(services.splice(0).map((s) => s.close()));
        await server.close();
        await storage.close();
        await storage.drop?.();
        rmSync(dir, { recursive: true, force: true });
      });

      const start = () => {
        const service = createFittingRoomService({
          storeId: FIT.storeId,
          deviceId: FIT.deviceId,
          map: MAP,
          engine: createImmediateZoneEngine(MAP),
          sync: { url, token: FIT.token },
          outboxPath: join(dir, 'outbox.jsonl'),
          now: () => new Date(T0 + 600_000),
          newId: () => `T${++n}`,
          tickEveryMs: 0,
        });
        services.push(service);
        return service;
      };
      const readBack = async (id: string) => {
        const res = await fetch(`${url}/facts/${encodeURIComponent(id)}`, {
          headers: { Authorization: `Bearer ${FIT.token}` },
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };

      it('[FR2] [FR3] [TO7] the server holds each session once; a restarted service pushes nothing again', async () => {
        const first = start();
        first.feed(read(epc(1), 2, 0));
        first.feed(read(epc(2), 2, 0));
        expect(first.linkMember('FR1', 'M0001')).toBe(2);
        first.feed(read(epc(1), 1, 90_000));
        first.feed(read(epc(2), 1, 20_000));
        expect(await first.flush()).toMatchObject({ waiting: 0, refused: [], lastError: null });
        const long = await readBack(`${FIT.deviceId}-T1`);
        expect(long).toMatchObject({
          status: 200,
          body: { kind: 'tryOn', epc: epc(1), room: 'FR1', durationMs: 90_000, tryOn: true },
        });
        expect(long.body.memberId).toBe('M0001');
        expect((await readBack(`${FIT.deviceId}-T2`)).body).toMatchObject({ tryOn: false });
        await first.close();

        // Restarted: nothing waits, nothing is pushed; the same fact again is still one fact.
        const again = start();
        expect(again.status().waiting).toBe(0);
        await again.flush();
        expect(again.status().lastPushAt).toBeNull();
        const replay = await pushTryOnFacts({ url, token: FIT.token }, [
          { ...(long.body as object), id: `${FIT.deviceId}-T1` } as never,
        ]);
        expect(replay).toMatchObject({ ok: true, accepted: [`${FIT.deviceId}-T1`] });
      });

      it('[FR3] a fact of another store is refused with the server’s reason, and not stored', async () => {
        const service = start();
        service.feed(read(epc(3), 2, 0));
        service.feed(read(epc(3), 1, 70_000));
        expect((await service.flush()).refused).toEqual([]);
        // Another store's fact under this device: refused with the server's words.
        const foreign = {
          id: `${FIT.deviceId}-01JFOREIGN0000000000000001`,
          storeId: 'S002',
          deviceId: FIT.deviceId,
          epc: epc(4),
          room: 'FR1',
          openedAt: new Date(T0).toISOString(),
          closedAt: new Date(T0 + 1_000).toISOString(),
          durationMs: 1_000,
          tryOn: false,
          closedBy: 'left-room' as const,
        };
        const result = await pushTryOnFacts({ url, token: FIT.token }, [foreign]);
        expect(result).toMatchObject({ ok: true, accepted: [], refused: [{ id: foreign.id }] });
        expect((await readBack(foreign.id)).status).toBe(404);
      });
    },
  );
}
