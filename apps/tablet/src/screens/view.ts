/**
 * Pure helpers that shape what the use cases return into what a screen
 * lays out: cart sections, distances, grid cells, shares in percent. No
 * business rule: the app core decides, these only arrange [TA1].
 */
import { FULL_SHARE, type LineCredit, type OrderStatus } from '@pos/domain';
import type { ClerkCart, ClerkCartLine, QueuedOrder } from '@pos/app-core';
import type { Language } from '@pos/ui';

/** One section of the cart: the take-now lines, one store's pickup lines, or the deliveries. */
export type CartSection =
  | { kind: 'take-now'; key: string; lines: ClerkCartLine[] }
  | { kind: 'pickup'; key: string; storeId: string; storeName: string; lines: ClerkCartLine[] }
  | { kind: 'delivery'; key: string; lines: ClerkCartLine[] };

/**
 * The cart's lines grouped as the customer gets them: take now first, then
 * pickup per store (in the order the stores first appear), then delivery.
 * Empty sections are left out; lines keep their order within a section.
 */
export function cartSections(cart: Pick<ClerkCart, 'lines'>): CartSection[] {
  const takeNow: ClerkCartLine[] = [];
  const pickups = new Map<string, { storeName: string; lines: ClerkCartLine[] }>();
  const delivery: ClerkCartLine[] = [];
  for (const line of cart.lines) {
    const f = line.fulfilment;
    if (f.mode === 'take-now') takeNow.push(line);
    else if (f.mode === 'pickup') {
      const section = pickups.get(f.storeId) ?? { storeName: f.storeName, lines: [] };
      section.lines.push(line);
      pickups.set(f.storeId, section);
    } else delivery.push(line);
  }
  const sections: CartSection[] = [];
  if (takeNow.length) sections.push({ kind: 'take-now', key: 'take-now', lines: takeNow });
  for (const [storeId, s] of pickups) {
    sections.push({
      kind: 'pickup',
      key: `pickup:${storeId}`,
      storeId,
      storeName: s.storeName,
      lines: s.lines,
    });
  }
  if (delivery.length) sections.push({ kind: 'delivery', key: 'delivery', lines: delivery });
  return sections;
}

/** Units in the cart, for the tab's badge. */
export function cartUnits(cart: Pick<ClerkCart, 'lines'>): number {
  return cart.lines.reduce((sum, l) => sum + l.quantity, 0);
}

/** A straight-line distance as a clerk says it: metres under 1 km, else km to one decimal. */
export function distanceWords(
  metres: number,
): { unit: 'm'; value: string } | { unit: 'km'; value: string } {
  if (metres < 1000) return { unit: 'm', value: String(Math.max(0, Math.round(metres / 10) * 10)) };
  const km = metres / 1000;
  return { unit: 'km', value: km >= 100 ? String(Math.round(km)) : km.toFixed(1) };
}

/** [VG2] A grid cell's figure: a number, or "—" when not known (never 0). */
export function atpText(atp: number | null | undefined): string {
  return atp === null || atp === undefined ? '—' : String(atp);
}

/** How a cell looks: none left, a few, enough, or not known. */
export function atpTone(atp: number | null | undefined): 'unknown' | 'none' | 'low' | 'ok' {
  if (atp === null || atp === undefined) return 'unknown';
  if (atp <= 0) return 'none';
  return atp <= 2 ? 'low' : 'ok';
}

/** [CM1] Basis points as the percent a clerk reads: 5000 → "50", 3333 → "33.33". */
export function percentOfShare(share: number): string {
  const whole = Math.trunc(share / 100);
  const rest = share % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

/**
 * [CM1] A typed percent as basis points: "50" → 5000, "33.33" → 3333; null
 * when it is not a number from 0 to 100 with at most two decimals. (Whether
 * the split is valid is the desk's to say.)
 */
export function shareOfPercent(typed: string): number | null {
  const text = typed.trim().replace(',', '.');
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text)) return null;
  const [whole, fraction = ''] = text.split('.');
  const share = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return share <= FULL_SHARE ? share : null;
}

/** A credit split being edited: staff ids and typed percents. */
export type CreditRow = { staffId: string; percent: string };

export function rowsOfCredits(credits: readonly LineCredit[]): CreditRow[] {
  return credits.map((c) => ({ staffId: c.staffId, percent: percentOfShare(c.share) }));
}

/**
 * The rows as credits for the desk to check: blank rows are left out, staff
 * ids upper-cased; a percent that is no number becomes share 0 (the desk
 * refuses it with its code).
 */
export function creditsOfRows(rows: readonly CreditRow[]): LineCredit[] {
  return rows
    .filter((r) => r.staffId.trim() !== '' || r.percent.trim() !== '')
    .map((r) => ({
      staffId: r.staffId.trim().toUpperCase(),
      share: shareOfPercent(r.percent) ?? 0,
    }));
}

/** The sum of the typed percents in basis points, for the running total under the editor. */
export function sharesTotal(rows: readonly CreditRow[]): number {
  return rows.reduce((sum, r) => sum + (shareOfPercent(r.percent) ?? 0), 0);
}

/** Who a line is credited to, as one short phrase: "S001-E01" or "S001-E01 50 %, S001-E03 50 %". */
export function creditSummary(credits: readonly LineCredit[]): string {
  if (credits.length === 1 && credits[0]!.share === FULL_SHARE) return credits[0]!.staffId;
  return credits.map((c) => `${c.staffId} ${percentOfShare(c.share)} %`).join(', ');
}

/** [CL9] Whether an order's status means the customer has paid (polling stops). */
export function isPaid(status: OrderStatus): boolean {
  return ['paid', 'ready', 'partly-picked-up', 'picked-up', 'partly-shipped', 'shipped'].includes(
    status,
  );
}

/** [CL9] Whether an order is over without payment (polling stops, nothing to pay). */
export function isOver(status: OrderStatus): boolean {
  return ['cancelled', 'expired', 'refunded', 'closed'].includes(status);
}

/** [CL8] The device's orders in the three lists the clerk reads: waiting, placed, failed. */
export function queueSections(queue: readonly QueuedOrder[]): {
  waiting: QueuedOrder[];
  placed: QueuedOrder[];
  failed: QueuedOrder[];
} {
  const by = (state: QueuedOrder['state']) =>
    queue
      .filter((q) => q.state === state)
      .sort((a, b) => (a.request.createdAt < b.request.createdAt ? 1 : -1));
  return { waiting: by('queued'), placed: by('placed'), failed: by('failed') };
}

/** The orders that want the clerk's eye: waiting and failed ones (for the tab's badge). */
export function queueAttention(queue: readonly QueuedOrder[]): number {
  return queue.filter((q) => q.state !== 'placed').length;
}

/** A language's label on the switch: the other language, in its own words. */
export function otherLanguage(language: Language): { language: Language; label: string } {
  return language === 'zh-CN'
    ? { language: 'en', label: 'EN' }
    : { language: 'zh-CN', label: '中文' };
}

/** A keypad's digits as a number in a range, or null. */
export function wholeNumber(typed: string, min: number, max: number): number | null {
  if (!/^\d{1,6}$/.test(typed)) return null;
  const n = Number(typed);
  return n >= min && n <= max ? n : null;
}

/** [TA11] A share in basis points as a percent: whole when whole, else one decimal. */
export function percentOfBp(bp: number): string {
  if (!Number.isFinite(bp)) return '—';
  return bp % 100 === 0 ? String(bp / 100) : (bp / 100).toFixed(1);
}

/** [TA9] A variant's colour and size as one label ("白 · M"), or null when neither is known. */
export function variantLabel(item: { colour: string | null; size: string | null }): string | null {
  const parts = [item.colour, item.size].filter((p): p is string => !!p);
  return parts.length ? parts.join(' · ') : null;
}

/** [TA9] The rooms' tags, the SKUs a clerk might ask suggestions for (each once, known only). */
export function skusOfTags(tags: readonly { sku: string | null }[]): string[] {
  return [...new Set(tags.flatMap((t) => (t.sku ? [t.sku] : [])))];
}
