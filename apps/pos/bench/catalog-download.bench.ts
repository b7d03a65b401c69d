/**
 * A terminal's first start at chain scale: the sync server (PGlite) holds N
 * SKUs and their prices; Chromium downloads everything that flows down to a
 * S001 terminal into IndexedDB (Dexie, strict durability), as the POS
 * renderer does.
 *
 *  npx tsx apps/pos/bench/catalog-download.bench.ts [--skus 300000]
 *      [--path pages|replication|both|none] [--parallel 2] [--resume true] [--peer true]
 *
 * - pages (the default): the first download below RxDB's document path
 *   (packages/replica catalog-download.ts), then replication from the
 *   sequence reached;
 * - replication: RxDB's CouchDB replication alone (the path before);
 * - the peer, in the same run: the same documents put straight into a plain
 *   IndexedDB object store, 10,000 per transaction (no RxDB, no network);
 * - resume: a fresh profile downloads by pages, the browser is killed at
 *   about 50 %, another starts on the same profile and finishes: the total.
 *
 * Before the browser, the server alone: every page of `_changes` read and
 * parsed in Node, no writes. The server is seeded through its batch write
 * path (one transaction per 5,000 SKUs). The default size (50,000 SKUs)
 * runs in a few minutes for `npm run bench`; docs/benchmarks.md uses 300,000.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { InitialSyncProgress } from '@pos/replica';
import type { Run } from './catalog-download-page';
import { startSyncServer, type RunningSyncServer } from '@pos/sync-server';
import { startKillableChromium } from '../e2e/browser';
import { serveReplicaPage } from './page-server';
import { seedSyntheticCatalog } from './seed-catalog';

const { values } = parseArgs({
  options: {
    skus: { type: 'string', default: '50000' },
    path: { type: 'string', default: 'pages' },
    parallel: { type: 'string', default: '2' },
    resume: { type: 'string', default: 'true' },
    peer: { type: 'string', default: 'true' },
    profile: { type: 'boolean', default: false },
    'peers-only': { type: 'boolean', default: false },
  },
});
const skus = Number(values.skus);
const parallel = Number(values.parallel);
const paths =
  values.path === 'both' ? ['pages', 'replication'] : values.path === 'none' ? [] : [values.path!];
if (!paths.every((p) => p === 'pages' || p === 'replication')) {
  throw new Error(`--path must be pages, replication, both or none, not ${values.path}`);
}
const TOKEN = 'demo-s001-pos1';

type CatalogBench = {
  download(url: string, token: string, path: string, parallel: number): Promise<Run>;
  rawWithReplicaIndexes(n: number): Promise<{ ms: number; indexes: string[] }>;
  progress(): InitialSyncProgress | null;
};
type ReplicaBench = { rawIndexedDb(n: number): Promise<number> };

const load = () =>
  execFileSync('uptime', { encoding: 'utf8' })
    .trim()
    .replace(/.*load/, 'load');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (docs: number, ms: number) => `${Math.round(docs / (ms / 1000))} docs/s`;

async function seed(sync: RunningSyncServer): Promise<void> {
  const started = performance.now();
  await seedSyntheticCatalog(sync.storage, skus, (seeded) =>
    process.stdout.write(`\rseeded ${seeded} / ${skus} SKUs on the server`),
  );
  process.stdout.write(`  (${seconds(performance.now() - started)})\n`);
}

/** The server alone: every page of products and prices read and parsed, nothing written. */
async function serverPages(url: string): Promise<void> {
  const started = performance.now();
  let docs = 0;
  for (const db of ['products', 'prices']) {
    for (let since = 0, more = true; more;) {
      const response = await fetch(
        `${url}/${db}/_changes?style=all_docs&feed=normal&include_docs=true&since=${since}&limit=10000`,
        { headers: { Authorization: `Bearer ${TOKEN}` } },
      );
      const page = (await response.json()) as { results: unknown[]; last_seq: number };
      docs += page.results.length;
      since = page.last_seq;
      more = page.results.length === 10_000;
    }
  }
  const ms = performance.now() - started;
  console.log(
    `server alone: ${docs} documents of _changes read and parsed in Node one page after the other: ${seconds(ms)}, ${rate(docs, ms)}; ${load()}`,
  );
}

function report(label: string, run: Run, extra = ''): void {
  const docs = run.products + run.prices;
  console.log(
    `${label}: ${run.products} products + ${run.prices} prices (plus the demo data) in ${seconds(run.ms)}, ${rate(docs, run.ms)}${extra}; ${load()}`,
  );
  const d = run.download;
  if (d) {
    console.log(
      `  replica opened in ${seconds(run.openMs)} (before); first download ended at ${seconds(run.downloadMs)}, replication's first pull after it`,
    );
    console.log(
      `  the download wrote ${d.written} documents; summed over the side-by-side collections: waiting for pages ${seconds(d.ms.wait)}, parsing ${seconds(d.ms.parse)}, writing ${seconds(d.ms.write)}`,
    );
  }
  const p = run.lastProgress;
  if (p)
    console.log(
      `  the progress bar's last figures: ${p.received} / ${p.total} (${p.percent} %), done ${p.done}`,
    );
}

/** The page's download (or resume) of everything that flows down to the terminal. */
const download = (tab: Page, url: string, path: string): Promise<Run> =>
  tab.evaluate(
    ([syncUrl, token, p, n]) =>
      (window as unknown as { catalogBench: CatalogBench }).catalogBench.download(
        syncUrl,
        token,
        p,
        n,
      ),
    [url, TOKEN, path, parallel] as const,
  );

/**
 * `--profile`: the page's JavaScript CPU profile (Chrome DevTools protocol)
 * over the download, printed as the functions with the most self time.
 */
async function startProfile(tab: Page): Promise<{ stop(): Promise<void> }> {
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const { profile } = await cdp.send('Profiler.stop');
      const samples = profile.samples?.length ?? 1;
      const byFunction = new Map<string, number>();
      for (const node of profile.nodes) {
        const { functionName, lineNumber, columnNumber } = node.callFrame;
        const key = `${functionName || '(anonymous)'} ${lineNumber}:${columnNumber}`;
        byFunction.set(key, (byFunction.get(key) ?? 0) + (node.hitCount ?? 0));
      }
      console.log(`  CPU profile of the page (${samples} samples of 1 ms), most self time:`);
      for (const [name, hits] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
        console.log(`    ${((hits / samples) * 100).toFixed(1).padStart(5)} %  ${name}`);
      }
    },
  };
}

async function openTab(
  browser: Awaited<ReturnType<typeof startKillableChromium>>['browser'],
  url: string,
): Promise<Page> {
  const tab = await browser.contexts()[0]!.newPage();
  tab.on('console', (message) => {
    if (message.type() === 'error') console.error(`page: ${message.text()}`);
  });
  await tab.goto(url);
  return tab;
}

/**
 * `--peers-only`: no server, no download: plain IndexedDB with no index (the
 * peer) and with the replica's indexes, side by side, to say where the page
 * path's time goes.
 */
async function peers(work: string, url: string, peerUrl: string): Promise<void> {
  const chromium = await startKillableChromium(join(work, 'profile-peers'));
  try {
    const peer = await openTab(chromium.browser, peerUrl);
    const rawMs = await peer.evaluate(
      (n) => (window as unknown as { replicaBench: ReplicaBench }).replicaBench.rawIndexedDb(n),
      skus,
    );
    console.log(`peer, no index: ${seconds(rawMs)}, ${rate(skus * 2, rawMs)}; ${load()}`);
    const tab = await openTab(chromium.browser, url);
    const indexed = await tab.evaluate(
      (n) =>
        (window as unknown as { catalogBench: CatalogBench }).catalogBench.rawWithReplicaIndexes(n),
      skus,
    );
    console.log(
      `peer with the replica's indexes: ${seconds(indexed.ms)}, ${rate(skus * 2, indexed.ms)}; ${load()}`,
    );
    for (const line of indexed.indexes) console.log(`  ${line}`);
  } finally {
    await chromium.kill();
  }
}

async function main(): Promise<void> {
  if (values['peers-only']) {
    const work = mkdtempSync(join(tmpdir(), 'pos-download-bench-'));
    const page = await serveReplicaPage(0, './catalog-download-page.ts');
    const peerPage = await serveReplicaPage(0, './replica-page.ts');
    try {
      await peers(work, page.url, peerPage.url);
    } finally {
      page.close();
      peerPage.close();
      rmSync(work, { recursive: true, force: true });
    }
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'pos-download-bench-'));
  const sync = await startSyncServer({ port: 0, dataDir: join(work, 'pglite'), seedDemo: true });
  const page = await serveReplicaPage(0, './catalog-download-page.ts');
  const peerPage = await serveReplicaPage(0, './replica-page.ts');
  try {
    await seed(sync);
    await serverPages(sync.url);

    for (const path of paths) {
      // A fresh profile: an empty replica, as on a terminal's first start.
      const chromium = await startKillableChromium(join(work, `profile-${path}`));
      try {
        const tab = await openTab(chromium.browser, page.url);
        const profiler = values.profile ? await startProfile(tab) : null;
        const run = await download(tab, sync.url, path);
        if (profiler) await profiler.stop();
        report(
          path === 'pages' ? 'first download by pages' : 'first download by replication alone',
          run,
          path === 'pages' ? ` (${parallel} collections side by side)` : '',
        );
        if (path === 'pages' && values.peer === 'true') {
          // Why: the same documents written with no RxDB and no network, the floor
          // under any design in this browser on this machine.
          const peer = await openTab(chromium.browser, peerPage.url);
          const rawMs = await peer.evaluate(
            (n) =>
              (window as unknown as { replicaBench: ReplicaBench }).replicaBench.rawIndexedDb(n),
            skus,
          );
          console.log(
            `  peer: the same documents put straight into IndexedDB (no RxDB, no network): ${seconds(rawMs)}, ${rate(skus * 2, rawMs)}; pages / peer time ${(run.ms / rawMs).toFixed(2)}; ${load()}`,
          );
        }
      } finally {
        await chromium.kill();
      }
    }

    if (values.resume === 'true') {
      // Killed at about half, then started again on the same profile (and origin).
      const profile = join(work, 'profile-resume');
      const first = await startKillableChromium(profile);
      let killedAt: InitialSyncProgress | null = null;
      const started = performance.now();
      try {
        const tab = await openTab(first.browser, page.url);
        void download(tab, sync.url, 'pages').catch(() => undefined); // the browser is killed under it
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          killedAt = await tab.evaluate(() =>
            (window as unknown as { catalogBench: CatalogBench }).catalogBench.progress(),
          );
          if ((killedAt?.percent ?? 0) >= 50) break;
        }
      } finally {
        await first.kill();
      }
      const beforeKill = performance.now() - started;
      const second = await startKillableChromium(profile);
      try {
        const tab = await openTab(second.browser, page.url);
        const run = await download(tab, sync.url, 'pages');
        console.log(
          `resume: killed at ${killedAt?.percent} % (${killedAt?.received} documents) after ${seconds(beforeKill)}; a new browser on the same profile finished in ${seconds(run.ms)}; total ${seconds(beforeKill + run.ms)}`,
        );
        report('  after the restart', run);
      } finally {
        await second.kill();
      }
    }
  } finally {
    page.close();
    peerPage.close();
    await sync.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
