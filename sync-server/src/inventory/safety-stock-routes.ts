/**
 * The console's safety stock, alerts and replenishment endpoints. Thin:
 * parse, check the permission and the stores the session sees, read through
 * the session's scoped reader, answer. See SPEC.md [IV1]-[IV7].
 */
import {
  demandStats,
  safetyStockFromDemand,
  suggestReplenishment,
  MAX_SERVICE_LEVEL_BP,
  MIN_SERVICE_LEVEL_BP,
  type ComputedSafetyStock,
  type ReplenishmentSuggestion,
  type SafetyStockImportAnswer,
  type SafetyStockRow,
} from '@pos/domain';
import type { ConsoleHandler, ConsoleRequest } from '../console/context';
import { parseCsv } from '../import/csv';
import { readLocations } from '../orders/locations';
import { allow } from '../route-guards';
import { SyncError } from '../protocol';
import { mustEdit, sees, visibleStores } from './access';
import {
  asAlert,
  dailySales,
  openTransferUnits,
  positions,
  readSafetyStock,
  salesWindow,
  settingsRowsProblems,
  sourcePositions,
  writeSafetyStock,
  type SettingsRow,
} from './safety-stock';

/** [IV4] The largest CSV accepted, and its most rows. */
const MAX_CSV_BYTES = 2_000_000;
const MAX_ROWS = 20_000;
/** Defaults of a row's optional figures. */
const DEFAULT_LEAD_TIME_DAYS = 7;
/** [RN9] Weeks of cover a source keeps after giving, unless `coverWeeks` says otherwise. */
const DEFAULT_COVER_WEEKS = 4;
/** [RN7] Weeks of sales read for weekly sales at the sources. */
const SALES_WEEKS = 4;

/** [IV2] The `store` parameter: a store of the chain the session sees, else 404. */
async function storeParam(request: ConsoleRequest, required: boolean): Promise<string | null> {
  const store = request.query.get('store');
  if (store === null) {
    if (required) throw new SyncError('bad_request', 'name the store: ?store=<id>');
    return null;
  }
  const known =
    store.length <= 64 && (await request.storage.getDocs('stores', [store], null)).has(store);
  if (!known || !sees(request, store)) throw new SyncError('not_found', `no store ${store}`);
  return store;
}

function wholeParam(request: ConsoleRequest, name: string, fallback: number, max: number): number {
  const raw = request.query.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) > max) {
    throw new SyncError('bad_request', `${name} must be a whole number from 0 to ${max}`);
  }
  return Number(raw);
}

/** [IV3] [IV4] Checks rows and writes them all, or answers 400 with every problem. */
async function checkAndWrite(
  request: ConsoleRequest,
  rows: Record<string, unknown>[],
  source: 'manual' | 'import',
  lineOf: (index: number) => number,
): Promise<boolean> {
  const problems = await settingsRowsProblems(request.storage, rows, (s) => sees(request, s));
  if (problems.length) {
    const answer: SafetyStockImportAnswer = {
      ok: false,
      problems: problems.map((p) => ({ line: lineOf(p.index), problem: p.problem })),
    };
    request.send(400, { error: 'bad_request', reason: 'no row was written', ...answer });
    return false;
  }
  const settings: SettingsRow[] = rows.map((r) => ({
    storeId: r.storeId as string,
    sku: r.sku as string,
    safetyStock: r.safetyStock as number,
    reorderPoint: r.reorderPoint as number,
    maxStock: (r.maxStock ?? null) as number | null,
    leadTimeDays: r.leadTimeDays as number,
    packSize: r.packSize as number,
  }));
  await writeSafetyStock(
    request.storage,
    settings,
    source,
    request.session.userName,
    request.now().toISOString(),
  );
  return true;
}

/** [IV4] A CSV field as a whole number, '' as the default (null: required). */
function csvNumber(value: string | undefined, fallback: number | null): unknown {
  const v = (value ?? '').trim();
  if (v === '') return fallback ?? undefined;
  return /^-?\d{1,9}$/.test(v) ? Number(v) : v;
}

const CSV_COLUMNS = [
  'store',
  'sku',
  'safety_stock',
  'reorder_point',
  'max_stock',
  'lead_time_days',
  'pack_size',
];

/** [IV4] `POST /_console/safety-stock/import`: every row or none. */
async function importCsv(request: ConsoleRequest): Promise<void> {
  mustEdit(request);
  const text = await request.readText(MAX_CSV_BYTES);
  const csv = parseCsv(text);
  if (!csv.ok) {
    const answer: SafetyStockImportAnswer = {
      ok: false,
      problems: [{ line: csv.error.line, problem: csv.error.message }],
    };
    request.send(400, { error: 'bad_request', reason: 'the CSV cannot be read', ...answer });
    return;
  }
  let records = csv.records.filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
  if (records[0]?.fields[0]?.trim().toLowerCase() === 'store') {
    const header = records[0].fields.map((f) => f.trim().toLowerCase());
    const expected = CSV_COLUMNS.slice(0, header.length);
    if (header.length < 4 || header.join(',') !== expected.join(',')) {
      const answer: SafetyStockImportAnswer = {
        ok: false,
        problems: [
          {
            line: records[0].line,
            problem: `the columns are ${CSV_COLUMNS.join(',')} (the last three optional)`,
          },
        ],
      };
      request.send(400, { error: 'bad_request', reason: 'unknown columns', ...answer });
      return;
    }
    records = records.slice(1);
  }
  if (records.length === 0 || records.length > MAX_ROWS) {
    throw new SyncError('bad_request', `send 1 to ${MAX_ROWS} rows`);
  }
  const widthProblems = records
    .filter((r) => r.fields.length < 4 || r.fields.length > CSV_COLUMNS.length)
    .map((r) => ({ line: r.line, problem: `a row has 4 to ${CSV_COLUMNS.length} fields` }));
  if (widthProblems.length) {
    const answer: SafetyStockImportAnswer = { ok: false, problems: widthProblems };
    request.send(400, { error: 'bad_request', reason: 'no row was written', ...answer });
    return;
  }
  const rows = records.map(({ fields: f }) => ({
    storeId: f[0]!.trim(),
    sku: f[1]!.trim(),
    safetyStock: csvNumber(f[2], null),
    reorderPoint: csvNumber(f[3], null),
    maxStock: (f[4] ?? '').trim() === '' ? null : csvNumber(f[4], null),
    leadTimeDays: csvNumber(f[5], DEFAULT_LEAD_TIME_DAYS),
    packSize: csvNumber(f[6], 1),
  }));
  if (await checkAndWrite(request, rows, 'import', (i) => records[i]!.line)) {
    const answer: SafetyStockImportAnswer = { ok: true, rows: rows.length };
    request.send(200, answer);
  }
}

/** [IV3] `PUT /_console/safety-stock` `{rows}`: every row or none; 200 with the rows written. */
async function setRows(request: ConsoleRequest): Promise<void> {
  mustEdit(request);
  const body = (await request.readJson()) as { rows?: unknown } | null;
  const rows = body && typeof body === 'object' && !Array.isArray(body) ? body.rows : undefined;
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > MAX_ROWS) {
    throw new SyncError('bad_request', `rows must be a list of 1 to ${MAX_ROWS} rows`);
  }
  if (!rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
    throw new SyncError('bad_request', 'each row is an object');
  }
  if (await checkAndWrite(request, rows as Record<string, unknown>[], 'manual', (i) => i + 1)) {
    const keys = new Set((rows as SettingsRow[]).map((r) => `${r.storeId}:${r.sku}`));
    const stores = [...new Set((rows as SettingsRow[]).map((r) => r.storeId))];
    const written = await request.scoped((q) => readSafetyStock(q, stores, null));
    request.send(200, { rows: written.filter((r) => keys.has(`${r.storeId}:${r.sku}`)) });
  }
}

/** [IV5] `POST /_console/safety-stock/compute`: from the window's sales; `apply` writes them. */
async function compute(request: ConsoleRequest): Promise<void> {
  mustEdit(request);
  const body = (await request.readJson()) as Record<string, unknown> | null;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new SyncError('bad_request', 'the body must be a JSON object');
  }
  const { store, skus, windowDays, serviceLevelBp, apply } = body;
  if (
    typeof store !== 'string' ||
    store.length > 64 ||
    !sees(request, store) ||
    !(await request.storage.getDocs('stores', [store], null)).has(store)
  ) {
    throw new SyncError('not_found', `no store ${String(store)}`);
  }
  if (
    !Number.isSafeInteger(windowDays) ||
    (windowDays as number) < 7 ||
    (windowDays as number) > 365
  ) {
    throw new SyncError('bad_request', 'windowDays must be a whole number from 7 to 365');
  }
  if (
    !Number.isSafeInteger(serviceLevelBp) ||
    (serviceLevelBp as number) < MIN_SERVICE_LEVEL_BP ||
    (serviceLevelBp as number) > MAX_SERVICE_LEVEL_BP
  ) {
    throw new SyncError(
      'bad_request',
      `serviceLevelBp must be a whole number from ${MIN_SERVICE_LEVEL_BP} to ${MAX_SERVICE_LEVEL_BP}`,
    );
  }
  if (typeof apply !== 'boolean') throw new SyncError('bad_request', 'apply must be true or false');
  if (
    skus !== undefined &&
    (!Array.isArray(skus) ||
      skus.length > 5000 ||
      !skus.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 64))
  ) {
    throw new SyncError('bad_request', 'skus must be a list of SKUs');
  }
  const days = windowDays as number;
  const asked = (skus as string[] | undefined) ?? null;
  const window = salesWindow(request.now(), days);
  const [existing, sold] = await request.scoped(
    async (q) =>
      [
        await readSafetyStock(q, [store], asked),
        await dailySales(q, [store], asked, window),
      ] as const,
  );
  const bySku = new Map<string, number[]>();
  for (const s of sold) bySku.set(s.sku, [...(bySku.get(s.sku) ?? []), s.units]);
  const rowOf = new Map(existing.map((r) => [r.sku, r]));
  const all = [...new Set([...(asked ?? []), ...rowOf.keys(), ...bySku.keys()])].sort();
  const rows: ComputedSafetyStock[] = all.map((sku) => {
    const leadTimeDays = rowOf.get(sku)?.leadTimeDays ?? DEFAULT_LEAD_TIME_DAYS;
    const r = safetyStockFromDemand({
      stats: demandStats(bySku.get(sku) ?? [], days),
      serviceLevelBp: serviceLevelBp as number,
      leadTimeDays,
    });
    return {
      storeId: store,
      sku,
      safetyStock: r.safetyStock,
      reorderPoint: r.reorderPoint,
      working: r.working,
    };
  });
  if (apply && rows.length) {
    const settings: Record<string, unknown>[] = rows.map((r) => {
      const before = rowOf.get(r.sku);
      const maxStock = before?.maxStock ?? null;
      return {
        storeId: store,
        sku: r.sku,
        safetyStock: r.safetyStock,
        reorderPoint: r.reorderPoint,
        maxStock: maxStock === null ? null : Math.max(maxStock, r.reorderPoint),
        leadTimeDays: before?.leadTimeDays ?? DEFAULT_LEAD_TIME_DAYS,
        packSize: before?.packSize ?? 1,
      };
    });
    const problems = await settingsRowsProblems(request.storage, settings, (s) => sees(request, s));
    if (problems.length) {
      throw new SyncError(
        'bad_request',
        problems.map((p) => `${all[p.index]}: ${p.problem}`).join('; '),
      );
    }
    await writeSafetyStock(
      request.storage,
      settings as SettingsRow[],
      'demand',
      request.session.userName,
      request.now().toISOString(),
    );
  }
  request.send(200, { rows, applied: apply && rows.length > 0 });
}

/** [IV7] `GET /_console/replenishment?store[&sku][&coverWeeks]`. */
async function replenishment(request: ConsoleRequest): Promise<void> {
  const store = (await storeParam(request, true))!;
  const sku = request.query.get('sku');
  const coverWeeks = wholeParam(request, 'coverWeeks', DEFAULT_COVER_WEEKS, 52);
  const locations = (await readLocations(request.storage)).filter((l) => l.kind === 'store');
  const here = locations.find((l) => l.id === store);
  const sourceStores = locations
    .filter((l) => l.id !== store && sees(request, l.id))
    .map((l) => l.id);
  const suggestions = await request.scoped(async (q) => {
    const alerting = await positions(q, [store], sku === null ? null : [sku], true);
    if (alerting.length === 0) return [];
    const skus = alerting.map((a) => a.sku);
    const inbound = await openTransferUnits(q, 'to', [store], skus);
    const outbound = await openTransferUnits(q, 'from', sourceStores, skus);
    const sources = here ? await sourcePositions(q, sourceStores, skus) : [];
    const sales = here
      ? await dailySales(q, sourceStores, skus, salesWindow(request.now(), SALES_WEEKS * 7))
      : [];
    const weekly = new Map<string, number>();
    for (const s of sales) {
      const key = `${s.storeId}:${s.sku}`;
      weekly.set(key, (weekly.get(key) ?? 0) + s.units / SALES_WEEKS);
    }
    return alerting.map((a): ReplenishmentSuggestion => {
      const s = suggestReplenishment({
        storeId: store,
        settings: a,
        onHand: a.onHand,
        inbound: inbound.get(`${store}:${a.sku}`) ?? 0,
        location: here ?? { lat: 0, lng: 0 },
        sources: sources
          .filter((p) => p.sku === a.sku)
          .map((p) => ({
            ...p,
            // [RN9] Units promised to other stores and not shipped yet are not spare.
            held: p.held + (outbound.get(`${p.storeId}:${p.sku}`) ?? 0),
            weeklySales: weekly.get(`${p.storeId}:${p.sku}`) ?? 0,
            location: locations.find((l) => l.id === p.storeId)!,
          })),
        coverTargetWeeks: coverWeeks,
      });
      return { storeId: store, sku: a.sku, name: a.name, ...s };
    });
  });
  request.send(200, { suggestions });
}

/** [IV3]-[IV7] Safety stock, alerts and replenishment. */
export const serveSafetyStockRoutes: ConsoleHandler = async (request) => {
  const [, what, sub] = request.segments;
  if (request.segments.length > 3) return false;
  if (what === 'safety-stock' && sub === undefined) {
    allow(request.method, 'GET', 'PUT');
    if (request.method === 'PUT') {
      await setRows(request);
      return true;
    }
    const store = await storeParam(request, false);
    const sku = request.query.get('sku');
    const rows: SafetyStockRow[] = await request.scoped((q) =>
      readSafetyStock(
        q,
        store === null ? visibleStores(request) : [store],
        sku === null ? null : [sku],
      ),
    );
    request.send(200, { rows });
    return true;
  }
  if (what === 'safety-stock' && sub === 'import') {
    allow(request.method, 'POST');
    await importCsv(request);
    return true;
  }
  if (what === 'safety-stock' && sub === 'compute') {
    allow(request.method, 'POST');
    await compute(request);
    return true;
  }
  if (what === 'alerts' && sub === undefined) {
    allow(request.method, 'GET');
    const store = await storeParam(request, false);
    const found = await request.scoped((q) =>
      positions(q, store === null ? visibleStores(request) : [store], null, true),
    );
    request.send(200, { alerts: found.map(asAlert) });
    return true;
  }
  if (what === 'replenishment' && sub === undefined) {
    allow(request.method, 'GET');
    await replenishment(request);
    return true;
  }
  return false;
};
