import {
  buildReturnReceipt,
  buildXReport,
  buildZReport,
  closeShift,
  expectedCash,
  type ReturnReceipt,
  type SaleFact,
  type SaleReceipt,
  type ShiftReport,
  type ShiftTotals,
  buildSaleReceipt,
} from '@pos/domain';

/**
 * A realistic sale of the full checkout: a 3-for-2 promotion, a weighed
 * line, a coupon, a member price, a member who redeems and earns points, a
 * split tender (WeChat Pay, points, cash) and cash rounding (抹零) of −0.01.
 * Figures as the checkout writes them (validateSaleFact accepts it).
 */
export const sampleSaleFact: SaleFact = {
  id: 'S001-POS1-01JD5X4Q2M7K8N9P0Q1R2S3T4V',
  storeId: 'S001',
  deviceId: 'S001-POS1',
  channel: 'store',
  soldAt: '2026-11-22T03:00:13.000Z',
  currency: 'CNY',
  priceBasis: 'inclusive',
  cashierId: 'E07',
  memberId: 'M-10086',
  lines: [
    {
      lineId: 'L1',
      sku: 'SKU-WATER-550',
      name: '农夫山泉 550ml',
      gtin: '06921168509256',
      category: 'drinks',
      taxClass: 'VAT13',
      quantity: 3,
      unitPrice: 250,
      amount: 750,
      discount: 250,
      net: 500,
      paid: 500,
      adjustments: [
        { source: 'promotion', id: 'P-3FOR2', name: '买二送一 3 for 2', quantity: 3, amount: 250 },
      ],
    },
    {
      lineId: 'L2',
      sku: 'SKU-BANANA',
      name: '香蕉 Banana',
      gtin: '02000120000000',
      category: 'fruit',
      taxClass: 'VAT9',
      quantity: 1,
      unitPrice: 460,
      amount: 460,
      discount: 0,
      net: 460,
      paid: 460,
      grams: 512,
      adjustments: [],
    },
    {
      lineId: 'L3',
      sku: 'SKU-COLA-330',
      name: '可口可乐 330ml',
      gtin: '06901939621608',
      category: 'drinks',
      taxClass: 'VAT13',
      quantity: 2,
      unitPrice: 350,
      amount: 700,
      discount: 200,
      net: 500,
      paid: 500,
      adjustments: [
        { source: 'coupon', id: 'CPN-2OFF', name: '满减券 ¥2 off', quantity: 2, amount: 200 },
      ],
    },
    {
      lineId: 'L4',
      sku: 'SKU-CREME',
      name: 'Crème brûlée 焦糖布丁',
      gtin: '04012345000017',
      category: 'dessert',
      taxClass: 'VAT13',
      quantity: 1,
      unitPrice: 1290,
      amount: 1290,
      discount: 129,
      net: 1161,
      paid: 1160,
      adjustments: [
        { source: 'promotion', id: 'P-MEMBER', name: '会员价 −10%', quantity: 1, amount: 129 },
      ],
    },
  ],
  subtotal: 3200,
  discount: 579,
  tax: [
    { taxClass: 'VAT13', rateBp: 1300, net: 1912, tax: 249, gross: 2161 },
    { taxClass: 'VAT9', rateBp: 900, net: 422, tax: 38, gross: 460 },
  ],
  total: 2621,
  rounding: -1,
  due: 2620,
  tenders: [
    {
      kind: 'mobile',
      amount: 1000,
      reference: '4200001234202611220012345678',
      provider: 'wechat',
    },
    { kind: 'points', amount: 100, points: 100 },
    { kind: 'cash', amount: 2000 },
  ],
  change: 480,
  coupons: ['CPN-2OFF'],
  points: { earned: 26, redeemed: 100 },
};

/** The receipt code of the sale (makeReceiptCode with a test key). */
export const sampleReceiptCode = 'R.S001-POS1-01JD5X4Q2M7K8N9P0Q1R2S3T4V.343T7K1DO';

/** The sample sale's receipt as the POS builds it, for an English receipt. */
export const sampleReceipt: SaleReceipt = buildSaleReceipt(
  sampleSaleFact,
  { name: 'Storefront 南京路店', address: '南京东路 100 号, Shanghai' },
  sampleReceiptCode,
  { cashierName: 'Wang Fang', member: { name: 'Zhang San', pointsBalance: 1234 } },
);

/** The same sale for a Chinese receipt: Chinese cashier and member names, the store's footer. */
export const sampleReceiptZh: SaleReceipt = buildSaleReceipt(
  sampleSaleFact,
  { name: '南京路店', address: '上海市南京东路 100 号', footer: '谢谢惠顾 7 天内凭小票退换' },
  sampleReceiptCode,
  { cashierName: '王芳', member: { name: '张三', pointsBalance: 1234 } },
);

/** A shift at the same till: the sample sale, one return, a drawer opened once without a sale. */
const sampleShift = {
  id: 'S001-POS1-01JD5W0000000000000000SHFT',
  storeId: 'S001',
  deviceId: 'S001-POS1',
  cashierId: 'E07',
  openedAt: '2026-11-22T08:30:00+08:00',
  openingFloat: 50_000,
};
const sampleTotals: ShiftTotals = {
  sales: { count: 1, amount: 2620 },
  returns: { count: 1, amount: 500 },
  discount: 579,
  tenders: [
    { kind: 'cash', amount: 1520 },
    { kind: 'card', amount: 0 },
    { kind: 'mobile', amount: 500 },
    { kind: 'points', amount: 100 },
  ],
  noSaleOpens: 1,
};

/** The X report of the sample shift at noon. */
export const sampleXReport: ShiftReport = buildXReport(
  {
    shift: sampleShift,
    totals: sampleTotals,
    expectedCash: expectedCash(sampleShift.openingFloat, sampleTotals),
    at: '2026-11-22T12:00:00+08:00',
  },
  { name: 'Storefront 南京路店', address: '南京东路 100 号, Shanghai' },
  { currency: 'CNY', cashierName: 'Wang Fang' },
);

/** The Z report of the sample shift, 2.00 short in the drawer. */
export const sampleZReport: ShiftReport = buildZReport(
  closeShift(sampleShift, sampleTotals, 51_320, '2026-11-22T17:30:00+08:00'),
  { name: '南京路店', address: '上海市南京东路 100 号' },
  { currency: 'CNY', cashierName: '王芳' },
);

/** The refund receipt of returning the two waters (paid 5.00) of the sample sale. */
export const sampleReturnReceipt: ReturnReceipt = buildReturnReceipt(
  {
    id: 'S001-POS1-01JD5Y0000000000000000RTRN',
    saleId: sampleSaleFact.id,
    storeId: 'S001',
    deviceId: 'S001-POS1',
    returnedAt: '2026-11-22T15:20:00+08:00',
    lines: [{ lineId: 'L1', sku: 'SKU-WATER-550', quantity: 3, refund: 500 }],
    refund: 500,
    tenders: [
      { kind: 'mobile', amount: 400, reference: '4200001234202611220012345678' },
      { kind: 'cash', amount: 100 },
    ],
    points: { reversedEarn: 5, restoredRedeem: 20 },
  },
  sampleSaleFact,
  { name: '南京路店', address: '上海市南京东路 100 号' },
  { cashierId: 'E07', cashierName: '王芳' },
);
