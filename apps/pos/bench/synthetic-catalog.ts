/** A deterministic synthetic catalog for benchmarks. */
import { withCheckDigit, type Price, type Product } from '@pos/domain';

/** The i-th synthetic SKU; the same i always gives the same product. */
export function syntheticProduct(i: number): { product: Product; price: Price } {
  const sku = `SKU-${String(i).padStart(7, '0')}`;
  const gtin = withCheckDigit(`69${String(i).padStart(10, '0')}`);
  return {
    product: {
      id: sku,
      name: `商品 ${i} Product ${i}`,
      gtin: gtin.padStart(14, '0'),
      category: `C${i % 200}`,
      taxClass: i % 3 === 0 ? 'VAT9' : 'VAT13',
      status: 'active',
    },
    price: {
      id: `CN-LIST:${sku}`,
      priceList: 'CN-LIST',
      sku,
      amount: 100 + (i % 50_000),
      currency: 'CNY',
    },
  };
}
