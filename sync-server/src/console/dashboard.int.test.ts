/**
 * [RM1]-[RM12] The dashboards over real HTTP on each storage backend: a
 * till's pushed sale reaches the sales dashboard through the rollup worker
 * (waited for, never slept for), returns lower the figures, replays change
 * nothing, a restarted server resumes from the checkpoint; orders count once
 * whatever their history; devices report their sync health.
 */
import fc from 'fast-check';
import {
  planReturn,
  toFact,
  type BopisDashboard,
  type ClerksDashboard,
  type CommissionEntry,
  type DevicesDashboard,
  type ExceptionsDashboard,
  type Order,
  type ReturnFact,
  type SaleFact,
  type SalesDashboard,
} from '@pos/domain';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { provisionAdminToken } from '../auth';
import { COMMISSION_ENTRIES_DB } from '../clerk/ledger';
import { seedDemo } from '../demo-data';
import { createSyncServer } from '../server';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS, S001_DEVICE, S002_DEVICE, demoSale, requestAs } from '../test-support';
import type { ConsoleRequest } from './context';
import { storesOf } from './dashboard-routes';

const NOW = new Date('2026-01-02T03:04:05.000Z');
const DAY = '?from=2026-01-01T16:00:00Z&to=2026-01-02T16:00:00Z';

function wire(doc: object): Record<string, unknown> {
  const { id, ...rest } = doc as { id: string };
  return { _id: id, ...rest };
}

function returnOf(sale: SaleFact, n: number): ReturnFact {
  const line = sale.lines[0]!;
  const planned = planReturn(sale, [], [{ lineId: line.lineId, quantity: 1 }], {
    id: `${sale.deviceId}-R${n}`,
    storeId: sale.storeId,
    deviceId: sale.deviceId,
    now: NOW.toISOString(),
  });
  if (!planned.ok) throw new Error(planned.message);
  return planned.ret;
}

function pickupOrder(status: Order['status'], more: Partial<Order> = {}): Order {
  return {
    id: 'ORD-RM-1',
    channel: 'shop',
    customer: { memberId: 'M-1' },
    lines: [
      {
        lineId: 'l1',
        sku: 'SKU-0001',
        quantity: 1,
        unitPrice: 250,
        net: 250,
        pickedUp: 0,
        fulfilment: { mode: 'pickup', storeId: 'S002' },
      },
    ],
    total: 250,
    status,
    placedAt: '2026-01-02T01:00:00.000Z',
    pickups: [],
    factIds: ['placed-1'],
    ...more,
  };
}

const entry = (n: number, sales: number, commission: number): CommissionEntry => ({
  id: `sale:RM${n}:l1:sale:E1`,
  staffId: 'E1',
  source: `sale:RM${n}`,
  lineId: 'l1',
  sku: 'SKU-0001',
  reason: 'sale',
  event: `RM${n}`,
  sales,
  commission,
  rate: 300,
  ruleId: null,
  attributionStoreId: 'S001',
  fulfilmentStoreId: 'S001',
  at: NOW.toISOString(),
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`the dashboards on ${backend.name}`, () => {
    let storage: SyncStorage;
    let server: ReturnType<typeof createSyncServer>;
    let url: string;
    let admin: string;
    const start = async () => {
      server = createSyncServer({
        storage,
        now: () => NOW,
        log: () => {},
        rateLimit: false,
        holdSweeper: false,
        rollups: { intervalMs: 60_000 },
      });
      url = await server.listen(0, '127.0.0.1');
    };
    beforeAll(async () => {
      storage = await backend.open();
      await seedDemo(storage);
      admin = (await provisionAdminToken(storage, 'hq-dashboards')).token;
      await start();
    });
    afterAll(async () => {
      await server.close();
      await storage.close();
    });

    const get = async <T>(path: string) => {
      const answer = await requestAs(url, admin, `/_console/dashboard/${path}`);
      return answer as { status: number; body: T };
    };
    const sales = async (store = 'S001') =>
      (await get<SalesDashboard>(`sales${DAY}&store=${store}`)).body;
    /** Polls the dashboard until `check` passes: the worker applies facts as they commit. */
    const until = async (check: () => Promise<void>) =>
      vi.waitFor(check, { timeout: 8000, interval: 25 });
    const push = async (
      token: string,
      db: string,
      docs: object[],
      headers: Record<string, string> = {},
    ) => requestAs(url, token, `/${db}/_bulk_docs`, { body: { docs: docs.map(wire) }, headers });

    it('[RM1] [RM2] [RM7] a pushed sale shows within moments, exact; a return lowers it; a replay changes nothing', async () => {
      const before = await sales();
      expect(before.totals).toEqual({ sales: 0, returns: 0, netFen: 0, units: 0 });
      const sale = demoSale(S001_DEVICE, 1, [
        ['SKU-0001', 2],
        ['SKU-0002', 1],
      ]);
      const paid = sale.lines.reduce((sum, l) => sum + l.paid, 0);
      expect((await push(S001_DEVICE.token, 'facts', [toFact('sale', sale)])).status).toBe(201);
      await until(async () => {
        const now = await sales();
        expect(now.totals).toEqual({ sales: 1, returns: 0, netFen: paid, units: 3 });
      });
      const after = await sales();
      expect(after.rows).toEqual([
        {
          storeId: 'S001',
          channel: 'store',
          bucket: '2026-01-02T03:00:00.000Z',
          sales: 1,
          returns: 0,
          netFen: paid,
          units: 3,
        },
      ]);
      expect(after.byStore).toEqual([{ storeId: 'S001', sales: 1, netFen: paid }]);
      expect(after.freshness).toMatchObject({ behind: 0, at: NOW.toISOString() });
      expect(after.freshness.appliedThrough).not.toBeNull();

      const ret = returnOf(sale, 1);
      expect((await push(S001_DEVICE.token, 'returns', [ret])).status).toBe(201);
      await until(async () => {
        expect((await sales()).totals).toEqual({
          sales: 1,
          returns: 1,
          netFen: paid - ret.refund,
          units: 2,
        });
      });
      // A replay of both is stored once and counted once.
      await push(S001_DEVICE.token, 'saleFacts', [sale]);
      await push(S001_DEVICE.token, 'returns', [ret]);
      const other = demoSale(S002_DEVICE, 2, [['SKU-0001', 1]]);
      await push(S002_DEVICE.token, 'saleFacts', [other]);
      await until(async () => expect((await sales('S002')).totals.sales).toBe(1));
      expect((await sales()).totals).toEqual({
        sales: 1,
        returns: 1,
        netFen: paid - ret.refund,
        units: 2,
      });
      // By day, all stores: the same figures in one row per store and channel.
      const days = (
        await get<SalesDashboard>('sales?from=2025-12-01T00:00:00Z&to=2026-02-01T00:00:00Z')
      ).body;
      expect(days.rows.map((r) => [r.storeId, r.bucket, r.sales])).toEqual([
        ['S001', '2026-01-01T16:00:00.000Z', 1],
        ['S002', '2026-01-01T16:00:00.000Z', 1],
      ]);
      // [RM12] Summed over the stores for a chain's chart; byStore still per store.
      const chain = (await get<SalesDashboard>(`sales${DAY}&group=chain`)).body;
      expect(chain.rows).toEqual([
        expect.objectContaining({ storeId: '*', channel: 'store', sales: 2, returns: 1 }),
      ]);
      expect(chain.byStore.map((s) => [s.storeId, s.sales])).toEqual([
        ['S001', 1],
        ['S002', 1],
      ]);
      expect(chain.totals).toEqual({
        sales: 2,
        returns: 1,
        netFen: days.totals.netFen,
        units: days.totals.units,
      });
    });

    it('[RM1] a restarted server resumes from its checkpoint: nothing counted twice', async () => {
      const totals = (await sales()).totals;
      await server.close();
      await start();
      const sale = demoSale(S001_DEVICE, 3, [['SKU-0001', 1]]);
      await push(S001_DEVICE.token, 'facts', [toFact('sale', sale)]);
      await until(async () => expect((await sales()).totals.sales).toBe(totals.sales + 1));
      expect((await sales()).totals.netFen).toBe(totals.netFen + sale.lines[0]!.paid);
    });

    it('[RM3] [RM4] [RM5] clerks add up their entries; an order counts once, as its latest version', async () => {
      const put = async (db: string, id: string, body: object, storeId: string | null) =>
        storage.transaction(async (tx) => {
          const rev = (await tx.getDocs(db as never, [id])).get(id)?.rev ?? null;
          return tx.put({
            db: db as never,
            id,
            body: body as never,
            storeId,
            expectedRev: rev,
          });
        });
      await put(COMMISSION_ENTRIES_DB, entry(1, 1000, 30).id, entry(1, 1000, 30), null);
      await put(COMMISSION_ENTRIES_DB, entry(2, 500, 15).id, entry(2, 500, 15), null);
      await until(async () => {
        const clerks = (await get<ClerksDashboard>(`clerks${DAY}`)).body;
        expect(clerks.rows).toEqual([
          {
            storeId: 'S001',
            staffId: 'E1',
            staffName: expect.any(String),
            lines: 2,
            creditedNetFen: 1500,
            commissionFen: 45,
          },
        ]);
      });

      await put(
        '_orders',
        'ORD-RM-1',
        pickupOrder('paid', { paidAt: '2026-01-02T01:05:00.000Z' }),
        null,
      );
      await until(async () => {
        const bopis = (await get<BopisDashboard>(`bopis${DAY}`)).body;
        expect(bopis.rows).toEqual([
          expect.objectContaining({
            storeId: 'S002',
            orders: 1,
            holdsOpen: 1,
            ready: 0,
            readyMinutesP50: null,
          }),
        ]);
      });
      await put(
        '_orders',
        'ORD-RM-1',
        pickupOrder('picked-up', {
          paidAt: '2026-01-02T01:05:00.000Z',
          readyAt: '2026-01-02T01:35:00.000Z',
          pickupDeadline: '2026-01-04T01:05:00.000Z',
          pickups: [{ factId: 'p1', lineId: 'l1', quantity: 1, at: '2026-01-02T02:00:00.000Z' }],
        }),
        null,
      );
      await until(async () => {
        const bopis = (await get<BopisDashboard>(`bopis${DAY}`)).body;
        expect(bopis.rows).toEqual([
          {
            storeId: 'S002',
            orders: 1,
            holdsOpen: 0,
            ready: 1,
            readyMinutesP50: 30,
            readyMinutesP90: 30,
            pickedUp: 1,
            pickedUpOnTime: 1,
            noShows: 0,
          },
        ]);
      });
    });

    it('[RM8] [RM9] a device reports its version and facts waiting; a refused document is an error', async () => {
      const bad = { ...demoSale(S001_DEVICE, 9, [['SKU-0001', 1]]), storeId: 'S002' };
      await push(S001_DEVICE.token, 'saleFacts', [bad], {
        'x-pos-app-version': '2.3.1',
        'x-pos-facts-waiting': '4',
      });
      await until(async () => {
        const devices = (await get<DevicesDashboard>('devices')).body;
        const row = devices.rows.find((r) => r.deviceId === S001_DEVICE.deviceId);
        expect(row).toMatchObject({
          storeId: 'S001',
          appVersion: '2.3.1',
          factsWaiting: 4,
          lastPushAt: NOW.toISOString(),
          status: 'ok',
        });
        expect(row!.errors24h).toBeGreaterThanOrEqual(1);
        expect(row!.lastError).toContain(bad.id);
      });
      const scoped = (await get<DevicesDashboard>('devices?store=S002')).body;
      expect(scoped.rows.every((r) => r.storeId === 'S002')).toBe(true);
    });

    it('[RM5] [RM12] exceptions are counted by kind and store; try-ons answer for the range', async () => {
      await storage.transaction((tx) =>
        tx.put({
          db: '_exceptions' as never,
          id: 'overdraw:S001-POS1-X:SKU-0001',
          body: {
            id: 'overdraw:S001-POS1-X:SKU-0001',
            kind: 'overdraw',
            factDb: 'saleFacts',
            factId: 'S001-POS1-X',
            storeId: 'S001',
            details: {},
            receivedAt: NOW.toISOString(),
          },
          storeId: 'S001',
          expectedRev: null,
        }),
      );
      await until(async () => {
        const exceptions = await get<ExceptionsDashboard>(`exceptions${DAY}`);
        expect(exceptions.status).toBe(200);
        expect(exceptions.body.rows).toContainEqual({
          kind: 'overdraw',
          storeId: 'S001',
          open: 1,
          resolved: 0,
        });
      });
      const other = await get<ExceptionsDashboard>(`exceptions${DAY}&store=S002`);
      expect(other.body.rows.filter((r) => r.kind === 'overdraw')).toEqual([]);
      expect((await get<unknown>(`tryons${DAY}&store=S001`)).status).toBe(200);
    });

    it('[RM10] [RM11] bad queries are 400 with a reason, unknown dashboards 404, never a 500', async () => {
      for (const path of [
        'sales',
        'sales?from=2026-01-02&to=2026-01-01',
        'sales?from=2024-01-01&to=2026-01-01',
        'sales?from=nope&to=2026-01-01',
        `sales${DAY}&bucket=week`,
        `sales${DAY}&group=region`,
        `sales${DAY}&channel=${encodeURIComponent('DROP TABLE')}`,
        'bopis?from=2026-13-01&to=2026-14-01',
      ]) {
        const answer = await get<{ error: string; reason: string }>(path);
        expect(answer.status, path).toBe(400);
        expect(answer.body.reason, path).toBeTruthy();
      }
      expect((await get<unknown>('weather')).status).toBe(404);
      expect((await requestAs(url, null, '/_console/dashboard/sales')).status).toBe(401);
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            name: fc.constantFrom('sales', 'bopis', 'clerks', 'devices', 'exceptions', 'tryons'),
            from: fc.oneof(
              fc.string({ maxLength: 30 }),
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            ),
            to: fc.oneof(
              fc.string({ maxLength: 30 }),
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            ),
            store: fc.option(fc.string({ maxLength: 12 })),
            bucket: fc.option(fc.string({ maxLength: 6 })),
          }),
          async ({ name, from, to, store, bucket }) => {
            const q = new URLSearchParams({ from, to });
            if (store !== null) q.set('store', store);
            if (bucket !== null) q.set('bucket', bucket);
            const answer = await get<unknown>(`${name}?${q}`);
            expect([200, 400, 404]).toContain(answer.status);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}

describe('the stores a dashboard covers', () => {
  const request = (stores: 'all' | string[], store: string | null) =>
    ({
      session: { stores },
      query: new URLSearchParams(store === null ? {} : { store }),
    }) as unknown as ConsoleRequest;

  it('[RM10] a store the session may not see is 404, never 403; no store means the session’s', () => {
    expect(storesOf(request('all', null))).toBeNull();
    expect(storesOf(request('all', 'S009'))).toEqual(['S009']);
    expect(storesOf(request(['S001', 'S002'], null))).toEqual(['S001', 'S002']);
    expect(storesOf(request(['S001'], 'S001'))).toEqual(['S001']);
    expect(() => storesOf(request(['S001'], 'S002'))).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });
});
