import { describe, expect, it } from 'vitest';
import { stockWritesForMovements } from './projections';

describe('stock projection', () => {
  it('[PJ1] moves existing levels by the deltas, keeping their revision to check', () => {
    const current = new Map([
      [
        'S001:SKU-0001',
        { rev: '3-x', body: { id: 'S001:SKU-0001', storeId: 'S001', sku: 'SKU-0001', onHand: 10 } },
      ],
    ]);
    const writes = stockWritesForMovements(current, [
      { storeId: 'S001', sku: 'SKU-0001', delta: -2, reason: 'sale', factId: 'f' },
      { storeId: 'S001', sku: 'SKU-0001', delta: -1, reason: 'sale', factId: 'f' },
      { storeId: 'S001', sku: 'SKU-0009', delta: -4, reason: 'sale', factId: 'f' },
    ]);
    expect(writes).toEqual([
      {
        db: 'stock',
        id: 'S001:SKU-0001',
        body: { id: 'S001:SKU-0001', storeId: 'S001', sku: 'SKU-0001', onHand: 7 },
        storeId: 'S001',
        expectedRev: '3-x',
      },
      {
        db: 'stock',
        id: 'S001:SKU-0009',
        body: { id: 'S001:SKU-0009', storeId: 'S001', sku: 'SKU-0009', onHand: -4 },
        storeId: 'S001',
        expectedRev: null,
      },
    ]);
  });
});
