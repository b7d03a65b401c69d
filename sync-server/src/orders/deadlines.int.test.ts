/**
 * [HL5] The pickup deadline on each storage backend: a paid pickup is
 * reminded before its deadline, then cancelled, refunded through the provider
 * and its held units released at it; a second sweep changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeOrderId, type Order, type StoreOrder } from '@pos/domain';
import { seedDemo } from '../demo-data';
import { EXCEPTIONS_DB } from '../ledgers';
import { OUTBOX_DB, SERVICE_PURPOSE, listMessages, type OutboxMessage } from '../pii/outbox';
import type { SimulatedPaymentProvider } from '../payments/provider';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS } from '../test-support';
import { pushDocs } from '../push';
import { writePlainAddress } from './addresses';
import { readShipment, SHIP_ADDRESS } from './shipment.fixture';
import { PICKUP_DEADLINES_DB } from './deadlines';
import { REFUNDS_DB, type RefundRecord } from './refunds';
import { storeAtp } from './store-orders';
import { sweepOrders } from './sweeper';
import {
  level,
  PLACED_AT,
  payThrough,
  pickupFact,
  placePickup,
  readOrder,
  testProvider,
} from './store.fixture';

const DEADLINE = '2026-01-05T03:04:05.000Z';
const BEFORE_REMINDER = '2026-01-04T03:00:00.000Z';
const REMINDER = '2026-01-04T03:05:00.000Z';
const DEVICE = { kind: 'device', deviceId: 'S001-POS1', storeId: 'S001' } as const;

describe.each(BACKENDS)('pickup deadlines on $name', (backend) => {
  let storage: SyncStorage;
  let provider: SimulatedPaymentProvider;
  beforeEach(async () => {
    if (backend.skip) return;
    storage = await backend.open();
    await seedDemo(storage);
    provider = testProvider();
  });
  afterEach(async () => {
    await storage?.close();
  });

  const atp = () => storeAtp(storage, 'S001', 'SKU-0001');
  const sweep = (now: string) => sweepOrders(storage, now, { provider });

  it.skipIf(backend.skip)(
    '[OS4] reminded once before the deadline, then cancelled + refunded + ATP back at it',
    async () => {
      const free = await atp();
      const placed = await placePickup(storage, 'k-deadline');
      const { order } = await payThrough(storage, provider, placed);
      expect(order.pickupDeadline).toBe(DEADLINE);
      expect(await atp()).toBe(free - 2);

      expect((await sweep(BEFORE_REMINDER)).deadlines).toBeNull();
      expect((await sweep(REMINDER)).deadlines).toMatchObject({ reminded: [order.id] });
      expect((await sweep(REMINDER)).deadlines).toBeNull();
      const messages = (await storage.findDocs(OUTBOX_DB, {})).map(
        (r) => r.body as unknown as OutboxMessage,
      );
      expect(messages).toMatchObject([
        { memberId: 'M0001', purpose: SERVICE_PURPOSE, status: 'pending' },
      ]);
      expect(messages[0]!.body).toContain(order.id);
      // [OS9] A service message reaches the sender without a marketing consent.
      expect(await listMessages(storage, 'pending', REMINDER, 10)).toHaveLength(1);

      const swept = await sweep(DEADLINE);
      expect(swept.deadlines).toMatchObject({ cancelled: [{ id: order.id, status: 'cancelled' }] });
      expect(swept.refunds).toMatchObject([
        { status: 'refunded', amount: 3000, orderId: order.id },
      ]);
      expect(provider.refunds).toMatchObject([{ amount: 3000 }]);
      expect(await atp()).toBe(free);
      expect(await level(storage, 'S001', 'SKU-0002')).toMatchObject({ held: 0 });
      const closed = await readOrder(storage, order.id);
      expect(closed.status).toBe('refunded');
      const copy = (
        await storage.getDocs('storeState', [storeOrderId(order.id, 'S001')], null)
      ).get(storeOrderId(order.id, 'S001'))!.body as unknown as StoreOrder;
      expect(copy.order.status).toBe('refunded');

      // Idempotent: later sweeps change nothing.
      const again = await sweep('2026-01-06T00:00:00.000Z');
      expect(again).toMatchObject({ deadlines: null, refunds: [] });
      expect(provider.refunds).toHaveLength(1);
      expect(await atp()).toBe(free);
    },
  );

  it.skipIf(backend.skip)(
    '[OS4] [OD13] a partly picked-up order past its deadline closes short: the rest released and refunded, once',
    async () => {
      const free = await atp();
      const placed = await placePickup(storage, 'k-partial-deadline');
      const { order } = await payThrough(storage, provider, placed);
      const { id, ...rest } = pickupFact(DEVICE, 9, order.id, [['L1', 1]]);
      expect(await pushDocs(storage, DEVICE, 'facts', [{ _id: id, ...rest }])).toMatchObject([
        { ok: true },
      ]);
      expect((await readOrder(storage, order.id)).status).toBe('partly-picked-up');
      expect(await level(storage, 'S001', 'SKU-0001')).toMatchObject({ held: 1 });
      const first = await sweep(DEADLINE);
      expect(first.deadlines).toMatchObject({
        closed: [{ id: order.id, status: 'closed' }],
        cancelled: [],
        noted: [],
      });
      // One bottle of two not collected (1000 of 2000 fen), and the noodles (1000).
      expect(first.refunds).toMatchObject([{ status: 'refunded', amount: 2000 }]);
      expect(provider.refunds).toMatchObject([{ amount: 2000 }]);
      expect(await level(storage, 'S001', 'SKU-0001')).toMatchObject({ held: 0 });
      expect(await level(storage, 'S001', 'SKU-0002')).toMatchObject({ held: 0 });
      // The bottle handed over stays sold: one fewer on hand, the other free again.
      expect(await atp()).toBe(free - 1);
      const closed = await readOrder(storage, order.id);
      expect(closed).toMatchObject({ status: 'closed', uncollectedRefund: 2000 });
      const copy = (
        await storage.getDocs('storeState', [storeOrderId(order.id, 'S001')], null)
      ).get(storeOrderId(order.id, 'S001'))!.body as unknown as StoreOrder;
      expect(copy.order.status).toBe('closed');

      const again = await sweep('2026-01-06T00:00:00.000Z');
      expect(again).toMatchObject({ deadlines: null, refunds: [] });
      expect(provider.refunds).toHaveLength(1);
      expect((await storage.findDocs(EXCEPTIONS_DB, {})).map((r) => r.body)).toEqual([]);
      expect((await storage.findDocs(PICKUP_DEADLINES_DB, {})).length).toBe(1);
    },
  );

  /** A mixed order: two bottles to pick up at S001, one pack of noodles shipped to the customer. */
  async function placeMixed(key: string): Promise<Order> {
    await storage.transaction((tx) => writePlainAddress(tx, SHIP_ADDRESS));
    const placed = await placePickup(storage, key, 'S001', PLACED_AT, {
      mode: 'ship',
      addressId: SHIP_ADDRESS.id,
    });
    return (await payThrough(storage, provider, placed)).order;
  }

  it.skipIf(backend.skip)(
    '[OS4] [OD13] [OD16] a mixed order closed short gives up only the uncollected pickup units: its delivery line carries on',
    async () => {
      const order = await placeMixed('k-mixed-deadline');
      expect(order.pickupDeadline).toBe(DEADLINE);
      const parcelId = order.allocations![0]!.shipmentId;
      const from = order.allocations![0]!.locationId;
      const heldBefore = await level(storage, from, 'SKU-0002');
      const { id, ...rest } = pickupFact(DEVICE, 11, order.id, [['L1', 1]]);
      expect(await pushDocs(storage, DEVICE, 'facts', [{ _id: id, ...rest }])).toMatchObject([
        { ok: true },
      ]);
      expect((await readOrder(storage, order.id)).status).toBe('partly-picked-up');

      const first = await sweep(DEADLINE);
      expect(first.deadlines).toMatchObject({ closed: [{ id: order.id }], cancelled: [] });
      // Only the bottle not collected is refunded; the noodles are still to ship.
      expect(first.refunds).toMatchObject([{ status: 'refunded', amount: 1000 }]);
      const open = await readOrder(storage, order.id);
      expect(open).toMatchObject({ status: 'picked-up', uncollectedRefund: 1000 });
      expect(open.closedAt).toBeUndefined();
      expect(open.lines.map((l) => l.cancelled)).toEqual([1, undefined]);
      expect(await level(storage, 'S001', 'SKU-0001')).toMatchObject({ held: 0 });
      // The delivery units stay held where they ship from, and stay in their parcel.
      expect(await level(storage, from, 'SKU-0002')).toEqual(heldBefore);
      const parcel = await readShipment(storage, parcelId);
      expect(parcel).toMatchObject({ status: 'open', orderIds: [order.id] });

      const again = await sweep('2026-01-06T00:00:00.000Z');
      expect(again).toMatchObject({ deadlines: null, refunds: [] });
      expect((await storage.findDocs(EXCEPTIONS_DB, {})).map((r) => r.body)).toEqual([]);
    },
  );

  it.skipIf(backend.skip)(
    '[OS3] [OS4] without a provider, the deadline refund is due by hand',
    async () => {
      const placed = await placePickup(storage, 'k-no-provider');
      const { order } = await payThrough(storage, provider, placed);
      const swept = await sweepOrders(storage, DEADLINE, {});
      expect(swept.refunds).toMatchObject([{ status: 'due' }]);
      expect((await readOrder(storage, order.id)).status).toBe('cancelled');
      const refunds = (await storage.findDocs(REFUNDS_DB, {})).map(
        (r) => r.body as unknown as RefundRecord,
      );
      expect(refunds).toMatchObject([{ status: 'due', orderId: order.id }]);
      expect((await storage.findDocs(EXCEPTIONS_DB, {})).map((r) => r.body.kind)).toEqual([
        'refund-due',
      ]);
    },
  );
});
