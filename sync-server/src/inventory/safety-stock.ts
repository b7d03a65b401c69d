/**
 * Safety stock at the server: the `safety_stock` table's reads and writes,
 * the sales a computation reads, alerts and replenishment suggestions. Each
 * read is one set-based statement. See SPEC.md [IV1]-[IV7], domain [RN1]-[RN14].
 */
import {
  DEFAULT_ROUTING_POLICY,
  settingsProblems,
  type SafetyStockRow,
  type SafetyStockSource,
  type StockAlert,
} from '@pos/domain';
import type { SyncStorage } from '../storage/storage';
import type { Queryable } from '../storage/write-group';

/** A row as written: the contract's row without who and when. */
export type SettingsRow = Omit<SafetyStockRow, 'source' | 'updatedAt' | 'updatedBy'>;

type DbRow = {
  store_id: string;
  sku: string;
  safety_stock: number;
  reorder_point: number;
  max_stock: number | null;
  lead_time_days: number;
  pack_size: number;
  source: SafetyStockSource;
  updated_at: string | Date;
  updated_by: string;
};

const COLUMNS = `store_id, sku, safety_stock, reorder_point, max_stock, lead_time_days, pack_size, source, updated_at, updated_by`;

function fromDb(r: DbRow): SafetyStockRow {
  return {
    storeId: r.store_id,
    sku: r.sku,
    safetyStock: Number(r.safety_stock),
    reorderPoint: Number(r.reorder_point),
    maxStock: r.max_stock === null ? null : Number(r.max_stock),
    leadTimeDays: Number(r.lead_time_days),
    packSize: Number(r.pack_size),
    source: r.source,
    updatedAt: new Date(r.updated_at).toISOString(),
    updatedBy: r.updated_by,
  };
}

/** [IV3] The rows of some stores (null: all the reader sees), optionally of some SKUs. */
export async function readSafetyStock(
  q: Queryable,
  stores: readonly string[] | null,
  skus: readonly string[] | null,
): Promise<SafetyStockRow[]> {
  const rows = await q.query<DbRow>(
    `SELECT ${COLUMNS} FROM safety_stock
      WHERE ($1::text[] IS NULL OR store_id = ANY($1::text[]))
        AND ($2::text[] IS NULL OR sku = ANY($2::text[]))
      ORDER BY store_id, sku`,
    [stores, skus],
  );
  return rows.map(fromDb);
}

/**
 * [IV3] [RN14] Problems of rows to write, each named by its position: the
 * settings' rules, a known store the caller sees, a known SKU, each
 * store-SKU once.
 */
export async function settingsRowsProblems(
  storage: SyncStorage,
  rows: readonly Record<string, unknown>[],
  sees: (store: string) => boolean,
): Promise<{ index: number; problem: string }[]> {
  const stores = [
    ...new Set(rows.map((r) => r.storeId).filter((s) => typeof s === 'string')),
  ] as string[];
  const skus = [
    ...new Set(rows.map((r) => r.sku).filter((s) => typeof s === 'string')),
  ] as string[];
  const [knownStores, knownSkus] = await Promise.all([
    storage.getDocs('stores', stores, null),
    storage.getDocs('products', skus, null),
  ]);
  const seen = new Set<string>();
  const out: { index: number; problem: string }[] = [];
  rows.forEach((row, index) => {
    const problems = settingsProblems(row);
    const { storeId, sku } = row;
    if (typeof storeId !== 'string' || !knownStores.has(storeId) || !sees(storeId)) {
      problems.push(`no store ${String(storeId)}`);
    }
    if (typeof sku !== 'string' || !knownSkus.has(sku)) problems.push(`no SKU ${String(sku)}`);
    const key = `${String(storeId)}\u0000${String(sku)}`;
    if (seen.has(key)) problems.push(`${String(storeId)} ${String(sku)} is set twice`);
    seen.add(key);
    for (const problem of problems) out.push({ index, problem });
  });
  return out;
}

/** [IV3] Writes rows (already checked) in one statement, one transaction: every row or none. */
export async function writeSafetyStock(
  storage: SyncStorage,
  rows: readonly SettingsRow[],
  source: SafetyStockSource,
  by: string,
  at: string,
  /** Keep rows already there (the demo seed) instead of overwriting them. */
  options: { keepExisting?: boolean } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const onConflict = options.keepExisting
    ? 'DO NOTHING'
    : `DO UPDATE SET
         safety_stock = EXCLUDED.safety_stock, reorder_point = EXCLUDED.reorder_point,
         max_stock = EXCLUDED.max_stock, lead_time_days = EXCLUDED.lead_time_days,
         pack_size = EXCLUDED.pack_size, source = EXCLUDED.source,
         updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`;
  await storage.sqlTransaction((q) =>
    q.query(
      `INSERT INTO safety_stock (${COLUMNS})
       SELECT r."storeId", r.sku, r."safetyStock", r."reorderPoint", r."maxStock", r."leadTimeDays",
              r."packSize", $2, $3::timestamptz, $4
         FROM jsonb_to_recordset($1::jsonb) AS r("storeId" text, sku text, "safetyStock" int,
              "reorderPoint" int, "maxStock" int, "leadTimeDays" int, "packSize" int)
       ON CONFLICT (store_id, sku) ${onConflict}`,
      [JSON.stringify(rows), source, at, by],
    ),
  );
}

/** The chain's local day offset ([RS2]): days of sales are the stores' calendar days. */
const OFFSET_MINUTES = DEFAULT_ROUTING_POLICY.utcOffsetMinutes;

/** [IV5] The window of `days` whole local days before today's. */
export function salesWindow(now: Date, days: number): { from: string; to: string } {
  const local = new Date(now.getTime() + OFFSET_MINUTES * 60_000);
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const to = midnight - OFFSET_MINUTES * 60_000;
  return {
    from: new Date(to - days * 86_400_000).toISOString(),
    to: new Date(to).toISOString(),
  };
}

/**
 * [IV5] Units sold per store, SKU and local day in the window, in one
 * statement over the sale facts: only days with sales appear.
 */
export async function dailySales(
  q: Queryable,
  stores: readonly string[],
  skus: readonly string[] | null,
  window: { from: string; to: string },
): Promise<{ storeId: string; sku: string; day: string; units: number }[]> {
  const rows = await q.query<{
    store_id: string;
    sku: string;
    day: string;
    units: number | string;
  }>(
    `SELECT d.store_id, l->>'sku' AS sku,
            to_char((d.body->>'soldAt')::timestamptz AT TIME ZONE 'UTC' + make_interval(mins => $5::int), 'YYYY-MM-DD') AS day,
            SUM((l->>'quantity')::int) AS units
       FROM docs d, jsonb_array_elements(d.body->'lines') AS l
      WHERE d.db = 'saleFacts' AND d.store_id = ANY($1::text[])
        AND (d.body->>'soldAt')::timestamptz >= $3::timestamptz
        AND (d.body->>'soldAt')::timestamptz < $4::timestamptz
        AND ($2::text[] IS NULL OR l->>'sku' = ANY($2::text[]))
      GROUP BY 1, 2, 3`,
    [stores, skus, window.from, window.to, OFFSET_MINUTES],
  );
  return rows.map((r) => ({ storeId: r.store_id, sku: r.sku, day: r.day, units: Number(r.units) }));
}

/** A safety-stock row with the store's stock figures of the SKU. */
export type PositionRow = SafetyStockRow & { name: string; onHand: number; held: number };

/**
 * [IV6] The rows of `stores` (null: all the reader sees) with on hand and
 * held units, in one statement; `alertingOnly` keeps those whose ATP
 * ([ATP1], with the row's safety stock) is at or below the reorder point ([RN2]).
 */
export async function positions(
  q: Queryable,
  stores: readonly string[] | null,
  skus: readonly string[] | null,
  alertingOnly: boolean,
): Promise<PositionRow[]> {
  const rows = await q.query<
    DbRow & { name: string | null; on_hand: number | string; held: number | string }
  >(
    `SELECT ${COLUMNS.split(', ')
      .map((c) => `s.${c}`)
      .join(', ')},
            p.body->>'name' AS name,
            COALESCE((l.body->>'onHand')::int, 0) AS on_hand,
            COALESCE((h.body->>'held')::int, 0) AS held
       FROM safety_stock s
       LEFT JOIN docs l ON l.db = 'stock' AND l.id = s.store_id || ':' || s.sku
       LEFT JOIN docs h ON h.db = 'storeState' AND h.id = 'held:' || s.store_id || ':' || s.sku
       LEFT JOIN docs p ON p.db = 'products' AND p.id = s.sku
      WHERE ($1::text[] IS NULL OR s.store_id = ANY($1::text[]))
        AND ($2::text[] IS NULL OR s.sku = ANY($2::text[]))
        AND (NOT $3::boolean OR GREATEST(COALESCE((l.body->>'onHand')::int, 0)
              - COALESCE((h.body->>'held')::int, 0) - s.safety_stock, 0) <= s.reorder_point)
      ORDER BY s.store_id, s.sku`,
    [stores, skus, alertingOnly],
  );
  return rows.map((r) => ({
    ...fromDb(r),
    name: r.name ?? r.sku,
    onHand: Number(r.on_hand),
    held: Number(r.held),
  }));
}

/** [IV6] A position as an alert. */
export function asAlert(p: PositionRow): StockAlert {
  return {
    storeId: p.storeId,
    sku: p.sku,
    name: p.name,
    onHand: p.onHand,
    atp: Math.max(p.onHand - p.held - p.safetyStock, 0),
    reorderPoint: p.reorderPoint,
    safetyStock: p.safetyStock,
  };
}

/**
 * [RN8] [RN9] Units of open transfers per `${store}:${sku}`, in one
 * statement: on their way to `stores` (`to`: drafts and ready ones as asked,
 * shipped ones as shipped; deliveries too), or promised from them and not
 * shipped yet (`from`: drafts and ready ones, as asked).
 */
export async function openTransferUnits(
  q: Queryable,
  side: 'to' | 'from',
  stores: readonly string[],
  skus: readonly string[],
): Promise<Map<string, number>> {
  const statuses = side === 'to' ? ['draft', 'ready', 'shipped'] : ['draft', 'ready'];
  const rows = await q.query<{ store_id: string; sku: string; units: number | string }>(
    `SELECT d.body->>'${side}' AS store_id, l->>'sku' AS sku,
            SUM(CASE WHEN d.body->>'status' = 'shipped' THEN COALESCE((l->>'shipped')::int, 0)
                     ELSE (l->>'quantity')::int END) AS units
       FROM docs d, jsonb_array_elements(d.body->'lines') AS l
      WHERE d.db = '_transfers' AND d.body->>'${side}' = ANY($1::text[])
        AND d.body->>'status' = ANY($3::text[])
        AND l->>'sku' = ANY($2::text[])
      GROUP BY 1, 2`,
    [stores, skus, statuses],
  );
  return new Map(rows.map((r) => [`${r.store_id}:${r.sku}`, Number(r.units)]));
}

/**
 * [IV7] On hand and held of `skus` at every store of `stores` that has a
 * stock level, with each store-SKU's own floor (its row, or 0): one statement.
 */
export async function sourcePositions(
  q: Queryable,
  stores: readonly string[],
  skus: readonly string[],
): Promise<
  {
    storeId: string;
    sku: string;
    onHand: number;
    held: number;
    safetyStock: number;
    reorderPoint: number;
  }[]
> {
  const rows = await q.query<{
    store_id: string;
    sku: string;
    on_hand: number | string;
    held: number | string;
    safety_stock: number | string;
    reorder_point: number | string;
  }>(
    `SELECT s.store_id, k.sku,
            (l.body->>'onHand')::int AS on_hand,
            COALESCE((h.body->>'held')::int, 0) AS held,
            COALESCE(ss.safety_stock, 0) AS safety_stock,
            COALESCE(ss.reorder_point, 0) AS reorder_point
       FROM unnest($1::text[]) AS s(store_id)
      CROSS JOIN unnest($2::text[]) AS k(sku)
       JOIN docs l ON l.db = 'stock' AND l.id = s.store_id || ':' || k.sku
       LEFT JOIN docs h ON h.db = 'storeState' AND h.id = 'held:' || s.store_id || ':' || k.sku
       LEFT JOIN safety_stock ss ON ss.store_id = s.store_id AND ss.sku = k.sku`,
    [stores, skus],
  );
  return rows.map((r) => ({
    storeId: r.store_id,
    sku: r.sku,
    onHand: Number(r.on_hand),
    held: Number(r.held),
    safetyStock: Number(r.safety_stock),
    reorderPoint: Number(r.reorder_point),
  }));
}

/**
 * [IV14] The safety stock set per store for `skus`, by stock level id
 * (`<store>:<sku>`), in one statement: what holds and routing keep back.
 * Only the stores with a row are in it.
 */
export async function safetyStockBook(
  storage: Pick<SyncStorage, 'reportQuery'>,
  skus: readonly string[],
): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const rows = await storage.reportQuery<{
    store_id: string;
    sku: string;
    safety_stock: number | string;
  }>(`SELECT store_id, sku, safety_stock FROM safety_stock WHERE sku = ANY($1::text[])`, [skus]);
  return new Map(rows.map((r) => [`${r.store_id}:${r.sku}`, Number(r.safety_stock)]));
}
