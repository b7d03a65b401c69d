/**
 * [DK5] The `facts` wire collection over the per-kind fact storage: a fact is
 * stored once, by id, in its kind's storage db (saleFacts, returns, shifts,
 * stockMovements; [OF1] `_pickupFacts`, `_orderPaymentFacts`,
 * `_orderReturnFacts` for the order facts), whichever name it was pushed under. Reading `facts`
 * (`_all_docs`, `_bulk_get`, `_revs_diff`, a single GET) finds a fact of any
 * kind there and answers it in the `facts` form ([DK2]).
 */
import {
  FACT_KINDS,
  factStorageOf,
  toFact,
  type CollectionName,
  type FactBodyByKind,
  type FactKind,
} from '@pos/domain';
import type { JsonObject } from './protocol';
import { toCouchDoc } from './protocol';
import type { DocJson, DocRow, StoreScope, SyncStorage } from './storage/storage';

/** The facts with these ids, of any kind, each as its `facts` document. */
export async function getFactDocs(
  storage: Pick<SyncStorage, 'getDocs'>,
  ids: readonly string[],
  scope: StoreScope,
): Promise<Map<string, DocRow>> {
  const found = new Map<string, DocRow>();
  let missing = [...new Set(ids)];
  for (const kind of Object.keys(FACT_KINDS) as FactKind[]) {
    if (missing.length === 0) break;
    const collection = factStorageOf(kind) as CollectionName;
    const rows = await storage.getDocs(collection, missing, scope);
    for (const [id, row] of rows) {
      const body = toFact(kind, row.body as unknown as FactBodyByKind[typeof kind]);
      found.set(id, { ...row, db: 'facts', body: body as unknown as JsonObject });
    }
    missing = missing.filter((id) => !rows.has(id));
  }
  return found;
}

/** `getFactDocs` in wire form. */
export async function getFactDocsJson(
  storage: Pick<SyncStorage, 'getDocs'>,
  ids: readonly string[],
  scope: StoreScope,
): Promise<Map<string, DocJson>> {
  const rows = await getFactDocs(storage, ids, scope);
  return new Map(
    [...rows].map(([id, row]) => [
      id,
      { rev: row.rev, json: JSON.stringify(toCouchDoc(id, row.rev, row.body)) },
    ]),
  );
}

/** Reads documents by id, `facts` through the per-kind storage. */
export function readDocs(
  storage: SyncStorage,
  db: CollectionName,
  ids: readonly string[],
  scope: StoreScope,
): Promise<Map<string, DocRow>> {
  return db === 'facts' ? getFactDocs(storage, ids, scope) : storage.getDocs(db, ids, scope);
}

/** `readDocs` in wire form. */
export function readDocsJson(
  storage: SyncStorage,
  db: CollectionName,
  ids: readonly string[],
  scope: StoreScope,
): Promise<Map<string, DocJson>> {
  return db === 'facts'
    ? getFactDocsJson(storage, ids, scope)
    : storage.getDocsJson(db, ids, scope);
}
