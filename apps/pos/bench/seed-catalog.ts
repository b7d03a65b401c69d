/**
 * Seeds a sync server with N synthetic SKUs and their prices through its
 * batch write path (5,000 SKUs per transaction), as the download benchmarks
 * of the till and the tablet start.
 */
import type { DocWrite, RunningSyncServer } from '@pos/sync-server';
import { syntheticProduct } from './synthetic-catalog';

export async function seedSyntheticCatalog(
  storage: RunningSyncServer['storage'],
  skus: number,
  onProgress: (seeded: number) => void = () => undefined,
): Promise<void> {
  const chunk = 5_000;
  for (let start = 0; start < skus; start += chunk) {
    const writes: DocWrite[] = [];
    for (let i = start; i < Math.min(skus, start + chunk); i++) {
      const { product, price } = syntheticProduct(i);
      const common = { storeId: null, expectedRev: null } as const;
      writes.push({ db: 'products', id: product.id, body: product, ...common });
      writes.push({ db: 'prices', id: price.id, body: price, ...common });
    }
    const refused = (await storage.bulkWrite(writes)).find((result) => !result.ok);
    if (refused) throw new Error(`seeding refused ${refused.id}`);
    onProgress(Math.min(skus, start + chunk));
  }
}
