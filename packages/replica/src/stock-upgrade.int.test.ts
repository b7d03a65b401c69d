/**
 * [DS3] [ATP3] A till upgrading from stock levels without `held` (stock
 * schema version 0): at the first open of the new version every level is
 * migrated, in batches, before the replica is handed out; each level is as
 * it was (holding nothing), the replica takes writes at once, and a second
 * open has nothing left to migrate.
 */
import { describe, expect, it } from 'vitest';
import type { RxJsonSchema } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { stockLevelId, type StockLevel } from '@pos/domain';
import { STOCK_SCHEMA_V0 } from '@pos/domain/fixtures';
import { openReplica, replicaDefinitions } from './database';

const storage = getRxStorageMemory();

const level = (i: number): StockLevel => ({
  id: stockLevelId('S001', `SKU-${i}`),
  storeId: 'S001',
  sku: `SKU-${i}`,
  onHand: i - 3,
});
const levels = Array.from({ length: 47 }, (_, i) => level(i));

/** The till as the earlier version left it: its stock levels at version 0. */
async function earlierTill(name: string): Promise<void> {
  const definitions = replicaDefinitions();
  definitions.stock = {
    schema: structuredClone(STOCK_SCHEMA_V0) as unknown as RxJsonSchema<unknown>,
  };
  const db = await openReplica({ name, storage, definitions });
  await db.stock.bulkInsert(levels);
  await db.close();
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

describe('a till upgrading to stock levels with held units', () => {
  it.each([
    ['in batches smaller than the levels', 10],
    ['in one batch', undefined],
  ])(
    '[DS3] [ATP3] migrates every level, unchanged and holding nothing, %s',
    async (_, migrationBatchSize) => {
      const name = `stock-upgrade-${migrationBatchSize ?? 'default'}`;
      await earlierTill(name);

      const db = await openReplica({
        name,
        storage,
        ...(migrationBatchSize ? { migrationBatchSize } : {}),
      });
      const stored = (await db.stock.find().exec()).map((d) => d.toJSON() as StockLevel);
      expect(stored.sort(byId)).toEqual([...levels].sort(byId));
      expect(await db.stock.migrationNeeded()).toBe(false);

      // The next pull's level with `held` is taken at once.
      await db.stock.upsert({ ...level(5), held: 2 });
      expect((await db.stock.findOne(level(5).id).exec())?.toJSON()).toEqual({
        ...level(5),
        held: 2,
      });
      await db.close();

      const again = await openReplica({ name, storage });
      expect(await again.stock.count().exec()).toBe(levels.length);
      expect((await again.stock.findOne(level(5).id).exec())?.get('held')).toBe(2);
      await again.close();
    },
  );
});
