/**
 * Product search for the search dialog (F2): by name, pinyin initials, SKU or
 * barcode, over the replica's search index, so it works offline.
 */
import {
  searchProducts,
  startProductSearch,
  type ProductHit,
  type ReplicaDatabase,
} from '@pos/replica';
import type { TerminalConfig } from '../shared/config';

export type SearchHit = ProductHit;
export type ProductSearch = (text: string) => Promise<SearchHit[]>;

export function createProductSearch(db: ReplicaDatabase, config: TerminalConfig): ProductSearch {
  const index = startProductSearch(db);
  return async (text) => (text.trim() ? searchProducts(db, index, text, config.priceList) : []);
}
