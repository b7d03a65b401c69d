/**
 * Product search by name as the cashier types it ([SK1]-[SK3] in the domain
 * SPEC): Latin words in any case, Chinese characters, full pinyin or its
 * initials. A 300,000-SKU catalog is too large to scan in IndexedDB per key
 * press, so the device keeps a compact in-memory index: every product's
 * search key laid end to end in two strings (names, and the pinyin with its
 * initials), searched with `indexOf`. It is built in the background from the
 * replica after the till is ready, and follows the replica's changes.
 */
import { normaliseQuery, searchKey, type Price, type Product } from '@pos/domain';
import { getChangedDocumentsSince } from 'rxdb';
import type { Subscription } from 'rxjs';
import type { ReplicaDatabase } from './database';

/** Separates entries in the index strings; a normalised query never holds whitespace. */
const END = '\n';

type Entry = { sku: string; initials: string; text: string; pinyin: string };

function entryOf(
  product: Pick<Product, 'id' | 'name'>,
  runs: Map<string, readonly string[]>,
): Entry {
  return { sku: product.id, ...searchKey(product.name, runs) };
}

/**
 * Which part of the key a query is matched against, best first: "nn" is the
 * initials of 牛奶, and only then part of the spelt-out "suannai" (酸奶).
 */
const PARTS = ['initials', 'text', 'pinyin'] as const;

/** Entries laid end to end: `starts[i]` is where entry i begins in `all`. */
class Column {
  readonly all: string;
  readonly starts: Int32Array;

  constructor(parts: readonly string[]) {
    this.starts = new Int32Array(parts.length + 1);
    let at = 0;
    for (let i = 0; i < parts.length; i++) {
      this.starts[i] = at;
      at += parts[i]!.length + END.length;
    }
    this.starts[parts.length] = at;
    this.all = parts.join(END) + END;
  }

  /** The entry holding position `at` (binary search over the starts). */
  entryAt(at: number): number {
    let lo = 0;
    let hi = this.starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Entries containing `query`, in index order, until `wanted` says stop. */
  *matches(query: string): Generator<number> {
    let from = 0;
    for (;;) {
      const at = this.all.indexOf(query, from);
      if (at < 0) return;
      const entry = this.entryAt(at);
      yield entry;
      from = this.starts[entry + 1]!;
    }
  }
}

/** An immutable snapshot of the index; changes since it was built live in `recent`. */
type Snapshot = {
  skus: string[];
  columns: Record<(typeof PARTS)[number], Column>;
  bySku: Map<string, number>;
};

export type ProductSearch = {
  /** Resolves once every product in the replica is indexed. */
  ready: Promise<void>;
  /** SKUs of the products the typed text finds, at most `limit`; waits for `ready`. */
  search(typed: string, limit?: number): Promise<string[]>;
  /** Products indexed so far (for a "search is getting ready" hint). */
  indexed(): number;
  /** Stops following the replica's changes. */
  stop(): void;
};

/** Products read from the replica per query while building. */
const PAGE = 5_000;
/** Changes kept beside the snapshot before it is rebuilt with them. */
const MAX_RECENT = 5_000;

/**
 * Starts building the search index of the replica's products in the
 * background; call it once the till is ready to sell, so the build never
 * delays the start.
 */
export function startProductSearch(db: ReplicaDatabase): ProductSearch {
  const runs = new Map<string, readonly string[]>();
  let snapshot: Snapshot | null = null;
  let building = 0;
  /** Products changed since the snapshot was read, by SKU (newest entry). */
  let recent = new Map<string, Entry>();
  let stopped = false;
  let rebuilding: Promise<void> | null = null;

  const subscription: Subscription = db.products.$.subscribe((event) => {
    if (event.operation === 'DELETE') return; // synced documents are never deleted
    recent.set(event.documentId, entryOf(event.documentData, runs));
    if (snapshot && recent.size > MAX_RECENT && !rebuilding) rebuilding = rebuild();
  });

  async function readAll(): Promise<Entry[]> {
    const entries: Entry[] = [];
    // Straight from the storage, page by page along the index of last
    // writes, as RxDB's own replication reads a collection: RxDB's queries
    // would keep every page's documents in their cache.
    const storage = db.products.storageInstance;
    let checkpoint: unknown;
    for (;;) {
      const page = await getChangedDocumentsSince(storage, PAGE, checkpoint as never);
      for (const doc of page.documents) if (!doc._deleted) entries.push(entryOf(doc, runs));
      building = entries.length;
      if (page.documents.length < PAGE || stopped) return entries;
      checkpoint = page.checkpoint;
    }
  }

  function snapshotOf(entries: Entry[]): Snapshot {
    return {
      skus: entries.map((e) => e.sku),
      columns: {
        initials: new Column(entries.map((e) => e.initials)),
        text: new Column(entries.map((e) => e.text)),
        pinyin: new Column(entries.map((e) => e.pinyin)),
      },
      bySku: new Map(entries.map((e, i) => [e.sku, i])),
    };
  }

  async function rebuild(): Promise<void> {
    // Changes that arrive while reading stay in `recent` and are searched too.
    const seen = recent;
    recent = new Map();
    const entries = await readAll();
    for (const [sku, entry] of seen) if (!recent.has(sku)) recent.set(sku, entry);
    const fresh = snapshotOf(entries);
    for (const sku of [...recent.keys()]) {
      const at = fresh.bySku.get(sku);
      const entry = recent.get(sku)!;
      if (at !== undefined && entries[at]!.text === entry.text) recent.delete(sku);
    }
    snapshot = fresh;
    rebuilding = null;
  }

  rebuilding = rebuild();
  const ready = rebuilding;

  function search(query: string, limit: number): string[] {
    const found: string[] = [];
    const seen = new Set<string>();
    const take = (sku: string) => {
      if (seen.has(sku)) return;
      seen.add(sku);
      found.push(sku);
    };
    for (const part of PARTS) {
      for (const entry of recent.values()) {
        if (found.length >= limit) return found;
        if (entry[part].includes(query)) take(entry.sku);
      }
      if (!snapshot) continue;
      for (const at of snapshot.columns[part].matches(query)) {
        if (found.length >= limit) return found;
        const sku = snapshot.skus[at]!;
        if (!recent.has(sku)) take(sku); // a changed product is matched by its new name only
      }
    }
    return found;
  }

  return {
    ready,
    async search(typed, limit = 20) {
      const query = normaliseQuery(typed);
      if (!query) return [];
      await ready;
      return search(query, limit);
    },
    indexed: () => (snapshot ? snapshot.skus.length : building),
    stop() {
      stopped = true;
      subscription.unsubscribe();
    },
  };
}

export type ProductHit = { product: Product; price: Price | undefined };

/** The products (with their price on the terminal's price list) the typed text finds. */
export async function searchProducts(
  db: ReplicaDatabase,
  index: ProductSearch,
  typed: string,
  priceList: string,
  limit = 20,
): Promise<ProductHit[]> {
  const skus = await index.search(typed, limit);
  if (!skus.length) return [];
  const [products, prices] = await Promise.all([
    db.products.findByIds(skus).exec(),
    db.prices.findByIds(skus.map((sku) => `${priceList}:${sku}`)).exec(),
  ]);
  return skus.flatMap((sku) => {
    const product = products.get(sku);
    if (!product) return [];
    const price = prices.get(`${priceList}:${sku}`);
    return [
      {
        product: product.toJSON() as Product,
        price: price ? (price.toJSON() as Price) : undefined,
      },
    ];
  });
}
