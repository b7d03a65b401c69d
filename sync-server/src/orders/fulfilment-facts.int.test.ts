/**
 * The stores' parcels over real HTTP on each storage backend: the pick,
 * short, pack, label and hand-over steps the location's devices push are
 * applied once to the parcel and its orders, stock exact; a short pick
 * reroutes only the missing units; a step the parcel cannot take is an
 * exception that changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Order, Shipment } from '@pos/domain';
import {
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  startTestServer,
  type TestServer,
} from '../test-support';
import { ROUTING_INPUTS_DB, ROUTING_LOCATIONS_DB, type RoutingInput } from './routing';
import { REFUNDS_DB, type RefundRecord } from './refunds';
import {
  fulfilmentFact,
  heldAt,
  placeAndPayShipOrder,
  readShipment,
  routedPaidOrder,
  setOnHand,
  shipmentsAt,
} from './shipment.fixture';
import { DEMO_TWO_STORE_ORDER } from '../demo-data';
import { storeAtp } from './store-orders';
import { factExceptions, level, pushFacts, readOrder } from './store.fixture';

const TWO_LINES = [
  { lineId: 'L1', sku: 'SKU-0001', quantity: 2, unitPrice: 1000 },
  { lineId: 'L2', sku: 'SKU-0002', quantity: 1, unitPrice: 1000 },
];

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`shipments at the server on ${backend.name}`, () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer(backend, { holdSweeper: false });
    });
    afterEach(async () => {
      await server.close();
    });

    const push = (token: string, docs: object[]) => pushFacts(server, token, docs);
    const exceptions = () => factExceptions(server.storage);
    const stockOf = async (storeId: string, sku: string) => level(server.storage, storeId, sku);
    /** Everything a step could change, to show a refused one changed nothing. */
    const snapshot = async (orderId: string, shipmentId: string) => ({
      order: await readOrder(server.storage, orderId),
      shipment: await readShipment(server.storage, shipmentId),
      s1: await stockOf('S001', 'SKU-0001'),
      s2: await stockOf('S002', 'SKU-0001'),
      parcels: (await shipmentsAt(server.storage, 'S002')).length,
    });
    const D1 = S001_DEVICE;

    it('[SHS1] [SHS3] [FS8] pick, pack, label, hand-over: parcel handed over, order shipped, stock down exactly, held back', async () => {
      const { shipment } = await routedPaidOrder(server.storage, 'O-F1', TWO_LINES);
      const before1 = await stockOf('S001', 'SKU-0001');
      const before2 = await stockOf('S001', 'SKU-0002');
      expect(before1.held).toBe(2);
      const sid = shipment.shipmentId;
      const steps = [
        fulfilmentFact(D1, 1, sid, 'pick', {
          lines: [
            { orderId: 'O-F1', lineId: 'L1', quantity: 2 },
            { orderId: 'O-F1', lineId: 'L2', quantity: 1 },
          ],
          by: 'barcode',
          codes: ['6901234567892', '6901234567892', '6901234567908'],
        }),
        fulfilmentFact(D1, 2, sid, 'pack', { weightGrams: 1200 }),
        fulfilmentFact(D1, 3, sid, 'label'),
        fulfilmentFact(D1, 4, sid, 'handover', { courier: 'SF-0231' }),
      ];
      const rows = await push(D1.token, steps);
      expect(rows.every((r) => r.ok)).toBe(true);

      const parcel = await readShipment(server.storage, sid);
      expect(parcel).toMatchObject({
        status: 'handed-over',
        labelPrints: 1,
        weightGrams: 1200,
        handedOverAt: steps[3]!.at,
        lines: [
          { lineId: 'L1', picked: 2, short: 0 },
          { lineId: 'L2', picked: 1, short: 0 },
        ],
      });
      // [FS8] The device's copy no longer names the recipient.
      expect(parcel.shipTo).toBeUndefined();
      const order = await readOrder(server.storage, 'O-F1');
      expect(order.status).toBe('shipped');
      expect(order.lines.map((l) => l.shipped)).toEqual([2, 1]);
      expect(order.allocations!.map((a) => a.shipped)).toEqual([2, 1]);
      expect(await stockOf('S001', 'SKU-0001')).toEqual({ onHand: before1.onHand - 2, held: 0 });
      expect(await stockOf('S001', 'SKU-0002')).toEqual({ onHand: before2.onHand - 1, held: 0 });
      // [SHS1] The pick's scanned codes are kept as the device wrote them.
      const stored = await server.storage.getDocs(
        '_fulfilmentFacts' as never,
        [steps[0]!.id],
        null,
      );
      expect(stored.get(steps[0]!.id)?.body).toMatchObject({ codes: steps[0]!.codes });

      // [F3] The same steps again change nothing.
      const again = await snapshot('O-F1', sid);
      expect((await push(D1.token, steps)).every((r) => r.ok)).toBe(true);
      expect(await snapshot('O-F1', sid)).toEqual(again);
      expect(await exceptions()).toEqual([]);
    });

    it('[SHS4] [RO9] [SHS5] a short of 1 unit at S001 is rerouted to S002: new parcel, held moved, ATP right at both', async () => {
      const { shipment } = await routedPaidOrder(server.storage, 'O-F2', TWO_LINES);
      const atp1 = await storeAtp(server.storage, 'S001', 'SKU-0001');
      const atp2 = await storeAtp(server.storage, 'S002', 'SKU-0001');
      const s2 = await stockOf('S002', 'SKU-0001');
      const sid = shipment.shipmentId;
      const short = fulfilmentFact(D1, 1, sid, 'short', {
        lines: [{ orderId: 'O-F2', lineId: 'L1', quantity: 1 }],
        reason: 'not-found',
      });
      expect(await push(D1.token, [short])).toMatchObject([{ ok: true }]);

      expect((await readShipment(server.storage, sid)).lines[0]).toMatchObject({ short: 1 });
      const parcels = await shipmentsAt(server.storage, 'S002');
      expect(parcels).toHaveLength(1);
      const moved = parcels[0]!;
      expect(moved).toMatchObject({
        storeId: 'S002',
        status: 'open',
        orderIds: ['O-F2'],
        customerKey: 'M0001',
        lines: [{ orderId: 'O-F2', lineId: 'L1', sku: 'SKU-0001', quantity: 1, picked: 0 }],
        shipTo: { name: '张*' },
      });
      expect(moved.trackingNo).toMatch(/^SF\d{13}$/);
      const order = await readOrder(server.storage, 'O-F2');
      expect(order.allocations).toEqual([
        { lineId: 'L1', locationId: 'S001', shipmentId: sid, quantity: 2, short: 1, shipped: 0 },
        { lineId: 'L2', locationId: 'S001', shipmentId: sid, quantity: 1, short: 0, shipped: 0 },
        {
          lineId: 'L1',
          locationId: 'S002',
          shipmentId: moved.shipmentId,
          quantity: 1,
          short: 0,
          shipped: 0,
        },
      ]);
      expect(order.routing).toHaveLength(2);
      // [ATP3] The unit is held at S002 now, no longer at S001.
      expect(await heldAt(server.storage, 'S001', 'SKU-0001')).toBe(1);
      expect(await stockOf('S002', 'SKU-0001')).toEqual({ onHand: s2.onHand, held: 1 });
      expect(await storeAtp(server.storage, 'S001', 'SKU-0001')).toBe(atp1 + 1);
      expect(await storeAtp(server.storage, 'S002', 'SKU-0001')).toBe(atp2 - 1);
      const input = (await server.storage.getDocs(ROUTING_INPUTS_DB, ['O-F2:2'], null)).get(
        'O-F2:2',
      )?.body as unknown as RoutingInput;
      expect(input).toMatchObject({
        orderId: 'O-F2',
        chosen: ['S002'],
        request: {
          mode: 'ship',
          lines: [{ lineId: 'L1', quantity: 1 }],
          exclude: [{ locationId: 'S001', sku: 'SKU-0001' }],
        },
      });
      // [RP3] The reroute saw the same location list as the placement: kept once for both.
      const lists = await server.storage.findDocs(ROUTING_LOCATIONS_DB, {});
      expect(lists.map((r) => r.id)).toEqual([input.request.locationsId]);

      // Both locations ship their part: the order is shipped, each store's stock down by its units.
      const s1Before = await stockOf('S001', 'SKU-0001');
      const run = (
        device: { deviceId: string; storeId: string },
        n: number,
        id: string,
        lines: [string, number][],
      ) => [
        fulfilmentFact(device, n, id, 'pick', {
          lines: lines.map(([lineId, quantity]) => ({ orderId: 'O-F2', lineId, quantity })),
          by: 'rfid',
        }),
        fulfilmentFact(device, n + 1, id, 'pack'),
        fulfilmentFact(device, n + 2, id, 'label'),
        fulfilmentFact(device, n + 3, id, 'handover'),
      ];
      await push(
        D1.token,
        run(D1, 10, sid, [
          ['L1', 1],
          ['L2', 1],
        ]),
      );
      expect((await readOrder(server.storage, 'O-F2')).status).toBe('partly-shipped');
      await push(S002_DEVICE.token, run(S002_DEVICE, 10, moved.shipmentId, [['L1', 1]]));
      expect((await readOrder(server.storage, 'O-F2')).status).toBe('shipped');
      expect(await stockOf('S001', 'SKU-0001')).toEqual({ onHand: s1Before.onHand - 1, held: 0 });
      expect(await stockOf('S002', 'SKU-0001')).toEqual({ onHand: s2.onHand - 1, held: 0 });
      expect(await exceptions()).toEqual([]);
    });

    it('[SHS4] [SHS5] [SHS3] placed, paid, parcels at two stores; one rejects a line, rerouted to the other; both ship it all', async () => {
      // The real path: placement routes to S001 and S002, payment makes the two parcels.
      const paid = await placeAndPayShipOrder(
        server.storage,
        'k-two-stores',
        DEMO_TWO_STORE_ORDER.map((l) => ({ ...l, unitPrice: 1000 })),
      );
      const parcelOf = (lineId: string, o: Order = paid) =>
        o.allocations!.find((a) => a.lineId === lineId && a.quantity > a.short)!;
      expect(new Set(paid.allocations!.map((a) => a.locationId))).toEqual(
        new Set(['S001', 'S002']),
      );
      // The line anywhere could ship (L3) is rejected where it went; the other store is nearer than the warehouse.
      const from = parcelOf('L3');
      const to = from.locationId === 'S001' ? 'S002' : 'S001';
      const device = (storeId: string) => (storeId === 'S001' ? S001_DEVICE : S002_DEVICE);
      const sku = DEMO_TWO_STORE_ORDER[2]!.sku;
      const heldTo = await heldAt(server.storage, to, sku);
      const reject = fulfilmentFact(device(from.locationId), 1, from.shipmentId, 'short', {
        lines: [{ orderId: paid.id, lineId: 'L3', quantity: 1 }],
        reason: 'rejected',
      });
      expect(await push(device(from.locationId).token, [reject])).toMatchObject([{ ok: true }]);

      const rerouted = await readOrder(server.storage, paid.id);
      const now = parcelOf('L3', rerouted);
      expect(now.locationId).toBe(to);
      expect(await heldAt(server.storage, from.locationId, sku)).toBe(0);
      expect(await heldAt(server.storage, to, sku)).toBe(heldTo + 1);
      // [MG1] The other store's parcel of this customer is open: the line joins it.
      const joined = await readShipment(server.storage, now.shipmentId);
      expect(joined.storeId).toBe(to);
      expect(joined.lines.map((l) => l.lineId).sort()).toContain('L3');
      expect(await shipmentsAt(server.storage, to)).toHaveLength(1);

      // Each store picks, packs, labels and hands over what its parcel holds now.
      const before = new Map<string, number>();
      for (const storeId of ['S001', 'S002']) {
        for (const l of DEMO_TWO_STORE_ORDER) {
          before.set(`${storeId}:${l.sku}`, (await stockOf(storeId, l.sku)).onHand);
        }
      }
      for (const storeId of ['S001', 'S002']) {
        const [parcel] = await shipmentsAt(server.storage, storeId);
        const d = device(storeId);
        const left = parcel!.lines.filter((l) => l.quantity > l.picked + l.short);
        const rows = await push(d.token, [
          fulfilmentFact(d, 10, parcel!.shipmentId, 'pick', {
            lines: left.map((l) => ({
              orderId: l.orderId,
              lineId: l.lineId,
              quantity: l.quantity - l.picked - l.short,
            })),
            by: 'barcode',
          }),
          fulfilmentFact(d, 11, parcel!.shipmentId, 'pack'),
          fulfilmentFact(d, 12, parcel!.shipmentId, 'label'),
          fulfilmentFact(d, 13, parcel!.shipmentId, 'handover'),
        ]);
        expect(rows.every((r) => r.ok)).toBe(true);
      }
      const shipped = await readOrder(server.storage, paid.id);
      expect(shipped.status).toBe('shipped');
      for (const storeId of ['S001', 'S002']) {
        for (const l of DEMO_TWO_STORE_ORDER) {
          const units = shipped
            .allocations!.filter(
              (a) =>
                a.locationId === storeId &&
                shipped.lines.find((x) => x.lineId === a.lineId)!.sku === l.sku,
            )
            .reduce((s, a) => s + a.shipped, 0);
          expect(await stockOf(storeId, l.sku)).toEqual({
            onHand: before.get(`${storeId}:${l.sku}`)! - units,
            held: 0,
          });
        }
      }
      expect(await exceptions()).toEqual([]);
    });

    it('[SHS6] a short no location can take: the units refunded and a reroute-failed exception', async () => {
      const { shipment } = await routedPaidOrder(server.storage, 'O-F3', TWO_LINES);
      // [RO1] One unit at S002 is all its routing safety stock: nothing routable.
      await setOnHand(server.storage, 'S002', 'SKU-0001', 1);
      const short = fulfilmentFact(D1, 1, shipment.shipmentId, 'short', {
        lines: [{ orderId: 'O-F3', lineId: 'L1', quantity: 1 }],
        reason: 'damaged',
      });
      expect(await push(D1.token, [short])).toMatchObject([{ ok: true }]);

      expect(await shipmentsAt(server.storage, 'S002')).toEqual([]);
      expect(await heldAt(server.storage, 'S001', 'SKU-0001')).toBe(1);
      expect(await heldAt(server.storage, 'S002', 'SKU-0001')).toBe(0);
      const order = await readOrder(server.storage, 'O-F3');
      expect(order.allocations![0]).toMatchObject({ lineId: 'L1', short: 1 });
      expect(order.allocations).toHaveLength(2);
      const failed = (await exceptions()).find((e) => e.kind === 'reroute-failed');
      expect(failed).toMatchObject({
        factId: short.id,
        storeId: 'S001',
        details: { orderId: 'O-F3', refund: 1000, lines: [{ lineId: 'L1', quantity: 1 }] },
      });
      const refunds = (await server.storage.findDocs(REFUNDS_DB, {})).map(
        (r) => r.body as unknown as RefundRecord,
      );
      // Paid by hand in this fixture: no provider payment to go back to, so the refund is due.
      expect(refunds).toMatchObject([{ orderId: 'O-F3', amount: 1000, status: 'due' }]);
      const input = (await server.storage.getDocs(ROUTING_INPUTS_DB, ['O-F3:2'], null)).get(
        'O-F3:2',
      )?.body as unknown as RoutingInput;
      expect(input.chosen).toEqual([]);

      // [OD16] The unit is given up on the order; once the rest ships, the order is shipped.
      expect(order.lines[0]).toMatchObject({ lineId: 'L1', cancelled: 1 });
      expect(order.status).toBe('paid');
      const sid = shipment.shipmentId;
      const rest = [
        fulfilmentFact(D1, 2, sid, 'pick', {
          lines: [
            { orderId: 'O-F3', lineId: 'L1', quantity: 1 },
            { orderId: 'O-F3', lineId: 'L2', quantity: 1 },
          ],
          by: 'manual',
        }),
        fulfilmentFact(D1, 3, sid, 'pack', { weightGrams: 800 }),
        fulfilmentFact(D1, 4, sid, 'label'),
        fulfilmentFact(D1, 5, sid, 'handover', { courier: 'SF-0231' }),
      ];
      expect((await push(D1.token, rest)).every((r) => r.ok)).toBe(true);
      const done = await readOrder(server.storage, 'O-F3');
      expect(done).toMatchObject({ status: 'shipped' });
      expect(done.lines.map((l) => [l.shipped, l.cancelled])).toEqual([
        [1, 1],
        [1, undefined],
      ]);
      // The hand-over was applied: no step refused (the refund is due by hand in this fixture).
      expect((await exceptions()).map((e) => e.kind).sort()).toEqual([
        'refund-due',
        'reroute-failed',
      ]);
    });

    it('[SHS6] [OD16] every unit short and nothing routable: the order closes, its whole net refunded', async () => {
      const lines = [{ lineId: 'L1', sku: 'SKU-0001', quantity: 2, unitPrice: 1000 }];
      const { shipment } = await routedPaidOrder(server.storage, 'O-F9', lines);
      await setOnHand(server.storage, 'S002', 'SKU-0001', 1);
      const short = fulfilmentFact(D1, 1, shipment.shipmentId, 'short', {
        lines: [{ orderId: 'O-F9', lineId: 'L1', quantity: 2 }],
        reason: 'damaged',
      });
      expect(await push(D1.token, [short])).toMatchObject([{ ok: true }]);
      const order = await readOrder(server.storage, 'O-F9');
      expect(order).toMatchObject({ status: 'closed', closedAt: short.at });
      expect(order.lines[0]).toMatchObject({ cancelled: 2 });
      const refunds = (await server.storage.findDocs(REFUNDS_DB, {})).map(
        (r) => r.body as unknown as RefundRecord,
      );
      expect(refunds).toMatchObject([{ orderId: 'O-F9', amount: 2000 }]);
      expect(await heldAt(server.storage, 'S001', 'SKU-0001')).toBe(0);
    });

    it('[SHS2] refused steps are exceptions and change nothing', async () => {
      const { shipment } = await routedPaidOrder(server.storage, 'O-F4', TWO_LINES);
      const sid = shipment.shipmentId;
      const before = await snapshot('O-F4', sid);
      const L1 = (quantity: number) => [{ orderId: 'O-F4', lineId: 'L1', quantity }];
      const refusedSteps = [
        fulfilmentFact(D1, 1, 'NO-SUCH-PARCEL', 'pack'),
        fulfilmentFact(S002_DEVICE, 2, sid, 'pick', { lines: L1(1) }),
        fulfilmentFact(D1, 3, sid, 'pick', { lines: L1(3) }),
        fulfilmentFact(D1, 4, sid, 'pick', {
          lines: [{ orderId: 'O-F4', lineId: 'L9', quantity: 1 }],
        }),
        fulfilmentFact(D1, 5, sid, 'pack'),
        fulfilmentFact(D1, 6, sid, 'label'),
        fulfilmentFact(D1, 7, sid, 'handover'),
      ];
      for (const step of refusedSteps) {
        const token = step.storeId === 'S002' ? S002_DEVICE.token : D1.token;
        expect(await push(token, [step])).toMatchObject([{ ok: true, id: step.id }]);
      }
      expect(await snapshot('O-F4', sid)).toEqual(before);
      const raised = await exceptions();
      expect(raised.map((e) => [e.factId, e.kind, e.details.code])).toEqual(
        expect.arrayContaining([
          [refusedSteps[0]!.id, 'fulfilment-not-applicable', 'SHIPMENT_UNKNOWN'],
          [refusedSteps[1]!.id, 'fulfilment-not-applicable', 'SHIPMENT_WRONG_STORE'],
          [refusedSteps[2]!.id, 'fulfilment-not-applicable', 'SHIPMENT_EXCEEDS_LINE'],
          [refusedSteps[3]!.id, 'fulfilment-not-applicable', 'SHIPMENT_LINE_UNKNOWN'],
          [refusedSteps[4]!.id, 'fulfilment-not-applicable', 'SHIPMENT_NOT_READY'],
          [refusedSteps[5]!.id, 'fulfilment-not-applicable', 'SHIPMENT_NOT_PACKED'],
          [refusedSteps[6]!.id, 'fulfilment-not-applicable', 'SHIPMENT_NOT_PACKED'],
        ]),
      );
      expect(raised).toHaveLength(refusedSteps.length);
      // Every refused step is stored all the same.
      const stored = await server.storage.getDocs(
        '_fulfilmentFacts' as never,
        refusedSteps.map((s) => s.id),
        null,
      );
      expect(stored.size).toBe(refusedSteps.length);
    });

    it('[SHS2] [FS6] a step pushed late from an offline device after the parcel moved on is an exception', async () => {
      const { shipment } = await routedPaidOrder(server.storage, 'O-F5', TWO_LINES);
      const sid = shipment.shipmentId;
      const all = [
        { orderId: 'O-F5', lineId: 'L1', quantity: 2 },
        { orderId: 'O-F5', lineId: 'L2', quantity: 1 },
      ];
      await push(D1.token, [
        fulfilmentFact(D1, 1, sid, 'pick', { lines: all }),
        fulfilmentFact(D1, 2, sid, 'pack'),
        fulfilmentFact(D1, 3, sid, 'label'),
        fulfilmentFact(D1, 4, sid, 'handover'),
      ]);
      const before = await snapshot('O-F5', sid);
      // Written offline before the hand-over (L1 reported short), pushed after it.
      const late = fulfilmentFact(D1, 99, sid, 'short', {
        lines: [{ orderId: 'O-F5', lineId: 'L1', quantity: 1 }],
        reason: 'not-found',
        at: '2026-01-02T03:01:00.000Z',
      });
      expect(await push(D1.token, [late])).toMatchObject([{ ok: true }]);
      expect(await snapshot('O-F5', sid)).toEqual(before);
      expect(await exceptions()).toMatchObject([
        {
          kind: 'fulfilment-not-applicable',
          factId: late.id,
          details: { code: 'SHIPMENT_CLOSED', status: 'handed-over', step: 'short' },
        },
      ]);
      const order: Order = await readOrder(server.storage, 'O-F5');
      expect(order.status).toBe('shipped');
      const parcel: Shipment = await readShipment(server.storage, sid);
      expect(parcel.factIds).toHaveLength(4);
    });
  });
}
