import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MEMBER_FIXTURE, PRODUCT_FIXTURE, saleFactFixture } from './fixtures';
import { planReturn } from './returns';
import { closeShift, expectedCash, shiftTotals, type OpenShift } from './shift';
import { buildSaleReceipt } from './sale-fact';
import { buildReturnReceipt, buildXReport, buildZReport } from './shift-report';

const store = { name: 'Corner Store', address: '1 Main St', footer: 'Keep this receipt' };
const open: OpenShift = {
  id: 'S001-POS1-SH1',
  storeId: 'S001',
  deviceId: 'S001-POS1',
  cashierId: 'E1',
  openedAt: '2026-11-22T01:00:00.000Z',
  openingFloat: 50_000,
};
const sale = saleFactFixture({
  id: 'S001-POS1-B',
  lines: [[PRODUCT_FIXTURE, 1_500, 2]],
  member: MEMBER_FIXTURE,
  tenders: [
    { kind: 'card', amount: 2_000, reference: 'T-1' },
    { kind: 'cash', amount: 2_000 },
  ],
});

describe('shift reports as data', () => {
  const totals = shiftTotals({ sales: [sale], returns: [], noSaleOpens: 2 });

  it('[SR1] the X report copies the open shift, its totals and the expected cash given', () => {
    const report = buildXReport(
      { shift: open, totals, expectedCash: 12_345, at: '2026-11-22T02:00:00.000Z' },
      store,
      { currency: 'CNY', cashierName: 'Li Na' },
    );
    expect(report).toEqual({
      kind: 'x',
      storeName: 'Corner Store',
      storeAddress: '1 Main St',
      shiftId: open.id,
      deviceId: open.deviceId,
      cashierId: 'E1',
      cashierName: 'Li Na',
      currency: 'CNY',
      openedAt: open.openedAt,
      at: '2026-11-22T02:00:00.000Z',
      openingFloat: 50_000,
      sales: totals.sales,
      returns: totals.returns,
      discount: totals.discount,
      tenders: totals.tenders,
      noSaleOpens: 2,
      expectedCash: 12_345,
    });
    expect(report).not.toHaveProperty('countedCash');
    expect(report).not.toHaveProperty('variance');
  });

  it('[SR1] the Z report copies every figure from the close fact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (counted) => {
        const fact = closeShift(open, totals, counted, '2026-11-22T09:00:00.000Z');
        const report = buildZReport(fact, store, { currency: 'CNY' });
        expect(report.kind).toBe('z');
        expect(report.at).toBe(fact.closedAt);
        expect(report.expectedCash).toBe(fact.expectedCash);
        expect(report.countedCash).toBe(fact.countedCash);
        expect(report.variance).toBe(fact.variance);
        expect(report.tenders).toEqual(fact.totals.tenders);
        expect(report.sales).toEqual(fact.totals.sales);
        expect(report).not.toHaveProperty('cashierName');
      }),
    );
  });

  it('[SR1] the X and Z reports of the same totals print the same totals', () => {
    const fact = closeShift(open, totals, 0, '2026-11-22T09:00:00.000Z');
    const x = buildXReport(
      { shift: open, totals, expectedCash: expectedCash(open.openingFloat, totals), at: 'x' },
      store,
      { currency: 'CNY' },
    );
    const z = buildZReport(fact, store, { currency: 'CNY' });
    for (const key of ['sales', 'returns', 'discount', 'tenders', 'expectedCash'] as const) {
      expect(z[key]).toEqual(x[key]);
    }
  });
});

describe('refund receipts as data', () => {
  it('[SR2] copies every figure from the return fact, names from the sale', () => {
    const planned = planReturn(sale, [], [{ lineId: 'L1', quantity: 1 }], {
      id: 'S001-POS1-R1',
      storeId: 'S001',
      deviceId: 'S001-POS1',
      now: '2026-11-22T05:00:00.000Z',
    });
    if (!planned.ok) throw new Error(planned.message);
    const { ret } = planned;
    const receipt = buildReturnReceipt(ret, sale, store, { cashierId: 'E1', cashierName: 'Li Na' });
    expect(receipt).toMatchObject({
      returnId: 'S001-POS1-R1',
      saleId: sale.id,
      returnedAt: ret.returnedAt,
      currency: 'CNY',
      cashierName: 'Li Na',
      footer: 'Keep this receipt',
      refund: ret.refund,
      tenders: ret.tenders,
      member: {
        id: MEMBER_FIXTURE.id,
        reversedEarn: ret.points.reversedEarn,
        restoredRedeem: ret.points.restoredRedeem,
      },
    });
    expect(receipt.lines).toEqual([
      { name: sale.lines[0]!.name, quantity: 1, refund: ret.lines[0]!.refund },
    ]);
  });

  it('[SR2] names the member as the sale receipt does, when the caller knows the name', () => {
    const planned = planReturn(sale, [], [{ lineId: 'L1', quantity: 1 }], {
      id: 'S001-POS1-R2',
      storeId: 'S001',
      deviceId: 'S001-POS1',
      now: '2026-11-22T05:00:00.000Z',
    });
    if (!planned.ok) throw new Error(planned.message);
    const receipt = buildReturnReceipt(planned.ret, sale, store, { memberName: '张*' });
    expect(receipt.member).toMatchObject({ id: MEMBER_FIXTURE.id, name: '张*' });
  });

  it('[SR2] no member block for a sale without a member; unknown line ids print their SKU', () => {
    const plain = saleFactFixture({ id: 'S001-POS1-C' });
    const receipt = buildReturnReceipt(
      {
        id: 'S001-POS1-R2',
        saleId: plain.id,
        storeId: 'S001',
        deviceId: 'S001-POS1',
        returnedAt: '2026-11-22T05:00:00.000Z',
        lines: [{ lineId: 'nope', sku: 'SKU-9', quantity: 1, refund: 100 }],
        refund: 100,
        tenders: [{ kind: 'cash', amount: 100 }],
        points: { reversedEarn: 0, restoredRedeem: 0 },
      },
      plain,
      { name: 'A', address: 'B' },
    );
    expect(receipt).not.toHaveProperty('member');
    expect(receipt).not.toHaveProperty('footer');
    expect(receipt.lines[0]!.name).toBe('SKU-9');
  });
});

describe('price overrides on the sale receipt', () => {
  it('[SR3] shows the list price replaced and the approver, only on the overridden line', () => {
    const two = saleFactFixture({
      id: 'S001-POS1-D',
      lines: [
        [PRODUCT_FIXTURE, 1_000, 1],
        [{ ...PRODUCT_FIXTURE, id: 'SKU-2', name: 'Other' }, 500, 1],
      ],
    });
    const receipt = buildSaleReceipt(two, store, undefined, {
      priceOverrides: [{ lineId: 'L1', listPrice: 1_290, by: 'S001-E02', byName: '陈强' }],
    });
    expect(receipt.lines[0]).toMatchObject({
      unitPrice: two.lines[0]!.unitPrice,
      amount: two.lines[0]!.amount,
      override: { listPrice: 1_290, by: 'S001-E02', byName: '陈强' },
    });
    expect(receipt.lines[1]).not.toHaveProperty('override');
    expect(buildSaleReceipt(two, store).lines[0]).not.toHaveProperty('override');
  });
});
