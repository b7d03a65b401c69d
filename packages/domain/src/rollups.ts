/**
 * The HQ dashboards' read models as pure folds: each fact the server
 * records (a sale, a return, a commission entry, an order's new version)
 * becomes a delta of a few aggregated cells, and cells add up. The server
 * folds a page of facts, adds the cells to its rollup tables and moves its
 * checkpoint in one transaction, so no fact is counted twice.
 * See SPEC.md [RU1]-[RU12].
 */
import type { CommissionEntry } from './commission';
import type { Order, OrderStatus } from './orders';
import type { ReturnFact } from './returns';
import type { SaleFact } from './sale-fact';
import type { DeviceHealthRow } from './console-api';

/** [RU1] The chain's time zone when a store names none: UTC+8 ([LOC3]). */
export const DEFAULT_ROLLUP_UTC_OFFSET_MINUTES = 480;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * [RU1] The hour a moment falls in, in a time zone `utcOffsetMinutes` east
 * of UTC, as the instant that hour starts (so offsets of half hours bucket
 * by their own local hours).
 */
export function hourBucket(iso: string, utcOffsetMinutes: number): string {
  const offset = utcOffsetMinutes * 60_000;
  const local = Date.parse(iso) + offset;
  return new Date(Math.floor(local / HOUR_MS) * HOUR_MS - offset).toISOString();
}

/** [RU1] The store's calendar day of a moment, `YYYY-MM-DD`. */
export function localDay(iso: string, utcOffsetMinutes: number): string {
  return new Date(Date.parse(iso) + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** [RU1] The instant a store's calendar day starts. */
export function dayStart(day: string, utcOffsetMinutes: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - utcOffsetMinutes * 60_000).toISOString();
}

// ---------------------------------------------------------------------------
// Sales by store, channel and hour
// ---------------------------------------------------------------------------

/** [RU2] One cell of the sales rollup: a store's channel in one hour. */
export type SalesCell = {
  storeId: string;
  channel: string;
  /** Start of the hour (an instant). */
  hour: string;
  sales: number;
  returns: number;
  /** What customers paid less what was refunded, fen. */
  netFen: number;
  /** Units sold less units returned. */
  units: number;
};

/**
 * [RU2] A sale adds one sale, what its lines were paid (so a full return
 * takes exactly that back) and its units, to its store's channel in the
 * hour it was sold.
 */
export function saleCell(sale: SaleFact, utcOffsetMinutes: number): SalesCell {
  let netFen = 0;
  let units = 0;
  for (const line of sale.lines) {
    netFen += line.paid;
    units += line.quantity;
  }
  return {
    storeId: sale.storeId,
    channel: sale.channel,
    hour: hourBucket(sale.soldAt, utcOffsetMinutes),
    sales: 1,
    returns: 0,
    netFen,
    units,
  };
}

/** [RU3] A return counts at the store that took it back, in its `store` channel and its hour: one return, minus the refund and the units. */
export function returnCell(ret: ReturnFact, utcOffsetMinutes: number): SalesCell {
  let units = 0;
  for (const line of ret.lines) units += line.quantity;
  return {
    storeId: ret.storeId,
    channel: 'store',
    hour: hourBucket(ret.returnedAt, utcOffsetMinutes),
    sales: 0,
    returns: 1,
    netFen: -ret.refund,
    units: -units,
  };
}

export const salesCellKey = (c: Pick<SalesCell, 'storeId' | 'channel' | 'hour'>): string =>
  `${c.storeId}\u0000${c.channel}\u0000${c.hour}`;

// ---------------------------------------------------------------------------
// Clerks' credited sales and commission per day
// ---------------------------------------------------------------------------

/** [RU4] One cell of the clerks' rollup: a staff member at a store on one day. */
export type ClerkCell = {
  storeId: string;
  staffId: string;
  day: string;
  /** Lines credited (sale entries). */
  lines: number;
  creditedNetFen: number;
  commissionFen: number;
};

/**
 * [RU4] A commission entry ([CM6]) moves its staff member's credited net
 * and commission at the attribution store on the day of its `at`; a sale
 * entry also counts one line.
 */
export function clerkCell(entry: CommissionEntry, utcOffsetMinutes: number): ClerkCell {
  return {
    storeId: entry.attributionStoreId,
    staffId: entry.staffId,
    day: localDay(entry.at, utcOffsetMinutes),
    lines: entry.reason === 'sale' ? 1 : 0,
    creditedNetFen: entry.sales,
    commissionFen: entry.commission,
  };
}

export const clerkCellKey = (c: Pick<ClerkCell, 'storeId' | 'staffId' | 'day'>): string =>
  `${c.storeId}\u0000${c.staffId}\u0000${c.day}`;

// ---------------------------------------------------------------------------
// Orders for pickup (BOPIS): one row per order and pickup store, replaced
// ---------------------------------------------------------------------------

/** [RU5] Statuses in which an order's units are held for it at the store. */
const HOLDING: readonly OrderStatus[] = ['held', 'paid', 'ready', 'partly-picked-up'];
const PICKED: readonly OrderStatus[] = ['picked-up', 'partly-picked-up', 'closed'];

/** [RU5] An order's pickup at one store as the BOPIS dashboard counts it. */
export type BopisOrderRow = {
  orderId: string;
  storeId: string;
  placedAt: string;
  status: OrderStatus;
  holdOpen: boolean;
  paid: boolean;
  ready: boolean;
  /** Whole minutes from paid to ready; null until ready. */
  readyMinutes: number | null;
  pickedUp: boolean;
  /** Picked up (its last hand-over) by the pickup deadline. */
  pickedUpOnTime: boolean;
  /** Not collected by its pickup deadline ([OS4]). */
  noShow: boolean;
};

/**
 * [RU5] The BOPIS rows of an order's current version: one per store it has
 * pickup lines at (none for an order with no pickup line). A new version
 * replaces the rows of the last one, so an order counts once whatever its
 * history. Ready minutes run from paid to ready; a no-show is an order the
 * pickup-deadline sweep gave up; picked up on time is the last hand-over at
 * or before the deadline (no deadline: on time).
 */
export function bopisRows(order: Order): BopisOrderRow[] {
  const stores: string[] = [];
  for (const line of order.lines) {
    if (line.fulfilment.mode === 'pickup' && !stores.includes(line.fulfilment.storeId)) {
      stores.push(line.fulfilment.storeId);
    }
  }
  if (stores.length === 0) return [];
  const readyMinutes =
    order.paidAt !== undefined && order.readyAt !== undefined
      ? Math.max(0, Math.round((Date.parse(order.readyAt) - Date.parse(order.paidAt)) / 60_000))
      : null;
  const noShow = order.factIds.includes(`${order.id}:pickup-deadline`);
  return stores.map((storeId) => {
    const lineIds = new Set(
      order.lines
        .filter((l) => l.fulfilment.mode === 'pickup' && l.fulfilment.storeId === storeId)
        .map((l) => l.lineId),
    );
    const pickups = order.pickups.filter((p) => lineIds.has(p.lineId));
    const pickedUp = pickups.length > 0 && PICKED.includes(order.status);
    const lastPickup = pickups.reduce((last, p) => (p.at > last ? p.at : last), '');
    const onTime =
      pickedUp &&
      (order.pickupDeadline === undefined ||
        Date.parse(lastPickup) <= Date.parse(order.pickupDeadline));
    return {
      orderId: order.id,
      storeId,
      placedAt: order.placedAt,
      status: order.status,
      holdOpen: HOLDING.includes(order.status),
      paid: order.paidAt !== undefined,
      ready: order.readyAt !== undefined,
      readyMinutes,
      pickedUp,
      pickedUpOnTime: onTime,
      noShow,
    };
  });
}

/**
 * [RU6] The p-th percentile (0 < p <= 1) by nearest rank: the smallest value
 * with at least p of the values at or below it (PostgreSQL's
 * `percentile_disc`); null for no values.
 */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}

// ---------------------------------------------------------------------------
// The fold
// ---------------------------------------------------------------------------

/** [RU7] A fact as the rollups read it (the server's stored version). */
export type RollupFact =
  | { kind: 'sale'; sale: SaleFact }
  | { kind: 'return'; ret: ReturnFact }
  | { kind: 'commission'; entry: CommissionEntry }
  | { kind: 'order'; order: Order };

/** [RU7] What a page of facts adds: cells to add, order rows to put in place of the last ones. */
export type RollupDelta = {
  sales: Map<string, SalesCell>;
  clerks: Map<string, ClerkCell>;
  /** Latest version of each order in the page, by order id. */
  orders: Map<string, BopisOrderRow[]>;
};

export const emptyDelta = (): RollupDelta => ({
  sales: new Map(),
  clerks: new Map(),
  orders: new Map(),
});

/** Adds `cell` into `into`: a key's first cell is copied, so the map owns every cell it holds. */
function addSalesCell(into: Map<string, SalesCell>, cell: SalesCell): void {
  const key = salesCellKey(cell);
  const had = into.get(key);
  if (!had) {
    into.set(key, { ...cell });
    return;
  }
  had.sales += cell.sales;
  had.returns += cell.returns;
  had.netFen += cell.netFen;
  had.units += cell.units;
}

function addClerkCell(into: Map<string, ClerkCell>, cell: ClerkCell): void {
  const key = clerkCellKey(cell);
  const had = into.get(key);
  if (!had) {
    into.set(key, { ...cell });
    return;
  }
  had.lines += cell.lines;
  had.creditedNetFen += cell.creditedNetFen;
  had.commissionFen += cell.commissionFen;
}

/**
 * [RU7] Folds facts, in seq order, into one delta: sales and returns add
 * to their hour's cell, commission entries to their day's cell; an order
 * keeps only its last version in the page ([RU5]).
 */
export function foldFacts(
  facts: readonly RollupFact[],
  utcOffsetMinutes: (storeId: string) => number = () => DEFAULT_ROLLUP_UTC_OFFSET_MINUTES,
): RollupDelta {
  const delta = emptyDelta();
  for (const fact of facts) {
    switch (fact.kind) {
      case 'sale':
        addSalesCell(delta.sales, saleCell(fact.sale, utcOffsetMinutes(fact.sale.storeId)));
        break;
      case 'return':
        addSalesCell(delta.sales, returnCell(fact.ret, utcOffsetMinutes(fact.ret.storeId)));
        break;
      case 'commission':
        addClerkCell(
          delta.clerks,
          clerkCell(fact.entry, utcOffsetMinutes(fact.entry.attributionStoreId)),
        );
        break;
      case 'order':
        delta.orders.set(fact.order.id, bopisRows(fact.order));
        break;
    }
  }
  return delta;
}

/**
 * [RU8] Two deltas as one, `later` after `earlier`: cells add (associative
 * and commutative), a later order version replaces an earlier one.
 */
export function mergeDeltas(earlier: RollupDelta, later: RollupDelta): RollupDelta {
  const merged = emptyDelta();
  for (const cell of [...earlier.sales.values(), ...later.sales.values()]) {
    addSalesCell(merged.sales, cell);
  }
  for (const cell of [...earlier.clerks.values(), ...later.clerks.values()]) {
    addClerkCell(merged.clerks, cell);
  }
  for (const [id, rows] of earlier.orders) merged.orders.set(id, rows);
  for (const [id, rows] of later.orders) merged.orders.set(id, rows);
  return merged;
}

// ---------------------------------------------------------------------------
// Device sync health
// ---------------------------------------------------------------------------

/** [RU9] A device is ok when it synced in the last 5 minutes, late within the hour, else silent. */
export function deviceSyncStatus(
  lastPullAt: string | null,
  lastPushAt: string | null,
  now: string,
): DeviceHealthRow['status'] {
  const last = Math.max(
    lastPullAt ? Date.parse(lastPullAt) : -Infinity,
    lastPushAt ? Date.parse(lastPushAt) : -Infinity,
  );
  const age = Date.parse(now) - last;
  if (age <= 5 * 60_000) return 'ok';
  if (age <= HOUR_MS) return 'late';
  return 'silent';
}

/** [RU10] A device's health is written at most once per this interval, unless it brings an error. */
export const DEVICE_HEALTH_INTERVAL_MS = 5000;

/** [RU10] Whether a device's sync at `now` is written, given when its health was last written (null: never). */
export function healthWriteDue(
  lastWrittenMs: number | null,
  nowMs: number,
  error: boolean,
): boolean {
  return error || lastWrittenMs === null || nowMs - lastWrittenMs >= DEVICE_HEALTH_INTERVAL_MS;
}

/**
 * [RU10] What a device reports in its sync headers: its app version (at most
 * 40 printable characters) and how many facts it has not pushed yet (a whole
 * number); anything else is ignored, never refused.
 */
export function parseDeviceReport(
  appVersion: string | undefined,
  factsWaiting: string | undefined,
): { appVersion: string | null; factsWaiting: number | null } {
  const version =
    appVersion !== undefined && /^[\x21-\x7e][\x20-\x7e]{0,39}$/.test(appVersion)
      ? appVersion.trim()
      : null;
  const waiting =
    factsWaiting !== undefined && /^\d{1,9}$/.test(factsWaiting) ? Number(factsWaiting) : null;
  return { appVersion: version, factsWaiting: waiting };
}

// ---------------------------------------------------------------------------
// Dashboard queries
// ---------------------------------------------------------------------------

/** [RU11] The longest range a dashboard answers. */
export const MAX_DASHBOARD_DAYS = 366;

export type DashboardRange = { from: string; to: string };

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * [RU11] A dashboard's `from`/`to` (instants, or days read as the start of
 * that UTC day; `to` exclusive): both present and valid, `to` after `from`,
 * at most 366 days apart. Returns the instants in ISO form, or the reason.
 */
export function parseDashboardRange(
  from: string | null,
  to: string | null,
): { ok: true; range: DashboardRange } | { ok: false; reason: string } {
  if (from === null || to === null) {
    return { ok: false, reason: 'from and to are required (ISO-8601 instants, to exclusive)' };
  }
  const parse = (name: string, text: string): number | string => {
    if (!INSTANT.test(text))
      return `${name} is not an ISO-8601 instant: ${JSON.stringify(text.slice(0, 40))}`;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? `${name} is not a real date: ${JSON.stringify(text)}` : ms;
  };
  const f = parse('from', from);
  if (typeof f === 'string') return { ok: false, reason: f };
  const t = parse('to', to);
  if (typeof t === 'string') return { ok: false, reason: t };
  if (t <= f) return { ok: false, reason: 'to must be after from' };
  if (t - f > MAX_DASHBOARD_DAYS * DAY_MS) {
    return { ok: false, reason: `the range is longer than ${MAX_DASHBOARD_DAYS} days` };
  }
  return { ok: true, range: { from: new Date(f).toISOString(), to: new Date(t).toISOString() } };
}

/** [RU12] Ranges up to this many days are answered by the hour unless `bucket=day` is asked. */
export const HOURLY_UP_TO_DAYS = 31;

/** [RU12] The bucket a sales answer uses: the one asked, else hours up to 31 days and days beyond. */
export function salesBucket(range: DashboardRange, asked: string | null): 'hour' | 'day' | null {
  if (asked === 'hour' || asked === 'day') return asked;
  if (asked !== null) return null;
  return Date.parse(range.to) - Date.parse(range.from) <= HOURLY_UP_TO_DAYS * DAY_MS
    ? 'hour'
    : 'day';
}

/**
 * [RU12] The day cell an hour cell also adds to: the same store and channel
 * on the store's calendar day of that hour, bucketed at the instant the day
 * starts, so long ranges read one row per store, channel and day.
 */
export function dayOfSalesCell(cell: SalesCell, utcOffsetMinutes: number): SalesCell {
  return { ...cell, hour: dayStart(localDay(cell.hour, utcOffsetMinutes), utcOffsetMinutes) };
}

/** [RU12] The day cells that some hour cells add to, summed per store, channel and day. */
export function dayCells(
  hours: Iterable<SalesCell>,
  utcOffsetMinutes: number,
): Map<string, SalesCell> {
  const days = new Map<string, SalesCell>();
  for (const cell of hours) addSalesCell(days, dayOfSalesCell(cell, utcOffsetMinutes));
  return days;
}
