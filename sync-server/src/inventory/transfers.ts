/**
 * Transfers between stores and suppliers' deliveries: server-only records
 * (`_transfers` in the documents table), a `storeState` copy of kind
 * `transfer` at each store involved so its devices see it offline, and each
 * step's stock movements recorded exactly as a pushed movement is, in the
 * same transaction as the step. See SPEC.md [IV8]-[IV13], domain [TF1]-[TF12].
 */
import {
  applyStep,
  cancelTransfer,
  discrepancies,
  draftTransfer,
  isRefusal,
  newDelivery,
  storeTransferDoc,
  transferStores,
  type CollectionName,
  type Product,
  type TransferOrder,
  type TransferRefusal,
  type TransferStatus,
  type TransferStepRequest,
} from '@pos/domain';
import { recordException, type FactContext } from '../ledgers';
import { SyncError, type JsonObject } from '../protocol';
import { recordServerMovement } from '../push';
import type { SyncStorage, WriteTransaction } from '../storage/storage';
import type { Queryable } from '../storage/write-group';

/** [IV8] Server-only: every transfer and delivery, by id (never replicated). */
export const TRANSFERS_DB = '_transfers' as CollectionName;

function refusal(r: TransferRefusal): SyncError {
  return new SyncError(r.code, r.reason, r.status === undefined ? {} : { status: r.status });
}

function mustWrite(result: { ok: boolean; id: string; reason?: string }): void {
  // Cannot happen: writers are serialised and the revision was just read.
  if (!result.ok) throw new Error(`${result.id} changed underneath: ${result.reason ?? ''}`);
}

/** [IV8] Writes a transfer and each involved store's storeState copy, in `tx`. */
async function putTransfer(
  tx: WriteTransaction,
  order: TransferOrder,
  rev: string | null,
  at: string,
): Promise<void> {
  mustWrite(
    await tx.put({
      db: TRANSFERS_DB,
      id: order.id,
      body: order as unknown as JsonObject,
      storeId: order.to,
      expectedRev: rev,
    }),
  );
  const stores = transferStores(order);
  const docs = stores.map((s) => storeTransferDoc(order, s, at));
  const rows = await tx.getDocs(
    'storeState',
    docs.map((d) => d.id),
  );
  for (const doc of docs) {
    mustWrite(
      await tx.put({
        db: 'storeState',
        id: doc.id,
        body: doc as unknown as JsonObject,
        storeId: doc.storeId,
        expectedRev: rows.get(doc.id)?.rev ?? null,
      }),
    );
  }
}

/** [IV9] The asked lines with the catalog's names; a SKU the catalog does not know is refused. */
async function namedLines(
  tx: WriteTransaction,
  lines: readonly { sku: string; quantity: number }[],
): Promise<{ sku: string; name: string; quantity: number }[]> {
  const products = await tx.getDocs(
    'products',
    lines.map((l) => l.sku),
  );
  const unknown = lines.filter((l) => !products.has(l.sku)).map((l) => l.sku);
  if (unknown.length) throw new SyncError('bad_request', `unknown SKU: ${unknown.join(', ')}`);
  return lines.map((l) => ({
    sku: l.sku,
    quantity: l.quantity,
    name: (products.get(l.sku)!.body as Product).name,
  }));
}

async function knownStores(tx: WriteTransaction, stores: readonly string[]): Promise<void> {
  const rows = await tx.getDocs('stores', stores);
  const unknown = stores.filter((s) => !rows.has(s));
  if (unknown.length) throw new SyncError('bad_request', `unknown store: ${unknown.join(', ')}`);
}

type Asked = { sku: string; quantity: number }[];
type Named = { sku: string; name: string; quantity: number }[];

/**
 * [IV9] Stores a new transfer or delivery: `shape` checks the asked lines
 * (by the domain's rules, before anything is read), then its stores and SKUs
 * must be known; the lines take the catalog's names.
 */
async function storeNew(
  storage: SyncStorage,
  stores: readonly string[],
  asked: unknown,
  shape: (lines: Named) => TransferOrder | TransferRefusal,
  now: string,
): Promise<TransferOrder> {
  if (!Array.isArray(asked)) throw new SyncError('bad_request', 'lines must be a non-empty list');
  const lines = asked as Asked;
  return storage.transaction(async (tx) => {
    const shaped = shape(lines.map((l) => ({ sku: l?.sku, quantity: l?.quantity, name: '' })));
    if (isRefusal(shaped)) throw refusal(shaped);
    await knownStores(tx, stores);
    const named = await namedLines(tx, lines);
    const order: TransferOrder = {
      ...shaped,
      lines: shaped.lines.map((l, i) => ({ ...l, name: named[i]!.name })),
    };
    await putTransfer(tx, order, null, now);
    return order;
  });
}

/** [IV9] Creates a draft transfer between two known stores of known SKUs. */
export function createTransfer(
  storage: SyncStorage,
  input: { id: string; from: string; to: string; lines: unknown; reason: string },
  by: string,
  now: string,
): Promise<TransferOrder> {
  return storeNew(
    storage,
    [input.from, input.to],
    input.lines,
    (lines) => draftTransfer({ ...input, lines, createdAt: now, createdBy: by }),
    now,
  );
}

/** [IV9] Creates a supplier's delivery to a known store, shipped, to be received by scan. */
export function createDelivery(
  storage: SyncStorage,
  input: { id: string; supplier: string; to: string; lines: unknown; reference: string },
  by: string,
  now: string,
): Promise<TransferOrder> {
  return storeNew(
    storage,
    [input.to],
    input.lines,
    (lines) => newDelivery({ ...input, lines, createdAt: now, createdBy: by }),
    now,
  );
}

/** [IV10] Cancels a draft or ready transfer; `visible` says whether the caller may see it. */
export async function cancelStoredTransfer(
  storage: SyncStorage,
  id: string,
  visible: (order: TransferOrder) => boolean,
  now: string,
): Promise<TransferOrder> {
  return storage.transaction(async (tx) => {
    const row = (await tx.getDocs(TRANSFERS_DB, [id])).get(id);
    const order = row?.body as TransferOrder | undefined;
    if (!row || !order || !visible(order)) throw new SyncError('not_found', `no transfer ${id}`);
    const next = cancelTransfer(order);
    if (isRefusal(next)) throw refusal(next);
    if (next !== order) await putTransfer(tx, next, row.rev, now);
    return next;
  });
}

/**
 * [IV11] Records a step a store's device confirmed, in ONE transaction with
 * its stock movements (recorded as pushed movements are, [RI12], so levels
 * project and flow down) and the stores' copies; [IV12] a discrepancy on
 * receipt is a `transfer-discrepancy` exception per SKU; [TF9] a replay
 * changes nothing.
 */
export async function recordStep(
  storage: SyncStorage,
  id: string,
  request: TransferStepRequest,
  device: { storeId: string; deviceId: string },
  now: string,
): Promise<{ order: TransferOrder; replay: boolean }> {
  return storage.transaction(async (tx) => {
    const row = (await tx.getDocs(TRANSFERS_DB, [id])).get(id);
    const order = row?.body as TransferOrder | undefined;
    if (!row || !order || !transferStores(order).includes(device.storeId)) {
      throw new SyncError('not_found', `no transfer ${id} at ${device.storeId}`);
    }
    const applied = applyStep(order, request, device);
    if (!applied.ok) throw refusal(applied);
    if (applied.replay) return { order, replay: true };
    await putTransfer(tx, applied.order, row.rev, now);
    for (const movement of applied.movements) await recordServerMovement(tx, movement, now);
    const ctx: FactContext = {
      tx,
      db: '_transfers',
      factId: order.id,
      storeId: order.to,
      receivedAt: now,
    };
    for (const d of discrepancies(applied.order)) {
      await recordException(
        ctx,
        'transfer-discrepancy',
        { transferId: order.id, kind: order.kind, from: order.from, to: order.to, ...d },
        d.sku,
      );
    }
    return { order: applied.order, replay: false };
  });
}

/** [IV13] Transfers touching any of `stores` (null: every store), newest first, optionally by status. */
export async function listTransfers(
  q: Queryable,
  stores: readonly string[] | null,
  status: TransferStatus | null,
  limit = 500,
): Promise<TransferOrder[]> {
  const rows = await q.query<{ body: TransferOrder | string }>(
    `SELECT body FROM docs
      WHERE db = $1
        AND ($2::text[] IS NULL OR body->>'from' = ANY($2::text[]) OR body->>'to' = ANY($2::text[]))
        AND ($3::text IS NULL OR body->>'status' = $3)
      ORDER BY body->>'createdAt' DESC, id DESC
      LIMIT $4`,
    [TRANSFERS_DB, stores, status, limit],
  );
  return rows.map((r) =>
    typeof r.body === 'string' ? (JSON.parse(r.body) as TransferOrder) : r.body,
  );
}

/** One transfer by id, or null. */
export async function readTransfer(q: Queryable, id: string): Promise<TransferOrder | null> {
  const rows = await q.query<{ body: TransferOrder | string }>(
    `SELECT body FROM docs WHERE db = $1 AND id = $2`,
    [TRANSFERS_DB, id],
  );
  const body = rows[0]?.body;
  if (body === undefined) return null;
  return typeof body === 'string' ? (JSON.parse(body) as TransferOrder) : body;
}
