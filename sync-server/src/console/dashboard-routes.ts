/**
 * `GET /_console/dashboard/…`: the HQ dashboards, read from the rollups
 * (never by scanning the facts) under the session's row-level security and,
 * in the SQL too, only for the stores the session may see. A store the
 * session may not see is 404; a bad range is 400 with its reason. Every
 * answer says how fresh it is. See SPEC.md [RM10]-[RM12].
 */
import {
  DEFAULT_ROLLUP_UTC_OFFSET_MINUTES,
  parseDashboardRange,
  salesBucket,
  type BopisDashboard,
  type ClerksDashboard,
  type DashboardRange,
  type DevicesDashboard,
  type ExceptionsDashboard,
  type SalesDashboard,
  type SalesRow,
} from '@pos/domain';
import { SyncError } from '../protocol';
import { tryOnReport } from '../rfid/tryons';
import type { ConsoleHandler, ConsoleRequest } from './context';
import { deviceHealthRows } from './rollup-device-health';
import { rollupFreshness } from './rollup-worker';

/** The dashboards by their path segment. */
const DASHBOARDS: Record<string, (request: ConsoleRequest) => Promise<unknown>> = {
  sales: salesDashboard,
  bopis: bopisDashboard,
  clerks: clerksDashboard,
  devices: devicesDashboard,
  exceptions: exceptionsDashboard,
  tryons: tryOnsDashboard,
};

export const serveDashboardRoutes: ConsoleHandler = async (request) => {
  const [, area, name, ...rest] = request.segments;
  if (area !== 'dashboard') return false;
  const answer =
    name !== undefined && rest.length === 0 && Object.hasOwn(DASHBOARDS, name)
      ? DASHBOARDS[name]
      : undefined;
  if (!answer) {
    throw new SyncError('not_found', `no such dashboard: /${request.segments.join('/')}`);
  }
  if (request.method !== 'GET') {
    throw new SyncError('method_not_allowed', 'dashboards are read with GET', undefined, {
      allow: 'GET',
    });
  }
  if (!request.session.permissions.includes('dashboards:read')) {
    throw new SyncError('forbidden', 'reading dashboards needs the dashboards:read permission');
  }
  request.send(200, await answer(request));
  return true;
};

/**
 * [RM10] The stores an answer covers: the one asked (404 when the session
 * may not see it, so that its existence does not leak), else the session's
 * stores (null: every store).
 */
export function storesOf(request: ConsoleRequest): string[] | null {
  const asked = request.query.get('store');
  const mine = request.session.stores;
  if (asked !== null) {
    if (mine !== 'all' && !mine.includes(asked)) {
      throw new SyncError('not_found', `no such store: ${asked.slice(0, 40)}`);
    }
    return [asked];
  }
  return mine === 'all' ? null : [...mine];
}

/** [RM11] The range of the query string, or 400 with the reason. */
export function rangeOf(request: ConsoleRequest): DashboardRange {
  const parsed = parseDashboardRange(request.query.get('from'), request.query.get('to'));
  if (!parsed.ok) throw new SyncError('bad_request', parsed.reason);
  return parsed.range;
}

const storesParam = (stores: readonly string[] | null) =>
  stores === null ? null : JSON.stringify(stores);
const STORE_FILTER = (column: string, param: string) =>
  `(${param}::jsonb IS NULL OR ${column} IN (SELECT jsonb_array_elements_text(${param}::jsonb)))`;
const iso = (v: Date | string) => new Date(v).toISOString();

/**
 * [RM12] Sales by store, channel and hour (or day), with totals by store and
 * by channel; `group=chain` sums the rows over the stores (`storeId: '*'`),
 * for charts of many stores.
 */
async function salesDashboard(request: ConsoleRequest): Promise<SalesDashboard> {
  const range = rangeOf(request);
  const stores = storesOf(request);
  const bucket = salesBucket(range, request.query.get('bucket'));
  if (bucket === null) throw new SyncError('bad_request', 'bucket must be hour or day');
  const channel = request.query.get('channel');
  if (channel !== null && !/^[a-z-]{1,20}$/.test(channel)) {
    throw new SyncError('bad_request', 'channel must be a channel name (e.g. store, online)');
  }
  const group = request.query.get('group') ?? 'store';
  if (group !== 'store' && group !== 'chain') {
    throw new SyncError('bad_request', 'group must be store or chain');
  }
  const [table, column] =
    bucket === 'hour' ? ['rollup_sales_hour', 'hour'] : ['rollup_sales_day', 'day'];
  const where = `${column} >= $1::timestamptz AND ${column} < $2::timestamptz
          AND ${STORE_FILTER('store_id', '$3')}
          AND ($4::text IS NULL OR channel = $4::text)`;
  const params = [range.from, range.to, storesParam(stores), channel];
  return request.scoped(async (q) => {
    const rows = await q.query<{
      summed?: number | string;
      store_id: string;
      channel: string;
      bucket: Date | string;
      sales: number | string;
      returns: number | string;
      net_fen: number | string;
      units: number | string;
    }>(
      group === 'store'
        ? `SELECT store_id, channel, ${column} AS bucket, sales, returns, net_fen, units
             FROM ${table} WHERE ${where}
            ORDER BY ${column}, store_id, channel`
        : // [RM12] One row per channel and bucket summed over the stores, and
          // (grouping set of its own, in the same scan) each store's totals.
          `SELECT grouping(store_id) AS summed, coalesce(store_id, '*') AS store_id,
                  channel, ${column} AS bucket, sum(sales) AS sales,
                  sum(returns) AS returns, sum(net_fen) AS net_fen, sum(units) AS units
             FROM ${table} WHERE ${where}
            GROUP BY GROUPING SETS ((channel, ${column}), (store_id))
            ORDER BY ${column}, channel, store_id`,
      params,
    );
    const stored = rows.filter((r) => r.summed !== undefined && Number(r.summed) === 0);
    const chartRows = group === 'chain' ? rows.filter((r) => Number(r.summed) === 1) : rows;
    const out: SalesRow[] = chartRows.map((r) => ({
      storeId: r.store_id,
      channel: r.channel,
      bucket: iso(r.bucket),
      sales: Number(r.sales),
      returns: Number(r.returns),
      netFen: Number(r.net_fen),
      units: Number(r.units),
    }));
    const totals = { sales: 0, returns: 0, netFen: 0, units: 0 };
    const byStore = new Map<string, { storeId: string; sales: number; netFen: number }>();
    const byChannel = new Map<string, { channel: string; sales: number; netFen: number }>();
    for (const r of out) {
      totals.sales += r.sales;
      totals.returns += r.returns;
      totals.netFen += r.netFen;
      totals.units += r.units;
      const s = byStore.get(r.storeId) ?? { storeId: r.storeId, sales: 0, netFen: 0 };
      s.sales += r.sales;
      s.netFen += r.netFen;
      byStore.set(r.storeId, s);
      const c = byChannel.get(r.channel) ?? { channel: r.channel, sales: 0, netFen: 0 };
      c.sales += r.sales;
      c.netFen += r.netFen;
      byChannel.set(r.channel, c);
    }
    if (group === 'chain') {
      byStore.clear();
      for (const r of stored) {
        byStore.set(r.store_id, {
          storeId: r.store_id,
          sales: Number(r.sales),
          netFen: Number(r.net_fen),
        });
      }
    }
    return {
      rows: out,
      totals,
      byStore: [...byStore.values()].sort((a, b) => (a.storeId < b.storeId ? -1 : 1)),
      byChannel: [...byChannel.values()].sort((a, b) => (a.channel < b.channel ? -1 : 1)),
      freshness: await rollupFreshness(q, request.now()),
    };
  });
}

/** [RM12] Orders for pickup placed in the range, by store; percentiles by nearest rank ([RU6]). */
async function bopisDashboard(request: ConsoleRequest): Promise<BopisDashboard> {
  const range = rangeOf(request);
  const stores = storesOf(request);
  return request.scoped(async (q) => {
    const rows = await q.query<Record<string, number | string | null>>(
      `SELECT store_id,
              count(*) AS orders,
              count(*) FILTER (WHERE hold_open) AS holds_open,
              count(*) FILTER (WHERE ready) AS ready,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY ready_minutes) AS p50,
              percentile_disc(0.9) WITHIN GROUP (ORDER BY ready_minutes) AS p90,
              count(*) FILTER (WHERE picked_up) AS picked_up,
              count(*) FILTER (WHERE picked_up_on_time) AS on_time,
              count(*) FILTER (WHERE no_show) AS no_shows
         FROM rollup_bopis_order
        WHERE placed_at >= $1::timestamptz AND placed_at < $2::timestamptz
          AND ${STORE_FILTER('store_id', '$3')}
        GROUP BY store_id ORDER BY store_id`,
      [range.from, range.to, storesParam(stores)],
    );
    const n = (v: number | string | null | undefined) => Number(v ?? 0);
    return {
      rows: rows.map((r) => ({
        storeId: String(r.store_id),
        orders: n(r.orders),
        holdsOpen: n(r.holds_open),
        ready: n(r.ready),
        readyMinutesP50: r.p50 === null ? null : n(r.p50),
        readyMinutesP90: r.p90 === null ? null : n(r.p90),
        pickedUp: n(r.picked_up),
        pickedUpOnTime: n(r.on_time),
        noShows: n(r.no_shows),
      })),
      freshness: await rollupFreshness(q, request.now()),
    };
  });
}

/** [RM12] Each clerk's credited sales and commission on the store days the range covers. */
async function clerksDashboard(request: ConsoleRequest): Promise<ClerksDashboard> {
  const range = rangeOf(request);
  const stores = storesOf(request);
  return request.scoped(async (q) => {
    const rows = await q.query<{
      store_id: string;
      staff_id: string;
      staff_name: string | null;
      lines: number | string;
      credited: number | string;
      commission: number | string;
    }>(
      `SELECT c.store_id, c.staff_id, max(s.body->>'name') AS staff_name,
              sum(c.lines) AS lines, sum(c.credited_net_fen) AS credited,
              sum(c.commission_fen) AS commission
         FROM rollup_clerk_day c
         LEFT JOIN docs s ON s.db = 'staff' AND s.id = c.staff_id
        WHERE c.day >= ($1::timestamptz + make_interval(mins => $4))::date
          AND c.day < ($2::timestamptz + make_interval(mins => $4))::date
          AND ${STORE_FILTER('c.store_id', '$3')}
        GROUP BY c.store_id, c.staff_id ORDER BY c.store_id, c.staff_id`,
      [range.from, range.to, storesParam(stores), DEFAULT_ROLLUP_UTC_OFFSET_MINUTES],
    );
    return {
      rows: rows.map((r) => ({
        storeId: r.store_id,
        staffId: r.staff_id,
        staffName: r.staff_name ?? r.staff_id,
        lines: Number(r.lines),
        creditedNetFen: Number(r.credited),
        commissionFen: Number(r.commission),
      })),
      freshness: await rollupFreshness(q, request.now()),
    };
  });
}

/** [RM9] Each device's sync health (no range: it is the health now). */
async function devicesDashboard(request: ConsoleRequest): Promise<DevicesDashboard> {
  const stores = storesOf(request);
  const now = request.now();
  const rows = await request.scoped((q) => deviceHealthRows(q, stores, now));
  return { rows, at: now.toISOString() };
}

/**
 * [RM12] Exceptions raised in the range, by kind and store: resolved when
 * the latest resolution recorded for one is other than `escalated` ([XR]'s
 * `exception_resolutions`, when that table exists), else open.
 */
async function exceptionsDashboard(request: ConsoleRequest): Promise<ExceptionsDashboard> {
  const range = rangeOf(request);
  const stores = storesOf(request);
  return request.scoped(async (q) => {
    const [found] = await q.query<{ resolutions: boolean }>(
      `SELECT to_regclass('exception_resolutions') IS NOT NULL AS resolutions`,
    );
    const resolved = found?.resolutions
      ? `(SELECT r.action <> 'escalated' FROM exception_resolutions r
           WHERE r.exception_id = e.exception_id ORDER BY r.at DESC, r.seq DESC LIMIT 1)`
      : 'false';
    const rows = await q.query<{
      kind: string;
      store_id: string | null;
      open: number | string;
      resolved: number | string;
    }>(
      `SELECT kind, store_id,
              count(*) FILTER (WHERE NOT resolved) AS open,
              count(*) FILTER (WHERE resolved) AS resolved
         FROM (SELECT e.kind, e.store_id, coalesce(${resolved}, false) AS resolved
                 FROM rollup_exception e
                WHERE e.received_at >= $1::timestamptz AND e.received_at < $2::timestamptz
                  AND ${STORE_FILTER('e.store_id', '$3')}) x
        GROUP BY kind, store_id ORDER BY kind, store_id`,
      [range.from, range.to, storesParam(stores)],
    );
    return {
      rows: rows.map((r) => ({
        kind: r.kind,
        storeId: r.store_id,
        open: Number(r.open),
        resolved: Number(r.resolved),
      })),
    };
  });
}

/** [RM12] The try-on conversion report ([RI6]) of one store the session sees, or of all for HQ. */
async function tryOnsDashboard(request: ConsoleRequest): Promise<unknown> {
  const range = rangeOf(request);
  const stores = storesOf(request);
  if (stores !== null && stores.length !== 1) {
    throw new SyncError('bad_request', 'name one of your stores (store=…) for try-ons');
  }
  return tryOnReport(request.storage, { storeId: stores?.[0] ?? null, ...range });
}
