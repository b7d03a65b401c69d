import { parseGtin, validateDocument } from '@pos/domain';
import { describe, expect, it } from 'vitest';
import { DEMO_PRICES, DEMO_PRODUCTS, DEMO_STOCK, DEMO_STORES } from './demo-data';

describe('demo data', () => {
  it('[DM1] every document is valid against the shared schemas', () => {
    const all = [
      ...DEMO_STORES.map((d) => ['stores', d] as const),
      ...DEMO_PRODUCTS.map((d) => ['products', d] as const),
      ...DEMO_PRICES.map((d) => ['prices', d] as const),
      ...DEMO_STOCK.map((d) => ['stock', d] as const),
    ];
    for (const [db, doc] of all) expect(validateDocument(db, doc), `${db}/${doc.id}`).toEqual([]);
  });

  it('[DM1] has two stores, twenty products with a CNY price each, and stock per store', () => {
    expect(DEMO_STORES.map((s) => s.id)).toEqual(['S001', 'S002']);
    expect(DEMO_PRODUCTS).toHaveLength(20);
    expect(new Set(DEMO_PRODUCTS.map((p) => p.id)).size).toBe(20);
    expect(DEMO_PRODUCTS[0]).toMatchObject({ id: 'SKU-0001', name: '农夫山泉 550ml' });
    expect(DEMO_PRICES.map((p) => p.sku)).toEqual(DEMO_PRODUCTS.map((p) => p.id));
    expect(DEMO_PRICES.every((p) => p.priceList === 'CN-LIST' && p.currency === 'CNY')).toBe(true);
    expect(DEMO_STOCK).toHaveLength(40);
  });

  it('[DM1] barcodes are valid EAN-13 with prefix 690-695, stored as 14-digit GTINs', () => {
    const gtins = DEMO_PRODUCTS.map((p) => p.gtin);
    expect(new Set(gtins).size).toBe(20);
    for (const gtin of gtins) {
      const ean13 = gtin.slice(1);
      expect(gtin).toMatch(/^069[0-5]\d{10}$/);
      expect(parseGtin(ean13)).toEqual({ ok: true, gtin, kind: 'EAN-13' });
    }
  });
});
