import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MEMBER_FIXTURE, PRODUCT_FIXTURE, saleFactFixture } from './fixtures';
import type { ReturnFact } from './returns';
import { closeShift, expectedCash, shiftProblems, shiftTotals, type OpenShift } from './shift';

const open: OpenShift = {
  id: 'S001-POS1-SH1',
  storeId: 'S001',
  deviceId: 'S001-POS1',
  cashierId: 'E1',
  openedAt: '2026-11-22T01:00:00.000Z',
  openingFloat: 50_000,
};
const cashSale = saleFactFixture({ id: 'S001-POS1-A', tenders: [{ kind: 'cash', amount: 1_000 }] });
const splitSale = saleFactFixture({
  id: 'S001-POS1-B',
  lines: [[PRODUCT_FIXTURE, 1_500, 2]],
  member: MEMBER_FIXTURE,
  tenders: [
    { kind: 'card', amount: 2_000, reference: 'T-1' },
    { kind: 'cash', amount: 2_000 },
  ],
});
const cashReturn: ReturnFact = {
  id: 'S001-POS1-R',
  saleId: cashSale.id,
  storeId: 'S001',
  deviceId: 'S001-POS1',
  returnedAt: '2026-11-22T02:00:00.000Z',
  lines: [{ lineId: 'L1', sku: 'SKU-1', quantity: 1, refund: 250 }],
  refund: 250,
  tenders: [{ kind: 'cash', amount: 250 }],
  points: { reversedEarn: 0, restoredRedeem: 0 },
};

describe('shifts', () => {
  it('[SH1] totals count each tender net of change and of refunds in that kind', () => {
    const totals = shiftTotals({
      sales: [cashSale, splitSale],
      returns: [cashReturn],
      noSaleOpens: 1,
    });
    // Cash: 1000 − 750 change, 2000 − 1000 change, − 250 refund = 1000; card 2000.
    expect(totals.tenders).toEqual([
      { kind: 'cash', amount: 1_000 },
      { kind: 'card', amount: 2_000 },
      { kind: 'mobile', amount: 0 },
      { kind: 'points', amount: 0 },
    ]);
    expect(totals.sales).toEqual({ count: 2, amount: 250 + 3_000 });
    expect(totals.returns).toEqual({ count: 1, amount: 250 });
    expect(totals.noSaleOpens).toBe(1);
  });

  it('[SH1] [SH2] online orders paid at the till count in their tender; only cash refunds leave the drawer', () => {
    const common = { storeId: 'S001', deviceId: 'S001-POS1', staffId: 'E1', at: open.openedAt };
    const totals = shiftTotals({
      sales: [cashSale],
      returns: [],
      noSaleOpens: 0,
      orderPayments: [
        { ...common, id: 'S001-POS1-P1', orderId: 'o1', amount: 3_000, tender: 'cash' },
        { ...common, id: 'S001-POS1-P2', orderId: 'o2', amount: 1_200, tender: 'qr' },
      ],
      orderReturns: [
        {
          ...common,
          id: 'S001-POS1-R1',
          orderId: 'o1',
          lines: [{ lineId: 'L1', quantity: 1 }],
          refund: 500,
          refundTo: 'cash',
        },
        {
          ...common,
          id: 'S001-POS1-R2',
          orderId: 'o3',
          lines: [{ lineId: 'L1', quantity: 1 }],
          refund: 900,
          refundTo: 'original',
        },
      ],
    });
    // Cash: 1000 − 750 change + 3000 paid − 500 refunded = 2750; the QR payment is mobile.
    expect(totals.tenders).toEqual([
      { kind: 'cash', amount: 2_750 },
      { kind: 'card', amount: 0 },
      { kind: 'mobile', amount: 1_200 },
      { kind: 'points', amount: 0 },
    ]);
    expect(expectedCash(open.openingFloat, totals)).toBe(52_750);
  });

  it('[SH2] expected cash is the float plus the net cash taken', () => {
    const totals = shiftTotals({
      sales: [cashSale, splitSale],
      returns: [cashReturn],
      noSaleOpens: 0,
    });
    expect(expectedCash(open.openingFloat, totals)).toBe(51_000);
  });

  it('[SH3] the variance is counted minus expected, whatever was sold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100_000 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (prices, counted) => {
          const sales = prices.map((p, i) =>
            saleFactFixture({ id: `S001-POS1-${i}`, lines: [[PRODUCT_FIXTURE, p, 1]] }),
          );
          const totals = shiftTotals({ sales, returns: [], noSaleOpens: 0 });
          const shift = closeShift(open, totals, counted, '2026-11-22T10:00:00.000Z');
          expect(shift.expectedCash).toBe(open.openingFloat + prices.reduce((a, b) => a + b, 0));
          expect(shift.variance).toBe(counted - shift.expectedCash);
          expect(shiftProblems(shift)).toEqual([]);
        },
      ),
    );
  });

  it('[SH4] a close whose figures do not add up is refused with reasons', () => {
    const totals = shiftTotals({ sales: [cashSale], returns: [], noSaleOpens: 0 });
    const shift = closeShift(open, totals, 50_000, '2026-11-22T10:00:00.000Z');
    expect(shift.variance).toBe(-250);
    expect(shiftProblems({ ...shift, variance: 0 })).toEqual([
      'variance must be countedCash minus expectedCash',
    ]);
    expect(shiftProblems({ ...shift, expectedCash: 1, variance: 49_999 })).toContain(
      'expectedCash must be the opening float plus the net cash taken',
    );
    expect(shiftProblems({ ...shift, id: 'OTHER-1' })).toEqual([
      'id must be the device id, "-", then letters and digits (a ULID)',
    ]);
  });
});
