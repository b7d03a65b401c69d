import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyPickup,
  heldUnitsId,
  heldUnitsProblems,
  checkOrderReturn,
  lineRefund,
  linesLeftAt,
  orderFactProblems,
  pickupEvents,
  storeOrderId,
  storeOrderProblems,
  type PickupFact,
} from './order-facts';
import {
  applyOrderEvent,
  foldOrderEvents,
  holdExpiry,
  uncollectedRefund,
  type Order,
} from './orders';
import { validateFact, validateStateDocument } from './kinds';

const T0 = '2026-12-06T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

function paidOrder(): Order {
  const folded = foldOrderEvents([
    {
      kind: 'placed',
      id: 'o1:placed',
      at: T0,
      orderId: 'o1',
      channel: 'shop',
      customer: { memberId: 'm1' },
      lines: [
        {
          lineId: 'l1',
          sku: 'TEA',
          quantity: 3,
          unitPrice: 1000,
          net: 2999,
          fulfilment: { mode: 'pickup', storeId: 'S001' },
        },
        {
          lineId: 'l2',
          sku: 'CUP',
          quantity: 1,
          unitPrice: 800,
          net: 800,
          fulfilment: { mode: 'pickup', storeId: 'S001' },
        },
        {
          lineId: 'l3',
          sku: 'POT',
          quantity: 1,
          unitPrice: 5000,
          net: 5000,
          fulfilment: { mode: 'pickup', storeId: 'S002' },
        },
      ],
      total: 8799,
    },
    { kind: 'held', id: 'o1:held', at: T0, holdExpiresAt: holdExpiry(T0) },
    { kind: 'paid', id: 'o1:paid', at: at(5) },
  ]);
  if (!folded.ok) throw new Error(folded.message);
  return folded.order;
}

const pickup = (id: string, lines: PickupFact['lines'], storeId = 'S001'): PickupFact => ({
  id,
  storeId,
  orderId: 'o1',
  lines,
  at: at(60),
  deviceId: 'T1',
  staffId: 'E1',
  proof: 'code',
});

describe('online orders at the store', () => {
  it('[OF1] a hand-over is one picked-up fact per line, with ids derived from its own', () => {
    const events = pickupEvents(
      pickup('T1-A', [
        { lineId: 'l1', quantity: 2 },
        { lineId: 'l2', quantity: 1 },
      ]),
    );
    expect(events.map((e) => e.id)).toEqual(['T1-A:l1', 'T1-A:l2']);
    expect(events.every((e) => e.kind === 'picked-up')).toBe(true);
  });

  it('[OF1] [OF3] a hand-over applied twice changes nothing the second time', () => {
    const fact = pickup('T1-A', [{ lineId: 'l1', quantity: 2 }]);
    const once = applyPickup(paidOrder(), fact);
    if (!once.ok) throw new Error(once.message);
    const twice = applyPickup(once.order, fact);
    expect(twice).toEqual(once);
    expect(linesLeftAt(once.order, 'S001')).toEqual([
      { lineId: 'l1', sku: 'TEA', quantity: 3, left: 1 },
      { lineId: 'l2', sku: 'CUP', quantity: 1, left: 1 },
    ]);
    expect(once.order.status).toBe('partly-picked-up');
  });

  it('[OF3] another device handing over the same units is refused, and nothing of it is applied', () => {
    const first = applyPickup(paidOrder(), pickup('T1-A', [{ lineId: 'l1', quantity: 3 }]));
    if (!first.ok) throw new Error(first.message);
    const second = applyPickup(
      first.order,
      pickup('T2-B', [
        { lineId: 'l2', quantity: 1 },
        { lineId: 'l1', quantity: 1 },
      ]),
    );
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.code).toBe('ORDER_ALREADY_HANDED_OVER');
    // l2 was not handed over by the refused fact: all lines or none.
    expect(linesLeftAt(first.order, 'S001').find((l) => l.lineId === 'l2')?.left).toBe(1);
  });

  it("[OF3] a line of another store's pickup is refused at this store", () => {
    const r = applyPickup(paidOrder(), pickup('T1-A', [{ lineId: 'l3', quantity: 1 }]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('ORDER_WRONG_STORE');
    expect(linesLeftAt(paidOrder(), 'S002')).toEqual([
      { lineId: 'l3', sku: 'POT', quantity: 1, left: 1 },
    ]);
  });

  it('[OF3] an order is picked up once every line of every store is handed over', () => {
    let order = paidOrder();
    for (const [fact, store] of [
      [
        pickup('T1-A', [
          { lineId: 'l1', quantity: 3 },
          { lineId: 'l2', quantity: 1 },
        ]),
        'S001',
      ],
      [pickup('T9-C', [{ lineId: 'l3', quantity: 1 }], 'S002'), 'S002'],
    ] as const) {
      const r = applyPickup(order, fact);
      if (!r.ok) throw new Error(r.message);
      order = r.order;
      expect(linesLeftAt(order, store).every((l) => l.left === 0)).toBe(true);
    }
    expect(order.status).toBe('picked-up');
  });

  it('[OF6] returning every unit in any steps refunds exactly the line net', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc
          .integer({ min: 1, max: 50 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.array(fc.integer({ min: 1, max: n }), { maxLength: 60 })),
          ),
        (net, [quantity, steps]) => {
          let returned = 0;
          let refunded = 0;
          for (const step of steps) {
            const q = Math.min(step, quantity - returned);
            if (q === 0) break;
            const r = lineRefund({ net, quantity }, returned, q);
            expect(r).toBeGreaterThanOrEqual(0);
            refunded += r;
            returned += q;
          }
          refunded += lineRefund({ net, quantity }, returned, quantity - returned);
          expect(refunded).toBe(net);
        },
      ),
    );
  });

  it('[OD11] [OF5] [OF6] a return takes back handed-over units only, with the refund of its lines', () => {
    const handed = applyPickup(paidOrder(), pickup('T1-A', [{ lineId: 'l1', quantity: 2 }]));
    if (!handed.ok) throw new Error(handed.message);
    const check = checkOrderReturn(handed.order, [{ lineId: 'l1', quantity: 1 }]);
    expect(check).toEqual({
      ok: true,
      refund: 999,
      perLine: [{ lineId: 'l1', quantity: 1, refund: 999 }],
    });
    const wrong = checkOrderReturn(handed.order, [{ lineId: 'l1', quantity: 1 }], 1000);
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.code).toBe('ORDER_RETURN_REFUND_WRONG');
    const notHanded = checkOrderReturn(handed.order, [{ lineId: 'l2', quantity: 1 }]);
    expect(notHanded.ok).toBe(false);
    if (!notHanded.ok) expect(notHanded.code).toBe('ORDER_RETURN_EXCEEDS_HANDED_OVER');

    const returned = applyOrderEvent(handed.order, {
      kind: 'returned',
      id: 'T1-R:l1',
      at: at(90),
      lineId: 'l1',
      quantity: 2,
      refund: 1999,
    });
    if (!returned.ok) throw new Error(returned.message);
    const again = applyOrderEvent(returned.order, {
      kind: 'returned',
      id: 'T2-R:l1',
      at: at(95),
      lineId: 'l1',
      quantity: 1,
      refund: 1000,
    });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.code).toBe('ORDER_RETURN_EXCEEDS_HANDED_OVER');
    const afterAll = checkOrderReturn(returned.order, [{ lineId: 'l1', quantity: 1 }]);
    expect(afterAll.ok).toBe(false);
  });

  it('[OD13] a partly picked-up order closes short: the rest refunded, never more than the net with returns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e8 }),
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 1, max: 39 }),
        fc.integer({ min: 0, max: 39 }),
        (net, quantity, picked, returned) => {
          fc.pre(picked < quantity && returned <= picked);
          const folded = foldOrderEvents([
            {
              kind: 'placed',
              id: 'p',
              at: T0,
              orderId: 'o',
              channel: 'shop',
              customer: { memberId: 'm' },
              lines: [
                {
                  lineId: 'l',
                  sku: 'S',
                  quantity,
                  unitPrice: net,
                  net,
                  fulfilment: { mode: 'pickup', storeId: 'S001' },
                },
              ],
              total: net,
            },
            { kind: 'paid', id: 'paid', at: T0 },
            { kind: 'picked-up', id: 'h', at: at(1), lineId: 'l', quantity: picked },
          ]);
          if (!folded.ok) throw new Error(folded.message);
          const rest = uncollectedRefund(folded.order);
          const closed = applyOrderEvent(folded.order, {
            kind: 'rest-cancelled',
            id: 'c',
            at: at(2),
            refund: rest,
          });
          if (!closed.ok) throw new Error(closed.message);
          expect(closed.order.status).toBe('closed');
          const wrong = applyOrderEvent(folded.order, {
            kind: 'rest-cancelled',
            id: 'c',
            at: at(2),
            refund: rest + 1,
          });
          expect(wrong.ok).toBe(false);
          const back = returned > 0 ? lineRefund({ net, quantity }, 0, returned) : 0;
          expect(rest + back).toBeLessThanOrEqual(net);
          if (returned === picked) expect(rest + back).toBe(net);
          // A closed order holds nothing and cannot be cancelled again.
          expect(applyOrderEvent(closed.order, { kind: 'cancelled', id: 'x', at: at(3) }).ok).toBe(
            false,
          );
        },
      ),
    );
  });

  it('[ATP3] units held travel as their own store document, named by store and SKU', () => {
    const doc = {
      id: heldUnitsId('S001', 'TEA'),
      kind: 'held',
      storeId: 'S001',
      sku: 'TEA',
      held: 3,
      updatedAt: T0,
    };
    expect(heldUnitsProblems(doc)).toEqual([]);
    expect(validateStateDocument('storeState', doc)).toEqual([]);
    expect(heldUnitsProblems({ ...doc, sku: 'CUP' })).toEqual([
      { path: '$.id', message: `must be ${heldUnitsId('S001', 'CUP')}` },
    ]);
    expect(heldUnitsProblems({ ...doc, held: -1 }).length).toBeGreaterThan(0);
  });

  it('[OF2] a store order names its order and store in its id', () => {
    const order = paidOrder();
    const doc = {
      id: storeOrderId(order.id, 'S001'),
      kind: 'order',
      storeId: 'S001',
      updatedAt: at(5),
      order,
    };
    expect(storeOrderProblems(doc)).toEqual([]);
    expect(storeOrderProblems({ ...doc, storeId: 'S002' })).toEqual([
      { path: '$.id', message: `must be ${storeOrderId(order.id, 'S002')}` },
    ]);
    expect(storeOrderProblems({ ...doc, extra: 1 }).length).toBeGreaterThan(0);
  });

  it('[OF7] [DK3] order facts are checked by their kind: schema, instant, each line once', () => {
    const good = pickup('T1-A', [{ lineId: 'l1', quantity: 1 }]);
    expect(validateFact({ ...good, kind: 'pickup' })).toEqual([]);
    expect(orderFactProblems('pickup', { ...good, at: 'soon' })).toEqual([
      { path: '$.at', message: 'is not an instant' },
    ]);
    expect(
      orderFactProblems('pickup', {
        ...good,
        lines: [
          { lineId: 'l1', quantity: 1 },
          { lineId: 'l1', quantity: 1 },
        ],
      }),
    ).toEqual([{ path: '$.lines', message: 'line l1 is named twice' }]);
    expect(orderFactProblems('pickup', { ...good, lines: [] }).length).toBeGreaterThan(0);
    expect(
      validateFact({
        kind: 'orderPayment',
        id: 'T1-P',
        storeId: 'S001',
        orderId: 'o1',
        amount: 8799,
        tender: 'cash',
        at: T0,
        deviceId: 'T1',
        staffId: 'E1',
      }),
    ).toEqual([]);
    expect(
      validateFact({
        kind: 'orderReturn',
        id: 'T1-R',
        storeId: 'S001',
        orderId: 'o1',
        lines: [{ lineId: 'l1', quantity: 1 }],
        refund: 999,
        refundTo: 'bank',
        at: T0,
        deviceId: 'T1',
        staffId: 'E1',
      }).length,
    ).toBeGreaterThan(0);
  });

  it('[OF7] no input makes the order fact checks throw', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.constantFrom('pickup', 'orderPayment', 'orderReturn'),
        (value, kind) => {
          expect(Array.isArray(orderFactProblems(kind as 'pickup', value))).toBe(true);
          expect(Array.isArray(storeOrderProblems(value))).toBe(true);
        },
      ),
    );
  });
});
