/** The lookups checkout needs, over the local replica only (they work offline). */
import {
  PRICE_LAYOUT_2_5_5,
  WEIGHT_LAYOUT_2_5_5,
  parseGtin,
  parseVariableMeasure,
  priceForWeight,
  type Minor,
  type Price,
  type Product,
  type VariableMeasureLayout,
} from '@pos/domain';
import type { ReplicaDatabase } from './database';

/** What an in-store variable-measure label carried: its price, or its weight and the price for it. */
export type Measure =
  | { valueKind: 'price'; price: Minor }
  | { valueKind: 'weight'; grams: number; price: Minor | undefined };

export type ProductLookup =
  | { found: true; product: Product; price: Price | undefined; measure?: Measure }
  | { found: false; reason: string };

/** @deprecated the same type under its first name */
export type BarcodeLookup = ProductLookup;

/** The layouts a chain prints on its scale and pack labels, unless it sets its own. */
export const DEFAULT_MEASURE_LAYOUTS: readonly VariableMeasureLayout[] = [
  PRICE_LAYOUT_2_5_5,
  WEIGHT_LAYOUT_2_5_5,
];

async function withPrice(
  db: ReplicaDatabase,
  product: Product,
  priceList: string,
): Promise<Price | undefined> {
  const price = await db.prices.findOne(`${priceList}:${product.id}`).exec();
  return price ? (price.toJSON() as Price) : undefined;
}

/**
 * [B2] A scanned or typed barcode: the product, its price on the terminal's
 * price list and, for an in-store variable-measure code ([VM2]) whose full
 * code is not itself a catalog barcode, the price or weight on the label.
 */
export async function findByBarcode(
  db: ReplicaDatabase,
  code: string,
  priceList: string,
  layouts: readonly VariableMeasureLayout[] = DEFAULT_MEASURE_LAYOUTS,
): Promise<ProductLookup> {
  const parsed = parseGtin(code);
  if (!parsed.ok) return { found: false, reason: parsed.message };
  const doc = await db.products.findOne({ selector: { gtin: parsed.gtin } }).exec();
  if (doc) {
    const product = doc.toJSON() as Product;
    return { found: true, product, price: await withPrice(db, product, priceList) };
  }
  const variable = parseVariableMeasure(code, layouts);
  if (variable.ok) {
    const item = await db.products.findOne({ selector: { gtin: variable.lookupGtin } }).exec();
    if (!item) {
      return {
        found: false,
        reason: `No product with item code ${variable.itemCode} (label ${code.trim()})`,
      };
    }
    const product = item.toJSON() as Product;
    const price = await withPrice(db, product, priceList);
    const measure: Measure =
      variable.valueKind === 'price'
        ? { valueKind: 'price', price: variable.price }
        : {
            valueKind: 'weight',
            grams: variable.grams,
            price: price ? priceForWeight(price.amount, variable.grams) : undefined,
          };
    return { found: true, product, price, measure };
  }
  return { found: false, reason: `No product with barcode ${code.trim()}` };
}

/** A product by its SKU (typed by the cashier or picked from a search), with its price. */
export async function findBySku(
  db: ReplicaDatabase,
  sku: string,
  priceList: string,
): Promise<ProductLookup> {
  const wanted = sku.trim();
  if (!wanted) return { found: false, reason: 'Type a SKU' };
  const doc =
    (await db.products.findOne(wanted).exec()) ??
    (await db.products.findOne(wanted.toUpperCase()).exec());
  if (!doc) return { found: false, reason: `No product with SKU ${wanted}` };
  const product = doc.toJSON() as Product;
  return { found: true, product, price: await withPrice(db, product, priceList) };
}
