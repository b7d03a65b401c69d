/**
 * What the shop shows before sign-in: the catalog with current prices, found
 * by name or pinyin, and the stores that have an item, with its ATP and the
 * distance from the customer. See SPEC.md [SHP3], [SHP4].
 */
import {
  haversineMetres,
  matchesSearchKey,
  normaliseQuery,
  searchKey,
  stockLevelId,
  type CollectionName,
  type GeoPoint,
  type Product,
  type SearchKey,
  type Store,
} from '@pos/domain';
import { listPrices } from '../orders/pricing';
import { positionAtp, readPositions } from '../orders/store-orders';
import type { SyncStorage, WriteTransaction } from '../storage/storage';

/** [SHP4] Server-only: where each store is, by store id. */
export const STORE_LOCATIONS_DB = '_storeLocations' as CollectionName;

/** [SHP4] A store's city (as customers pick it) and coordinates. */
export type StoreLocation = { id: string; city: string; cityEn: string } & GeoPoint;

/** A product as the shop lists it: its current list price in fen. */
export type ShopProduct = {
  sku: string;
  name: string;
  category: string;
  price: number;
  currency: string;
};

/** [SHP4] A store as the shop lists it, with its ATP of each SKU asked about. */
export type ShopStore = {
  id: string;
  name: string;
  address: string;
  city: string | null;
  cityEn: string | null;
  atp: Record<string, number>;
  distanceMetres: number | null;
};

// Search keys by product id and name; a catalog repeats its words, so runs are cached too.
const keys = new Map<string, { name: string; key: SearchKey }>();
const runs = new Map<string, readonly string[]>();

function keyOf(product: Product): SearchKey {
  const known = keys.get(product.id);
  if (known && known.name === product.name) return known.key;
  const key = searchKey(product.name, runs);
  keys.set(product.id, { name: product.name, key });
  return key;
}

/**
 * [SHP3] Active products that have a list price, those `query` finds by name,
 * pinyin or initials ([SK2]) or all when it is empty, at most `limit`.
 */
export async function searchCatalog(
  storage: SyncStorage,
  priceList: string,
  query: string,
  limit: number,
): Promise<ShopProduct[]> {
  const normalised = normaliseQuery(query);
  const products = (await storage.findDocs('products', { fields: { status: 'active' } }))
    .map((row) => row.body as Product)
    .filter((product) => normalised === '' || matchesSearchKey(keyOf(product), normalised))
    .slice(0, limit * 2);
  const prices = await listPrices(
    storage,
    priceList,
    products.map((p) => p.id),
  );
  return products
    .flatMap((product) => {
      const price = prices.get(product.id);
      return price
        ? [
            {
              sku: product.id,
              name: product.name,
              category: product.category,
              price: price.amount,
              currency: price.currency,
            },
          ]
        : [];
    })
    .slice(0, limit);
}

/** [SHP4] [ATP3] The ATP of every SKU of `skus` at every store of `storeIds`, in one read of their positions. */
async function storeAtps(
  storage: SyncStorage,
  storeIds: readonly string[],
  skus: readonly string[],
): Promise<Map<string, Record<string, number>>> {
  const positions = await readPositions(
    storage,
    storeIds.flatMap((storeId) => skus.map((sku) => ({ storeId, sku }))),
  );
  return new Map(
    storeIds.map((storeId) => [
      storeId,
      Object.fromEntries(
        skus.map((sku) => [sku, positionAtp(positions.get(stockLevelId(storeId, sku)))]),
      ),
    ]),
  );
}

/** Most stores one answer lists. */
export const STORES_MAX = 20;

/**
 * [SHP4] The open stores with their ATP of each of `skus`: nearest first
 * from `from`, or in `city` by id, or all by id.
 */
export async function storesFor(
  storage: SyncStorage,
  skus: readonly string[],
  where: { from?: GeoPoint; city?: string },
): Promise<ShopStore[]> {
  const stores = (await storage.findDocs('stores', { fields: { status: 'open' } })).map(
    (row) => row.body as Store,
  );
  const located = await storage.getDocs(
    STORE_LOCATIONS_DB,
    stores.map((s) => s.id),
    null,
  );
  const listed = stores
    .map((store) => {
      const location = located.get(store.id)?.body as StoreLocation | undefined;
      return {
        store,
        location,
        distanceMetres: where.from && location ? haversineMetres(where.from, location) : null,
      };
    })
    .filter(
      ({ location }) =>
        where.city === undefined ||
        location?.city === where.city ||
        location?.cityEn.toLowerCase() === where.city.toLowerCase(),
    )
    .sort((a, b) =>
      a.distanceMetres !== null || b.distanceMetres !== null
        ? (a.distanceMetres ?? Infinity) - (b.distanceMetres ?? Infinity)
        : a.store.id.localeCompare(b.store.id),
    )
    .slice(0, STORES_MAX);
  const atps = await storeAtps(
    storage,
    listed.map(({ store }) => store.id),
    skus,
  );
  return listed.map(({ store, location, distanceMetres }) => ({
    id: store.id,
    name: store.name,
    address: store.address,
    city: location?.city ?? null,
    cityEn: location?.cityEn ?? null,
    atp: atps.get(store.id) ?? {},
    distanceMetres,
  }));
}

/** [SHP4] The cities the chain has stores in, for the city picker. */
export async function storeCities(
  storage: SyncStorage,
): Promise<{ city: string; cityEn: string }[]> {
  const seen = new Map<string, string>();
  for (const row of await storage.findDocs(STORE_LOCATIONS_DB, {})) {
    const location = row.body as StoreLocation;
    seen.set(location.city, location.cityEn);
  }
  return [...seen].map(([city, cityEn]) => ({ city, cityEn }));
}

/** [SHP4] Creates or updates store locations in the caller's transaction; returns how many it wrote. */
export async function writeStoreLocations(
  tx: WriteTransaction,
  locations: readonly StoreLocation[],
): Promise<number> {
  const known = await tx.getDocs(
    STORE_LOCATIONS_DB,
    locations.map((l) => l.id),
  );
  let written = 0;
  for (const location of locations) {
    const row = known.get(location.id);
    const stored = row?.body as StoreLocation | undefined;
    const same =
      stored !== undefined &&
      Object.keys(stored).length === Object.keys(location).length &&
      (Object.keys(location) as (keyof StoreLocation)[]).every((k) => stored[k] === location[k]);
    if (same) continue;
    const result = await tx.put({
      db: STORE_LOCATIONS_DB,
      id: location.id,
      body: location,
      storeId: null,
      expectedRev: row?.rev ?? null,
    });
    if (!result.ok) throw new Error(`store location ${location.id}: ${result.reason}`);
    written += 1;
  }
  return written;
}

/** The names customers know locations by: a store's own name, else the location's. */
export async function locationNames(
  storage: SyncStorage,
  ids: readonly string[],
  fallback: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, string>> {
  const stores = await storage.getDocs('stores', ids, null);
  return new Map(
    ids.map((id) => [
      id,
      (stores.get(id)?.body as { name?: string } | undefined)?.name ?? fallback.get(id) ?? id,
    ]),
  );
}
