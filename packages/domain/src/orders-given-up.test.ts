import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyOrderEvent,
  cancelRefund,
  cancellationRefund,
  foldOrderEvents,
  uncollectedRefund,
  type Order,
  type OrderEvent,
  type OrderLine,
  type RoutingExplanation,
} from './index';

const T0 = '2026-03-02T03:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const explanation: RoutingExplanation = {
  mode: 'ship',
  at: T0,
  candidates: [],
  ineligible: {},
  searchNodes: 1,
  searchCapped: false,
};
type PlacedLine = Omit<OrderLine, 'pickedUp'>;
const shipLine = (lineId: string, quantity: number, net: number): PlacedLine => ({
  lineId,
  sku: `SKU-${lineId}`,
  quantity,
  unitPrice: net,
  net,
  fulfilment: { mode: 'ship', addressId: 'AD1' },
});
const pickupLine = (lineId: string, quantity: number, net: number): PlacedLine => ({
  ...shipLine(lineId, quantity, net),
  fulfilment: { mode: 'pickup', storeId: 'S001' },
});
const placed = (lines: PlacedLine[]): OrderEvent => ({
  kind: 'placed',
  id: 'placed',
  at: T0,
  orderId: 'O1',
  channel: 'shop',
  customer: { memberId: 'M1' },
  lines,
  total: lines.reduce((s, l) => s + l.net, 0),
});
const paid: OrderEvent = { kind: 'paid', id: 'paid', at: at(1), pickupDeadline: at(600) };
const routed = (lineId: string, quantity: number, shipmentId = 'P1'): OrderEvent => ({
  kind: 'routed',
  id: `routed:${lineId}:${shipmentId}`,
  at: at(1),
  allocations: [{ lineId, locationId: 'S002', shipmentId, quantity }],
  explanation,
});
const shipped = (lineId: string, quantity: number, shipmentId = 'P1'): OrderEvent => ({
  kind: 'shipped',
  id: `shipped:${lineId}:${shipmentId}:${quantity}`,
  at: at(2),
  shipmentId,
  lines: [{ lineId, quantity }],
});
const short = (lineId: string, quantity: number, shipmentId = 'P1'): OrderEvent => ({
  kind: 'line-short',
  id: `short:${lineId}:${shipmentId}`,
  at: at(2),
  lineId,
  shipmentId,
  quantity,
});
const givenUp = (lineId: string, quantity: number, refund: number, id = 'gone'): OrderEvent => ({
  kind: 'units-cancelled',
  id: `${id}:${lineId}`,
  at: at(3),
  lineId,
  quantity,
  refund,
  reason: 'no location can ship them',
});

function fold(events: OrderEvent[]): Order {
  const result = foldOrderEvents(events);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.order;
}

describe('units an order gives up', () => {
  it('[OD16] a failed reroute gives up the missing units: shipped when the rest shipped', () => {
    const before = fold([
      placed([shipLine('L1', 3, 999)]),
      paid,
      routed('L1', 3),
      shipped('L1', 1),
      short('L1', 2),
    ]);
    expect(before.status).toBe('partly-shipped');
    const refund = cancelRefund(before.lines[0]!, 2);
    expect(refund).toBe(999 - 333);
    const after = applyOrderEvent(before, givenUp('L1', 2, refund));
    expect(after.ok && after.order.status).toBe('shipped');
    expect(after.ok && after.order.lines[0]!.cancelled).toBe(2);
  });

  it('[OD16] an order none of whose units could be delivered closes, the whole net refunded', () => {
    const before = fold([placed([shipLine('L1', 3, 1000)]), paid, routed('L1', 3), short('L1', 3)]);
    const after = applyOrderEvent(before, givenUp('L1', 3, 1000));
    expect(after.ok && after.order.status).toBe('closed');
    expect(after.ok && after.order.closedAt).toBe(at(3));
  });

  it('[OD16] units given up in part keep the order open for the rest', () => {
    const order = fold([
      placed([shipLine('L1', 2, 1000), shipLine('L2', 1, 500)]),
      paid,
      routed('L1', 2),
      routed('L2', 1, 'P2'),
      short('L1', 2),
      givenUp('L1', 2, 1000),
    ]);
    expect(order.status).toBe('paid');
    const done = applyOrderEvent(order, shipped('L2', 1, 'P2'));
    expect(done.ok && done.order.status).toBe('shipped');
  });

  it('[OD16] units still routed, a wrong refund, a pickup line, an unpaid or closed order: refused, nothing changed', () => {
    const open = fold([
      placed([shipLine('L1', 3, 900), pickupLine('L2', 1, 100)]),
      paid,
      routed('L1', 3),
      short('L1', 1),
    ]);
    const beyond = applyOrderEvent(open, givenUp('L1', 2, 600));
    expect(!beyond.ok && beyond.code).toBe('ORDER_CANCEL_EXCEEDS_UNROUTED');
    const wrong = applyOrderEvent(open, givenUp('L1', 1, 1));
    expect(!wrong.ok && wrong.code).toBe('ORDER_EVENT_INVALID');
    const pickup = applyOrderEvent(open, givenUp('L2', 1, 100));
    expect(!pickup.ok && pickup.code).toBe('ORDER_EVENT_INVALID');
    const unknown = applyOrderEvent(open, givenUp('L9', 1, 100));
    expect(!unknown.ok && unknown.code).toBe('ORDER_LINE_UNKNOWN');
    const unpaid = applyOrderEvent(fold([placed([shipLine('L1', 1, 100)])]), givenUp('L1', 1, 100));
    expect(!unpaid.ok && unpaid.code).toBe('ORDER_NOT_PAID');
    const closed = fold([
      placed([shipLine('L1', 1, 100)]),
      paid,
      routed('L1', 1),
      short('L1', 1),
      givenUp('L1', 1, 100),
    ]);
    const again = applyOrderEvent(closed, givenUp('L1', 1, 0, 'again'));
    expect(!again.ok && again.code).toBe('ORDER_TRANSITION_REFUSED');
    expect(open.lines[0]!.cancelled).toBeUndefined();
  });

  it('[OD13] [OD16] a mixed order closed short gives up only the pickup units and carries on for its delivery lines', () => {
    const order = fold([
      placed([pickupLine('L1', 2, 1000), shipLine('L2', 2, 600)]),
      paid,
      routed('L2', 2),
      { kind: 'picked-up', id: 'h', at: at(2), lineId: 'L1', quantity: 1 },
    ]);
    expect(order.status).toBe('partly-picked-up');
    const refund = uncollectedRefund(order);
    expect(refund).toBe(500);
    const rest: OrderEvent = { kind: 'rest-cancelled', id: 'rest', at: at(600), refund };
    const closedShort = applyOrderEvent(order, rest);
    if (!closedShort.ok) throw new Error(closedShort.message);
    expect(closedShort.order.status).toBe('picked-up');
    expect(closedShort.order.closedAt).toBeUndefined();
    expect(closedShort.order.lines.map((l) => l.cancelled)).toEqual([1, undefined]);
    expect(uncollectedRefund(closedShort.order)).toBe(0);
    const part = applyOrderEvent(closedShort.order, shipped('L2', 1));
    expect(part.ok && part.order.status).toBe('partly-shipped');
    const all = applyOrderEvent(part.ok ? part.order : closedShort.order, {
      ...shipped('L2', 1),
      id: 'shipped:2',
    });
    expect(all.ok && all.order.status).toBe('shipped');
    const done = fold([
      placed([pickupLine('L1', 2, 1000), shipLine('L2', 2, 600)]),
      paid,
      routed('L2', 2),
      { kind: 'picked-up', id: 'h', at: at(2), lineId: 'L1', quantity: 1 },
      shipped('L2', 1),
      rest,
      { ...shipped('L2', 1), id: 'shipped:2' },
    ]);
    expect(done.status).toBe('shipped');
    const twice = applyOrderEvent(closedShort.order, { ...rest, id: 'rest2', refund: 0 });
    expect(!twice.ok && twice.code).toBe('ORDER_TRANSITION_REFUSED');
  });

  it('[OD16] a hand-over after a shipment keeps the order partly shipped', () => {
    const order = fold([
      placed([pickupLine('L1', 2, 1000), shipLine('L2', 2, 600)]),
      paid,
      routed('L2', 2),
      shipped('L2', 1),
      { kind: 'picked-up', id: 'h', at: at(2), lineId: 'L1', quantity: 2 },
    ]);
    expect(order.status).toBe('partly-shipped');
  });

  it('[OD16] the refunds of a delivery line never exceed its net, and are the net when every unit is given up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e8 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 10 }),
        (net, quantity, shipCount, chunks) => {
          fc.pre(shipCount <= quantity);
          const events: OrderEvent[] = [
            placed([shipLine('L1', quantity, net)]),
            paid,
            routed('L1', quantity),
          ];
          if (shipCount > 0) events.push(shipped('L1', shipCount));
          if (shipCount < quantity) events.push(short('L1', quantity - shipCount));
          let order = fold(events);
          let refunds = 0;
          let left = quantity - shipCount;
          chunks.forEach((chunk, i) => {
            const q = Math.min(chunk, left);
            if (q === 0) return;
            const refund = cancelRefund(order.lines[0]!, q);
            const result = applyOrderEvent(order, givenUp('L1', q, refund, `g${i}`));
            if (!result.ok) throw new Error(result.message);
            order = result.order;
            refunds += refund;
            left -= q;
          });
          // The shipped units' share, as a return of them would refund it ([OF6]).
          const shippedShare = Math.floor((net * shipCount) / quantity);
          expect(refunds + shippedShare).toBeLessThanOrEqual(net);
          if (shipCount === 0 && left === 0) expect(refunds).toBe(net);
          if (left === 0) expect(order.status).toBe(shipCount > 0 ? 'shipped' : 'closed');
          else expect(order.status).toBe(shipCount > 0 ? 'partly-shipped' : 'paid');
        },
      ),
    );
  });
});

describe('cancelling an order that gave units up', () => {
  it('[OD16] refunds its total less what the units given up were refunded: never a fen twice', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .record({
              quantity: fc.integer({ min: 1, max: 20 }),
              net: fc.integer({ min: 0, max: 1e6 }),
            })
            .chain((l) =>
              fc.record({
                quantity: fc.constant(l.quantity),
                net: fc.constant(l.net),
                steps: fc.array(fc.integer({ min: 1, max: l.quantity }), { maxLength: 3 }),
              }),
            ),
          { minLength: 1, maxLength: 5 },
        ),
        (spec) => {
          let refunded = 0;
          const lines = spec.map((l) => {
            let cancelled = 0;
            for (const step of l.steps) {
              const q = Math.min(step, l.quantity - cancelled);
              if (q === 0) continue;
              refunded += cancelRefund({ net: l.net, quantity: l.quantity, cancelled }, q);
              cancelled += q;
            }
            return { net: l.net, quantity: l.quantity, cancelled };
          });
          const total = spec.reduce((s, l) => s + l.net, 0);
          const order = { total, lines } as unknown as Parameters<typeof cancellationRefund>[0];
          expect(cancellationRefund(order) + refunded).toBe(total);
          expect(cancellationRefund(order)).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
