/**
 * Orders at the store over real HTTP on each storage backend: orders flow
 * down to their stores' devices, and the hand-overs, till payments and
 * returns the devices push are applied exactly once, with stock exact.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { heldUnitsId, storeOrderId, type StoreOrder } from '@pos/domain';
import { provisionDeviceToken } from '../auth';
import { PICKUP_CODES_DB } from '../payments/notify';
import type { SimulatedPaymentProvider } from '../payments/provider';
import {
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  startTestServer,
  type TestServer,
} from '../test-support';
import { REFUNDS_DB, settleRefunds, type RefundRecord } from './refunds';
import { storeAtp } from './store-orders';
import {
  factExceptions,
  level,
  orderPaymentFact,
  orderReturnFact,
  payThrough,
  pickupFact,
  placePickup,
  pushFacts,
  readOrder,
  SERVER_NOW,
  testProvider,
} from './store.fixture';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`orders at the store on ${backend.name}`, () => {
    let server: TestServer;
    let provider: SimulatedPaymentProvider;
    beforeEach(async () => {
      // The sweeps are run by hand here, so refunds are settled by the test's provider.
      server = await startTestServer(backend, { holdSweeper: false });
      provider = testProvider();
    });
    afterEach(async () => {
      await server.close();
    });

    const push = (token: string, docs: object[]) => pushFacts(server, token, docs);
    const exceptions = () => factExceptions(server.storage);
    const paidOrder = async (key: string) => {
      const placed = await placePickup(server.storage, key);
      return (await payThrough(server.storage, provider, placed)).order;
    };

    it('[OC3] [OS2] [ATP3] a placed order holds units and flows down to its store only', async () => {
      const before = await level(server.storage, 'S001', 'SKU-0001');
      const atpBefore = await storeAtp(server.storage, 'S001', 'SKU-0001');
      const order = await placePickup(server.storage, 'k-down');
      expect(await level(server.storage, 'S001', 'SKU-0001')).toEqual({
        onHand: before.onHand,
        held: 2,
      });
      expect(await storeAtp(server.storage, 'S001', 'SKU-0001')).toBe(atpBefore - 2);

      const id = storeOrderId(order.id, 'S001');
      const changes = async (token: string) =>
        (
          (await server.request(token, '/storeState/_changes?include_docs=true')).body as {
            results: { id: string; doc: StoreOrder & { _id: string } }[];
          }
        ).results;
      const s1 = await changes(S001_DEVICE.token);
      expect(s1.map((r) => r.id)).toContain(id);
      expect(s1.find((r) => r.id === id)!.doc).toMatchObject({
        kind: 'order',
        storeId: 'S001',
        order: { id: order.id, status: 'held' },
      });
      expect((await changes(S002_DEVICE.token)).map((r) => r.id)).not.toContain(id);
      // [ATP3] The held units flow down to the store as their own document.
      const held = s1.find((r) => r.id === heldUnitsId('S001', 'SKU-0001'));
      expect(held?.doc).toMatchObject({ kind: 'held', sku: 'SKU-0001', held: 2 });
      expect((await changes(S002_DEVICE.token)).map((r) => r.id)).not.toContain(
        heldUnitsId('S001', 'SKU-0001'),
      );

      // [OS2] Paid: the store's copy follows.
      await payThrough(server.storage, provider, order);
      const paid = (await changes(S001_DEVICE.token)).find((r) => r.id === id)!.doc;
      expect(paid.order.status).toBe('paid');
    });

    it('[OS5] a pickup pushed twice applies once; facts/_all_docs finds it; stock exact', async () => {
      const order = await paidOrder('k-twice');
      const before = await level(server.storage, 'S001', 'SKU-0001');
      const fact = pickupFact(S001_DEVICE, 1, order.id, [['L1', 1]]);
      expect(await push(S001_DEVICE.token, [fact])).toMatchObject([{ ok: true, id: fact.id }]);
      expect(await push(S001_DEVICE.token, [fact])).toMatchObject([{ ok: true, id: fact.id }]);
      expect(await level(server.storage, 'S001', 'SKU-0001')).toEqual({
        onHand: before.onHand - 1,
        held: before.held - 1,
      });
      expect(await readOrder(server.storage, order.id)).toMatchObject({
        status: 'partly-picked-up',
        lines: [
          { lineId: 'L1', pickedUp: 1 },
          { lineId: 'L2', pickedUp: 0 },
        ],
      });
      const all = (
        await server.request(
          S001_DEVICE.token,
          `/facts/_all_docs?keys=["${fact.id}"]&include_docs=true`,
        )
      ).body as { rows: { id?: string; doc?: Record<string, unknown> }[] };
      expect(all.rows[0]).toMatchObject({
        id: fact.id,
        doc: { kind: 'pickup', orderId: order.id },
      });
      // [F4] Another fact under the same id is refused.
      const other = { ...fact, lines: [{ lineId: 'L1', quantity: 2 }] };
      expect(await push(S001_DEVICE.token, [other])).toMatchObject([{ error: 'conflict' }]);
      expect(await exceptions()).toEqual([]);
    });

    it('[OS5] partial then full pickup: on hand and held exact, order picked up', async () => {
      const b1 = await level(server.storage, 'S001', 'SKU-0001');
      const b2 = await level(server.storage, 'S001', 'SKU-0002');
      const order = await paidOrder('k-partial');
      expect(await level(server.storage, 'S001', 'SKU-0001')).toEqual({ ...b1, held: 2 });
      await push(S001_DEVICE.token, [pickupFact(S001_DEVICE, 1, order.id, [['L1', 1]])]);
      await push(S001_DEVICE.token, [
        pickupFact(S001_DEVICE, 2, order.id, [
          ['L1', 1],
          ['L2', 1],
        ]),
      ]);
      expect(await level(server.storage, 'S001', 'SKU-0001')).toEqual({
        onHand: b1.onHand - 2,
        held: 0,
      });
      expect(await level(server.storage, 'S001', 'SKU-0002')).toEqual({
        onHand: b2.onHand - 1,
        held: 0,
      });
      expect((await readOrder(server.storage, order.id)).status).toBe('picked-up');
    });

    it('[OS5] two devices hand over the same line offline: one applied, one exception, stock exact', async () => {
      const second = await provisionDeviceToken(server.storage, {
        deviceId: 'S001-POS2',
        storeId: 'S001',
      });
      const pos2 = { deviceId: 'S001-POS2', storeId: 'S001' };
      const order = await paidOrder('k-dup');
      const before = await level(server.storage, 'S001', 'SKU-0001');
      const a = pickupFact(S001_DEVICE, 1, order.id, [['L1', 2]]);
      const b = pickupFact(pos2, 1, order.id, [['L1', 2]]);
      expect(await push(S001_DEVICE.token, [a])).toMatchObject([{ ok: true }]);
      expect(await push(second.token, [b])).toMatchObject([{ ok: true }]);
      expect(await level(server.storage, 'S001', 'SKU-0001')).toEqual({
        onHand: before.onHand - 2,
        held: before.held - 2,
      });
      expect(await exceptions()).toMatchObject([
        {
          kind: 'duplicate-pickup',
          factDb: '_pickupFacts',
          factId: b.id,
          storeId: 'S001',
          details: { orderId: order.id, code: 'ORDER_ALREADY_HANDED_OVER' },
        },
      ]);
      // Both facts are stored: the second is found by its device's outbox too.
      const all = (await server.request(second.token, `/facts/_all_docs?keys=["${b.id}"]`))
        .body as { rows: { id?: string }[] };
      expect(all.rows[0]!.id).toBe(b.id);
    });

    it('[OS5] an unknown order, an unpaid order and another store are stored and noticed, never applied', async () => {
      const unpaid = await placePickup(server.storage, 'k-unpaid');
      const otherStores = await paidOrder('k-s001');
      const before = await level(server.storage, 'S001', 'SKU-0001');
      const facts = [
        pickupFact(S001_DEVICE, 1, 'ORD-NOPE', [['L1', 1]]),
        pickupFact(S001_DEVICE, 2, unpaid.id, [['L1', 1]]),
      ];
      expect(await push(S001_DEVICE.token, facts)).toMatchObject([{ ok: true }, { ok: true }]);
      expect(
        await push(S002_DEVICE.token, [pickupFact(S002_DEVICE, 3, otherStores.id, [['L1', 1]])]),
      ).toMatchObject([{ ok: true }]);
      expect(await level(server.storage, 'S001', 'SKU-0001')).toEqual(before);
      const kinds = (await exceptions()).map((e) => [e.kind, e.details.code ?? null]).sort();
      expect(kinds).toEqual([
        ['pickup-not-applicable', 'ORDER_NOT_PAID'],
        ['pickup-not-applicable', 'ORDER_WRONG_STORE'],
        ['unknown-order', null],
      ]);
      expect((await readOrder(server.storage, unpaid.id)).status).toBe('held');
      // [A4] A device writes only its own store's and its own facts: refused, nothing stored.
      const forged = {
        ...pickupFact(S002_DEVICE, 4, otherStores.id, [['L1', 1]]),
        storeId: 'S001',
      };
      expect(await push(S002_DEVICE.token, [forged])).toMatchObject([{ error: 'forbidden' }]);
      expect(await exceptions()).toHaveLength(3);
    });

    it('[OS6] an unpaid order paid at the till: paid, codes issued; a wrong amount or expired hold is an exception', async () => {
      const order = await placePickup(server.storage, 'k-till');
      expect(
        await push(S001_DEVICE.token, [orderPaymentFact(S001_DEVICE, 1, order.id, 3000)]),
      ).toMatchObject([{ ok: true }]);
      const paid = await readOrder(server.storage, order.id);
      expect(paid).toMatchObject({ status: 'paid', paidAt: SERVER_NOW });
      expect(paid.pickupDeadline).toBe('2026-01-05T03:04:05.000Z');
      expect((await server.storage.getDocs(PICKUP_CODES_DB, [order.id], null)).has(order.id)).toBe(
        true,
      );
      expect(await level(server.storage, 'S001', 'SKU-0001')).toMatchObject({ held: 2 });

      const wrong = await placePickup(server.storage, 'k-wrong');
      const late = await placePickup(server.storage, 'k-late');
      await push(S001_DEVICE.token, [
        orderPaymentFact(S001_DEVICE, 2, wrong.id, 2999),
        orderPaymentFact(S001_DEVICE, 3, late.id, 3000, '2026-01-02T03:30:00.000Z'),
      ]);
      expect((await readOrder(server.storage, wrong.id)).status).toBe('held');
      expect((await readOrder(server.storage, late.id)).status).toBe('held');
      expect((await exceptions()).map((e) => e.kind).sort()).toEqual([
        'payment-amount-mismatch',
        'refund-due',
      ]);
    });

    it('[OS7] [OS3] a return at a till: units back in, refund to the original payment through the provider', async () => {
      const order = await paidOrder('k-return');
      await push(S001_DEVICE.token, [pickupFact(S001_DEVICE, 1, order.id, [['L1', 2]])]);
      const before = await level(server.storage, 'S002', 'SKU-0001');
      // Returned at another store's till: the units go back in there.
      const ret = orderReturnFact(S002_DEVICE, 1, order.id, [['L1', 1]], 1000);
      expect(await push(S002_DEVICE.token, [ret])).toMatchObject([{ ok: true }]);
      expect(await push(S002_DEVICE.token, [ret])).toMatchObject([{ ok: true }]);
      expect(await level(server.storage, 'S002', 'SKU-0001')).toEqual({
        ...before,
        onHand: before.onHand + 1,
      });
      expect((await readOrder(server.storage, order.id)).returns).toMatchObject([
        { lineId: 'L1', quantity: 1, refund: 1000 },
      ]);
      const settled = await settleRefunds(server.storage, provider, () => SERVER_NOW);
      expect(settled).toMatchObject([{ status: 'refunded', amount: 1000, orderId: order.id }]);
      expect(provider.refunds).toMatchObject([{ amount: 1000 }]);
      // A second settlement asks nothing more.
      expect(await settleRefunds(server.storage, provider, () => SERVER_NOW)).toEqual([]);
      expect(provider.refunds).toHaveLength(1);

      // More than was handed over, or a wrong refund: an exception, nothing moves.
      await push(S002_DEVICE.token, [
        orderReturnFact(S002_DEVICE, 2, order.id, [['L2', 1]], 1000),
        orderReturnFact(S002_DEVICE, 3, order.id, [['L1', 1]], 999, 'cash'),
      ]);
      expect(await level(server.storage, 'S002', 'SKU-0001')).toEqual({
        ...before,
        onHand: before.onHand + 1,
      });
      expect((await exceptions()).map((e) => e.details.code).sort()).toEqual([
        'ORDER_RETURN_EXCEEDS_HANDED_OVER',
        'ORDER_RETURN_REFUND_WRONG',
      ]);
    });

    it('[OS3] a refund in cash is recorded only; one the provider refuses is refund-due', async () => {
      const order = await paidOrder('k-refuse');
      await push(S001_DEVICE.token, [pickupFact(S001_DEVICE, 1, order.id, [['L1', 2]])]);
      await push(S001_DEVICE.token, [
        orderReturnFact(S001_DEVICE, 1, order.id, [['L1', 1]], 1000, 'cash'),
        orderReturnFact(S001_DEVICE, 2, order.id, [['L1', 1]], 1000, 'original'),
      ]);
      const txn = (await server.storage.findDocs(REFUNDS_DB, { fields: { status: 'pending' } }))[0]!
        .body as unknown as RefundRecord;
      provider.refuseRefundsOf(txn.providerTxnId!);
      expect(await settleRefunds(server.storage, provider, () => SERVER_NOW)).toMatchObject([
        { status: 'due' },
      ]);
      const refunds = (await server.storage.findDocs(REFUNDS_DB, {})).map(
        (r) => (r.body as unknown as RefundRecord).status,
      );
      expect(refunds.sort()).toEqual(['due', 'paid-in-cash']);
      expect(await exceptions()).toMatchObject([
        { kind: 'refund-due', factDb: '_refunds', details: { orderId: order.id, amount: 1000 } },
      ]);
      expect(provider.refunds).toEqual([]);
    });
  });
}
