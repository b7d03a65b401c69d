/**
 * The fleet benchmark's chain, computed the same way in the orchestrator
 * (which seeds it) and in each load generator (which sells from it): stores,
 * a catalog with prices, each store's stocked SKUs, the devices and their
 * tokens, and a device's sale built with the domain's checkout as a till
 * builds it.
 */
import {
  COLLECTIONS,
  withCheckDigit,
  type CollectionName,
  type Price,
  type Product,
  type SaleFact,
  type StockLevel,
  type Store,
} from '@pos/domain';
import { cashSale } from '../cash-sale';

export type ChainSize = { stores: number; perStore: number; skus: number; stocked: number };

export type Device = { deviceId: string; storeId: string; token: string };

/** What a till pulls: every collection that flows down ([D1]). */
export const DOWN_COLLECTIONS = (Object.keys(COLLECTIONS) as CollectionName[]).filter(
  (name) => COLLECTIONS[name].direction === 'down',
);

/** Lines per sale, as the push benchmark. */
const LINES = 3;

export const storeId = (s: number) => `S${String(s + 1).padStart(3, '0')}`;

export function stores(size: ChainSize): Store[] {
  return Array.from({ length: size.stores }, (_, s) => ({
    id: storeId(s),
    name: `Store ${s + 1}`,
    address: `${s + 1} Fleet Road`,
    currency: 'CNY',
    status: 'open',
  }));
}

export function products(size: ChainSize): Product[] {
  return Array.from({ length: size.skus }, (_, i) => ({
    id: `SKU-${String(i + 1).padStart(7, '0')}`,
    name: `Product ${i + 1}`,
    gtin: `0${withCheckDigit(`69${String(i + 1).padStart(10, '0')}`)}`,
    category: ['Beverages', 'Grocery', 'Snacks', 'Apparel'][i % 4]!,
    taxClass: i % 3 === 0 ? 'VAT9' : 'VAT13',
    status: 'active',
  }));
}

export function prices(catalog: readonly Product[]): Price[] {
  return catalog.map((p, i) => ({
    id: `CN-LIST:${p.id}`,
    priceList: 'CN-LIST',
    sku: p.id,
    amount: 100 + ((i * 37) % 5000),
    currency: 'CNY',
  }));
}

/** The catalog index of a store's k-th stocked SKU: each store stocks its own slice. */
const stockedIndex = (size: ChainSize, s: number, k: number) => (s * 13 + k * 7) % size.skus;

/** Each store's stocked SKUs, with plenty on hand so no sale oversells. */
export function stockLevels(size: ChainSize, catalog: readonly Product[]): StockLevel[] {
  const levels = new Map<string, StockLevel>();
  for (let s = 0; s < size.stores; s++) {
    for (let k = 0; k < size.stocked; k++) {
      const sku = catalog[stockedIndex(size, s, k)]!.id;
      const id = `${storeId(s)}:${sku}`;
      levels.set(id, { id, storeId: storeId(s), sku, onHand: 1_000_000 });
    }
  }
  return [...levels.values()];
}

/** Device d: store d / perStore, till d % perStore + 1. */
export function device(size: ChainSize, d: number): Device {
  const store = storeId(Math.floor(d / size.perStore) % size.stores);
  const deviceId = `${store}-POS${(d % size.perStore) + 1}`;
  return { deviceId, storeId: store, token: `fleet-bench-${deviceId}` };
}

/** Sale `n` of a device: 3 of its store's stocked SKUs, 1-3 units each, exact cash. */
export function sale(
  size: ChainSize,
  catalog: readonly Product[],
  list: readonly Price[],
  d: number,
  n: number,
  run: string,
): SaleFact {
  const till = device(size, d);
  const s = Math.floor(d / size.perStore) % size.stores;
  const lines = Array.from({ length: LINES }, (_, line) => {
    const i = stockedIndex(size, s, (n * LINES + line + d) % size.stocked);
    return { product: catalog[i]!, price: list[i]!, quantity: 1 + ((n + line) % 3) };
  });
  // A ULID-shaped suffix: the run, then the device's counter.
  return cashSale(lines, till, `${till.deviceId}-01J${run}${String(n).padStart(17, '0')}`);
}
