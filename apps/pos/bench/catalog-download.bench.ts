/**
 * A terminal's first start at chain scale: the sync server (PGlite) holds N
 * SKUs and their prices; Chromium downloads them with RxDB's CouchDB
 * replication into IndexedDB (Dexie), exactly as the POS renderer does.
 *
 *  npx tsx apps/pos/bench/catalog-download.bench.ts [--skus 20000]
 *
 * The default stays at 20,000 until the server has a bulk import: seeding goes
 * through one write transaction per 5,000 SKUs of single-document puts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSyncServer } from '@pos/sync-server';
import { startKillableChromium } from '../e2e/browser';
import { serveReplicaPage } from './page-server';
import { syntheticProduct } from './synthetic-catalog';

const { values } = parseArgs({ options: { skus: { type: 'string', default: '20000' } } });
const skus = Number(values.skus);

type Bench = {
  download(url: string, token: string): Promise<{ ms: number; products: number; prices: number }>;
};

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pos-download-bench-'));
  const sync = await startSyncServer({ port: 0, dataDir: join(work, 'pglite'), seedDemo: true });
  try {
    const seedStarted = performance.now();
    const chunk = 5_000;
    for (let start = 0; start < skus; start += chunk) {
      await sync.storage.transaction(async (tx) => {
        for (let i = start; i < Math.min(skus, start + chunk); i++) {
          const { product, price } = syntheticProduct(i);
          await tx.put({
            db: 'products',
            id: product.id,
            body: product,
            storeId: null,
            expectedRev: null,
          });
          await tx.put({
            db: 'prices',
            id: price.id,
            body: price,
            storeId: null,
            expectedRev: null,
          });
        }
      });
      process.stdout.write(
        `\rseeded ${Math.min(skus, start + chunk)} / ${skus} SKUs on the server`,
      );
    }
    process.stdout.write(`  (${((performance.now() - seedStarted) / 1000).toFixed(0)} s)\n`);

    const page = await serveReplicaPage();
    const pageUrl = page.url;

    const chromium = await startKillableChromium(join(work, 'profile'));
    try {
      const tab = await chromium.browser.contexts()[0]!.newPage();
      await tab.goto(pageUrl);
      const result = await tab.evaluate(
        ([url, token]) =>
          (window as unknown as { replicaBench: Bench }).replicaBench.download(url!, token!),
        [sync.url, 'demo-s001-pos1'],
      );
      const docs = result.products + result.prices;
      console.log(
        `\nFirst catalog download: ${result.products} products + ${result.prices} prices (plus stores and stock)`,
      );
      console.log(
        `  ${(result.ms / 1000).toFixed(1)} s, ${Math.round(docs / (result.ms / 1000))} docs/s (goal: 300,000 SKUs in <= 120 s)`,
      );
    } finally {
      await chromium.kill();
      page.close();
    }
  } finally {
    await sync.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
