/** The lookups checkout needs, over the local replica only (they work offline). */
import { parseGtin, type Price, type Product } from '@pos/domain';
import type { ReplicaDatabase } from './database';

export type BarcodeLookup =
  { found: true; product: Product; price: Price | undefined } | { found: false; reason: string };

export async function findByBarcode(
  db: ReplicaDatabase,
  code: string,
  priceList: string,
): Promise<BarcodeLookup> {
  const parsed = parseGtin(code);
  if (!parsed.ok) return { found: false, reason: parsed.message };
  const doc = await db.products.findOne({ selector: { gtin: parsed.gtin } }).exec();
  if (!doc) return { found: false, reason: `No product with barcode ${code}` };
  const product = doc.toJSON() as Product;
  const price = await db.prices.findOne(`${priceList}:${product.id}`).exec();
  return { found: true, product, price: price ? (price.toJSON() as Price) : undefined };
}
