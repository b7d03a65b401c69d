/**
 * A terminal's first start at chain scale: the sync server (PGlite) holds N
 * SKUs and their prices; Chromium downloads them with RxDB's CouchDB
 * replication into IndexedDB (Dexie), exactly as the POS renderer does.
 *
 *  npx tsx apps/pos/bench/catalog-download.bench.ts [--skus 300000]
 *
 * The server is seeded through its batch write path (one transaction per
 * 5,000 SKUs). The default size (50,000 SKUs) runs in a few minutes for
 * `npm run bench`; the figures in docs/benchmarks.md use 300,000.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSyncServer, type DocWrite } from '@pos/sync-server';
import { startKillableChromium } from '../e2e/browser';
import { serveReplicaPage } from './page-server';
import { syntheticProduct } from './synthetic-catalog';

const { values } = parseArgs({
  options: {
    skus: { type: 'string', default: '50000' },
    durability: { type: 'string', default: 'strict' },
  },
});
const skus = Number(values.skus);

type Bench = {
  download(url: string, token: string): Promise<{ ms: number; products: number; prices: number }>;
  rawIndexedDb(n: number): Promise<number>;
};

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pos-download-bench-'));
  const sync = await startSyncServer({ port: 0, dataDir: join(work, 'pglite'), seedDemo: true });
  try {
    const seedStarted = performance.now();
    const chunk = 5_000;
    for (let start = 0; start < skus; start += chunk) {
      const writes: DocWrite[] = [];
      for (let i = start; i < Math.min(skus, start + chunk); i++) {
        const { product, price } = syntheticProduct(i);
        const common = { storeId: null, expectedRev: null } as const;
        writes.push({ db: 'products', id: product.id, body: product, ...common });
        writes.push({ db: 'prices', id: price.id, body: price, ...common });
      }
      const refused = (await sync.storage.bulkWrite(writes)).find((result) => !result.ok);
      if (refused) throw new Error(`seeding refused ${refused.id}`);
      process.stdout.write(
        `\rseeded ${Math.min(skus, start + chunk)} / ${skus} SKUs on the server`,
      );
    }
    process.stdout.write(`  (${((performance.now() - seedStarted) / 1000).toFixed(0)} s)\n`);

    const page = await serveReplicaPage();
    const pageUrl = page.url;

    // A fresh profile: an empty replica, as on a terminal's first start.
    const chromium = await startKillableChromium(join(work, 'profile'));
    try {
      const tab = await chromium.browser.contexts()[0]!.newPage();
      tab.on('console', (message) => {
        if (message.type() === 'error') console.error(`page: ${message.text()}`);
      });
      await tab.goto(`${pageUrl}?durability=${values.durability}`);
      const result = await tab.evaluate(
        ([url, token]) =>
          (window as unknown as { replicaBench: Bench }).replicaBench.download(url!, token!),
        [sync.url, 'demo-s001-pos1'],
      );
      const docs = result.products + result.prices;
      console.log(
        `\nFirst catalog download by replication: ${result.products} products + ${result.prices} prices (plus the rest of the demo data)`,
      );
      console.log(
        `  ${(result.ms / 1000).toFixed(1)} s, ${Math.round(docs / (result.ms / 1000))} docs/s (goal: 300,000 SKUs in <= 120 s)`,
      );
      // Why: the same documents written with no RxDB and no network, the floor
      // under any design in this browser on this machine.
      const rawMs = await tab.evaluate(
        (n) => (window as unknown as { replicaBench: Bench }).replicaBench.rawIndexedDb(n),
        skus,
      );
      console.log(
        `  peer: the same documents put straight into IndexedDB (no RxDB, no network): ${(rawMs / 1000).toFixed(1)} s, ${Math.round((skus * 2) / (rawMs / 1000))} docs/s`,
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
