/**
 * Routed placement and parcels on both backends: a ship order routed to two
 * stores and held there, parcels made on payment and merged within the
 * window, refusals that write nothing, expiry and deadlines that give the
 * routed units back, and the race for the last routable units.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  holdPolicy,
  routeOrder,
  shipmentDocId,
  unpackRoutingRequest,
  type Order,
  type PaymentNotification,
  type Shipment,
} from '@pos/domain';
import { DEMO_TWO_STORE_ORDER, seedDemo } from '../demo-data';
import { applyPaymentNotification, DEMO_PROVIDER_KEY } from '../payments/notify';
import { SimulatedPaymentProvider } from '../payments/provider';
import { BACKENDS, S001_DEVICE } from '../test-support';
import type { SyncStorage } from '../storage/storage';
import { writePlainAddress, type ShipAddress } from './addresses';
import { sweepPickupDeadlines } from './deadlines';
import { expireHolds, ORDER_KEYS_DB, ORDERS_DB, placeOrder, type PlaceOrderInput } from './holds';
import { LOCATION_LOAD_DB } from './locations';
import { heldUnits, seedStock } from './orders.fixture';
import { orderPaymentFact } from './store.fixture';
import { pushDocs } from '../push';
import {
  ROUTING_INPUTS_DB,
  ROUTING_LOCATIONS_DB,
  type RoutingInput,
  type RoutingLocationsSnapshot,
} from './routing';
import { OPEN_SHIPMENTS_DB, orderShipments } from './shipments';
import { storeAtp } from './store-orders';

// 11:00 in Shanghai: the stores are open.
const T0 = '2026-03-02T03:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const HOLD = holdPolicy({ holdMinutes: 30 });

/** Near Jing'an: S001 is about 1 km away, S002 about 4 km, the warehouse 20 km. */
const HOME: ShipAddress = {
  id: 'ADDR-1',
  customerKey: 'M0001',
  regionCode: '310106',
  point: { lat: 31.2195, lng: 121.4485 },
  shipTo: {
    name: '张*',
    phone: '138****5678',
    region: '上海市 静安区',
    detail: '南京西路 1200 号 5 楼',
  },
};
/** In Jiading: no store within the same-city radius. */
const FAR: ShipAddress = {
  ...HOME,
  id: 'ADDR-FAR',
  regionCode: '310114',
  point: { lat: 31.38, lng: 121.26 },
  shipTo: { ...HOME.shipTo, region: '上海市 嘉定区', detail: '嘉定某路 1 号' },
};

type Line = { sku: string; quantity: number; unitPrice?: number };

function shipOrder(
  key: string,
  lines: Line[],
  options: { address?: string; mode?: 'ship' | 'same-city'; customer?: string } = {},
): PlaceOrderInput {
  const priced = lines.map((l, i) => {
    const unitPrice = l.unitPrice ?? 1000;
    return {
      lineId: `L${i + 1}`,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice,
      net: unitPrice * l.quantity,
      fulfilment: { mode: options.mode ?? 'ship', addressId: options.address ?? HOME.id },
    };
  });
  return {
    idempotencyKey: key,
    channel: 'shop',
    customer: { memberId: options.customer ?? 'M0001' },
    lines: priced,
    total: priced.reduce((s, l) => s + l.net, 0),
  };
}

async function place(storage: SyncStorage, input: PlaceOrderInput, now = T0): Promise<Order> {
  const placed = await placeOrder(storage, input, now, HOLD);
  if (!placed.ok) throw new Error(`${placed.code}: ${placed.message}`);
  return placed.order;
}

/** Pays `order` through the simulated provider at `now` (its notification stamped then too). */
async function pay(storage: SyncStorage, order: Order, now: string): Promise<Order> {
  const provider = new SimulatedPaymentProvider({
    key: DEMO_PROVIDER_KEY,
    notifyUrl: 'http://127.0.0.1:9/_payments/notify',
    now: () => new Date(now),
  });
  const { providerTxnId } = await provider.createPayment(order);
  const notification = JSON.parse(
    provider.notificationFor(providerTxnId).body,
  ) as PaymentNotification;
  const { note } = await applyPaymentNotification(storage, notification, now);
  if (note.outcome !== 'paid') throw new Error(`not paid: ${note.reason ?? note.outcome}`);
  return readOrder(storage, order.id);
}

async function readOrder(storage: SyncStorage, id: string): Promise<Order> {
  return (await storage.getDocs(ORDERS_DB, [id], null)).get(id)!.body as unknown as Order;
}

async function shipment(storage: SyncStorage, shipmentId: string): Promise<Shipment | undefined> {
  const id = shipmentDocId(shipmentId);
  const row = (await storage.getDocs('storeState', [id], null)).get(id);
  return row?.body as Shipment | undefined;
}

async function shipmentsAt(storage: SyncStorage, storeId: string): Promise<Shipment[]> {
  const rows = await storage.findDocs('storeState', { fields: { kind: 'shipment' } });
  return rows.map((r) => r.body as Shipment).filter((s) => s.storeId === storeId);
}

const shipmentIdsOf = (order: Order) => [
  ...new Set((order.allocations ?? []).map((a) => a.shipmentId)),
];

describe.each(BACKENDS)('routed placement and parcels on $name', (backend) => {
  let storage: SyncStorage;
  beforeEach(async () => {
    if (backend.skip) return;
    storage = await backend.open();
    await seedDemo(storage);
    await storage.transaction(async (tx) => {
      await writePlainAddress(tx, HOME);
      await writePlainAddress(tx, FAR);
    });
  });
  afterEach(async () => {
    await storage?.close();
  });

  it.skipIf(backend.skip)(
    '[RP1] [RP4] a 3-line ship order routes to S001 and S002 and holds its units there',
    async () => {
      const atpBefore = {
        water: await storeAtp(storage, 'S001', 'SKU-0001'),
        sparkling: await storeAtp(storage, 'S002', 'SKU-0013'),
      };
      const order = await place(storage, shipOrder('two-stores', DEMO_TWO_STORE_ORDER));
      expect(order.status).toBe('held');
      const byLine = Object.fromEntries(
        (order.allocations ?? []).map((a) => [a.lineId, [a.locationId, a.quantity]]),
      );
      expect(byLine).toEqual({ L1: ['S001', 5], L2: ['S002', 14], L3: [expect.any(String), 1] });
      expect(['S001', 'S002']).toContain(byLine.L3![0]);
      expect(shipmentIdsOf(order)).toHaveLength(2);
      expect(order.routing).toHaveLength(1);
      expect(order.routing![0]!.chosen!.locationIds).toEqual(['S001', 'S002']);
      expect(await heldUnits(storage, 'S001', 'SKU-0001')).toBe(5);
      expect(await heldUnits(storage, 'S002', 'SKU-0013')).toBe(14);
      expect(await storeAtp(storage, 'S001', 'SKU-0001')).toBe(atpBefore.water - 5);
      expect(await storeAtp(storage, 'S002', 'SKU-0013')).toBe(atpBefore.sparkling - 14);
      // [RP3] The decision's input is kept for the dry run.
      const inputs = (await storage.findDocs(ROUTING_INPUTS_DB, {})).map(
        (r) => r.body as RoutingInput,
      );
      expect(inputs).toHaveLength(1);
      expect(inputs[0]).toMatchObject({
        id: `${order.id}:1`,
        orderId: order.id,
        day: '2026-03-02',
        at: T0,
        chosen: ['S001', 'S002'],
        request: { mode: 'ship', destination: HOME.point },
      });
      // Packed: the location list kept once, the decision naming it and its stores' ATP > 0.
      const lists = (await storage.findDocs(ROUTING_LOCATIONS_DB, {})).map(
        (r) => r.body as unknown as RoutingLocationsSnapshot,
      );
      expect(lists.map((l) => l.id)).toEqual([inputs[0]!.request.locationsId]);
      expect(inputs[0]!.request).not.toHaveProperty('locations');
      for (const [id, , atp] of inputs[0]!.request.states) {
        expect(lists[0]!.locations.map((l) => l.id)).toContain(id);
        expect(Object.values(atp).every((units) => units > 0)).toBe(true);
      }
      const again = routeOrder(unpackRoutingRequest(inputs[0]!.request, lists[0]!.locations));
      expect(again.ok && again.shipments.map((s) => s.locationId)).toEqual(['S001', 'S002']);
      // No parcel before payment.
      expect(await shipmentsAt(storage, 'S001')).toEqual([]);
    },
  );

  it.skipIf(backend.skip)(
    '[RP6] [RP7] [RP9] paid: a parcel at each store with the masked recipient, aisles and a waybill',
    async () => {
      const order = await place(storage, shipOrder('paid-two', DEMO_TWO_STORE_ORDER));
      const paid = await pay(storage, order, at(2));
      expect(paid.status).toBe('paid');
      // [RP6] A parcel-only order has no pickup deadline: the deadline sweep leaves it alone.
      expect(paid.pickupDeadline).toBeUndefined();
      expect(shipmentIdsOf(paid)).toEqual(shipmentIdsOf(order));
      const parcels = await Promise.all(shipmentIdsOf(paid).map((id) => shipment(storage, id)));
      expect(parcels.map((p) => p!.storeId).sort()).toEqual(['S001', 'S002']);
      for (const p of parcels) {
        expect(p).toMatchObject({
          kind: 'shipment',
          status: 'open',
          mode: 'ship',
          orderIds: [order.id],
          customerKey: 'M0001',
          addressId: HOME.id,
          shipTo: HOME.shipTo,
          carrier: '顺丰速运 SF Express',
          createdAt: at(2),
          mergeUntil: at(12),
          labelPrints: 0,
          factIds: [],
        });
        expect(p!.trackingNo).toMatch(/^SF\d{13}$/);
        expect(p!.reason).toMatch(/km from the customer/);
        for (const line of p!.lines) {
          expect(line.aisle).toMatch(/^[A-D]0\d-[1-4]$/);
          expect(line.name).not.toBe(line.sku);
          expect(line).toMatchObject({ orderId: order.id, picked: 0, short: 0 });
        }
      }
      expect(parcels[0]!.trackingNo).not.toBe(parcels[1]!.trackingNo);
      const s002 = parcels.find((p) => p!.storeId === 'S002')!;
      expect(s002.lines.find((l) => l.sku === 'SKU-0013')).toMatchObject({
        lineId: 'L2',
        quantity: 14,
        aisle: 'A01-1',
        name: '元气森林 Sparkling Water 480ml',
      });
      // The units stay held until the parcels ship; each location counts a shipment today.
      expect(await heldUnits(storage, 'S002', 'SKU-0013')).toBe(14);
      const loads = await storage.getDocs(
        LOCATION_LOAD_DB,
        ['S001:2026-03-02', 'S002:2026-03-02'],
        null,
      );
      expect([...loads.values()].map((r) => (r.body as { shipments: number }).shipments)).toEqual([
        1, 1,
      ]);
      // [RP10] The order's parcels as the orders API shows them.
      const views = await orderShipments(
        { getDocs: (db, ids) => storage.getDocs(db, ids, null) },
        paid,
      );
      expect(views.map((v) => v.locationId).sort()).toEqual(['S001', 'S002']);
      expect(views[0]).not.toHaveProperty('shipTo');
    },
  );

  it.skipIf(backend.skip)(
    '[MG1] [RP8] [OD15] two orders of one customer to one address within the window ship as one parcel',
    async () => {
      const rice = [{ sku: 'SKU-0005', quantity: 1, unitPrice: 8990 }];
      const first = await pay(storage, await place(storage, shipOrder('m1', rice)), at(1));
      const second = await place(storage, shipOrder('m2', rice), at(3));
      expect(shipmentIdsOf(second)).not.toEqual(shipmentIdsOf(first));
      const paid = await pay(storage, second, at(5));
      // The second order's allocation now names the first parcel.
      expect(shipmentIdsOf(paid)).toEqual(shipmentIdsOf(first));
      const parcel = (await shipment(storage, shipmentIdsOf(first)[0]!))!;
      expect(parcel.orderIds).toEqual([first.id, second.id]);
      expect(parcel.lines.map((l) => l.orderId)).toEqual([first.id, second.id]);
      expect(await shipment(storage, shipmentIdsOf(second)[0]!)).toBeUndefined();
      const location = parcel.storeId;
      expect(await shipmentsAt(storage, location)).toHaveLength(1);
      expect(await heldUnits(storage, location, 'SKU-0005')).toBe(2);
    },
  );

  it.skipIf(backend.skip)(
    '[MG1] [RP8] after the window, or once the parcel is packed, the next order is a parcel of its own',
    async () => {
      const rice = [{ sku: 'SKU-0005', quantity: 1, unitPrice: 8990 }];
      const first = await pay(storage, await place(storage, shipOrder('w1', rice)), at(1));
      // Paid 10 minutes after the first parcel was made: the window has closed.
      const late = await pay(storage, await place(storage, shipOrder('w2', rice), at(8)), at(11));
      expect(shipmentIdsOf(late)).not.toEqual(shipmentIdsOf(first));
      expect(await shipment(storage, shipmentIdsOf(late)[0]!)).toMatchObject({
        orderIds: [late.id],
      });
      // The late parcel is the open one now; packed, it takes nothing more.
      const lateId = shipmentDocId(shipmentIdsOf(late)[0]!);
      await storage.transaction(async (tx) => {
        const row = (await tx.getDocs('storeState', [lateId])).get(lateId)!;
        await tx.put({
          db: 'storeState',
          id: lateId,
          body: { ...row.body, status: 'packed', packedAt: at(12) },
          storeId: row.storeId,
          expectedRev: row.rev,
        });
      });
      const third = await pay(storage, await place(storage, shipOrder('w3', rice), at(12)), at(13));
      expect(shipmentIdsOf(third)).not.toEqual(shipmentIdsOf(late));
      const location = (await shipment(storage, shipmentIdsOf(late)[0]!))!.storeId;
      expect(await shipmentsAt(storage, location)).toHaveLength(3);
      expect((await storage.findDocs(OPEN_SHIPMENTS_DB, {})).length).toBe(1);
    },
  );

  it.skipIf(backend.skip)('[RP2] not routable: the short SKUs named, nothing written', async () => {
    const result = await placeOrder(
      storage,
      shipOrder('too-many', [
        { sku: 'SKU-0001', quantity: 1000 },
        { sku: 'SKU-0003', quantity: 1 },
      ]),
      T0,
      HOLD,
    );
    expect(result).toMatchObject({
      ok: false,
      code: 'NOT_ROUTABLE',
      short: [{ mode: 'ship', sku: 'SKU-0001', requested: 1000 }],
    });
    expect(!result.ok && result.message).toMatch(/SKU-0001 \(1000 asked/);
    expect(await storage.findDocs(ORDERS_DB, {})).toEqual([]);
    expect(await storage.findDocs(ORDER_KEYS_DB, {})).toEqual([]);
    expect(await storage.findDocs(ROUTING_INPUTS_DB, {})).toEqual([]);
    expect(await storage.findDocs('storeState', { fields: { kind: 'held' } })).toEqual([]);
  });

  it.skipIf(backend.skip)(
    '[RP2] [RO8] same-city outside every store’s radius is refused; nearby it is routed with a window',
    async () => {
      const far = await placeOrder(
        storage,
        shipOrder('sc-far', [{ sku: 'SKU-0003', quantity: 1 }], {
          mode: 'same-city',
          address: FAR.id,
        }),
        T0,
        HOLD,
      );
      expect(far).toMatchObject({ ok: false, code: 'NOT_ROUTABLE' });
      expect(!far.ok && far.code === 'NOT_ROUTABLE' && far.short[0]).toMatchObject({
        mode: 'same-city',
        sku: 'SKU-0003',
        available: 0,
      });
      expect(await storage.findDocs(ORDERS_DB, {})).toEqual([]);

      const near = await place(
        storage,
        shipOrder('sc-near', [{ sku: 'SKU-0003', quantity: 1 }], { mode: 'same-city' }),
      );
      expect(near.allocations).toMatchObject([{ locationId: 'S001', quantity: 1 }]);
      const paid = await pay(storage, near, at(2));
      expect(await shipment(storage, shipmentIdsOf(paid)[0]!)).toMatchObject({
        mode: 'same-city',
        storeId: 'S001',
        window: { from: at(30), to: at(90) },
      });
    },
  );

  it.skipIf(backend.skip)(
    '[RP2] an address that is not the customer’s, or two addresses in one mode, is invalid',
    async () => {
      const other = await placeOrder(
        storage,
        shipOrder('not-mine', [{ sku: 'SKU-0003', quantity: 1 }], { customer: 'M0002' }),
        T0,
        HOLD,
      );
      expect(other).toMatchObject({ ok: false, code: 'ORDER_INVALID' });
      const two = shipOrder('two-addr', [
        { sku: 'SKU-0003', quantity: 1 },
        { sku: 'SKU-0005', quantity: 1 },
      ]);
      two.lines[1]!.fulfilment = { mode: 'ship', addressId: FAR.id };
      expect(await placeOrder(storage, two, T0, HOLD)).toMatchObject({
        ok: false,
        code: 'ORDER_INVALID',
        message: expect.stringMatching(/one address/),
      });
      expect(await storage.findDocs(ORDERS_DB, {})).toEqual([]);
    },
  );

  it.skipIf(backend.skip)(
    '[RP4] [OC4] an unpaid routed order expires and its units come back at each location',
    async () => {
      const order = await place(storage, shipOrder('expire', DEMO_TWO_STORE_ORDER));
      expect(await heldUnits(storage, 'S002', 'SKU-0013')).toBe(14);
      const expired = await expireHolds(storage, at(31));
      expect(expired.map((o) => o.id)).toEqual([order.id]);
      expect(await heldUnits(storage, 'S001', 'SKU-0001')).toBe(0);
      expect(await heldUnits(storage, 'S002', 'SKU-0013')).toBe(0);
      expect(await heldUnits(storage, 'S001', 'SKU-0003')).toBe(0);
      expect(await heldUnits(storage, 'S002', 'SKU-0003')).toBe(0);
    },
  );

  it.skipIf(backend.skip)(
    '[RP4] [RP11] [OS4] a mixed order cancelled at its pickup deadline releases its routed units and parcel',
    async () => {
      const input = shipOrder('mixed', [{ sku: 'SKU-0005', quantity: 2, unitPrice: 8990 }]);
      input.lines.push({
        lineId: 'P1',
        sku: 'SKU-0002',
        quantity: 1,
        unitPrice: 1290,
        net: 1290,
        fulfilment: { mode: 'pickup', storeId: 'S002' },
      });
      input.total += 1290;
      const order = await place(storage, input);
      const location = order.allocations![0]!.locationId;
      expect(await heldUnits(storage, location, 'SKU-0005')).toBe(2);
      const paid = await pay(storage, order, at(2));
      expect(paid.pickupDeadline).toBeDefined();
      const swept = await sweepPickupDeadlines(storage, paid.pickupDeadline!);
      expect(swept.cancelled.map((o) => o.id)).toEqual([order.id]);
      expect(await heldUnits(storage, location, 'SKU-0005')).toBe(0);
      expect(await heldUnits(storage, 'S002', 'SKU-0002')).toBe(0);
      // [RP11] Its parcel is cancelled: the location packs nothing for it.
      expect(await shipment(storage, shipmentIdsOf(paid)[0]!)).toMatchObject({
        status: 'cancelled',
        orderIds: [],
      });
    },
  );

  it.skipIf(backend.skip)(
    '[RP6] [OS6] paid at a till: the parcels are made with the server’s carrier, no pickup deadline',
    async () => {
      const order = await place(storage, shipOrder('till', DEMO_TWO_STORE_ORDER));
      const fact = orderPaymentFact(S001_DEVICE, 1, order.id, order.total, at(2));
      const { id, ...rest } = fact;
      const rows = await pushDocs(
        storage,
        { kind: 'device', ...S001_DEVICE },
        'facts',
        [{ _id: id, ...rest }],
        () => new Date(at(2)),
        undefined,
        { carrier: '中通快递 ZTO Express' },
      );
      expect(rows).toMatchObject([{ ok: true }]);
      const paid = await readOrder(storage, order.id);
      expect(paid.status).toBe('paid');
      expect(paid.pickupDeadline).toBeUndefined();
      const parcels = await Promise.all(shipmentIdsOf(paid).map((sid) => shipment(storage, sid)));
      expect(parcels.map((p) => [p!.storeId, p!.carrier]).sort()).toEqual([
        ['S001', '中通快递 ZTO Express'],
        ['S002', '中通快递 ZTO Express'],
      ]);
    },
  );

  it.skipIf(backend.skip)(
    '[OC2] [RP1] a replayed routed placement returns the same order and routes nothing again',
    async () => {
      const input = shipOrder('replay', DEMO_TWO_STORE_ORDER);
      const first = await placeOrder(storage, input, T0, HOLD);
      const again = await placeOrder(storage, input, at(1), HOLD);
      expect(again).toMatchObject({ ok: true, replayed: true });
      expect(again.ok && again.order).toEqual(first.ok && first.order);
      expect(await heldUnits(storage, 'S002', 'SKU-0013')).toBe(14);
      expect(await storage.findDocs(ROUTING_INPUTS_DB, {})).toHaveLength(1);
    },
  );

  it.skipIf(backend.skip)(
    '[RP5] two orders racing for the last routable units: exactly one gets them',
    async () => {
      // One routable unit in the whole chain: 2 on hand at S001, less the safety stock of 1.
      await seedStock(storage, 2, 'S001', 'SKU-RACE');
      const results = await Promise.all(
        ['race-a', 'race-b', 'race-c'].map((key) =>
          placeOrder(
            storage,
            shipOrder(key, [{ sku: 'SKU-RACE', quantity: 1, unitPrice: 8000 }]),
            T0,
            HOLD,
          ),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual([
        'NOT_ROUTABLE',
        'NOT_ROUTABLE',
      ]);
      expect(await heldUnits(storage, 'S001', 'SKU-RACE')).toBe(1);
    },
  );
});
