/**
 * Server-owned state derived from facts. Pure: the push service reads the
 * current documents, calls these, and writes the result in the same
 * transaction as the fact. [PJ1] [PT1]-[PT3]
 */
import {
  onHandDelta,
  stockLevelId,
  type LedgerMovement,
  type Member,
  type PointEntry,
  type StockLevel,
} from '@pos/domain';
import type { DocRow, DocWrite } from './storage/storage';

/**
 * [PJ1] Applies ledger movements to the current stock levels: each level's
 * onHand moves by the movement's signed quantity (reservations move nothing);
 * a level that does not exist yet starts at 0.
 */
export function stockWritesForMovements(
  current: ReadonlyMap<string, Pick<DocRow, 'rev' | 'body'>>,
  movements: readonly Pick<LedgerMovement, 'location' | 'sku' | 'kind' | 'quantity'>[],
): DocWrite[] {
  const next = new Map<string, { level: StockLevel; expectedRev: string | null }>();
  for (const movement of movements) {
    const delta = onHandDelta(movement);
    if (delta === 0) continue;
    const id = stockLevelId(movement.location, movement.sku);
    const pending = next.get(id);
    const existing = current.get(id);
    const base: { level: StockLevel; expectedRev: string | null } = pending ?? {
      level: existing
        ? (existing.body as StockLevel)
        : { id, storeId: movement.location, sku: movement.sku, onHand: 0 },
      expectedRev: existing?.rev ?? null,
    };
    next.set(id, {
      level: { ...base.level, onHand: base.level.onHand + delta },
      expectedRev: base.expectedRev,
    });
  }
  return [...next].map(([id, { level, expectedRev }]) => ({
    db: 'stock',
    id,
    body: level,
    storeId: level.storeId,
    expectedRev,
  }));
}

/** What applying point entries to a member gives: the new member document and any write-off. */
export type PointsApplied = {
  member: Member;
  /**
   * [PT3] An `adjust` entry that brings a balance the entries would make
   * negative back to 0, or null. The balance stays the fold of the entries.
   */
  writeOff: PointEntry | null;
  /** How many points the entries took beyond the balance (0 when none). */
  shortfall: number;
};

/**
 * [PT1] A member's balance moves by the sum of the new entries ([MP5]: it is
 * the fold of their entries). [PT3] Points never go below zero: when the
 * entries of one fact take more than the balance (an offline redemption on
 * two tills, a return of points already spent), the shortfall is written off
 * by one `adjust` entry with id `${triggerId}:write-off`, so the balance is 0,
 * still the fold of the entries, and HQ reviews the exception.
 */
export function applyPointEntries(
  member: Member,
  entries: readonly PointEntry[],
  trigger: { id: string; factId: string; at: string },
): PointsApplied {
  const balance = entries.reduce((sum, entry) => sum + entry.points, member.points);
  if (balance >= 0) return { member: { ...member, points: balance }, writeOff: null, shortfall: 0 };
  return {
    member: { ...member, points: 0 },
    writeOff: {
      id: `${trigger.id}:write-off`,
      memberId: member.id,
      kind: 'adjust',
      points: -balance,
      factId: trigger.factId,
      at: trigger.at,
    },
    shortfall: -balance,
  };
}
