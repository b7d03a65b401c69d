/**
 * [IV1]-[IV15] Inventory through the real server on both backends, one
 * server per backend: the demo's alert leads to a suggestion and a transfer,
 * the sender's device confirms ready and shipped by scan, the receiver's
 * device receives one unit short; stock at both stores and the chain is
 * exact, the discrepancy is an exception, the stores' copies flow down,
 * replays are no-ops. Safety stock by hand, by CSV and from sales; random
 * bodies never fail the server and change nothing.
 */
import fc from 'fast-check';
import {
  demandStats,
  safetyStockFromDemand,
  stockLevelId,
  type ComputeSafetyStockAnswer,
  type SafetyStockList,
  type AlertList,
  type ReplenishmentAnswer,
  storeTransferDocId,
  type StockLevel,
  type StoreTransferDoc,
  type TransferOrder,
  type TransferStepRequest,
} from '@pos/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionAdminToken } from '../auth';
import { EXCEPTIONS_DB, type FactException } from '../ledgers';
import { placeOrder } from '../orders/holds';
import { DEMO_LOW_SKU, seedInventoryDemo } from './demo';
import {
  asPushed,
  BACKENDS,
  demoSale,
  S001_DEVICE,
  S002_DEVICE,
  startTestServer,
  type TestServer,
} from '../test-support';

const SKU = DEMO_LOW_SKU;
const OTHER = 'SKU-0003';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`transfers on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    beforeAll(async () => {
      server = await startTestServer(backend, { rateLimit: false, holdSweeper: false });
      admin = (await provisionAdminToken(server.storage, 'hq-inventory')).token;
      await seedInventoryDemo(server.storage);
    });
    afterAll(async () => {
      await server.close();
    });

    const onHand = async (store: string, sku: string) => {
      const id = stockLevelId(store, sku);
      const row = (await server.storage.getDocs('stock', [id], null)).get(id);
      return (row?.body as StockLevel | undefined)?.onHand ?? 0;
    };
    const step = (
      token: string,
      id: string,
      body: TransferStepRequest,
      key: string = body.stepId,
    ) =>
      server.request(token, `/_transfers/${id}/steps`, {
        body,
        headers: { 'idempotency-key': key },
      });
    const scan = (
      stepId: string,
      s: TransferStepRequest['step'],
      lines: TransferStepRequest['lines'],
    ): TransferStepRequest => ({
      stepId,
      step: s,
      lines,
      staffId: 'E001',
      at: '2026-01-02T03:00:00.000Z',
    });

    it('[IV6] [IV7] [IV11] [IV12] [TF7] an alert, its suggestion, the transfer readied, shipped and received one short: stock exact, discrepancy recorded, replays no-ops', async () => {
      const before = { s1: await onHand('S001', SKU), s2: await onHand('S002', SKU) };
      const chainBefore = before.s1 + before.s2 + (await onHand('S003', SKU));
      const alerts = (await server.request(admin, '/_console/alerts?store=S001')).body as AlertList;
      expect(alerts.alerts).toEqual([
        expect.objectContaining({
          storeId: 'S001',
          sku: SKU,
          onHand: before.s1,
          atp: before.s1 - 4,
        }),
      ]);
      const suggested = (
        await server.request(admin, `/_console/replenishment?store=S001&sku=${SKU}`)
      ).body as ReplenishmentAnswer;
      const [suggestion] = suggested.suggestions;
      // [RN8] need 36 − 16 = 20; S002 spares 23 − 6 = 17; 3 more bought as a pack of 5.
      expect(suggestion).toMatchObject({ sku: SKU, method: 'min-max', need: 20, purchase: 5 });
      expect(suggestion!.transfers).toEqual([
        expect.objectContaining({ fromStore: 'S002', quantity: 17 }),
      ]);
      expect(suggestion!.working.length).toBeGreaterThanOrEqual(3);
      const quantity = suggestion!.transfers[0]!.quantity;
      const created = await server.request(admin, '/_console/transfers', {
        body: { from: 'S002', to: 'S001', lines: [{ sku: SKU, quantity }], reason: 'low at S001' },
      });
      expect(created.status).toBe(201);
      const order = created.body as TransferOrder;
      // [RN8] The draft is inbound: the suggestion needs nothing more.
      const again = (await server.request(admin, `/_console/replenishment?store=S001&sku=${SKU}`))
        .body as ReplenishmentAnswer;
      expect(again.suggestions[0]).toMatchObject({ need: 3, transfers: [], purchase: 5 });
      expect(order).toMatchObject({ status: 'draft', from: 'S002', to: 'S001' });
      expect(order.lines[0]!.name).not.toBe('');

      // [IV13] Both stores' devices list it; the copies flow down to both stores.
      for (const device of [S001_DEVICE, S002_DEVICE]) {
        const list = await server.request(device.token, '/_transfers?status=draft');
        expect((list.body as { transfers: TransferOrder[] }).transfers.map((t) => t.id)).toContain(
          order.id,
        );
      }
      const copyId = storeTransferDocId(order.id, 'S001');
      const copy = await server.request(S001_DEVICE.token, '/storeState/_all_docs', {
        body: { keys: [copyId] },
      });
      expect(JSON.stringify(copy.body)).toContain(copyId);

      // [TF4] The receiver cannot ready the sender's transfer.
      expect((await step(S001_DEVICE.token, order.id, scan('R-0', 'ready', []))).status).toBe(403);
      // [TF5] Out of order: 409 naming the status.
      const early = await step(S002_DEVICE.token, order.id, scan('R-1', 'shipped', []));
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ status: 'draft' });
      // Unknown SKU and negative counts are refused and change nothing.
      const unknown = await step(
        S002_DEVICE.token,
        order.id,
        scan('R-2', 'ready', [{ sku: OTHER, quantity: 1 }]),
      );
      expect(unknown.status).toBe(400);
      const negative = await step(
        S002_DEVICE.token,
        order.id,
        scan('R-2', 'ready', [{ sku: SKU, quantity: -1 }]),
      );
      expect(negative.status).toBe(400);
      // The Idempotency-Key must be the step id.
      expect(
        (await step(S002_DEVICE.token, order.id, scan('R-3', 'ready', []), 'other')).status,
      ).toBe(400);

      const ready = await step(
        S002_DEVICE.token,
        order.id,
        scan('R-3', 'ready', [{ sku: SKU, quantity }]),
      );
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ready', lines: [{ picked: quantity }] });
      // [TF9] The same step again: a no-op; the same id with other content: 409.
      expect(
        (await step(S002_DEVICE.token, order.id, scan('R-3', 'ready', [{ sku: SKU, quantity }])))
          .status,
      ).toBe(200);
      expect(
        (await step(S002_DEVICE.token, order.id, scan('R-3', 'ready', [{ sku: SKU, quantity: 1 }])))
          .status,
      ).toBe(409);

      const shipping = scan('S-1', 'shipped', [{ sku: SKU, quantity }]);
      expect((await step(S002_DEVICE.token, order.id, shipping)).status).toBe(200);
      expect((await step(S002_DEVICE.token, order.id, shipping)).status).toBe(200);
      expect(await onHand('S002', SKU)).toBe(before.s2 - quantity);
      expect(await onHand('S001', SKU)).toBe(before.s1);

      const receiving = scan('V-1', 'received', [{ sku: SKU, quantity: quantity - 1 }]);
      const received = await step(S001_DEVICE.token, order.id, receiving);
      expect(received.status).toBe(200);
      expect(received.body).toMatchObject({
        status: 'received',
        lines: [{ shipped: quantity, received: quantity - 1, discrepancy: -1 }],
      });
      expect((await step(S001_DEVICE.token, order.id, receiving)).status).toBe(200);
      expect(await onHand('S001', SKU)).toBe(before.s1 + quantity - 1);
      expect(await onHand('S002', SKU)).toBe(before.s2 - quantity);
      const chainAfter =
        (await onHand('S001', SKU)) + (await onHand('S002', SKU)) + (await onHand('S003', SKU));
      expect(chainAfter).toBe(chainBefore - 1);
      // The alert is gone: S001 is above its reorder point.
      const after = (await server.request(admin, '/_console/alerts?store=S001')).body as AlertList;
      expect(after.alerts).toEqual([]);

      // [IV12] The short unit is an exception for HQ, once.
      const exceptionId = `transfer-discrepancy:${order.id}:${SKU}`;
      const exception = (await server.storage.getDocs(EXCEPTIONS_DB, [exceptionId], null)).get(
        exceptionId,
      );
      expect(exception?.body as FactException).toMatchObject({
        kind: 'transfer-discrepancy',
        storeId: 'S001',
        details: { shipped: quantity, received: quantity - 1, discrepancy: -1 },
      });
      // The receiver's copy says received.
      const mine = (await server.storage.getDocs('storeState', [copyId], 'S001')).get(copyId);
      expect((mine?.body as StoreTransferDoc).transfer.status).toBe('received');
      // [TF3] A received transfer is not cancelled.
      const cancel = await server.request(admin, `/_console/transfers/${order.id}/cancel`, {
        method: 'POST',
      });
      expect(cancel.status).toBe(409);
    });

    it('[IV9] [IV10] a delivery is received as receipts; a draft is cancelled; bad bodies change nothing', async () => {
      const before = await onHand('S001', OTHER);
      const created = await server.request(admin, '/_console/deliveries', {
        body: {
          supplier: 'Acme',
          to: 'S001',
          lines: [{ sku: OTHER, quantity: 12 }],
          reference: 'PO-1',
        },
      });
      expect(created.status).toBe(201);
      const delivery = created.body as TransferOrder;
      expect(delivery).toMatchObject({ kind: 'delivery', status: 'shipped' });
      const got = await step(
        S001_DEVICE.token,
        delivery.id,
        scan('D-1', 'received', [{ sku: OTHER, quantity: 12 }]),
      );
      expect(got.status).toBe(200);
      expect(await onHand('S001', OTHER)).toBe(before + 12);
      // Another store's device does not see it.
      expect((await step(S002_DEVICE.token, delivery.id, scan('D-2', 'received', []))).status).toBe(
        404,
      );

      const draft = await server.request(admin, '/_console/transfers', {
        body: { from: 'S001', to: 'S002', lines: [{ sku: OTHER, quantity: 1 }], reason: '' },
      });
      const id = (draft.body as TransferOrder).id;
      const cancelled = await server.request(admin, `/_console/transfers/${id}/cancel`, {
        method: 'POST',
      });
      expect(cancelled.body).toMatchObject({ status: 'cancelled' });
      const one = await server.request(admin, `/_console/transfers/${id}`);
      expect(one.body).toMatchObject({ status: 'cancelled' });

      for (const body of [
        { from: 'S001', to: 'S001', lines: [{ sku: OTHER, quantity: 1 }], reason: '' },
        { from: 'S001', to: 'S002', lines: [{ sku: 'NOPE-1', quantity: 1 }], reason: '' },
        { from: 'S001', to: 'S009', lines: [{ sku: OTHER, quantity: 1 }], reason: '' },
        { from: 'S001', to: 'S002', lines: [], reason: '' },
        [1, 2],
      ]) {
        expect((await server.request(admin, '/_console/transfers', { body })).status).toBe(400);
      }
      const list = await server.request(admin, '/_console/transfers?store=S001');
      expect((list.body as { transfers: TransferOrder[] }).transfers.length).toBe(3);
    });

    const rowOf = async (store: string, sku: string) =>
      (
        (await server.request(admin, `/_console/safety-stock?store=${store}&sku=${sku}`))
          .body as SafetyStockList
      ).rows[0];

    it('[IV1] [IV3] [IV4] safety stock by hand and by CSV: every row or none, each bad line named', async () => {
      const row = {
        storeId: 'S001',
        sku: 'SKU-0003',
        safetyStock: 2,
        reorderPoint: 6,
        maxStock: 20,
        leadTimeDays: 4,
        packSize: 6,
      };
      const put = await server.request(admin, '/_console/safety-stock', {
        method: 'PUT',
        body: { rows: [row] },
      });
      expect(put.status).toBe(200);
      expect(await rowOf('S001', 'SKU-0003')).toMatchObject({
        ...row,
        source: 'manual',
        updatedBy: 'hq-inventory',
      });
      const bad = await server.request(admin, '/_console/safety-stock', {
        method: 'PUT',
        body: {
          rows: [
            { ...row, safetyStock: 5 },
            { ...row, sku: 'SKU-0004', reorderPoint: 1 },
          ],
        },
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({
        ok: false,
        problems: [expect.objectContaining({ line: 2 })],
      });
      expect((await rowOf('S001', 'SKU-0003'))!.safetyStock).toBe(2);

      const csv =
        'store,sku,safety_stock,reorder_point,max_stock\r\nS001,SKU-0003,3,7,\r\nS002,SKU-0004,1,2,10\r\n';
      const imported = await server.request(admin, '/_console/safety-stock/import', {
        body: csv,
        headers: { 'content-type': 'text/csv' },
      });
      expect(imported.body).toEqual({ ok: true, rows: 2 });
      expect(await rowOf('S001', 'SKU-0003')).toMatchObject({
        safetyStock: 3,
        maxStock: null,
        leadTimeDays: 7,
        packSize: 1,
        source: 'import',
      });
      const refused = await server.request(admin, '/_console/safety-stock/import', {
        body: 'S001,SKU-0003,5,9\nS001,NOPE,1,1\nS009,SKU-0003,x,1\n',
        headers: { 'content-type': 'text/csv' },
      });
      expect(refused.status).toBe(400);
      const lines = (refused.body as { problems: { line: number }[] }).problems.map((p) => p.line);
      expect([...new Set(lines)]).toEqual([2, 3]);
      expect((await rowOf('S001', 'SKU-0003'))!.safetyStock).toBe(3);
      // [IV2] A store that does not exist is 404.
      expect((await server.request(admin, '/_console/alerts?store=S009')).status).toBe(404);
    });

    it("[IV5] safety stock from the window's sales: previewed, then applied", async () => {
      const sales = [
        { ...demoSale(S001_DEVICE, 901, [['SKU-0005', 4]]), soldAt: '2025-12-30T03:00:00.000Z' },
        { ...demoSale(S001_DEVICE, 902, [['SKU-0005', 4]]), soldAt: '2025-12-31T03:00:00.000Z' },
      ];
      const pushed = await server.request(S001_DEVICE.token, '/saleFacts/_bulk_docs', {
        body: { docs: sales.map((sale) => asPushed(sale)) },
      });
      expect(pushed.status).toBe(201);
      const ask = {
        store: 'S001',
        skus: ['SKU-0005'],
        windowDays: 7,
        serviceLevelBp: 9500,
        apply: false,
      };
      const expected = safetyStockFromDemand({
        stats: demandStats([4, 4], 7),
        serviceLevelBp: 9500,
        leadTimeDays: 7,
      });
      const preview = (await server.request(admin, '/_console/safety-stock/compute', { body: ask }))
        .body as ComputeSafetyStockAnswer;
      expect(preview).toEqual({
        applied: false,
        rows: [
          {
            storeId: 'S001',
            sku: 'SKU-0005',
            safetyStock: expected.safetyStock,
            reorderPoint: expected.reorderPoint,
            working: expected.working,
          },
        ],
      });
      expect(await rowOf('S001', 'SKU-0005')).toBeUndefined();
      const applied = await server.request(admin, '/_console/safety-stock/compute', {
        body: { ...ask, apply: true },
      });
      expect(applied.body).toMatchObject({ applied: true });
      expect(await rowOf('S001', 'SKU-0005')).toMatchObject({
        safetyStock: expected.safetyStock,
        source: 'demand',
      });
    });

    it('[IV2] [IV11] random bodies never fail the server and change nothing', async () => {
      const footprint = async () =>
        JSON.stringify(
          await server.storage.reportQuery(
            `SELECT (SELECT count(*) FROM safety_stock) AS rows,
                    (SELECT count(*) FROM docs WHERE db = '_transfers') AS transfers,
                    (SELECT max(seq) FROM docs) AS seq`,
            [],
          ),
        );
      const sane = (res: { status: number; body: unknown }) => {
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400)
          expect(res.body).toMatchObject({ error: expect.any(String), reason: expect.any(String) });
      };
      const lines = fc.array(
        fc.record(
          {
            sku: fc.oneof(fc.constantFrom(SKU, OTHER), fc.string()),
            quantity: fc.oneof(fc.integer(), fc.double(), fc.string()),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      );
      const body = fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            from: fc.constantFrom('S001', 'S002', 'S001', 7),
            to: fc.constantFrom('S001', 'S002', ''),
            supplier: fc.string(),
            reason: fc.oneof(fc.string(), fc.integer()),
            lines: fc.oneof(lines, fc.jsonValue()),
            rows: fc.array(
              fc.record(
                {
                  storeId: fc.constantFrom('S001', 'S9'),
                  sku: fc.constantFrom(SKU, 'x'),
                  safetyStock: fc.integer({ min: -2, max: 30 }),
                  reorderPoint: fc.integer({ min: -2, max: 30 }),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 2 },
            ),
            stepId: fc.string(),
            step: fc.constantFrom('ready', 'shipped', 'received', 'x'),
            staffId: fc.string(),
            at: fc.constantFrom('2026-01-02T03:00:00.000Z', 'yesterday'),
            windowDays: fc.integer({ min: -5, max: 400 }),
            serviceLevelBp: fc.integer({ min: 0, max: 12_000 }),
            apply: fc.constant(false),
          },
          { requiredKeys: [] },
        ),
      );
      const draft = (
        await server.request(admin, '/_console/transfers', {
          body: { from: 'S002', to: 'S001', lines: [{ sku: OTHER, quantity: 2 }], reason: 'fuzz' },
        })
      ).body as TransferOrder;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(0, 1, 2, 3, 4),
          body,
          fc.string(),
          async (target, b, csv) => {
            const before = await footprint();
            const res =
              target === 0
                ? await server.request(admin, '/_console/transfers', { body: b })
                : target === 1
                  ? await server.request(admin, '/_console/deliveries', { body: b })
                  : target === 2
                    ? await server.request(admin, '/_console/safety-stock', {
                        method: 'PUT',
                        body: b,
                      })
                    : target === 3
                      ? await server.request(admin, '/_console/safety-stock/import', {
                          body: csv,
                          headers: { 'content-type': 'text/csv' },
                        })
                      : await step(
                          S002_DEVICE.token,
                          draft.id,
                          b as TransferStepRequest,
                          String((b as { stepId?: unknown } | null)?.stepId ?? 'k'),
                        );
            sane(res);
            if (res.status >= 400) expect(await footprint()).toBe(before);
          },
        ),
        { numRuns: 40 },
      );
    });

    it("[IV14] a pickup hold keeps back the store's own safety stock", async () => {
      const sku = 'SKU-0008';
      const stock = await onHand('S001', sku);
      const row = {
        storeId: 'S001',
        sku,
        safetyStock: stock - 4,
        reorderPoint: stock - 4,
        maxStock: null,
        leadTimeDays: 3,
        packSize: 1,
      };
      expect(
        (
          await server.request(admin, '/_console/safety-stock', {
            method: 'PUT',
            body: { rows: [row] },
          })
        ).status,
      ).toBe(200);
      const order = (key: string, quantity: number) =>
        placeOrder(
          server.storage,
          {
            idempotencyKey: key,
            channel: 'shop',
            customer: { memberId: 'M0001' },
            lines: [
              {
                lineId: 'L1',
                sku,
                quantity,
                unitPrice: 1000,
                net: 1000 * quantity,
                fulfilment: { mode: 'pickup', storeId: 'S001' },
              },
            ],
            total: 1000 * quantity,
          },
          '2026-01-02T03:00:00.000Z',
        );
      const short = await order('ss-1', 5);
      expect(short).toMatchObject({ ok: false, code: 'OUT_OF_STOCK', lines: [{ available: 4 }] });
      expect(await order('ss-2', 4)).toMatchObject({ ok: true });
    });
  });
}
