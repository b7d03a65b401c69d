/**
 * Shelf labels on the server: bindings, what each label should show (the
 * till's price now, [EL1]), push batches of only the labels whose content
 * changed ([EL5]), price changes at their effective time, the
 * acknowledgement ledger and the integrity report. The rules are the
 * domain's (shelf-labels.ts); this file reads and writes the tables.
 * See SPEC.md [SV1]-[SV12].
 */
import { randomUUID } from 'node:crypto';
import {
  ackedShareAt,
  integrityCheck,
  labelContent,
  labelContentHash,
  type IntegrityReport,
  type LabelAck,
  type LabelContent,
  type LabelPushView,
  type LabelView,
  type LabelWork,
  type Price,
  type Product,
  type Promotion,
} from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import type { Queryable } from '../storage/write-group';

/** [SV4] What every store's labels are priced at: the tills' price list and the chain's offset ([LOC2]). */
export const LABEL_PRICING = { priceList: 'CN-LIST', utcOffsetMinutes: 480 } as const;

/** [SV6] At most this many labels in one `/_esl/work` answer. */
export const WORK_MAX = 2000;

export const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string | Date).toISOString();

/** A push id that sorts in the order pushes are made ([EL7]): the instant, then a random tail. */
export function newPushId(now: Date): string {
  return `P${String(now.getTime()).padStart(14, '0')}-${randomUUID().slice(0, 8)}`;
}

/** [EL1] Each SKU's desired content and hash at a store at `at`, from the documents tills sync. */
export async function desiredContents(
  storage: Pick<SyncStorage, 'getDocs' | 'findDocs'>,
  storeId: string,
  skus: readonly string[],
  at: string,
  override?: Price,
): Promise<Map<string, { content: LabelContent; hash: string }>> {
  const unique = [...new Set(skus)];
  const { priceList, utcOffsetMinutes } = LABEL_PRICING;
  const [products, prices, promotionRows] = await Promise.all([
    storage.getDocs('products', unique, null),
    storage.getDocs(
      'prices',
      unique.map((sku) => `${priceList}:${sku}`),
      null,
    ),
    storage.findDocs('promotions', { limit: 1000 }),
  ]);
  const promotions = promotionRows.map((row) => row.body as Promotion);
  const out = new Map<string, { content: LabelContent; hash: string }>();
  for (const sku of unique) {
    const product = products.get(sku)?.body as Product | undefined;
    let price = prices.get(`${priceList}:${sku}`)?.body as Price | undefined;
    if (override && override.sku === sku) price = override;
    if (!product || !price) continue;
    const content = labelContent(product, price, promotions, { storeId, at, utcOffsetMinutes });
    out.set(sku, { content, hash: labelContentHash(content) });
  }
  return out;
}

type BoundRow = { label_id: string; sku: string; desired_hash: string | null };

/**
 * [SV2] [EL5] Makes a push batch at `storeId` of the labels whose desired
 * content at `now` differs from the content they were last sent, and points
 * those labels at it (pending). Concurrent calls push each change once: a
 * label is taken only while its target still differs. Returns the push id
 * and its label count (0: nothing changed, no batch kept).
 */
export async function refreshStore(
  storage: SyncStorage,
  storeId: string,
  now: Date,
  reason: string,
  effectiveAt: string = now.toISOString(),
): Promise<{ pushId: string | null; labels: number }> {
  const bound = await storage.reportQuery<BoundRow>(
    'SELECT label_id, sku, desired_hash FROM esl_labels WHERE store_id = $1',
    [storeId],
  );
  if (!bound.length) return { pushId: null, labels: 0 };
  const desired = await desiredContents(
    storage,
    storeId,
    bound.map((b) => b.sku),
    now.toISOString(),
  );
  const changed = bound.filter((b) => {
    const want = desired.get(b.sku);
    return want !== undefined && want.hash !== b.desired_hash;
  });
  if (!changed.length) return { pushId: null, labels: 0 };
  const rows = changed.map((b) => {
    const want = desired.get(b.sku)!;
    return { label_id: b.label_id, hash: want.hash, content: want.content };
  });
  const pushId = newPushId(now);
  const at = now.toISOString();
  const labels = await storage.sqlTransaction(async (q) => {
    await q.query(
      `INSERT INTO esl_pushes (store_id, push_id, reason, effective_at, created_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [storeId, pushId, reason, effectiveAt, at],
    );
    const taken = await q.query<{ label_id: string }>(
      `UPDATE esl_labels l
          SET desired_hash = x.hash, desired_json = x.content,
              desired_fen = (x.content->>'priceFen')::int, push_id = $2,
              status = 'pending', since = $3, retries = 0, last_error = NULL
         FROM jsonb_to_recordset($4::jsonb) AS x(label_id text, hash text, content jsonb)
        WHERE l.store_id = $1 AND l.label_id = x.label_id
          AND l.desired_hash IS DISTINCT FROM x.hash
       RETURNING l.label_id`,
      [storeId, pushId, at, JSON.stringify(rows)],
    );
    if (!taken.length) {
      await q.query('DELETE FROM esl_pushes WHERE store_id = $1 AND push_id = $2', [
        storeId,
        pushId,
      ]);
      return 0;
    }
    await q.query('UPDATE esl_pushes SET labels = $3 WHERE store_id = $1 AND push_id = $2', [
      storeId,
      pushId,
      taken.length,
    ]);
    // [SV3] The ledger opens each label's push as pending.
    await q.query(
      `INSERT INTO esl_acks (store_id, label_id, push_id, hash, status, at, received_at)
       SELECT store_id, label_id, push_id, desired_hash, 'pending', $3, $3
         FROM esl_labels WHERE store_id = $1 AND push_id = $2
       ON CONFLICT DO NOTHING`,
      [storeId, pushId, at],
    );
    return taken.length;
  });
  return labels ? { pushId, labels } : { pushId: null, labels: 0 };
}

/** [SV1] Binds labels to SKUs at a store (rebinding moves a label to another SKU), then pushes what changed. */
export async function bindLabels(
  storage: SyncStorage,
  storeId: string,
  bindings: readonly { labelId: string; sku: string }[],
  now: Date,
): Promise<{ bound: number; labelsToPush: number }> {
  const at = now.toISOString();
  await storage.sqlTransaction(async (q) => {
    await q.query(
      `INSERT INTO esl_labels (store_id, label_id, sku, bound_at, since)
       SELECT $1, x.label_id, x.sku, $2, $2
         FROM jsonb_to_recordset($3::jsonb) AS x(label_id text, sku text)
       ON CONFLICT (store_id, label_id) DO UPDATE
         SET sku = EXCLUDED.sku, bound_at = EXCLUDED.bound_at, desired_hash = NULL
         WHERE esl_labels.sku IS DISTINCT FROM EXCLUDED.sku`,
      [storeId, at, JSON.stringify(bindings.map((b) => ({ label_id: b.labelId, sku: b.sku })))],
    );
  });
  const pushed = await refreshStore(storage, storeId, now, 'binding');
  return { bound: bindings.length, labelsToPush: pushed.labels };
}

/** The stores that have labels bound to `sku`. */
async function storesWithSku(storage: SyncStorage, sku: string): Promise<string[]> {
  const rows = await storage.reportQuery<{ store_id: string }>(
    'SELECT DISTINCT store_id FROM esl_labels WHERE sku = $1 ORDER BY store_id',
    [sku],
  );
  return rows.map((r) => r.store_id);
}

/** [SV5] Writes the price document as an admin's push does, so tills get it through `_changes`. */
export async function writePrice(
  storage: SyncStorage,
  change: { priceList: string; sku: string; amountFen: number },
): Promise<Price> {
  const id = `${change.priceList}:${change.sku}`;
  return storage.transaction(async (tx) => {
    const current = (await tx.getDocs('prices', [id])).get(id);
    const before = current?.body as Price | undefined;
    const price: Price = {
      id,
      priceList: change.priceList,
      sku: change.sku,
      amount: change.amountFen,
      currency: before?.currency ?? 'CNY',
    };
    if (before && before.amount === price.amount && before.currency === price.currency) {
      return price;
    }
    const written = await tx.put({
      db: 'prices',
      id,
      body: price as unknown as JsonObject,
      storeId: null,
      expectedRev: current?.rev ?? null,
    });
    if (!written.ok) throw new Error(`price ${id} changed meanwhile: ${written.reason}`);
    return price;
  });
}

/**
 * [SV5] A price change: now (or past) is written at once and pushed; a
 * future one is kept and applied at its effective time by
 * `applyDuePriceChanges`. Answers how many labels it pushes (or will:
 * those whose content the new price changes).
 */
export async function changePrice(
  storage: SyncStorage,
  change: { priceList: string; sku: string; amountFen: number; effectiveAt: string; by: string },
  now: Date,
): Promise<{ priceId: string; effectiveAt: string; labelsToPush: number }> {
  const priceId = `${change.priceList}:${change.sku}`;
  if (Date.parse(change.effectiveAt) <= now.getTime()) {
    await writePrice(storage, change);
    let labels = 0;
    if (change.priceList === LABEL_PRICING.priceList) {
      for (const storeId of await storesWithSku(storage, change.sku)) {
        labels += (await refreshStore(storage, storeId, now, `price ${priceId}`)).labels;
      }
    }
    return { priceId, effectiveAt: change.effectiveAt, labelsToPush: labels };
  }
  await storage.sqlTransaction((q) =>
    q.query(
      `INSERT INTO esl_price_changes
         (change_id, price_list, sku, amount_fen, effective_at, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        randomUUID(),
        change.priceList,
        change.sku,
        change.amountFen,
        change.effectiveAt,
        now.toISOString(),
        change.by,
      ],
    ),
  );
  let labels = 0;
  if (change.priceList === LABEL_PRICING.priceList) {
    const override: Price = {
      id: priceId,
      priceList: change.priceList,
      sku: change.sku,
      amount: change.amountFen,
      currency: 'CNY',
    };
    for (const storeId of await storesWithSku(storage, change.sku)) {
      const want = (
        await desiredContents(storage, storeId, [change.sku], change.effectiveAt, override)
      ).get(change.sku);
      const rows = await storage.reportQuery<{ n: number }>(
        `SELECT count(*)::int AS n FROM esl_labels
          WHERE store_id = $1 AND sku = $2 AND desired_hash IS DISTINCT FROM $3`,
        [storeId, change.sku, want?.hash ?? null],
      );
      labels += rows[0]?.n ?? 0;
    }
  }
  return { priceId, effectiveAt: change.effectiveAt, labelsToPush: labels };
}

/**
 * [SV5] Applies every scheduled price change whose effective time has come:
 * the price document first (the till's price changes), then the labels'
 * push, with the change's effective time. One process at a time (sweep
 * lock); a change applied twice writes the same price, so a crash between
 * the two steps repeats nothing harmful.
 */
export async function applyDuePriceChanges(storage: SyncStorage, now: Date): Promise<number> {
  const due = await storage.reportQuery<{ n: number }>(
    'SELECT count(*)::int AS n FROM esl_price_changes WHERE applied_at IS NULL AND effective_at <= $1',
    [now.toISOString()],
  );
  if (!due[0]?.n) return 0;
  const swept = await storage.withSweepLock('esl-price-changes', async () => {
    const changes = await storage.reportQuery<{
      change_id: string;
      price_list: string;
      sku: string;
      amount_fen: number;
      effective_at: unknown;
    }>(
      `SELECT change_id, price_list, sku, amount_fen, effective_at FROM esl_price_changes
        WHERE applied_at IS NULL AND effective_at <= $1 ORDER BY effective_at, created_at LIMIT 500`,
      [now.toISOString()],
    );
    const stores = new Set<string>();
    for (const c of changes) {
      await writePrice(storage, { priceList: c.price_list, sku: c.sku, amountFen: c.amount_fen });
      await storage.sqlTransaction((q) =>
        q.query('UPDATE esl_price_changes SET applied_at = $2 WHERE change_id = $1', [
          c.change_id,
          now.toISOString(),
        ]),
      );
      if (c.price_list === LABEL_PRICING.priceList) {
        for (const s of await storesWithSku(storage, c.sku)) stores.add(s);
      }
    }
    const effectiveAt = iso(changes[0]?.effective_at) ?? now.toISOString();
    for (const storeId of stores) {
      await refreshStore(storage, storeId, now, 'scheduled price change', effectiveAt);
    }
    return changes.length;
  });
  return swept.ran ? swept.value : 0;
}

/**
 * [SV6] The labels of a store still to be drawn: refreshes the store first
 * (promotions or prices written through any path since), then lists the
 * pending labels of due pushes, oldest push first, and marks those pushes
 * started.
 */
export async function labelWork(
  storage: SyncStorage,
  storeId: string,
  now: Date,
  limit = WORK_MAX,
): Promise<LabelWork> {
  await applyDuePriceChanges(storage, now);
  await refreshStore(storage, storeId, now, 'content changed');
  const at = now.toISOString();
  const rows = await storage.reportQuery<{
    label_id: string;
    desired_json: LabelContent;
    desired_hash: string;
    push_id: string;
  }>(
    `SELECT label_id, desired_json, desired_hash, push_id FROM esl_labels
      WHERE store_id = $1 AND status = 'pending' AND push_id IS NOT NULL
      ORDER BY push_id, label_id LIMIT $2`,
    [storeId, limit],
  );
  const pushes = [...new Set(rows.map((r) => r.push_id))];
  if (pushes.length) {
    await storage.sqlTransaction((q) =>
      q.query(
        `UPDATE esl_pushes SET started_at = $3
          WHERE store_id = $1 AND push_id = ANY($2::text[]) AND started_at IS NULL`,
        [storeId, pushes, at],
      ),
    );
  }
  return {
    storeId,
    items: rows.map((r) => ({
      labelId: r.label_id,
      content: r.desired_json,
      hash: r.desired_hash,
      pushId: r.push_id,
    })),
    at,
  };
}

/**
 * [SV7] [EL7] Records the gateway's answers: each ack goes into the ledger
 * once (a replay is the same row and changes nothing); the label's state
 * follows only acks of its current push, an outcome beating pending and an
 * acknowledgement never undone by a later failure of the same push. Acks of
 * labels not bound at the store are counted and ignored.
 */
export async function recordAcks(
  storage: SyncStorage,
  storeId: string,
  acks: readonly LabelAck[],
  now: Date,
): Promise<{ recorded: number; ignored: number }> {
  if (!acks.length) return { recorded: 0, ignored: 0 };
  const rows = acks.map((a) => ({
    label_id: a.labelId,
    push_id: a.pushId,
    hash: a.hash,
    status: a.status,
    error: a.error ?? null,
    battery_pct: a.batteryPct ?? null,
    at: a.at,
  }));
  return storage.sqlTransaction(async (q) => {
    const inserted = await q.query<{
      label_id: string;
      push_id: string;
      hash: string;
      status: 'acked' | 'failed';
      error: string | null;
      battery_pct: number | null;
      at: unknown;
    }>(
      `INSERT INTO esl_acks (store_id, label_id, push_id, hash, status, error, battery_pct, at, received_at)
       SELECT $1, x.label_id, x.push_id, x.hash, x.status, x.error, x.battery_pct, x.at, $3
         FROM jsonb_to_recordset($2::jsonb)
           AS x(label_id text, push_id text, hash text, status text, error text, battery_pct int, at timestamptz)
        WHERE EXISTS (SELECT 1 FROM esl_labels l WHERE l.store_id = $1 AND l.label_id = x.label_id)
       ON CONFLICT DO NOTHING
       RETURNING label_id, push_id, hash, status, error, battery_pct, at`,
      [storeId, JSON.stringify(rows), now.toISOString()],
    );
    const bound = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM jsonb_to_recordset($2::jsonb) AS x(label_id text)
        WHERE EXISTS (SELECT 1 FROM esl_labels l WHERE l.store_id = $1 AND l.label_id = x.label_id)`,
      [storeId, JSON.stringify(rows)],
    );
    // Oldest first, so the later outcome of the same push wins.
    const fresh = [...inserted].sort((a, b) => (iso(a.at)! < iso(b.at)! ? -1 : 1));
    const acked = fresh.filter((r) => r.status === 'acked');
    const failed = fresh.filter((r) => r.status === 'failed');
    if (failed.length) {
      await q.query(
        `UPDATE esl_labels l
            SET status = CASE WHEN l.status = 'acked' THEN l.status ELSE 'failed' END,
                last_error = CASE WHEN l.status = 'acked' THEN l.last_error ELSE x.error END,
                retries = l.retries + 1,
                battery_pct = COALESCE(x.battery_pct, l.battery_pct)
           FROM jsonb_to_recordset($2::jsonb)
             AS x(label_id text, push_id text, error text, battery_pct int)
          WHERE l.store_id = $1 AND l.label_id = x.label_id AND l.push_id = x.push_id`,
        [storeId, JSON.stringify(failed.map((r) => ({ ...r, error: r.error ?? 'failed' })))],
      );
    }
    if (acked.length) {
      await q.query(
        `UPDATE esl_labels l
            SET status = 'acked', last_error = NULL, shown_hash = x.hash,
                shown_fen = CASE WHEN x.hash = l.desired_hash THEN l.desired_fen ELSE l.shown_fen END,
                last_ack_at = x.at, battery_pct = COALESCE(x.battery_pct, l.battery_pct)
           FROM jsonb_to_recordset($2::jsonb)
             AS x(label_id text, push_id text, hash text, battery_pct int, at timestamptz)
          WHERE l.store_id = $1 AND l.label_id = x.label_id AND l.push_id = x.push_id`,
        [storeId, JSON.stringify(acked.map((r) => ({ ...r, at: iso(r.at) })))],
      );
    }
    return { recorded: inserted.length, ignored: acks.length - (bound[0]?.n ?? 0) };
  });
}

type LabelRow = {
  store_id: string;
  label_id: string;
  sku: string;
  desired_json: LabelContent | null;
  desired_hash: string | null;
  shown_hash: string | null;
  shown_fen: number | null;
  status: 'pending' | 'acked' | 'failed';
  since: unknown;
  last_ack_at: unknown;
  last_error: string | null;
  battery_pct: number | null;
};

const LABEL_COLUMNS = `store_id, label_id, sku, desired_json, desired_hash, shown_hash, shown_fen,
  status, since, last_ack_at, last_error, battery_pct`;

/** [SV8] A store's labels as the console shows them, with counts by status. */
export async function listLabels(
  q: Queryable,
  storeId: string,
  status: string | null,
  limit: number,
): Promise<{
  labels: LabelView[];
  counts: Record<'pending' | 'acked' | 'failed' | 'unbound', number>;
}> {
  const rows = await q.query<LabelRow>(
    `SELECT ${LABEL_COLUMNS} FROM esl_labels
      WHERE store_id = $1 AND ($2::text IS NULL OR status = $2)
      ORDER BY label_id LIMIT $3`,
    [storeId, status, limit],
  );
  const counted = await q.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM esl_labels WHERE store_id = $1 GROUP BY status',
    [storeId],
  );
  const counts = { pending: 0, acked: 0, failed: 0, unbound: 0 };
  for (const c of counted) {
    if (c.status in counts) counts[c.status as keyof typeof counts] = c.n;
  }
  return {
    labels: rows.map((r) => ({
      labelId: r.label_id,
      storeId: r.store_id,
      sku: r.sku,
      desired: r.desired_json,
      desiredHash: r.desired_hash,
      shownHash: r.shown_hash,
      shownPriceFen: r.shown_fen,
      status: r.status,
      lastAckAt: iso(r.last_ack_at),
      lastError: r.last_error,
      batteryPct: r.battery_pct,
    })),
    counts,
  };
}

/** [SV9] A store's push batches, newest first, with how far each got and when it reached 95 %. */
export async function listPushes(
  q: Queryable,
  storeId: string,
  limit: number,
): Promise<LabelPushView[]> {
  const pushes = await q.query<{
    push_id: string;
    reason: string;
    effective_at: unknown;
    started_at: unknown;
    labels: number;
  }>(
    `SELECT push_id, reason, effective_at, started_at, labels FROM esl_pushes
      WHERE store_id = $1 ORDER BY push_id DESC LIMIT $2`,
    [storeId, limit],
  );
  if (!pushes.length) return [];
  // Each label's outcome in a push: its earliest acknowledgement, else a failure.
  const outcomes = await q.query<{
    push_id: string;
    label_id: string;
    acked_at: unknown;
    failed: boolean;
  }>(
    `SELECT push_id, label_id,
            min(at) FILTER (WHERE status = 'acked') AS acked_at,
            bool_or(status = 'failed') AS failed
       FROM esl_acks
      WHERE store_id = $1 AND push_id = ANY($2::text[]) AND status <> 'pending'
      GROUP BY push_id, label_id`,
    [storeId, pushes.map((p) => p.push_id)],
  );
  const byPush = new Map<string, { acked: string[]; failed: number }>();
  for (const o of outcomes) {
    const entry = byPush.get(o.push_id) ?? { acked: [], failed: 0 };
    if (o.acked_at !== null && o.acked_at !== undefined) entry.acked.push(iso(o.acked_at)!);
    else if (o.failed) entry.failed++;
    byPush.set(o.push_id, entry);
  }
  return pushes.map((p) => {
    const got = byPush.get(p.push_id) ?? { acked: [], failed: 0 };
    return {
      pushId: p.push_id,
      storeId,
      reason: p.reason,
      effectiveAt: iso(p.effective_at)!,
      labels: p.labels,
      acked: got.acked.length,
      failed: got.failed,
      startedAt: iso(p.started_at),
      ack95At: ackedShareAt(got.acked, p.labels),
    };
  });
}

/**
 * [SV10] [EL8]-[EL10] The labels of `storeIds` whose shelf may not show the
 * till's price now: what each acknowledged against the content the till's
 * price and promotions give now.
 */
export async function integrityReport(
  storage: SyncStorage,
  read: (work: (q: Queryable) => Promise<LabelRow[]>) => Promise<LabelRow[]>,
  storeIds: readonly string[],
  now: Date,
): Promise<IntegrityReport> {
  const at = now.toISOString();
  const rows = await read((q) =>
    q.query<LabelRow>(
      `SELECT ${LABEL_COLUMNS} FROM esl_labels WHERE store_id = ANY($1::text[])
        ORDER BY store_id, label_id`,
      [storeIds],
    ),
  );
  let checked = 0;
  const mismatches: IntegrityReport['mismatches'] = [];
  for (const storeId of storeIds) {
    const labels = rows.filter((r) => r.store_id === storeId);
    if (!labels.length) continue;
    const till = await desiredContents(
      storage,
      storeId,
      labels.map((l) => l.sku),
      at,
    );
    const report = integrityCheck(
      labels.map((l) => ({
        storeId,
        labelId: l.label_id,
        sku: l.sku,
        status: l.status,
        shownHash: l.shown_hash,
        shownPriceFen: l.shown_fen,
        since: iso(l.since)!,
        lastAckAt: iso(l.last_ack_at),
      })),
      new Map([...till].map(([sku, d]) => [sku, { priceFen: d.content.priceFen, hash: d.hash }])),
      at,
    );
    checked += report.checked;
    mismatches.push(...report.mismatches);
  }
  return { checked, mismatches, at };
}
