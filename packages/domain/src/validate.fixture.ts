import type { Product, Sale } from './documents';

export const REPLICA_FIXTURE: { product: Product; sale: Sale } = {
  product: {
    id: 'SKU-1',
    name: '农夫山泉 550ml',
    gtin: '06901234567892',
    category: 'drinks',
    taxClass: 'VAT13',
    status: 'active',
  },
  sale: {
    id: 'S001-POS1-01J0000000000000000000000',
    storeId: 'S001',
    deviceId: 'S001-POS1',
    soldAt: '2026-11-22T03:00:00.000Z',
    currency: 'CNY',
    lines: [
      {
        sku: 'SKU-1',
        name: 'Water',
        gtin: '06901234567892',
        quantity: 1,
        unitPrice: 250,
        amount: 250,
      },
    ],
    total: 250,
    tenders: [{ kind: 'cash', amount: 300 }],
    change: 50,
  },
};
