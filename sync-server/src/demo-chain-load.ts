/**
 * Writes a generated demo chain (demo-chain.ts) into the storage through the
 * batch path, one transaction per batch, so memory stays bounded at any size.
 * Running it again with the same seed writes nothing. [DC2]
 */
import type { CollectionName, MemberRecord } from '@pos/domain';
import { loadDocs, type LoadCounts } from './bulk-load';
import { DEMO_PRIVACY_KEYS, type PrivacyKeys } from './pii/keyring';
import { writeMemberRecords } from './pii/member-vault';
import {
  chainParts,
  chainStoreLocation,
  chainWarehouse,
  chainWarehouseStock,
  warehouseCount,
  warehouseStockCount,
  type ChainSize,
} from './demo-chain';
import { writeLocations } from './orders/locations';
import type { JsonObject } from './protocol';
import type { SyncStorage } from './storage/storage';

export type ChainProgress = {
  db: CollectionName;
  /** Documents of `db` generated so far, and in all. */
  done: number;
  total: number;
  /** Documents of every collection generated so far, and per second since the start. */
  allDone: number;
  docsPerSecond: number;
};

export type GenerateOptions = {
  seed: number;
  size: ChainSize;
  /** Documents per transaction. */
  batch?: number;
  onProgress?: (progress: ChainProgress) => void;
  /** The clock for docs/s; injected so tests need none. */
  now?: () => number;
  /** [PK3] The keys members are encrypted under; default the demo keys. */
  privacy?: PrivacyKeys;
};

export type GenerateResult = LoadCounts & { docs: number; seconds: number };

export async function generateChain(
  storage: SyncStorage,
  options: GenerateOptions,
): Promise<GenerateResult> {
  const { seed, size, batch = 2000, onProgress, now = () => performance.now() } = options;
  const privacy = options.privacy ?? DEMO_PRIVACY_KEYS;
  const started = now();
  const result: GenerateResult = { created: 0, updated: 0, unchanged: 0, docs: 0, seconds: 0 };
  for (const part of chainParts(seed, size)) {
    // Stock belongs to sales once it exists; [PK3] members go through the
    // intake (encrypted) and keep their point balance.
    const load = part.db === 'stock' ? { createOnly: true } : {};
    for (let from = 0; from < part.count; from += batch) {
      const docs = part.docs(from, from + batch);
      const counts = await storage.transaction((tx) =>
        part.db === 'members'
          ? writeMemberRecords(tx, privacy, docs as unknown as MemberRecord[], { keepPoints: true })
          : loadDocs(tx, part.db, docs, load),
      );
      result.created += counts.created;
      result.updated += counts.updated;
      result.unchanged += counts.unchanged;
      result.docs += docs.length;
      const seconds = (now() - started) / 1000;
      onProgress?.({
        db: part.db,
        done: from + docs.length,
        total: part.count,
        allDone: result.docs,
        docsPerSecond: seconds > 0 ? result.docs / seconds : 0,
      });
    }
  }
  // [DC3] The stores' and warehouses' locations and the warehouses' stock,
  // written after the chain (idempotent, so a second run writes nothing).
  const locations = [
    ...Array.from({ length: size.stores }, (_, i) => chainStoreLocation(seed, i)),
    ...Array.from({ length: warehouseCount(size) }, (_, i) => chainWarehouse(seed, i)),
  ];
  for (let from = 0; from < locations.length; from += batch) {
    await storage.transaction((tx) => writeLocations(tx, locations.slice(from, from + batch)));
  }
  const warehouseStock = warehouseStockCount(size);
  for (let from = 0; from < warehouseStock; from += batch) {
    const docs = Array.from(
      { length: Math.min(batch, warehouseStock - from) },
      (_, k) => chainWarehouseStock(seed, size, from + k) as unknown as JsonObject,
    );
    await storage.transaction((tx) => loadDocs(tx, 'stock', docs, { createOnly: true }));
  }
  result.seconds = (now() - started) / 1000;
  return result;
}
