import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { availableToPromise } from './atp';
import {
  applyOrderEvent,
  canHold,
  foldOrderEvents,
  heldQuantities,
  holdExpiry,
  holdPolicy,
  isHoldExpired,
  isPickupOverdue,
  orderNumber,
  pickupDeadline,
  type Order,
  type OrderEvent,
} from './orders';

const T0 = '2026-12-06T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const placed: OrderEvent = {
  kind: 'placed',
  id: 'f-placed',
  at: T0,
  orderId: 'o1',
  channel: 'shop',
  customer: { memberId: 'm1' },
  lines: [
    {
      lineId: 'l1',
      sku: 'TEA',
      quantity: 2,
      unitPrice: 1500,
      net: 3000,
      fulfilment: { mode: 'pickup', storeId: 'S001' },
    },
    {
      lineId: 'l2',
      sku: 'CUP',
      quantity: 1,
      unitPrice: 800,
      net: 700,
      fulfilment: { mode: 'pickup', storeId: 'S001' },
    },
  ],
  total: 3700,
};
const held: OrderEvent = { kind: 'held', id: 'f-held', at: T0, holdExpiresAt: holdExpiry(T0) };
const paid: OrderEvent = {
  kind: 'paid',
  id: 'f-paid',
  at: at(5),
  pickupDeadline: pickupDeadline(at(5)),
};
const pick = (id: string, lineId: string, quantity: number, minutes = 10): OrderEvent => ({
  kind: 'picked-up',
  id,
  at: at(minutes),
  lineId,
  quantity,
});

function order(...events: OrderEvent[]): Order {
  const result = foldOrderEvents(events);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.order;
}
function refusal(base: Order | undefined, event: OrderEvent): string {
  const result = applyOrderEvent(base, event);
  if (result.ok) throw new Error(`accepted ${event.kind}`);
  return result.code;
}

describe('orders', () => {
  it('[OD1] [OD2] a placed order starts placed; a malformed one is refused', () => {
    const o = order(placed);
    expect(o).toMatchObject({ id: 'o1', status: 'placed', total: 3700, placedAt: T0 });
    expect(o.lines.map((l) => l.pickedUp)).toEqual([0, 0]);
    const bad = (changes: object) => refusal(undefined, { ...placed, ...changes } as OrderEvent);
    expect(bad({ total: 3701 })).toBe('ORDER_INVALID');
    expect(bad({ channel: 'fax' })).toBe('ORDER_INVALID');
    expect(bad({ customer: {} })).toBe('ORDER_INVALID');
    expect(bad({ lines: [] })).toBe('ORDER_INVALID');
    const [l1, l2] = (placed as Extract<OrderEvent, { kind: 'placed' }>).lines;
    expect(bad({ lines: [l1, { ...l2, lineId: 'l1' }] })).toBe('ORDER_INVALID');
    expect(bad({ lines: [{ ...l1, quantity: 1.5 }], total: 3000 })).toBe('ORDER_INVALID');
    expect(bad({ lines: [{ ...l1, net: -1 }], total: -1 })).toBe('ORDER_INVALID');
    expect(
      bad({ lines: [{ ...l1, fulfilment: { mode: 'ship', addressId: '' } }], total: 3000 }),
    ).toBe('ORDER_INVALID');
    const takeNow = { lines: [{ ...l1, fulfilment: { mode: 'take-now' } }], total: 3000 };
    expect(bad(takeNow)).toBe('ORDER_INVALID');
    expect(bad({ ...takeNow, channel: 'delivery-platform' })).toBe('ORDER_INVALID');
    expect(order({ ...placed, ...takeNow, channel: 'tablet' } as OrderEvent).status).toBe('placed');
    expect(order({ ...placed, customer: { phoneIndex: 'px' } }).customer).toEqual({
      phoneIndex: 'px',
    });
  });

  it('[OD12] the order number people read is the same everywhere', () => {
    expect(orderNumber('ORD-5849A7B6-1EF0-4012-A724-708C91A67CBA')).toBe('5849A7B6');
    expect(orderNumber('o1')).toBe('o1');
    expect(orderNumber('ORD-short')).toBe('ORD-short');
  });

  it('[OD3] a replayed fact is a no-op and a refusal changes nothing', () => {
    const o = order(placed, held, paid, pick('p1', 'l1', 1));
    const replay = applyOrderEvent(o, pick('p1', 'l1', 1));
    expect(replay).toEqual({ ok: true, order: o });
    expect(o.lines[0]?.pickedUp).toBe(1);
    const frozen = JSON.parse(JSON.stringify(o)) as Order;
    expect(refusal(o, pick('p2', 'l1', 5))).toBe('ORDER_PICKUP_EXCEEDS_ORDERED');
    expect(o).toEqual(frozen);
    expect(refusal(o, { kind: 'ready', id: '', at: T0 })).toBe('ORDER_EVENT_INVALID');
    expect(refusal(undefined, paid)).toBe('ORDER_NOT_PLACED');
    expect(refusal(o, { ...placed, id: 'again' })).toBe('ORDER_TRANSITION_REFUSED');
  });

  it('[OD4] [OD5] [OD6] placed → held → paid → ready', () => {
    const h = order(placed, held);
    expect(h).toMatchObject({ status: 'held', holdExpiresAt: at(15) });
    const p = order(placed, held, paid);
    expect(p).toMatchObject({
      status: 'paid',
      paidAt: at(5),
      pickupDeadline: '2026-12-09T10:05:00.000Z',
    });
    expect(order(placed, paid).status).toBe('paid');
    expect(order(placed, held, paid, { kind: 'ready', id: 'r', at: at(20) }).status).toBe('ready');
    expect(refusal(order(placed), { kind: 'ready', id: 'r', at: at(1) })).toBe(
      'ORDER_TRANSITION_REFUSED',
    );
    expect(refusal(p, { ...held, id: 'h2' })).toBe('ORDER_TRANSITION_REFUSED');
    expect(refusal(order(placed), { ...held, holdExpiresAt: T0 })).toBe('ORDER_EVENT_INVALID');
  });

  it('[OD5] [OD9] paying after the hold expired is refused; expiry comes at the boundary, not before', () => {
    const h = order(placed, held);
    expect(refusal(h, { ...paid, at: at(15) })).toBe('ORDER_HOLD_EXPIRED');
    expect(applyOrderEvent(h, { ...paid, at: at(14.99) }).ok).toBe(true);
    expect(refusal(h, { kind: 'expired', id: 'x', at: at(14.99) })).toBe('ORDER_HOLD_NOT_EXPIRED');
    const x = order(placed, held, { kind: 'expired', id: 'x', at: at(15) });
    expect(x).toMatchObject({ status: 'expired', closedAt: at(15) });
    expect(refusal(x, paid)).toBe('ORDER_HOLD_EXPIRED');
    expect(refusal(order(placed, paid), { kind: 'expired', id: 'x', at: at(30) })).toBe(
      'ORDER_TRANSITION_REFUSED',
    );
  });

  it('[OD7] picked up in part then in whole, only after payment, never twice', () => {
    const p = order(placed, held, paid);
    expect(refusal(order(placed, held), pick('p1', 'l1', 1))).toBe('ORDER_NOT_PAID');
    const part = order(placed, held, paid, pick('p1', 'l1', 1));
    expect(part.status).toBe('partly-picked-up');
    const whole = order(
      placed,
      held,
      paid,
      pick('p1', 'l1', 1),
      pick('p2', 'l1', 1),
      pick('p3', 'l2', 1),
    );
    expect(whole.status).toBe('picked-up');
    expect(whole.pickups.map((x) => x.factId)).toEqual(['p1', 'p2', 'p3']);
    expect(refusal(p, pick('p1', 'l1', 3))).toBe('ORDER_PICKUP_EXCEEDS_ORDERED');
    expect(refusal(p, pick('p1', 'nope', 1))).toBe('ORDER_LINE_UNKNOWN');
    expect(refusal(p, pick('p1', 'l1', 0))).toBe('ORDER_EVENT_INVALID');
    // the same units handed over again by another device: an exception, not a count
    expect(refusal(part, pick('other-device', 'l1', 2))).toBe('ORDER_ALREADY_HANDED_OVER');
    expect(refusal(whole, pick('p4', 'l2', 1))).toBe('ORDER_ALREADY_HANDED_OVER');
    const shipped = order(
      {
        ...placed,
        lines: [
          {
            lineId: 's',
            sku: 'TEA',
            quantity: 1,
            unitPrice: 5,
            net: 5,
            fulfilment: { mode: 'ship', addressId: 'a1' },
          },
        ],
        total: 5,
      } as OrderEvent,
      paid,
    );
    expect(refusal(shipped, pick('p1', 's', 1))).toBe('ORDER_LINE_NOT_FOR_PICKUP');
  });

  it('[OD8] [OD10] cancelled before any hand-over, refunded only when it was paid', () => {
    expect(order(placed, held, { kind: 'cancelled', id: 'c', at: at(2) }).status).toBe('cancelled');
    const part = order(placed, paid, pick('p1', 'l1', 1));
    expect(refusal(part, { kind: 'cancelled', id: 'c', at: at(20) })).toBe(
      'ORDER_ALREADY_PICKED_UP',
    );
    const cancelledUnpaid = order(placed, { kind: 'cancelled', id: 'c', at: at(2) });
    expect(refusal(cancelledUnpaid, { kind: 'refunded', id: 'r', at: at(3) })).toBe(
      'ORDER_NOT_PAID',
    );
    expect(refusal(cancelledUnpaid, paid)).toBe('ORDER_TRANSITION_REFUSED');
    const refunded = order(
      placed,
      paid,
      { kind: 'cancelled', id: 'c', at: at(9) },
      { kind: 'refunded', id: 'r', at: at(10) },
    );
    expect(refunded).toMatchObject({ status: 'refunded', closedAt: at(10) });
    expect(refusal(order(placed, paid), { kind: 'refunded', id: 'r', at: at(10) })).toBe(
      'ORDER_TRANSITION_REFUSED',
    );
    expect(refusal(refunded, { kind: 'cancelled', id: 'c2', at: at(11) })).toBe(
      'ORDER_TRANSITION_REFUSED',
    );
  });
});

/** Any sequence of facts on the example order, legal or not. */
const eventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.constant(held),
  fc.constant(paid),
  fc.record({
    kind: fc.constant('ready' as const),
    id: fc.constantFrom('r1', 'r2'),
    at: fc.constant(at(6)),
  }),
  fc.record({
    kind: fc.constant('picked-up' as const),
    id: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6'),
    at: fc.constant(at(10)),
    lineId: fc.constantFrom('l1', 'l2'),
    quantity: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('cancelled' as const),
    id: fc.constant('c1'),
    at: fc.constant(at(8)),
  }),
  fc.record({
    kind: fc.constantFrom('expired' as const),
    id: fc.constant('x1'),
    at: fc.constantFrom(at(14), at(15), at(16)),
  }),
  fc.record({
    kind: fc.constant('refunded' as const),
    id: fc.constant('rf'),
    at: fc.constant(at(20)),
  }),
);

/** Applies every fact in turn, keeping the order as it was when one is refused. */
function applyAll(start: Order | undefined, events: readonly OrderEvent[]): Order | undefined {
  return events.reduce<Order | undefined>((o, e) => {
    const result = applyOrderEvent(o, e);
    return result.ok ? result.order : o;
  }, start);
}

describe('orders, for any sequence of facts', () => {
  it('[OD7] handed-over units never exceed the ordered ones', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 20 }), (events) => {
        const o = applyAll(undefined, [placed, ...events]);
        for (const line of o?.lines ?? []) {
          expect(line.pickedUp).toBeGreaterThanOrEqual(0);
          expect(line.pickedUp).toBeLessThanOrEqual(line.quantity);
        }
        const counted = (o?.pickups ?? []).reduce((s, p) => s + p.quantity, 0);
        expect(counted).toBe((o?.lines ?? []).reduce((s, l) => s + l.pickedUp, 0));
        if (o && o.lines.some((l) => l.pickedUp > 0)) expect(o.paidAt).toBeDefined();
      }),
    );
  });

  it('[OD3] replaying the accepted facts, in any order, gives the same order', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 20 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (events, seed) => {
          const accepted: OrderEvent[] = [];
          const once = [placed, ...events].reduce<Order | undefined>((o, e) => {
            const result = applyOrderEvent(o, e);
            if (!result.ok) return o;
            if (result.order !== o) accepted.push(e);
            return result.order;
          }, undefined);
          expect(foldOrderEvents(accepted)).toEqual({ ok: true, order: once });
          const shuffled = [...accepted].sort(
            (a, b) => ((a.id.length * seed) % 7) - ((b.id.length * seed) % 7),
          );
          expect(applyAll(once, [...accepted, ...shuffled, ...accepted.reverse()])).toEqual(once);
        },
      ),
    );
  });

  it('[HL3] held units are never negative and, for paid pickups, ordered − handed over', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 20 }),
        fc.integer({ min: 0, max: 40 }),
        (events, minutes) => {
          const o = applyAll(undefined, [placed, ...events]);
          if (!o) return;
          const map = heldQuantities([o], 'S001', at(minutes));
          for (const units of map.values()) expect(units).toBeGreaterThan(0);
          if (['paid', 'ready', 'partly-picked-up', 'picked-up'].includes(o.status)) {
            for (const line of o.lines) {
              expect(map.get(line.sku) ?? 0).toBe(line.quantity - line.pickedUp);
            }
          }
          if (['placed', 'cancelled', 'expired', 'refunded'].includes(o.status))
            expect(map.size).toBe(0);
        },
      ),
    );
  });
});

describe('holds', () => {
  it('[HL1] 15 minutes and 3 days unless the chain says otherwise', () => {
    expect(holdPolicy()).toEqual({ holdMinutes: 15, pickupDays: 3 });
    expect(holdPolicy({ holdMinutes: 30 })).toEqual({ holdMinutes: 30, pickupDays: 3 });
    expect(() => holdPolicy({ holdMinutes: 0 })).toThrow(/holdMinutes/);
    expect(() => holdPolicy({ pickupDays: 1.5 })).toThrow(/pickupDays/);
  });

  it('[HL2] expiry and pickup deadline are exact at the boundary', () => {
    const policy = holdPolicy({ holdMinutes: 20, pickupDays: 2 });
    expect(holdExpiry(T0, policy)).toBe(at(20));
    expect(pickupDeadline(T0, policy)).toBe('2026-12-08T10:00:00.000Z');
    expect(() => holdExpiry('soon')).toThrow(/instant/);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 * 60 }),
        fc.integer({ min: 1, max: 10_000 }),
        (minutes, offsetMs) => {
          const h = order(placed, {
            ...held,
            holdExpiresAt: holdExpiry(T0, holdPolicy({ holdMinutes: minutes })),
          });
          const expiry = Date.parse(T0) + minutes * 60_000;
          expect(isHoldExpired(h, new Date(expiry - 1).toISOString())).toBe(false);
          expect(isHoldExpired(h, new Date(expiry).toISOString())).toBe(true);
          expect(isHoldExpired(h, new Date(expiry + offsetMs).toISOString())).toBe(true);
          expect(heldQuantities([h], 'S001', new Date(expiry - 1).toISOString()).get('TEA')).toBe(
            2,
          );
          expect(heldQuantities([h], 'S001', new Date(expiry).toISOString()).size).toBe(0);
        },
      ),
    );
  });

  it('[HL3] sums pickup lines at the store across orders and feeds ATP', () => {
    const a = order(placed, held);
    const b = order(
      { ...placed, id: 'f2', orderId: 'o2' } as OrderEvent,
      paid,
      pick('p1', 'l1', 1),
    );
    const elsewhere = order(
      {
        ...placed,
        id: 'f3',
        orderId: 'o3',
        lines: [
          {
            lineId: 'l1',
            sku: 'TEA',
            quantity: 9,
            unitPrice: 1,
            net: 9,
            fulfilment: { mode: 'pickup', storeId: 'S002' },
          },
        ],
        total: 9,
      } as OrderEvent,
      paid,
    );
    const map = heldQuantities([a, b, elsewhere, order(placed)], 'S001', at(1));
    expect([...map]).toEqual([
      ['TEA', 3],
      ['CUP', 2],
    ]);
    expect(availableToPromise({ onHand: 10, held: map.get('TEA'), safetyStock: 1 })).toBe(6);
    expect(heldQuantities([a, b], 'S001', at(15)).get('TEA')).toBe(1);
  });

  it('[HL4] a hold is taken only when ATP covers it', () => {
    expect(canHold({ onHand: 5, held: 2 }, 3)).toBe(true);
    expect(canHold({ onHand: 5, held: 2 }, 4)).toBe(false);
    expect(canHold({ onHand: 5 }, 0)).toBe(false);
    expect(canHold({ onHand: 5 }, 1.5)).toBe(false);
  });

  it('[HL5] a paid pickup is overdue from its deadline on, until handed over', () => {
    const p = order(placed, paid);
    const deadline = p.pickupDeadline ?? '';
    expect(isPickupOverdue(p, new Date(Date.parse(deadline) - 1).toISOString())).toBe(false);
    expect(isPickupOverdue(p, deadline)).toBe(true);
    const done = order(placed, paid, pick('p1', 'l1', 2), pick('p2', 'l2', 1));
    expect(isPickupOverdue(done, deadline)).toBe(false);
  });
});
