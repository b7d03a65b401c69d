/**
 * [RI1]-[RI4] The server's item states: each tagged item by EPC in `_items`
 * (server-only), changed by tagging, by the sales and returns pushed (in
 * their transaction) and by approved counts; every change rewrites the
 * store's `items` documents of the SKUs it touched (storeState, [IT4]) so
 * they replicate down to the store's devices.
 */
import {
  applyReturnToItems,
  applySaleToItems,
  decodeSgtin96,
  itemOfEpc,
  nextItemState,
  storeItemsDoc,
  storeItemsDocId,
  touchedItemDocs,
  type CollectionName,
  type ItemAnswer,
  type ItemChange,
  type ItemRecord,
  type Product,
  type ReturnFact,
  type SaleFact,
  type StoreItemsDoc,
  type TagItemsAnswer,
  type TagItemsRequest,
} from '@pos/domain';
import { recordException, type FactContext } from '../ledgers';
import { isJsonObject, SyncError, type JsonObject } from '../protocol';
import type { DocRow, SyncStorage, WriteTransaction } from '../storage/storage';

/** [RI1] Server-only: each tagged item's state, by EPC; the row's store is the item's. */
export const ITEMS_DB = '_items' as CollectionName;

/** [RI13] At most this many EPCs in one tagging request. */
export const TAG_MAX = 20_000;
/** [RI13] At most this many EPCs in one count. */
export const COUNT_READS_MAX = 100_000;

const EPC = /^[0-9A-Fa-f]{24}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;
const bad = (reason: string) => new SyncError('bad_request', reason);

/** [RI13] A list of EPCs, each 24 hex digits (upper-cased), at most `max`; else a 400. */
export function parseEpcList(value: unknown, what: string, max: number): string[] {
  if (!Array.isArray(value)) throw bad(`${what} must be a list of EPCs (24 hex digits each)`);
  if (value.length > max) throw bad(`${what} holds ${value.length} EPCs: at most ${max}`);
  return value.map((epc, i) => {
    if (typeof epc !== 'string' || !EPC.test(epc)) {
      throw bad(`${what}[${i}] is not an EPC of 24 hex digits`);
    }
    return epc.toUpperCase();
  });
}

/** An id field, or a 400. */
export function parseId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !ID.test(value)) throw bad(`${what} must be an id`);
  return value;
}

/** An ISO time field, or a 400. */
export function parseTime(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length > 40 || !Number.isFinite(Date.parse(value))) {
    throw bad(`${what} must be an ISO time`);
  }
  return new Date(Date.parse(value)).toISOString();
}

/** The item rows of `epcs` with their revisions, as `tx` sees them. */
export async function readItems(
  tx: Pick<WriteTransaction, 'getDocs'>,
  epcs: readonly string[],
): Promise<{ items: Map<string, ItemRecord>; revs: Map<string, string> }> {
  const rows = epcs.length === 0 ? new Map<string, DocRow>() : await tx.getDocs(ITEMS_DB, epcs);
  const items = new Map<string, ItemRecord>();
  const revs = new Map<string, string>();
  for (const [epc, row] of rows) {
    items.set(epc, row.body as unknown as ItemRecord);
    revs.set(epc, row.rev);
  }
  return { items, revs };
}

function mustAll(results: readonly { ok: boolean; id: string }[]): void {
  const failed = results.find((r) => !r.ok);
  // Cannot happen: writers are serialised and we just read the revisions.
  if (failed) throw new Error(`${failed.id} changed underneath`);
}

/**
 * [RI4] Writes the changed items and rewrites the `items` documents of the
 * stores and SKUs they touch, in the caller's transaction.
 */
export async function writeItemChanges(
  tx: WriteTransaction,
  changes: readonly ItemChange[],
  revs: ReadonlyMap<string, string>,
  at: string,
): Promise<void> {
  if (changes.length === 0) return;
  mustAll(
    await tx.putMany(
      changes.map((c) => ({
        db: ITEMS_DB,
        id: c.epc,
        body: { id: c.epc, ...c.after } as unknown as JsonObject,
        storeId: c.after.storeId,
        expectedRev: revs.get(c.epc) ?? null,
      })),
    ),
  );
  const touched = touchedItemDocs(changes);
  const ids = touched.map((t) => storeItemsDocId(t.storeId, t.sku));
  const rows = await tx.getDocs('storeState', ids);
  mustAll(
    await tx.putMany(
      touched.map((key, i) => {
        const row = rows.get(ids[i]!);
        const doc = storeItemsDoc(row?.body as StoreItemsDoc | undefined, key, changes, at);
        return {
          db: 'storeState' as CollectionName,
          id: doc.id,
          body: doc as unknown as JsonObject,
          storeId: key.storeId,
          expectedRev: row?.rev ?? null,
        };
      }),
    ),
  );
}

const epcsOf = (lines: readonly { epcs?: readonly string[] }[]) =>
  lines.flatMap((l) => (l.epcs ?? []).map((e) => e.toUpperCase()));

/**
 * [RI2] [RC5] A recorded sale's EPCs marked sold in its transaction; an EPC
 * sold by another sale keeps that sale and is an `epc-sold-twice` exception.
 */
export async function markSoldItems(ctx: FactContext, sale: SaleFact): Promise<void> {
  const epcs = epcsOf(sale.lines);
  if (epcs.length === 0) return;
  const { items, revs } = await readItems(ctx.tx, epcs);
  const { changes, soldTwice } = applySaleToItems(items, sale, ctx.receivedAt);
  for (const { epc, soldBy } of soldTwice) {
    await recordException(
      ctx,
      'epc-sold-twice',
      { code: 'EPC_SOLD_TWICE', epc, saleId: sale.id, firstSaleId: soldBy ?? null },
      epc,
    );
  }
  await writeItemChanges(ctx.tx, changes, revs, ctx.receivedAt);
}

/** [RI3] [RC6] A return's EPCs back in the returning store (returned, sellable), in its transaction. */
export async function markReturnedItems(ctx: FactContext, ret: ReturnFact): Promise<void> {
  const epcs = epcsOf(ret.lines);
  if (epcs.length === 0) return;
  const { items, revs } = await readItems(ctx.tx, epcs);
  await writeItemChanges(
    ctx.tx,
    applyReturnToItems(items, ret, ctx.receivedAt),
    revs,
    ctx.receivedAt,
  );
}

/** Above this many GTINs, the catalog is read whole instead of GTIN by GTIN. */
const GTIN_LOOKUPS_MAX = 32;
const PAGE = 5_000;

/** [IT3] The SKU of each of `gtins` the catalog has, by GTIN. */
export async function skusByGtin(
  storage: Pick<SyncStorage, 'findDocs' | 'changes'>,
  gtins: Iterable<string>,
): Promise<Map<string, string>> {
  const wanted = new Set(gtins);
  const found = new Map<string, string>();
  if (wanted.size === 0) return found;
  if (wanted.size <= GTIN_LOOKUPS_MAX) {
    for (const gtin of wanted) {
      const [row] = await storage.findDocs('products', { fields: { gtin }, limit: 1 });
      if (row) found.set(gtin, row.id);
    }
    return found;
  }
  for (let since = 0; ;) {
    const page = await storage.changes('products', { since, limit: PAGE, scope: null });
    for (const row of page.rows) {
      const gtin = (row.body as Product).gtin;
      if (wanted.has(gtin) && !found.has(gtin)) found.set(gtin, row.id);
    }
    if (page.rows.length < PAGE) return found;
    since = page.lastSeq;
  }
}

/** [RI11] Every item whose row is at `storeId`, in pages by the store's index. */
export async function storeItems(
  storage: Pick<SyncStorage, 'changes'>,
  storeId: string,
): Promise<ItemRecord[]> {
  const out: ItemRecord[] = [];
  for (let since = 0; ;) {
    const page = await storage.changes(ITEMS_DB, { since, limit: PAGE, scope: storeId });
    for (const row of page.rows) out.push(row.body as unknown as ItemRecord);
    if (page.rows.length < PAGE) return out;
    since = page.lastSeq;
  }
}

/** [RI1] [RI13] The body of `POST /_rfid/items`, field by field. */
export function parseTagItems(body: unknown): TagItemsRequest {
  if (!isJsonObject(body)) throw bad('send {storeId, epcs, at?}');
  const storeId = parseId(body.storeId, 'storeId');
  const epcs = parseEpcList(body.epcs, 'epcs', TAG_MAX);
  return body.at === undefined
    ? { storeId, epcs }
    : { storeId, epcs, at: parseTime(body.at, 'at') };
}

/**
 * [RI1] Tags EPCs at a store, in one transaction: each SGTIN-96 of a chain
 * product arrives in stock; a known EPC is left as it is; the rest are
 * refused by EPC with the reason. An unknown store is a 400 and tags nothing.
 */
export async function tagItems(
  storage: SyncStorage,
  request: TagItemsRequest,
  now: string,
): Promise<TagItemsAnswer> {
  const epcs = [...new Set(request.epcs)];
  const gtins = new Set(
    epcs.flatMap((epc) => {
      const decoded = decodeSgtin96(epc);
      return decoded.ok ? [decoded.gtin] : [];
    }),
  );
  const skus = await skusByGtin(storage, gtins);
  const at = request.at ?? now;
  return storage.transaction(async (tx) => {
    const store = (await tx.getDocs('stores', [request.storeId])).get(request.storeId);
    if (!store) throw bad(`store ${request.storeId} is not a store of the chain`);
    const { items, revs } = await readItems(tx, epcs);
    const refused: TagItemsAnswer['refused'] = [];
    const changes: ItemChange[] = [];
    let known = 0;
    for (const epc of epcs) {
      if (items.has(epc)) {
        known++;
        continue;
      }
      const item = itemOfEpc(epc, (gtin) => skus.get(gtin));
      if (!item.ok) {
        refused.push({ epc, reason: item.message });
        continue;
      }
      const next = nextItemState(undefined, 'tagged');
      if (!next.ok) continue;
      changes.push({
        epc,
        before: undefined,
        after: {
          epc,
          storeId: request.storeId,
          sku: item.sku,
          gtin: item.gtin,
          serial: item.serial,
          state: next.state,
          updatedAt: at,
        },
      });
    }
    await writeItemChanges(tx, changes, revs, at);
    return { tagged: changes.length, known, refused };
  });
}

/** [RI1] `GET /_rfid/items/<epc>`: one item's state, or a 404. */
export async function itemAnswer(storage: SyncStorage, epc: string): Promise<ItemAnswer> {
  if (!EPC.test(epc)) throw bad('the EPC must be 24 hex digits');
  const id = epc.toUpperCase();
  const row = (await storage.getDocs(ITEMS_DB, [id], null)).get(id);
  if (!row) throw new SyncError('not_found', `no tagged item ${id}`);
  const item = row.body as unknown as ItemRecord;
  return {
    epc: item.epc,
    storeId: item.storeId,
    sku: item.sku,
    state: item.state,
    ...(item.saleId === undefined ? {} : { saleId: item.saleId }),
    updatedAt: item.updatedAt,
  };
}
