/**
 * Electronic shelf labels: what a label shows (from the same prices and
 * promotion engine the till uses), its content hash, which labels need a
 * push, when a price change takes effect in the store's local time, the
 * acknowledgement ledger's fold and the price-integrity check. Pure: time
 * comes in as arguments. See SPEC.md [EL1]-[EL12].
 */
import type { IntegrityMismatch, LabelAckStatus, LabelContent } from './console-api';
import type { Price, Product } from './documents';
import { applyPromotions } from './promotion-engine';
import type { Channel, PricingContext, PricingItem, Promotion } from './promotion-types';

/** The promotion rules that only pay off on more than one unit: shown as text, no "was" price. */
const MULTI_UNIT_RULES = new Set(['buy-x-get-y', 'bundle', 'spend-threshold']);

export type LabelPricingContext = {
  storeId: string;
  /** ISO instant the label is for (now, or a change's effective time). */
  at: string;
  /** The store's offset from UTC ([LOC2]; China: 480). */
  utcOffsetMinutes: number;
};

/** One unit of the product as the promotion engine sees a cart line. */
function oneUnit(product: Product, unitPrice: number): PricingItem {
  return {
    lineId: 'label',
    sku: product.id,
    name: product.name,
    category: product.category,
    ...(product.brand === undefined ? {} : { brand: product.brand }),
    taxClass: product.taxClass,
    quantity: 1,
    unitPrice,
  };
}

/** What one unit costs a walk-in customer (no member, no coupon) on a channel. */
function unitPrice(
  product: Product,
  price: Price,
  promotions: readonly Promotion[],
  ctx: LabelPricingContext,
  channel: Channel,
): { net: number; applied: string[] } {
  const pricing: PricingContext = {
    storeId: ctx.storeId,
    channel,
    now: ctx.at,
    utcOffsetMinutes: ctx.utcOffsetMinutes,
  };
  const cart = applyPromotions([oneUnit(product, price.amount)], promotions, pricing);
  return { net: cart.total, applied: cart.applied.map((a) => a.name) };
}

/** The active promotions that target this product on a channel but give nothing on one unit. */
function multiUnitOffers(
  product: Product,
  promotions: readonly Promotion[],
  ctx: LabelPricingContext,
  channel: Channel,
): string[] {
  const names: string[] = [];
  for (const p of promotions) {
    if (!MULTI_UNIT_RULES.has(p.rule.kind)) continue;
    const t = p.target;
    const all = !t.skus?.length && !t.categories?.length && !t.brands?.length;
    const targeted =
      all ||
      t.skus?.includes(product.id) ||
      t.categories?.includes(product.category) ||
      (product.brand !== undefined && t.brands?.includes(product.brand));
    if (!targeted) continue;
    // A cart that would take the promotion if it were big enough: ask the engine whether it is active.
    const probe: Promotion = { ...p, rule: { kind: 'percent-off', bp: 1 } };
    const cart = applyPromotions([oneUnit(product, 10_000)], [probe], {
      storeId: ctx.storeId,
      channel,
      now: ctx.at,
      utcOffsetMinutes: ctx.utcOffsetMinutes,
    });
    if (cart.applied.length) names.push(p.name);
  }
  return names;
}

const yuan = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;

/**
 * [EL1] What a label bound to `product` shows at `ctx.at`: the till's price
 * for a walk-in customer (the price list's price and the promotion engine
 * on one unit, channel `store`), [EL2] the regular price struck through
 * when a promotion lowers it, the promotions' text (including offers that
 * need more than one unit), and [EL3] an online line when the online
 * channel sells one unit at another price.
 */
export function labelContent(
  product: Product,
  price: Price,
  promotions: readonly Promotion[],
  ctx: LabelPricingContext,
  options: { unit?: string | null; online?: boolean } = {},
): LabelContent {
  const store = unitPrice(product, price, promotions, ctx, 'store');
  const texts = [...store.applied, ...multiUnitOffers(product, promotions, ctx, 'store')];
  let online: string | null = null;
  if (options.online !== false) {
    const web = unitPrice(product, price, promotions, ctx, 'online');
    if (web.net !== store.net) online = `线上 ${yuan(web.net)} online`;
  }
  return {
    sku: product.id,
    name: product.name,
    priceFen: store.net,
    wasFen: store.net < price.amount ? price.amount : null,
    promo: texts.length ? [...new Set(texts)].join(' · ') : null,
    online,
    currency: price.currency,
    unit: options.unit ?? null,
  };
}

/** [EL4] The canonical form of a label's content: fixed key order, no spaces. */
export function canonicalLabelContent(content: LabelContent): string {
  return JSON.stringify([
    content.sku,
    content.name,
    content.priceFen,
    content.wasFen,
    content.promo,
    content.online,
    content.currency,
    content.unit,
  ]);
}

/**
 * [EL4] A stable 64-bit hash of the content's canonical form (two FNV-1a
 * passes with different offsets over the UTF-16 code units), 16 hex digits.
 * Not cryptographic: it tells whether a label must be redrawn.
 */
export function labelContentHash(content: LabelContent): string {
  const text = canonicalLabelContent(content);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c ^ (i & 0xff), 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

export type LabelBinding = { labelId: string; sku: string };
export type DesiredLabel = { content: LabelContent; hash: string };

/**
 * [EL5] The labels whose desired content differs from what they show (or
 * were last sent): a label whose SKU has no desired content (no price) is
 * left alone; a label shown nothing yet is pushed.
 */
export function labelsToPush(
  bindings: readonly LabelBinding[],
  desired: ReadonlyMap<string, DesiredLabel>,
  shownHashes: ReadonlyMap<string, string | null>,
): { labelId: string; sku: string; content: LabelContent; hash: string }[] {
  const out: { labelId: string; sku: string; content: LabelContent; hash: string }[] = [];
  for (const b of bindings) {
    const want = desired.get(b.sku);
    if (!want) continue;
    if ((shownHashes.get(b.labelId) ?? null) === want.hash) continue;
    out.push({ labelId: b.labelId, sku: b.sku, content: want.content, hash: want.hash });
  }
  return out;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * [EL6] The instant a price change takes effect: an ISO instant with a zone
 * (`Z` or `±hh:mm`) as written; a local time without a zone
 * (`YYYY-MM-DDTHH:mm[:ss]`) in the store's offset from UTC ([LOC2]); absent,
 * `now`. Returns the instant as ISO UTC, or an error for anything else.
 */
export function effectiveInstant(
  effectiveAt: string | undefined,
  utcOffsetMinutes: number,
  now: string,
): { ok: true; at: string } | { ok: false; reason: string } {
  if (effectiveAt === undefined) return { ok: true, at: now };
  const bad = {
    ok: false as const,
    reason:
      'effectiveAt must be an ISO instant (2026-12-08T06:00:00Z) or the store-local time 2026-12-08T14:00',
  };
  if (typeof effectiveAt !== 'string' || effectiveAt.length > 40) return bad;
  if (ZONED_TIME.test(effectiveAt)) {
    const t = Date.parse(effectiveAt);
    return Number.isNaN(t) ? bad : { ok: true, at: new Date(t).toISOString() };
  }
  const m = LOCAL_TIME.exec(effectiveAt);
  if (!m) return bad;
  const [y, mo, d, h, mi] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (
    Number.isNaN(utc) ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    return bad;
  }
  return { ok: true, at: new Date(utc - utcOffsetMinutes * 60_000).toISOString() };
}

/** One line of the append-only acknowledgement ledger. */
export type LedgerEntry = {
  labelId: string;
  /** Push ids sort in the order the pushes were made. */
  pushId: string;
  hash: string;
  status: LabelAckStatus;
  at: string;
  error?: string | null;
  batteryPct?: number | null;
  priceFen?: number | null;
};

/** A label's state folded from its ledger. */
export type LabelState = {
  labelId: string;
  pushId: string;
  hash: string;
  status: LabelAckStatus;
  /** Failed attempts of the current push. */
  retries: number;
  /** The content the label last acknowledged (of any push), and when. */
  shownHash: string | null;
  shownPriceFen: number | null;
  lastAckAt: string | null;
  lastError: string | null;
  batteryPct: number | null;
  /** When the current push's first entry was recorded. */
  since: string;
};

/**
 * [EL7] Folds ledger entries (any order, replays included) into each
 * label's state: the latest push wins; within a push an acknowledgement or
 * failure beats pending, and the later of two outcomes wins (a retry that
 * succeeds after a failure is acked); each failure of the current push
 * counts as a retry. What a label shows is its latest acknowledgement.
 */
export function foldLedger(entries: readonly LedgerEntry[]): Map<string, LabelState> {
  const sorted = [...entries].sort(
    (x, y) =>
      cmp(x.labelId, y.labelId) ||
      cmp(x.pushId, y.pushId) ||
      cmp(x.at, y.at) ||
      RANK[x.status] - RANK[y.status],
  );
  const states = new Map<string, LabelState>();
  const seen = new Set<string>();
  for (const e of sorted) {
    const key = `${e.labelId}\u0000${e.pushId}\u0000${e.status}\u0000${e.at}`;
    if (seen.has(key)) continue; // a replay
    seen.add(key);
    let s = states.get(e.labelId);
    if (!s || s.pushId !== e.pushId) {
      s = {
        labelId: e.labelId,
        pushId: e.pushId,
        hash: e.hash,
        status: 'pending',
        retries: 0,
        shownHash: s?.shownHash ?? null,
        shownPriceFen: s?.shownPriceFen ?? null,
        lastAckAt: s?.lastAckAt ?? null,
        lastError: null,
        batteryPct: s?.batteryPct ?? null,
        since: e.at,
      };
      states.set(e.labelId, s);
    }
    if (e.batteryPct !== undefined && e.batteryPct !== null) s.batteryPct = e.batteryPct;
    if (e.status === 'pending') continue;
    if (e.status === 'failed') {
      s.retries++;
      if (s.status !== 'acked') {
        s.status = 'failed';
        s.lastError = e.error ?? 'failed';
      }
      continue;
    }
    s.status = 'acked';
    s.lastError = null;
    s.shownHash = e.hash;
    s.shownPriceFen = e.priceFen ?? s.shownPriceFen;
    s.lastAckAt = e.at;
  }
  return states;
}

const RANK: Record<LabelAckStatus, number> = { pending: 0, failed: 1, acked: 2 };
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What the integrity check knows of one bound label. */
export type IntegrityLabel = {
  storeId: string;
  labelId: string;
  sku: string;
  status: LabelAckStatus;
  /** What it last acknowledged showing (null: nothing yet). */
  shownHash: string | null;
  shownPriceFen: number | null;
  /** When its current push began (or it was bound). */
  since: string;
  lastAckAt: string | null;
};

export type TillPrice = { priceFen: number; hash: string };

/** [EL9] How long a pushed label may stay unacknowledged before it is a mismatch (10 min). */
export const INTEGRITY_GRACE_MS = 10 * 60_000;

/**
 * [EL10] The labels whose shelf may not show the till's price now, with why:
 * `push-failed` (the latest push failed), `not-acknowledged` (pending longer
 * than the grace period), `content-differs` (it acknowledged content other
 * than what the till's price gives now, with no push in flight). A pending
 * label within the grace period is in flight, not a mismatch; a SKU the
 * till has no price for is not checked.
 */
export function integrityCheck(
  labels: readonly IntegrityLabel[],
  tillPrices: ReadonlyMap<string, TillPrice>,
  now: string,
  graceMs: number = INTEGRITY_GRACE_MS,
): { checked: number; mismatches: IntegrityMismatch[] } {
  const nowMs = Date.parse(now);
  const mismatches: IntegrityMismatch[] = [];
  let checked = 0;
  for (const l of labels) {
    const till = tillPrices.get(l.sku);
    if (!till) continue;
    checked++;
    const base = {
      storeId: l.storeId,
      labelId: l.labelId,
      sku: l.sku,
      shelfFen: l.shownPriceFen,
      tillFen: till.priceFen,
    };
    if (l.status === 'failed') {
      mismatches.push({ ...base, reason: 'push-failed', since: l.since });
    } else if (l.status === 'pending') {
      if (nowMs - Date.parse(l.since) > graceMs) {
        mismatches.push({ ...base, reason: 'not-acknowledged', since: l.since });
      }
    } else if (l.shownHash !== till.hash) {
      mismatches.push({ ...base, reason: 'content-differs', since: l.lastAckAt ?? l.since });
    }
  }
  mismatches.sort((a, b) => cmp(a.storeId, b.storeId) || cmp(a.labelId, b.labelId));
  return { checked, mismatches };
}

/**
 * [EL11] When `share` (default 95 %) of a push's `labels` were acknowledged:
 * the k-th earliest acknowledgement instant, k = ceil(share × labels), or
 * null when fewer are acknowledged.
 */
export function ackedShareAt(
  ackInstants: readonly string[],
  labels: number,
  share = 0.95,
): string | null {
  if (labels <= 0) return null;
  const k = Math.ceil(share * labels);
  if (ackInstants.length < k) return null;
  return [...ackInstants].sort()[k - 1] ?? null;
}

const LABEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** [EL12] A label id: 1-64 letters, digits, `-`, `_`, `.` or `:`, starting with a letter or digit. */
export function labelIdRefusal(labelId: unknown): string | null {
  return typeof labelId === 'string' && LABEL_ID.test(labelId)
    ? null
    : 'labelId must be 1-64 letters, digits, "-", "_", "." or ":", starting with a letter or digit';
}
