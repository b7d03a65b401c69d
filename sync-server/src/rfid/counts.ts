/**
 * [RI11] [RI12] Counts: what a handheld or fixed reader read at a store,
 * compared with the store's expected items ([IT6]-[IT8]) and kept as a draft
 * (`_counts`, server-only, by count id); approved once by a supervisor or
 * manager of the store, when its adjustments ([IT9]) go through the stock
 * ledger as pushed movements do and the items not seen are missing and the
 * ones seen are found, in one transaction.
 */
import {
  compareCount,
  countAdjustments,
  decodeSgtin96,
  isSellable,
  nextItemState,
  stockLevelId,
  type ApproveCountRequest,
  type CollectionName,
  type CountAdjustment,
  type CountAnswer,
  type CountRequest,
  type CountResult,
  type CountScope,
  type ItemChange,
  type ItemRecord,
  type StockLevel,
  type Staff,
} from '@pos/domain';
import { createHash } from 'node:crypto';
import { recordServerMovement } from '../push';
import { isJsonObject, SyncError, type JsonObject } from '../protocol';
import type { SyncStorage, WriteTransaction } from '../storage/storage';
import {
  COUNT_READS_MAX,
  parseEpcList,
  parseId,
  parseTime,
  readItems,
  skusByGtin,
  storeItems,
  writeItemChanges,
} from './items';

/** [RI11] Server-only: each count, draft or approved, by count id. */
export const COUNTS_DB = '_counts' as CollectionName;

/** A count as stored. */
export type StoredCount = CountAnswer & {
  id: string;
  deviceId: string;
  staffId: string;
  countedAt: string;
  receivedAt: string;
  /** SHA-256 of the request, so the same count id with another read is refused. */
  requestDigest: string;
  approvedBy?: string;
  approvedAt?: string;
};

const bad = (reason: string) => new SyncError('bad_request', reason);

function parseScope(value: unknown): CountScope {
  if (!isJsonObject(value))
    throw bad("scope must be {kind: 'store'} or {kind: 'skus-read', zone?}");
  if (value.kind === 'store' && Object.keys(value).length === 1) return { kind: 'store' };
  if (value.kind === 'skus-read') {
    const extra = Object.keys(value).filter((k) => k !== 'kind' && k !== 'zone');
    if (extra.length === 0) {
      return value.zone === undefined
        ? { kind: 'skus-read' }
        : { kind: 'skus-read', zone: parseId(value.zone, 'scope.zone') };
    }
  }
  throw bad("scope must be {kind: 'store'} or {kind: 'skus-read', zone?}");
}

/** [RI11] [RI13] The body of `POST /_rfid/counts`, field by field; the Idempotency-Key is the count id. */
export function parseCountRequest(body: unknown, idempotencyKey: string | undefined): CountRequest {
  if (!isJsonObject(body)) throw bad('send {countId, scope, epcs, countedAt, staffId}');
  const countId = parseId(body.countId, 'countId');
  if (idempotencyKey !== countId) throw bad('send the countId as the Idempotency-Key header too');
  return {
    countId,
    scope: parseScope(body.scope),
    epcs: parseEpcList(body.epcs, 'epcs', COUNT_READS_MAX),
    countedAt: parseTime(body.countedAt, 'countedAt'),
    staffId: parseId(body.staffId, 'staffId'),
  };
}

/** [RI12] The body of `POST /_rfid/counts/<id>/approve`. */
export function parseApproveCount(body: unknown): ApproveCountRequest {
  if (!isJsonObject(body)) throw bad('send {approverId, at}');
  return { approverId: parseId(body.approverId, 'approverId'), at: parseTime(body.at, 'at') };
}

const digestOf = (request: CountRequest): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        request.countId,
        request.scope,
        [...new Set(request.epcs)].sort(),
        request.countedAt,
        request.staffId,
      ]),
    )
    .digest('hex');

const answerOf = (count: StoredCount): CountAnswer => ({
  countId: count.countId,
  storeId: count.storeId,
  status: count.status,
  result: count.result,
  adjustments: count.adjustments,
});

/** [IT9] The ledger's on hand of each SKU of `result` at the store. */
async function onHandOf(
  reader: Pick<WriteTransaction, 'getDocs'>,
  storeId: string,
  result: CountResult,
): Promise<Map<string, number>> {
  const ids = result.bySku.map((l) => stockLevelId(storeId, l.sku));
  const rows = ids.length === 0 ? new Map() : await reader.getDocs('stock', ids);
  return new Map(
    result.bySku.map((l) => [
      l.sku,
      (rows.get(stockLevelId(storeId, l.sku))?.body as StockLevel | undefined)?.onHand ?? 0,
    ]),
  );
}

/**
 * [RI11] Compares a count with the store's expected items (its sellable
 * items, [IT6]) and keeps it as a draft; the same count id again answers the
 * stored count (`replayed`), another read under the id is a 409.
 */
export async function postCount(
  storage: SyncStorage,
  request: CountRequest,
  device: { deviceId: string; storeId: string },
  now: string,
): Promise<{ answer: CountAnswer; replayed: boolean }> {
  const digest = digestOf(request);
  const earlier = async (reader: Pick<WriteTransaction, 'getDocs'>) => {
    const row = (await reader.getDocs(COUNTS_DB, [request.countId])).get(request.countId);
    if (!row) return null;
    const count = row.body as unknown as StoredCount;
    if (count.storeId !== device.storeId || count.requestDigest !== digest) {
      throw new SyncError('conflict', `count ${request.countId} was another count`);
    }
    return { answer: answerOf(count), replayed: true };
  };
  const stored = await earlier({
    getDocs: (db, ids) => storage.getDocs(db, ids, null),
  });
  if (stored) return stored;
  const items = await storeItems(storage, device.storeId);
  const skuOfGtin = new Map(items.map((i) => [i.gtin, i.sku]));
  const readGtins = new Set<string>();
  for (const epc of new Set(request.epcs)) {
    const decoded = decodeSgtin96(epc);
    if (decoded.ok && !skuOfGtin.has(decoded.gtin)) readGtins.add(decoded.gtin);
  }
  for (const [gtin, sku] of await skusByGtin(storage, readGtins)) skuOfGtin.set(gtin, sku);
  const expected = items
    .filter((i) => isSellable(i.state))
    .map((i) => ({ epc: i.epc, sku: i.sku }));
  const result = compareCount(expected, request.epcs, (g) => skuOfGtin.get(g), request.scope);
  return storage.transaction(async (tx) => {
    const again = await earlier(tx);
    if (again) return again;
    const adjustments = countAdjustments(result, await onHandOf(tx, device.storeId, result));
    const count: StoredCount = {
      id: request.countId,
      countId: request.countId,
      storeId: device.storeId,
      status: 'draft',
      result,
      adjustments,
      deviceId: device.deviceId,
      staffId: request.staffId,
      countedAt: request.countedAt,
      receivedAt: now,
      requestDigest: digest,
    };
    const written = await tx.put({
      db: COUNTS_DB,
      id: count.id,
      body: count as unknown as JsonObject,
      storeId: device.storeId,
      expectedRev: null,
    });
    if (!written.ok) throw new Error(`${count.id} changed underneath: ${written.reason}`);
    return { answer: answerOf(count), replayed: false };
  });
}

/** [RI11] A count of the device's store, or a 404. */
export async function readCount(
  storage: SyncStorage,
  countId: string,
  storeId: string,
): Promise<CountAnswer> {
  const row = (await storage.getDocs(COUNTS_DB, [countId], null)).get(countId);
  const count = row?.body as unknown as StoredCount | undefined;
  if (!count || count.storeId !== storeId) {
    throw new SyncError('not_found', `no count ${countId} at this store`);
  }
  return answerOf(count);
}

/** [RI12] The item changes of an approved count: expected items not seen missing, ours seen found. */
async function countItemChanges(
  tx: WriteTransaction,
  count: StoredCount,
  at: string,
): Promise<{ changes: ItemChange[]; revs: Map<string, string> }> {
  const seen = count.result.unexpected.filter((u) => u.sku !== null);
  const epcs = [...count.result.missing.map((m) => m.epc), ...seen.map((u) => u.epc)];
  const { items, revs } = await readItems(tx, epcs);
  const changes: ItemChange[] = [];
  for (const { epc } of count.result.missing) {
    const before = items.get(epc);
    // Sold or moved since the read: the count no longer speaks for it.
    if (!before || before.storeId !== count.storeId) continue;
    const next = nextItemState(before.state, 'count-missing');
    if (next.ok)
      changes.push({ epc, before, after: { ...before, state: next.state, updatedAt: at } });
  }
  for (const { epc, sku } of seen) {
    const before = items.get(epc);
    const next = nextItemState(before?.state, 'count-found');
    if (!next.ok || sku === null) continue;
    const decoded = decodeSgtin96(epc);
    if (!decoded.ok) continue;
    const after: ItemRecord = {
      epc,
      storeId: count.storeId,
      sku: before?.sku ?? sku,
      gtin: before?.gtin ?? decoded.gtin,
      serial: before?.serial ?? decoded.serial,
      state: next.state,
      updatedAt: at,
    };
    changes.push({ epc, before, after });
  }
  return { changes, revs };
}

/**
 * [RI12] Approves a count of the device's store, by an active supervisor or
 * manager of the store, in one transaction: each SKU's adjustment ([IT9],
 * against the on hand now) is recorded as a stock movement `adjust` (its id
 * `<countId>:<sku>`), and the items not seen are missing and the ones seen
 * found. A second approval changes nothing and answers the approved count.
 */
export async function approveCount(
  storage: SyncStorage,
  countId: string,
  approval: ApproveCountRequest,
  device: { storeId: string },
  now: string,
): Promise<CountAnswer> {
  return storage.transaction(async (tx) => {
    const row = (await tx.getDocs(COUNTS_DB, [countId])).get(countId);
    const count = row?.body as unknown as StoredCount | undefined;
    if (!row || !count || count.storeId !== device.storeId) {
      throw new SyncError('not_found', `no count ${countId} at this store`);
    }
    if (count.status === 'approved') return answerOf(count);
    const approver = (await tx.getDocs('staff', [approval.approverId])).get(approval.approverId)
      ?.body as Staff | undefined;
    if (
      !approver ||
      approver.status !== 'active' ||
      approver.storeId !== count.storeId ||
      !approver.roles.some((r) => r === 'supervisor' || r === 'manager')
    ) {
      throw new SyncError(
        'forbidden',
        `${approval.approverId} is not an active supervisor or manager of ${count.storeId}`,
        { code: 'COUNT_NOT_APPROVED' },
      );
    }
    const adjustments: CountAdjustment[] = countAdjustments(
      count.result,
      await onHandOf(tx, count.storeId, count.result),
    );
    for (const adjustment of adjustments) {
      const recorded = await recordServerMovement(
        tx,
        {
          id: `${count.countId}:${adjustment.sku}`,
          location: count.storeId,
          sku: adjustment.sku,
          kind: 'adjust',
          quantity: adjustment.delta,
          at: approval.at,
          factId: count.countId,
        },
        now,
      );
      if (!('ok' in recorded)) throw new Error(`adjustment refused: ${recorded.reason}`);
    }
    const { changes, revs } = await countItemChanges(tx, count, now);
    await writeItemChanges(tx, changes, revs, now);
    const approved: StoredCount = {
      ...count,
      status: 'approved',
      adjustments,
      approvedBy: approval.approverId,
      approvedAt: approval.at,
    };
    const written = await tx.put({
      db: COUNTS_DB,
      id: countId,
      body: approved as unknown as JsonObject,
      storeId: count.storeId,
      expectedRev: row.rev,
    });
    if (!written.ok) throw new Error(`${countId} changed underneath: ${written.reason}`);
    return answerOf(approved);
  });
}
