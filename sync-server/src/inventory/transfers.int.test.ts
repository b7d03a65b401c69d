/**
 * [IV8]-[IV13] Transfers and deliveries through the real server on both
 * backends: HQ drafts a transfer, the sender's device confirms ready and
 * shipped by scan, the receiver's device receives one unit short; stock at
 * both stores and the chain is exact, the discrepancy is an exception, the
 * stores' copies flow down, replays are no-ops. One server per backend.
 */
import {
  stockLevelId,
  storeTransferDocId,
  type StockLevel,
  type StoreTransferDoc,
  type TransferOrder,
  type TransferStepRequest,
} from '@pos/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionAdminToken } from '../auth';
import { EXCEPTIONS_DB, type FactException } from '../ledgers';
import {
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  startTestServer,
  type TestServer,
} from '../test-support';

const SKU = 'SKU-0002';
const OTHER = 'SKU-0003';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`transfers on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    beforeAll(async () => {
      server = await startTestServer(backend, { rateLimit: false, holdSweeper: false });
      admin = (await provisionAdminToken(server.storage, 'hq-inventory')).token;
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

    it('[IV11] [IV12] [TF7] a transfer is readied, shipped and received one short: stock exact, discrepancy recorded, replays no-ops', async () => {
      const before = { s1: await onHand('S001', SKU), s2: await onHand('S002', SKU) };
      const created = await server.request(admin, '/_console/transfers', {
        body: {
          from: 'S002',
          to: 'S001',
          lines: [{ sku: SKU, quantity: 5 }],
          reason: 'low at S001',
        },
      });
      expect(created.status).toBe(201);
      const order = created.body as TransferOrder;
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
        scan('R-3', 'ready', [{ sku: SKU, quantity: 5 }]),
      );
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ready', lines: [{ picked: 5 }] });
      // [TF9] The same step again: a no-op; the same id with other content: 409.
      expect(
        (await step(S002_DEVICE.token, order.id, scan('R-3', 'ready', [{ sku: SKU, quantity: 5 }])))
          .status,
      ).toBe(200);
      expect(
        (await step(S002_DEVICE.token, order.id, scan('R-3', 'ready', [{ sku: SKU, quantity: 4 }])))
          .status,
      ).toBe(409);

      const shipping = scan('S-1', 'shipped', [{ sku: SKU, quantity: 5 }]);
      expect((await step(S002_DEVICE.token, order.id, shipping)).status).toBe(200);
      expect((await step(S002_DEVICE.token, order.id, shipping)).status).toBe(200);
      expect(await onHand('S002', SKU)).toBe(before.s2 - 5);
      expect(await onHand('S001', SKU)).toBe(before.s1);

      const receiving = scan('V-1', 'received', [{ sku: SKU, quantity: 4 }]);
      const received = await step(S001_DEVICE.token, order.id, receiving);
      expect(received.status).toBe(200);
      expect(received.body).toMatchObject({
        status: 'received',
        lines: [{ shipped: 5, received: 4, discrepancy: -1 }],
      });
      expect((await step(S001_DEVICE.token, order.id, receiving)).status).toBe(200);
      expect(await onHand('S001', SKU)).toBe(before.s1 + 4);
      expect(await onHand('S002', SKU)).toBe(before.s2 - 5);

      // [IV12] The short unit is an exception for HQ, once.
      const exceptionId = `transfer-discrepancy:${order.id}:${SKU}`;
      const exception = (await server.storage.getDocs(EXCEPTIONS_DB, [exceptionId], null)).get(
        exceptionId,
      );
      expect(exception?.body as FactException).toMatchObject({
        kind: 'transfer-discrepancy',
        storeId: 'S001',
        details: { shipped: 5, received: 4, discrepancy: -1 },
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
  });
}
