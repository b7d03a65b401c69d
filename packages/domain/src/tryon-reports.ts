/**
 * What the chain reads from try-on facts and the sales of their EPCs:
 * conversion by style, colour, size, clerk and store, the day's
 * tried-not-bought list, outfit suggestions, whether a member may be sent
 * them, and the visits a member's sessions make. Pure. See SPEC.md
 * [TO8]-[TO12]; the visits, sync-server/SPEC.md [RI10].
 */
import { consentFor, type ConsentEntry } from './consent';
import type {
  ConversionDimension,
  ConversionReport,
  ConversionRow,
  EpcSale,
  FittingRoomPolicy,
  OutfitSuggestion,
  TriedNotBought,
  TryOnForReport,
} from './tryons';

const DAY_MS = 86_400_000;

/** [TO9] `converted ÷ tryOns` in basis points, rounded half up; 0 when there are no try-ons. */
export function rateBp(converted: number, tryOns: number): number {
  if (tryOns <= 0) return 0;
  return Math.floor((converted * 10_000 * 2 + tryOns) / (tryOns * 2));
}

/** The EPC's sales, by EPC, each list by time. */
function salesByEpc(sales: readonly EpcSale[]): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const sale of sales) {
    const at = Date.parse(sale.soldAt);
    if (!Number.isFinite(at)) continue;
    const list = by.get(sale.epc);
    if (list) list.push(at);
    else by.set(sale.epc, [at]);
  }
  return by;
}

/**
 * [TO8] Whether a try-on converted: a sale of its EPC while the session was
 * open (from `openedAt`, when known) or within the window after it closed.
 */
function converts(
  tryOn: Pick<TryOnForReport, 'epc' | 'closedAt' | 'openedAt'>,
  sold: ReadonlyMap<string, readonly number[]>,
  windowMs: number,
): boolean {
  const times = sold.get(tryOn.epc);
  if (!times) return false;
  const closed = Date.parse(tryOn.closedAt);
  const opened = tryOn.openedAt === undefined ? closed : Date.parse(tryOn.openedAt);
  const from = Math.min(opened, closed);
  return times.some((t) => t >= from && t <= closed + windowMs);
}

/** [TO8] The ids of the try-ons that converted. */
export function convertedTryOns(
  tryOns: readonly TryOnForReport[],
  sales: readonly EpcSale[],
  policy: Pick<FittingRoomPolicy, 'conversionWindowMs'>,
): Set<string> {
  const sold = salesByEpc(sales);
  return new Set(
    tryOns.filter((t) => converts(t, sold, policy.conversionWindowMs)).map((t) => t.id),
  );
}

const KEY_OF: Record<ConversionDimension, (t: TryOnForReport) => string | null> = {
  style: (t) => t.styleId,
  colour: (t) => t.colour,
  size: (t) => t.size,
  clerk: (t) => t.clerkId,
  store: (t) => t.storeId,
};

/**
 * [TO8] [TO9] Conversion of the try-ons that closed in `[from, to)`: totals
 * and one row per value of each dimension (unknown values in a `null` row),
 * most try-ons first. Each try-on counts once and converts at most once.
 */
export function conversionReport(
  tryOns: readonly TryOnForReport[],
  sales: readonly EpcSale[],
  policy: Pick<FittingRoomPolicy, 'conversionWindowMs'>,
  period: { from: string; to: string },
): ConversionReport {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const seen = new Set<string>();
  const inPeriod = tryOns.filter((t) => {
    const closed = Date.parse(t.closedAt);
    if (!(closed >= from && closed < to) || seen.has(t.id)) return false;
    seen.add(t.id);
    return true;
  });
  const converted = convertedTryOns(inPeriod, sales, policy);
  const rows = (dimension: ConversionDimension): ConversionRow[] => {
    const counts = new Map<string | null, { tryOns: number; converted: number }>();
    for (const t of inPeriod) {
      const key = KEY_OF[dimension](t);
      const row = counts.get(key) ?? { tryOns: 0, converted: 0 };
      row.tryOns += 1;
      if (converted.has(t.id)) row.converted += 1;
      counts.set(key, row);
    }
    return [...counts]
      .map(([key, c]) => ({ key, ...c, rateBp: rateBp(c.converted, c.tryOns) }))
      .sort(
        (a, b) =>
          b.tryOns - a.tryOns ||
          (a.key === null ? 1 : 0) - (b.key === null ? 1 : 0) ||
          (a.key ?? '').localeCompare(b.key ?? ''),
      );
  };
  return {
    from: period.from,
    to: period.to,
    tryOns: inPeriod.length,
    converted: converted.size,
    rateBp: rateBp(converted.size, inPeriod.length),
    by: {
      style: rows('style'),
      colour: rows('colour'),
      size: rows('size'),
      clerk: rows('clerk'),
      store: rows('store'),
    },
  };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * [TO10] The instants `[from, to)` of a calendar day in a time zone
 * `utcOffsetMinutes` east of UTC; null when `day` is not a real
 * `YYYY-MM-DD` date.
 */
export function localDayBounds(
  day: string,
  utcOffsetMinutes: number,
): { from: string; to: string } | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [y, m, d] = match.slice(1).map(Number) as [number, number, number];
  const midnight = Date.UTC(y, m - 1, d);
  const check = new Date(midnight);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    return null;
  }
  const start = midnight - utcOffsetMinutes * 60_000;
  return { from: new Date(start).toISOString(), to: new Date(start + DAY_MS).toISOString() };
}

/**
 * [TO10] The day's tried-not-bought list: the EPCs with a try-on that
 * closed on `day` (in the store's time zone) none of whose try-ons that day
 * converted, with their SKU and attributes; most tried first, then the
 * latest tried first. Empty for a day that is not a date.
 */
export function triedNotBought(
  tryOns: readonly TryOnForReport[],
  sales: readonly EpcSale[],
  policy: Pick<FittingRoomPolicy, 'conversionWindowMs'>,
  day: { day: string; utcOffsetMinutes: number },
): TriedNotBought[] {
  const bounds = localDayBounds(day.day, day.utcOffsetMinutes);
  if (!bounds) return [];
  const from = Date.parse(bounds.from);
  const to = Date.parse(bounds.to);
  const seen = new Set<string>();
  const ofDay = tryOns.filter((t) => {
    const closed = Date.parse(t.closedAt);
    if (!(closed >= from && closed < to) || seen.has(t.id)) return false;
    seen.add(t.id);
    return true;
  });
  const converted = convertedTryOns(ofDay, sales, policy);
  const bought = new Set(ofDay.filter((t) => converted.has(t.id)).map((t) => t.epc));
  const items = new Map<string, TriedNotBought>();
  for (const t of ofDay) {
    if (bought.has(t.epc)) continue;
    const key = `${t.storeId}\n${t.epc}`;
    const item = items.get(key);
    if (item) {
      item.tryOns += 1;
      if (t.closedAt > item.lastClosedAt) item.lastClosedAt = t.closedAt;
    } else {
      items.set(key, {
        epc: t.epc,
        sku: t.sku,
        styleId: t.styleId,
        colour: t.colour,
        size: t.size,
        storeId: t.storeId,
        tryOns: 1,
        lastClosedAt: t.closedAt,
      });
    }
  }
  return [...items.values()].sort(
    (a, b) =>
      b.tryOns - a.tryOns ||
      b.lastClosedAt.localeCompare(a.lastClosedAt) ||
      a.epc.localeCompare(b.epc),
  );
}

/** [TO11] What suggestions are made from. */
export type SuggestionInputs = {
  /** The SKUs tried and not bought, in the order they matter (most recent first). */
  triedSkus: readonly string[];
  /** The style of each tried SKU: its variants by SKU, in the style's order. */
  styleOf: (sku: string) => { variants: readonly { sku: string }[] } | null;
  /** ATP by SKU at this store (distance 0) and at other stores, any order. */
  stock: readonly { storeId: string; distanceKm: number; atp: Readonly<Record<string, number>> }[];
  /** How many sales held both `sku` and `other`, any order. */
  boughtTogether: readonly { sku: string; other: string; together: number }[];
  /** SKUs never to suggest, e.g. what the member bought on the visit. */
  exclude?: readonly string[];
  limit: number;
};

/**
 * [TO11] Suggestions: for each tried SKU, the other sizes and colours of its
 * style with ATP, each at the nearest store that has it (this store first),
 * nearest first; then the SKUs bought together with a tried SKU, most often
 * first. Never a tried SKU nor an excluded one, never the same SKU twice,
 * at most `limit`.
 */
export function outfitSuggestions(input: SuggestionInputs): OutfitSuggestion[] {
  const limit = Math.max(0, Math.floor(input.limit));
  const tried = new Set(input.triedSkus);
  const taken = new Set<string>(input.exclude);
  const out: OutfitSuggestion[] = [];
  const stores = [...input.stock].sort(
    (a, b) => a.distanceKm - b.distanceKm || a.storeId.localeCompare(b.storeId),
  );
  const variants: Extract<OutfitSuggestion, { kind: 'other-variant' }>[] = [];
  for (const triedSku of tried) {
    const style = input.styleOf(triedSku);
    if (!style) continue;
    style.variants.forEach(({ sku }) => {
      if (tried.has(sku) || taken.has(sku) || variants.some((v) => v.sku === sku)) return;
      const at = stores.find((s) => (s.atp[sku] ?? 0) > 0);
      if (!at) return;
      variants.push({
        kind: 'other-variant',
        triedSku,
        sku,
        storeId: at.storeId,
        distanceKm: at.distanceKm,
        atp: at.atp[sku]!,
      });
    });
  }
  // A stable sort keeps the tried SKUs' and the styles' order among equals.
  variants.sort((a, b) => a.distanceKm - b.distanceKm);
  for (const v of variants) {
    if (out.length >= limit) return out;
    taken.add(v.sku);
    out.push(v);
  }
  const together = input.boughtTogether
    .filter((b) => tried.has(b.sku) && b.together > 0)
    .sort(
      (a, b) =>
        b.together - a.together || a.other.localeCompare(b.other) || a.sku.localeCompare(b.sku),
    );
  for (const b of together) {
    if (out.length >= limit) break;
    if (tried.has(b.other) || taken.has(b.other)) continue;
    taken.add(b.other);
    out.push({ kind: 'bought-together', triedSku: b.sku, sku: b.other, together: b.together });
  }
  return out;
}

/** [TO12] Whether the member consents to try-on suggestions, by their consent ledger. */
export function mayMessage(entries: readonly ConsentEntry[], memberId: string): boolean {
  return consentFor(entries, memberId, 'tryon-suggestions').granted;
}

/** [RI10] A member's try-on sessions, as visits read them. */
export type VisitSession = {
  id: string;
  memberId: string;
  storeId: string;
  openedAt: string;
  closedAt: string;
};

/** [RI10] One visit of a member to a store: sessions each opened within the gap after the last closed. */
export type TryOnVisit = {
  /** `tryon-visit:<memberId>:<storeId>:<first session id>`: the same visit always has the same id. */
  id: string;
  memberId: string;
  storeId: string;
  sessionIds: string[];
  firstOpenedAt: string;
  lastClosedAt: string;
};

/**
 * [RI10] Groups a member's sessions into visits, per member and store: by
 * opening time, a session that opens more than `gapMs` after every earlier
 * session of the visit closed starts a new visit. Sessions named twice count
 * once.
 */
export function tryOnVisits(sessions: readonly VisitSession[], gapMs: number): TryOnVisit[] {
  const byWho = new Map<string, VisitSession[]>();
  const seen = new Set<string>();
  for (const s of sessions) {
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    const key = `${s.memberId}\n${s.storeId}`;
    const list = byWho.get(key);
    if (list) list.push(s);
    else byWho.set(key, [s]);
  }
  const visits: TryOnVisit[] = [];
  for (const list of byWho.values()) {
    list.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
    let current: TryOnVisit | null = null;
    for (const s of list) {
      const gap = current ? Date.parse(s.openedAt) - Date.parse(current.lastClosedAt) : Infinity;
      if (current && gap <= gapMs) {
        current.sessionIds.push(s.id);
        if (s.closedAt > current.lastClosedAt) current.lastClosedAt = s.closedAt;
        continue;
      }
      current = {
        id: `tryon-visit:${s.memberId}:${s.storeId}:${s.id}`,
        memberId: s.memberId,
        storeId: s.storeId,
        sessionIds: [s.id],
        firstOpenedAt: s.openedAt,
        lastClosedAt: s.closedAt,
      };
      visits.push(current);
    }
  }
  return visits;
}
