import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evenCredits } from './commission';
import { applyOrderEvent, foldOrderEvents, type OrderEvent } from './orders';

const T0 = '2026-12-06T10:00:00.000Z';
const clerk = { staffId: 'S001-E03', deviceId: 'S001-TAB1', attributionStoreId: 'S001' };
const credits = [{ staffId: 'S001-E03', share: 10_000 }];

/** A tablet order: one pickup line at another store, one shipped, both credited to the clerk. */
const placed: Extract<OrderEvent, { kind: 'placed' }> = {
  kind: 'placed',
  id: 'f-placed',
  at: T0,
  orderId: 'o1',
  channel: 'tablet',
  customer: { memberId: 'm1' },
  clerk,
  lines: [
    {
      lineId: 'l1',
      sku: 'TEE-RED-L',
      quantity: 1,
      unitPrice: 9900,
      net: 9900,
      fulfilment: { mode: 'pickup', storeId: 'S002' },
      credits,
    },
    {
      lineId: 'l2',
      sku: 'TEE-BLUE-M',
      quantity: 2,
      unitPrice: 9900,
      net: 19_800,
      fulfilment: { mode: 'ship', addressId: 'A1' },
      credits: evenCredits(['S001-E03', 'S001-E04']),
    },
  ],
  total: 29_700,
};

const refused = (event: OrderEvent) => {
  const r = applyOrderEvent(undefined, event);
  if (r.ok) throw new Error('placed an order that should be refused');
  return r;
};

describe('orders a clerk places', () => {
  it('[OD17] the order names the clerk, the device and the attribution store apart from the fulfilling stores', () => {
    const r = foldOrderEvents([placed]);
    if (!r.ok) throw new Error(r.message);
    expect(r.order.clerk).toEqual(clerk);
    expect(r.order.lines.map((l) => l.credits)).toEqual([
      credits,
      [
        { staffId: 'S001-E03', share: 5000 },
        { staffId: 'S001-E04', share: 5000 },
      ],
    ]);
    // The line is fulfilled at S002; the customer stays attributed to the clerk's S001.
    expect(r.order.lines[0]!.fulfilment).toEqual({ mode: 'pickup', storeId: 'S002' });
    expect(r.order.clerk?.attributionStoreId).toBe('S001');
  });

  it('[OD17] an order from the till channel may name a clerk too; the shop and other channels may not', () => {
    expect(foldOrderEvents([{ ...placed, channel: 'pos' }]).ok).toBe(true);
    for (const channel of ['shop', 'mini-program', 'delivery-platform'] as const) {
      expect(refused({ ...placed, channel })).toMatchObject({
        code: 'ORDER_INVALID',
        message: `a clerk places orders from a tablet or a till, not the ${channel} channel`,
      });
    }
  });

  it('[OD17] only an order a clerk placed carries credit, and only well-formed credit', () => {
    const { clerk: _, ...noClerk } = placed;
    expect(refused(noClerk as OrderEvent)).toMatchObject({
      message: 'line l1 is credited but no clerk placed the order',
    });
    const halfCredited = {
      ...placed,
      lines: [{ ...placed.lines[0]!, credits: [{ staffId: 'S001-E03', share: 5000 }] }],
      total: 9900,
    };
    expect(refused(halfCredited)).toMatchObject({
      message: 'line l1: the shares add up to 5000 basis points, not 10000 (100 %)',
    });
    // An order a clerk placed may still have lines credited to nobody.
    const { credits: _c, ...uncredited } = placed.lines[0]!;
    expect(foldOrderEvents([{ ...placed, lines: [uncredited], total: 9900 }]).ok).toBe(true);
  });

  it('[OD17] the clerk needs a staff id, a device id and an attribution store', () => {
    for (const bad of [
      { ...clerk, staffId: '' },
      { ...clerk, deviceId: undefined },
      { staffId: 'S001-E03', deviceId: 'S001-TAB1' },
    ]) {
      expect(refused({ ...placed, clerk: bad as typeof clerk })).toMatchObject({
        message: 'the clerk needs a staff id, a device id and an attribution store',
      });
    }
  });

  it('[OD17] any credit on any line is accepted exactly when it is valid, never throwing', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            staffId: fc.oneof(fc.constantFrom('S001-E03', 'S001-E04', 'E5'), fc.string()),
            share: fc.oneof(fc.integer({ min: -1, max: 10_001 }), fc.constant(5000)),
          }),
          { maxLength: 6 },
        ),
        (anyCredits) => {
          const event = {
            ...placed,
            lines: [{ ...placed.lines[0]!, credits: anyCredits }],
            total: 9900,
          };
          const r = applyOrderEvent(undefined, event);
          const ids = anyCredits.map((c) => c.staffId);
          const valid =
            anyCredits.length >= 1 &&
            anyCredits.length <= 5 &&
            new Set(ids).size === ids.length &&
            ids.every((id) => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(id)) &&
            anyCredits.every((c) => c.share >= 1 && c.share <= 10_000) &&
            anyCredits.reduce((s, c) => s + c.share, 0) === 10_000;
          expect(r.ok).toBe(valid);
        },
      ),
    );
  });
});
