/**
 * [IV15] The demo's safety stock: a few rows at S001 and S002, and SKU-0019
 * low at S001 (16 on hand: ATP 12 after a safety stock of 4, at or below the
 * reorder point 14) with plenty at S002 (23, floor 6), so the console shows
 * an alert whose suggestion is a transfer of 17 from S002 and a purchase of
 * the other 3 rounded up to a pack of 5. Rows already there are kept (the
 * demo's users may have changed them).
 */
import type { SyncStorage } from '../storage/storage';
import type { SettingsRow } from './safety-stock';
import { writeSafetyStock } from './safety-stock';

/** The SKU the demo shows low at S001. */
export const DEMO_LOW_SKU = 'SKU-0019';

export const DEMO_SAFETY_STOCK: SettingsRow[] = [
  {
    storeId: 'S001',
    sku: DEMO_LOW_SKU,
    safetyStock: 4,
    reorderPoint: 14,
    maxStock: 36,
    leadTimeDays: 3,
    packSize: 5,
  },
  {
    storeId: 'S002',
    sku: DEMO_LOW_SKU,
    safetyStock: 3,
    reorderPoint: 6,
    maxStock: null,
    leadTimeDays: 3,
    packSize: 5,
  },
  {
    storeId: 'S001',
    sku: 'SKU-0001',
    safetyStock: 2,
    reorderPoint: 5,
    maxStock: 30,
    leadTimeDays: 3,
    packSize: 6,
  },
  {
    storeId: 'S002',
    sku: 'SKU-0001',
    safetyStock: 2,
    reorderPoint: 4,
    maxStock: null,
    leadTimeDays: 5,
    packSize: 6,
  },
  {
    storeId: 'S002',
    sku: 'SKU-0002',
    safetyStock: 2,
    reorderPoint: 4,
    maxStock: null,
    leadTimeDays: 5,
    packSize: 12,
  },
];

/** [IV15] Seeds the demo's safety stock; idempotent. */
export async function seedInventoryDemo(storage: SyncStorage): Promise<void> {
  await writeSafetyStock(storage, DEMO_SAFETY_STOCK, 'manual', 'demo', '2026-01-01T00:00:00.000Z', {
    keepExisting: true,
  });
}
