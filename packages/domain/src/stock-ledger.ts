/**
 * The stock ledger: immutable movements per SKU and location; the level is
 * their fold. available = on hand − active reservations. See SPEC.md [SL1]-[SL6].
 */
import type { SaleFact } from './sale-fact';

export type StockMovementKind =
  'sale' | 'return' | 'receive' | 'adjust' | 'transfer-out' | 'transfer-in' | 'reserve' | 'release';

/** An immutable stock fact. */
export type LedgerMovement = {
  /** Unique fact id (device prefix + ULID, or `${factId}:${sku}`); replays count once. */
  id: string;
  /** Store or warehouse. */
  location: string;
  sku: string;
  kind: StockMovementKind;
  /** Units moved: > 0 for every kind but `adjust`, which is signed and non-zero. */
  quantity: number;
  at: string;
  /** The sale, return, receipt or transfer it belongs to. */
  factId?: string;
  /** `reserve`: the reservation it opens; `release` and `sale`: the one it ends. */
  reservationId?: string;
  /** `reserve`: when the reservation lapses by itself. */
  expiresAt?: string;
  /** Transfers: the other location. */
  counterpart?: string;
};

export type StockPosition = {
  location: string;
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
};

const SIGN: Record<StockMovementKind, -1 | 0 | 1> = {
  sale: -1,
  return: 1,
  receive: 1,
  adjust: 1,
  'transfer-out': -1,
  'transfer-in': 1,
  reserve: 0,
  release: 0,
};

/** [SL2] How a movement changes on hand: signed by its kind (reservations do not). */
export function onHandDelta(m: Pick<LedgerMovement, 'kind' | 'quantity'>): number {
  return SIGN[m.kind] * m.quantity;
}

/** [SL1] Problems that make a movement invalid; an empty list means it is well formed. */
export function movementProblems(m: LedgerMovement): string[] {
  const out: string[] = [];
  if (!Number.isSafeInteger(m.quantity) || m.quantity === 0) {
    out.push('quantity must be a non-zero whole number');
  } else if (m.kind !== 'adjust' && m.quantity < 0) {
    out.push(`a ${m.kind} moves a positive quantity`);
  }
  if ((m.kind === 'reserve' || m.kind === 'release') && !m.reservationId) {
    out.push(`a ${m.kind} names its reservation`);
  }
  if (m.kind === 'reserve' && !(Date.parse(m.expiresAt ?? '') > 0)) {
    out.push('a reservation carries an expiry');
  }
  if ((m.kind === 'transfer-in' || m.kind === 'transfer-out') && !m.counterpart) {
    out.push('a transfer names the other location');
  }
  return out;
}

/**
 * [SL2] The position of one SKU at one location at `now`: on hand is the sum
 * of signed movements; reserved is the sum of reservations neither ended
 * (by a release or a sale naming them) nor expired; several reserve movements
 * may name one reservation and are ended together. [SL3] Movements with the
 * same id count once, and the fold gives the same answer in any order.
 */
export function stockPosition(
  movements: readonly LedgerMovement[],
  location: string,
  sku: string,
  now: string,
): StockPosition {
  const seen = new Set<string>();
  const reservations: { id: string; quantity: number; expiresAt: number }[] = [];
  const ended = new Set<string>();
  let onHand = 0;
  for (const m of movements) {
    if (m.location !== location || m.sku !== sku || seen.has(m.id)) continue;
    seen.add(m.id);
    onHand += SIGN[m.kind] * m.quantity;
    if (m.kind === 'reserve' && m.reservationId) {
      reservations.push({
        id: m.reservationId,
        quantity: m.quantity,
        expiresAt: Date.parse(m.expiresAt ?? ''),
      });
    }
    if ((m.kind === 'release' || m.kind === 'sale') && m.reservationId) ended.add(m.reservationId);
  }
  const at = Date.parse(now);
  let reserved = 0;
  for (const r of reservations) {
    // [SL4] A reservation stops holding stock at its expiry.
    if (!ended.has(r.id) && at < r.expiresAt) reserved += r.quantity;
  }
  return { location, sku, onHand, reserved, available: onHand - reserved };
}

/** [SL2] Every position the movements touch, keyed `${location}:${sku}`. */
export function stockPositions(
  movements: readonly LedgerMovement[],
  now: string,
): Map<string, StockPosition> {
  const keys = new Map<string, [string, string]>();
  for (const m of movements) keys.set(`${m.location}:${m.sku}`, [m.location, m.sku]);
  const out = new Map<string, StockPosition>();
  for (const [key, [location, sku]] of keys) {
    out.set(key, stockPosition(movements, location, sku, now));
  }
  return out;
}

/** [SL5] A transfer is a pair: out of one location, into the other, same quantity. */
export function transfer(input: {
  id: string;
  sku: string;
  quantity: number;
  from: string;
  to: string;
  at: string;
}): [LedgerMovement, LedgerMovement] {
  const base = { sku: input.sku, quantity: input.quantity, at: input.at, factId: input.id };
  return [
    {
      ...base,
      id: `${input.id}:out`,
      location: input.from,
      kind: 'transfer-out',
      counterpart: input.to,
    },
    {
      ...base,
      id: `${input.id}:in`,
      location: input.to,
      kind: 'transfer-in',
      counterpart: input.from,
    },
  ];
}

/** [SL6] The ledger movements of a sale: one per SKU, id `${saleId}:${sku}`, so a replay is a no-op. */
export function ledgerMovementsForSale(sale: SaleFact): LedgerMovement[] {
  const bySku = new Map<string, number>();
  for (const line of sale.lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return [...bySku].map(([sku, quantity]) => ({
    id: `${sale.id}:${sku}`,
    location: sale.storeId,
    sku,
    kind: 'sale',
    quantity,
    at: sale.soldAt,
    factId: sale.id,
  }));
}
