/**
 * Server-owned state derived from facts. Pure: the push service reads the
 * current documents, calls these, and writes the result in the same
 * transaction as the fact. [PJ1]
 */
import { stockLevelId, type StockLevel, type StockMovement } from '@pos/domain';
import type { DocRow, DocWrite } from './storage/storage';

/**
 * [PJ1] Applies movements to the current stock levels: each level's onHand
 * moves by the delta; a level that does not exist yet starts at 0.
 */
export function stockWritesForMovements(
  current: ReadonlyMap<string, Pick<DocRow, 'rev' | 'body'>>,
  movements: readonly StockMovement[],
): DocWrite[] {
  const next = new Map<string, { level: StockLevel; expectedRev: string | null }>();
  for (const movement of movements) {
    const id = stockLevelId(movement.storeId, movement.sku);
    const pending = next.get(id);
    const existing = current.get(id);
    const base: { level: StockLevel; expectedRev: string | null } = pending ?? {
      level: existing
        ? (existing.body as StockLevel)
        : { id, storeId: movement.storeId, sku: movement.sku, onHand: 0 },
      expectedRev: existing?.rev ?? null,
    };
    next.set(id, {
      level: { ...base.level, onHand: base.level.onHand + movement.delta },
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
