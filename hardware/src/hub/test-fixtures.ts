import type { Receipt } from '@pos/domain';

/** A small receipt with Chinese and Latin names, used by hub tests. */
export const sampleReceipt: Receipt = {
  storeName: 'Storefront 南京路店',
  storeAddress: '南京东路 100 号',
  saleId: 'POS-01-01JD5X4Q2M',
  soldAt: '2026-11-22T11:00:13+08:00',
  currency: 'CNY',
  lines: [
    { name: '可口可乐 330ml', quantity: 2, unitPrice: 350, amount: 700 },
    { name: 'Bread', quantity: 1, unitPrice: 550, amount: 550 },
  ],
  total: 1250,
  tenders: [{ label: 'Cash', amount: 2000 }],
  change: 750,
  footer: 'Thank you 谢谢惠顾',
};
