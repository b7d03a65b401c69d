/**
 * [TB8] The commission ledger on the server ([CM5]-[CM9]): each credited line
 * (`_creditedLines`), the entries per staff member (`_commissionEntries`)
 * and the audited credit edits (`_creditEdits`), all server-only, each
 * written in the transaction that applies its event: a clerk order's
 * payment and every later change of the order (returns, cancellations), a
 * sale with credited lines ([TK4]) and its returns, a supervisor's credit
 * edit. Entry ids come from the line and the event, so a replayed event
 * writes nothing new.
 */
import {
  clerkSummary,
  COMMISSION_RULES_ID,
  creditEditEntries,
  creditProblems,
  refundEntries,
  ruleFor,
  saleEntries,
  type ClerkCommissionAnswer,
  type CollectionName,
  type CommissionEntry,
  type CommissionRules,
  type CreditEdit,
  type CreditedLine,
  type CreditedLineView,
  type LineCredit,
  type Order,
  type Product,
  type ReturnFact,
  type SaleFact,
  type Staff,
} from '@pos/domain';
import { canonicalJson } from '../orders/locations';
import { isJsonObject, SyncError, type JsonObject } from '../protocol';
import type { DocRow, SyncStorage, WriteTransaction } from '../storage/storage';

/** [TB8] Server-only: each credited line, by `<source>:<lineId>`. */
export const CREDITED_LINES_DB = '_creditedLines' as CollectionName;
/** [TB8] [CM6] Server-only: the commission entries, by entry id. */
export const COMMISSION_ENTRIES_DB = '_commissionEntries' as CollectionName;
/** [TB5] [CM8] Server-only: the audit record of each credit edit, by edit id. */
export const CREDIT_EDITS_DB = '_creditEdits' as CollectionName;

/** [TB8] A credited line as stored: its units, what of it is still sold, the events applied. */
export type StoredCreditedLine = CreditedLine & {
  id: string;
  quantity: number;
  remainingNet: number;
  /** Events that moved its remaining net or credit (refund and edit ids), each once. */
  events: string[];
};

/** [TB5] [CM8] The audit record of a credit edit: who asked, who approved, before, after, why, when. */
export type CreditEditRecord = CreditEdit & {
  deviceId: string;
  storeId: string;
  receivedAt: string;
  entries: string[];
};

export const creditedLineId = (source: string, lineId: string) => `${source}:${lineId}`;

async function putDoc(
  tx: WriteTransaction,
  db: CollectionName,
  id: string,
  body: object,
  expectedRev: string | null,
): Promise<void> {
  const written = await tx.put({ db, id, body: body as JsonObject, storeId: null, expectedRev });
  if (!written.ok) throw new Error(`${db} ${id} changed underneath: ${written.reason}`);
}

/** [CM6] Writes the entries not written yet; an entry id already there is the same event again. */
async function putEntries(
  tx: WriteTransaction,
  entries: readonly CommissionEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const known = await tx.getDocs(
    COMMISSION_ENTRIES_DB,
    entries.map((e) => e.id),
  );
  for (const entry of entries) {
    if (!known.has(entry.id)) await putDoc(tx, COMMISSION_ENTRIES_DB, entry.id, entry, null);
  }
}

async function lineEntries(
  tx: Pick<WriteTransaction, 'findDocs'>,
  source: string,
  lineId: string,
): Promise<CommissionEntry[]> {
  return (
    await tx.findDocs(COMMISSION_ENTRIES_DB, { fields: { source, lineId }, limit: 1000 })
  ).map((row) => row.body as unknown as CommissionEntry);
}

/** A line to credit, before its rate is fixed. */
export type NewCreditedLine = Omit<CreditedLine, 'rate' | 'ruleId'> & { quantity: number };

/**
 * [CM4] [CM6] Records credited lines sold at `soldAt` with their sale
 * entries, the rate fixed from the chain's table then; a line recorded
 * already is left as it is.
 */
export async function recordCreditedLines(
  tx: WriteTransaction,
  lines: readonly NewCreditedLine[],
): Promise<void> {
  if (lines.length === 0) return;
  const ids = lines.map((l) => creditedLineId(l.source, l.lineId));
  const known = await tx.getDocs(CREDITED_LINES_DB, ids);
  const fresh = lines.filter((l, i) => !known.has(ids[i]!));
  if (fresh.length === 0) return;
  const table = (await tx.getDocs('chain', [COMMISSION_RULES_ID])).get(COMMISSION_RULES_ID)
    ?.body as CommissionRules | undefined;
  const products = await tx.getDocs(
    'products',
    fresh.map((l) => l.sku),
  );
  for (const line of fresh) {
    const product = products.get(line.sku)?.body as Product | undefined;
    const rule = ruleFor(
      {
        sku: line.sku,
        category: product?.category ?? '',
        ...(product?.brand ? { brand: product.brand } : {}),
      },
      table?.rules ?? [],
      line.soldAt,
    );
    const stored: StoredCreditedLine = {
      ...line,
      id: creditedLineId(line.source, line.lineId),
      rate: rule?.rate ?? 0,
      ruleId: rule?.id ?? null,
      remainingNet: line.net,
      events: [],
    };
    await putDoc(tx, CREDITED_LINES_DB, stored.id, stored, null);
    await putEntries(tx, saleEntries(stored));
  }
}

/**
 * [CM7] Brings a credited line to `remainingNet` still sold, by the refund
 * `eventId` (once: a second time writes nothing); nothing when the line is
 * not credited or its remaining net is unchanged.
 */
export async function moveRemainingNet(
  tx: WriteTransaction,
  source: string,
  lineId: string,
  remainingNet: number,
  eventId: string,
  at: string,
): Promise<void> {
  const id = creditedLineId(source, lineId);
  const row = (await tx.getDocs(CREDITED_LINES_DB, [id])).get(id);
  if (!row) return;
  const line = row.body as unknown as StoredCreditedLine;
  const remaining = Math.max(0, Math.min(line.net, remainingNet));
  if (line.events.includes(`refund-${eventId}`) || remaining === line.remainingNet) return;
  const refund = refundEntries(line, await lineEntries(tx, source, lineId), remaining, eventId, at);
  if (!refund.ok) throw new Error(refund.message);
  await putEntries(tx, refund.entries);
  const next: StoredCreditedLine = {
    ...line,
    remainingNet: remaining,
    events: [...line.events, `refund-${eventId}`],
  };
  await putDoc(tx, CREDITED_LINES_DB, id, next, row.rev);
}

/** [CM7] What of a line is still sold when `gone` of its units were given back: its first units' share. */
export const remainingOf = (net: number, quantity: number, gone: number): number =>
  Math.floor((net * Math.max(0, quantity - gone)) / quantity);

const GONE: readonly Order['status'][] = ['cancelled', 'refunded'];

/**
 * [TB8] [OD17] Keeps a clerk order's ledger with the order, in the
 * transaction that writes it: paid, its credited lines are recorded (sold
 * when paid); later, each line's remaining net follows the units returned
 * and given up, and a cancelled order owes nothing. The event is the
 * order's last fact, so a replayed fact (which changes no order) writes
 * nothing.
 */
export async function syncOrderCommission(
  tx: WriteTransaction,
  order: Order,
  at: string,
): Promise<void> {
  if (!order.clerk || order.paidAt === undefined) return;
  const source = `order:${order.id}`;
  const credited = order.lines.filter((l) => l.credits && l.credits.length > 0);
  if (credited.length === 0) return;
  const placeOf = (line: Order['lines'][number]) =>
    line.fulfilment.mode === 'pickup'
      ? line.fulfilment.storeId
      : ((order.allocations ?? []).find((a) => a.lineId === line.lineId)?.locationId ??
        order.clerk!.attributionStoreId);
  await recordCreditedLines(
    tx,
    credited.map((line) => ({
      source,
      lineId: line.lineId,
      sku: line.sku,
      net: line.net,
      quantity: line.quantity,
      credits: line.credits!,
      attributionStoreId: order.clerk!.attributionStoreId,
      fulfilmentStoreId: placeOf(line),
      soldAt: order.paidAt!,
    })),
  );
  const event = order.factIds.at(-1) ?? order.id;
  for (const line of credited) {
    const returned = (order.returns ?? [])
      .filter((r) => r.lineId === line.lineId)
      .reduce((sum, r) => sum + r.quantity, 0);
    const remaining = GONE.includes(order.status)
      ? 0
      : remainingOf(line.net, line.quantity, returned + (line.cancelled ?? 0));
    await moveRemainingNet(tx, source, line.lineId, remaining, event, at);
  }
}

/** [TB8] [TK4] A sale's credited lines (a clerk's take-now code), credited to the selling store. */
export async function recordSaleCredits(tx: WriteTransaction, sale: SaleFact): Promise<void> {
  await recordCreditedLines(
    tx,
    sale.lines
      .filter((l) => l.credits && l.credits.length > 0)
      .map((line) => ({
        source: `sale:${sale.id}`,
        lineId: line.lineId,
        sku: line.sku,
        net: line.net,
        quantity: line.quantity,
        credits: line.credits!,
        attributionStoreId: sale.storeId,
        fulfilmentStoreId: sale.storeId,
        soldAt: sale.soldAt,
      })),
  );
}

/** [TB8] [CM7] A return of a sale's credited lines: each line's remaining net after the units returned so far. */
export async function returnSaleCredits(
  tx: WriteTransaction,
  sale: SaleFact,
  ret: ReturnFact,
  returnedBefore: (lineId: string) => number,
): Promise<void> {
  for (const returned of ret.lines) {
    const line = sale.lines.find((l) => l.lineId === returned.lineId);
    if (!line?.credits || line.credits.length === 0) continue;
    const gone = returnedBefore(line.lineId) + returned.quantity;
    await moveRemainingNet(
      tx,
      `sale:${sale.id}`,
      line.lineId,
      remainingOf(line.net, line.quantity, gone),
      ret.id,
      ret.returnedAt,
    );
  }
}

const TEXT_MAX = 500;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

function text(value: unknown, what: string, max = TEXT_MAX): string {
  if (typeof value !== 'string' || value.length > max) {
    throw new SyncError('bad_request', `${what} must be text of at most ${max} characters`);
  }
  return value;
}

function credits(value: unknown, what: string): LineCredit[] {
  const problems = creditProblems(value);
  if (problems.length > 0) throw new SyncError('bad_request', `${what}: ${problems.join('; ')}`);
  return (value as LineCredit[]).map((c) => ({ staffId: c.staffId, share: c.share }));
}

/** [TB5] The body of `POST /_clerk/credit-edits`, field by field. */
export function parseCreditEdit(body: unknown): CreditEdit {
  if (!isJsonObject(body)) {
    throw new SyncError(
      'bad_request',
      'send {id, source, lineId, before, after, approvedBy, requestedBy, reason, at}',
    );
  }
  const ids = ['id', 'source', 'lineId', 'approvedBy', 'requestedBy'] as const;
  for (const field of ids) {
    if (typeof body[field] !== 'string' || !ID.test(body[field])) {
      throw new SyncError('bad_request', `${field} must be an id`);
    }
  }
  const at = text(body.at, 'at', 40);
  if (!Number.isFinite(Date.parse(at)))
    throw new SyncError('bad_request', 'at must be an ISO time');
  return {
    id: body.id as string,
    source: body.source as string,
    lineId: body.lineId as string,
    before: credits(body.before, 'before'),
    after: credits(body.after, 'after'),
    approvedBy: body.approvedBy as string,
    requestedBy: body.requestedBy as string,
    reason: text(body.reason, 'reason'),
    at,
  };
}

export type CreditEditOutcome =
  | { ok: true; entries: CommissionEntry[] }
  | { ok: false; status: number; error: string; code: string; reason: string };

const refusal = (status: number, code: string, reason: string): CreditEditOutcome => ({
  ok: false,
  status,
  error: status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'bad_request',
  code,
  reason,
});

/**
 * [TB5] [CM8] Applies a supervisor's credit edit to a line the device's store
 * sold, in one transaction: the approver must be an active supervisor or
 * manager and everyone credited active staff; a stale or invalid edit writes
 * nothing. The same edit again answers its entries; another edit under its
 * id is refused.
 */
export async function applyCreditEdit(
  storage: SyncStorage,
  edit: CreditEdit,
  device: { deviceId: string; storeId: string },
  now: string,
): Promise<CreditEditOutcome> {
  return storage.transaction(async (tx): Promise<CreditEditOutcome> => {
    const done = (await tx.getDocs(CREDIT_EDITS_DB, [edit.id])).get(edit.id);
    if (done) {
      const record = done.body as unknown as CreditEditRecord;
      const { deviceId: _d, storeId: _s, receivedAt: _r, entries, ...sent } = record;
      if (canonicalJson(sent) !== canonicalJson(edit)) {
        return refusal(409, 'CREDIT_EDIT_ID_REUSED', `edit ${edit.id} was another edit`);
      }
      const rows = await tx.getDocs(COMMISSION_ENTRIES_DB, entries);
      return {
        ok: true,
        entries: entries.flatMap((id) => {
          const row = rows.get(id);
          return row ? [row.body as unknown as CommissionEntry] : [];
        }),
      };
    }
    const id = creditedLineId(edit.source, edit.lineId);
    const row = (await tx.getDocs(CREDITED_LINES_DB, [id])).get(id);
    const line = row?.body as unknown as StoredCreditedLine | undefined;
    if (!row || !line || line.attributionStoreId !== device.storeId) {
      return refusal(
        404,
        'CREDIT_LINE_UNKNOWN',
        `no credited line ${edit.lineId} of ${edit.source} at this store`,
      );
    }
    const staffIds = [
      ...new Set([edit.approvedBy, edit.requestedBy, ...edit.after.map((c) => c.staffId)]),
    ];
    const staff = await tx.getDocs('staff', staffIds);
    const active = (staffId: string) =>
      (staff.get(staffId)?.body as Staff | undefined)?.status === 'active';
    const approver = staff.get(edit.approvedBy)?.body as Staff | undefined;
    if (!approver || !active(edit.approvedBy) || !approver.roles.some((r) => r !== 'cashier')) {
      return refusal(400, 'CREDIT_NOT_APPROVED', `${edit.approvedBy} is not an active supervisor`);
    }
    const inactive = staffIds.filter((s) => !active(s));
    if (inactive.length > 0) {
      return refusal(400, 'CREDIT_INVALID', `${inactive.join(', ')}: not active staff`);
    }
    const result = creditEditEntries(
      line,
      await lineEntries(tx, edit.source, edit.lineId),
      line.remainingNet,
      edit,
    );
    if (!result.ok) {
      return refusal(result.code === 'CREDIT_STALE' ? 409 : 400, result.code, result.message);
    }
    await putEntries(tx, result.entries);
    const next: StoredCreditedLine = {
      ...line,
      credits: edit.after,
      events: [...line.events, `edit-${edit.id}`],
    };
    await putDoc(tx, CREDITED_LINES_DB, id, next, row.rev);
    const record: CreditEditRecord = {
      ...edit,
      deviceId: device.deviceId,
      storeId: device.storeId,
      receivedAt: now,
      entries: result.entries.map((e) => e.id),
    };
    await putDoc(tx, CREDIT_EDITS_DB, edit.id, record, null);
    return { ok: true, entries: result.entries };
  });
}

/** [TB4] At most this many entries and lines in an answer. */
export const COMMISSION_LIST_MAX = 200;

/**
 * [TB4] [CM9] A clerk's day and month in the chain's time zone, the month's
 * entries and credited lines, newest first.
 */
export async function clerkCommission(
  storage: SyncStorage,
  staffId: string,
  now: string,
  utcOffsetMinutes: number,
): Promise<ClerkCommissionAnswer> {
  const rows: DocRow[] = await storage.findDocs(COMMISSION_ENTRIES_DB, {
    fields: { staffId },
  });
  const entries = rows.map((row) => row.body as unknown as CommissionEntry);
  const { day, month } = clerkSummary(entries, staffId, now, utcOffsetMinutes);
  const local = (iso: string) =>
    new Date(Date.parse(iso) + utcOffsetMinutes * 60_000).toISOString().slice(0, 7);
  const thisMonth = local(now);
  const monthly = entries
    .filter((e) => local(e.at) === thisMonth)
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, COMMISSION_LIST_MAX);
  const lineIds = [...new Set(monthly.map((e) => creditedLineId(e.source, e.lineId)))];
  const lines = await storage.getDocs(CREDITED_LINES_DB, lineIds, null);
  const stored = lineIds.flatMap((id) => {
    const line = lines.get(id)?.body as unknown as StoredCreditedLine | undefined;
    return line && line.credits.some((c) => c.staffId === staffId) ? [line] : [];
  });
  const products = await storage.getDocs('products', [...new Set(stored.map((l) => l.sku))], null);
  return {
    staffId,
    now,
    day,
    month,
    entries: monthly,
    lines: stored.map((line): CreditedLineView => ({
      source: line.source,
      lineId: line.lineId,
      sku: line.sku,
      name: (products.get(line.sku)?.body as Product | undefined)?.name ?? line.sku,
      net: line.net,
      remainingNet: line.remainingNet,
      credits: line.credits,
      soldAt: line.soldAt,
      attributionStoreId: line.attributionStoreId,
      fulfilmentStoreId: line.fulfilmentStoreId,
    })),
  };
}
