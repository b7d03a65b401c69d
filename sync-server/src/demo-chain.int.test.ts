/**
 * The demo-chain generator writing into a real storage (PGlite always,
 * PostgreSQL with TEST_DATABASE_URL).
 */
import { describe, expect, it } from 'vitest';
import { COLLECTION_NAMES } from '@pos/domain';
import type { ChainSize } from './demo-chain';
import { generateChain, type ChainProgress } from './demo-chain-load';
import type { SyncStorage } from './storage/storage';
import { readLocations } from './orders/locations';
import { BACKENDS } from './test-support';

const SIZE: ChainSize = {
  stores: 3,
  skus: 40,
  members: 50,
  assortment: 10,
  promotions: 5,
  coupons: 10,
};

/** Every document's id and revision (a hash of its content), collection by collection. */
async function snapshot(storage: SyncStorage): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const db of COLLECTION_NAMES) {
    const page = await storage.changes(db, { since: 0, limit: 10_000, scope: null });
    out[db] = page.rows.map((row) => `${row.id} ${row.rev}`).sort();
  }
  return out;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`generate-chain on ${backend.name}`, () => {
    it('[DC2] [DC3] writes the chain in batches; again, or elsewhere, with the same seed gives the same documents', async () => {
      const first = await backend.open();
      const second = await backend.open();
      try {
        const progress: ChainProgress[] = [];
        const result = await generateChain(first, {
          seed: 42,
          size: SIZE,
          batch: 16,
          onProgress: (p) => progress.push(p),
          now: () => 0,
        });
        expect(result).toMatchObject({ updated: 0, unchanged: 0 });
        expect(result.created).toBe(result.docs);
        expect(progress.at(-1)).toMatchObject({ db: 'coupons', done: 10, total: 10 });
        expect(progress.filter((p) => p.db === 'products').map((p) => p.done)).toEqual([
          16, 32, 40,
        ]);

        const counts = Object.fromEntries(
          await Promise.all(
            ['stores', 'products', 'prices', 'stock', 'members', 'promotions', 'coupons'].map(
              async (db) => [db, (await first.dbInfo(db as 'stores', null)).docCount],
            ),
          ),
        );
        expect(counts).toEqual({
          stores: 3,
          products: 40,
          prices: 40,
          // 3 stores and [DC3] the warehouse, 10 SKUs each.
          stock: 40,
          members: 50,
          promotions: 5,
          coupons: 10,
        });
        // Each store's devices see only their own store's stock.
        expect((await first.dbInfo('stock', 'S0002')).docCount).toBe(10);
        // [DC3] The stores' locations and one warehouse with its own stock.
        const located = (await readLocations(first)).map((l) => [l.id, l.kind]);
        expect(located).toEqual([
          ['S0001', 'store'],
          ['S0002', 'store'],
          ['S0003', 'store'],
          ['W001', 'warehouse'],
        ]);
        expect((await first.dbInfo('stock', 'W001')).docCount).toBe(10);

        const before = await snapshot(first);
        const seq = (await first.dbInfo('products', null)).updateSeq;
        const again = await generateChain(first, { seed: 42, size: SIZE });
        expect(again).toMatchObject({ created: 0, updated: 0, unchanged: result.docs });
        expect((await first.dbInfo('products', null)).updateSeq).toBe(seq);

        await generateChain(second, { seed: 42, size: SIZE, batch: 7 });
        expect(await snapshot(second)).toEqual(before);
      } finally {
        await first.close();
        await second.close();
      }
    });
  });
}
