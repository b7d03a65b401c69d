/**
 * What the cashier looks up without selling: products by name, pinyin
 * initials, SKU or barcode, and a SKU's stock at this store (on hand as the
 * server last sent it, and what is available to promise [ATP1]).
 */
import { availableToPromise, type Price, type Product } from '@pos/domain';
import type { StockHere, TillReplica } from '@pos/replica';

export type StockInfo =
  /** The store's stock as the server last sent it, and what can be promised of it. */
  | { known: true; onHand: number; atp: number }
  /** No stock level came down for this SKU yet. */
  | { known: false };

export type SearchHit = {
  product: Product;
  price: Price | undefined;
  stock: StockInfo;
};

/** [AC3] Stock of a SKU at this store: on hand and ATP (held, committed, safety stock unknown: 0). */
export async function stockOf(
  replica: Pick<TillReplica, 'stock'>,
  sku: string,
): Promise<StockInfo> {
  return stockInfo(await replica.stock(sku));
}

/** [AC3] [ATP3] What a stock level tells the cashier: on hand, and ATP after the units orders hold. */
export function stockInfo(level: StockHere | undefined): StockInfo {
  if (!level) return { known: false };
  return {
    known: true,
    onHand: level.onHand,
    atp: availableToPromise({ onHand: level.onHand, held: level.held }),
  };
}

/** [AC3] Follows a SKU's stock at this store: `listener` hears it now and at every change. */
export function watchStockOf(
  replica: Pick<TillReplica, 'watchStock'>,
  sku: string,
  listener: (info: StockInfo) => void,
): () => void {
  return replica.watchStock(sku, (level) => listener(stockInfo(level)));
}

export type ProductSearch = (text: string) => Promise<SearchHit[]>;

/** Search results with each product's price and stock. */
export function createProductSearch(replica: Pick<TillReplica, 'search' | 'stock'>): ProductSearch {
  return async (text) => {
    const hits = await replica.search(text);
    return Promise.all(
      hits.map(async (hit) => ({ ...hit, stock: await stockOf(replica, hit.product.id) })),
    );
  };
}
