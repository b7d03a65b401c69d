/**
 * The local replica at chain scale, in Chromium with real IndexedDB:
 * fills a replica with N SKUs and their prices, then measures what a cashier
 * waits for: cold start to ready-to-sell (whole browser restarted each time),
 * barcode lookup latency, and the JS heap after start.
 *
 *   npx tsx apps/pos/bench/replica-scale.bench.ts [--skus 300000] [--starts 5] [--lookups 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startKillableChromium } from '../e2e/browser';
import { serveReplicaPage } from './page-server';

type ReplicaBench = {
  fill(from: number, to: number): Promise<number>;
  ready(probe: number): Promise<{ sinceNavigation: number; products: number }>;
  lookups(indexes: number[]): Promise<number[]>;
};

const { values } = parseArgs({
  options: {
    skus: { type: 'string', default: '300000' },
    starts: { type: 'string', default: '5' },
    lookups: { type: 'string', default: '2000' },
  },
});
const skus = Number(values.skus);
const starts = Number(values.starts);
const lookupCount = Number(values.lookups);

/** A small deterministic generator, so every run looks up the same SKUs. */
function* randomIndexes(count: number, max: number): Generator<number> {
  let state = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    yield (state >>> 0) % max;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pos-replica-bench-'));
  const server = await serveReplicaPage();
  const url = server.url;
  const profile = join(work, 'profile');
  const chromiumVersion = await browserVersion(profile);

  const bench = (page: Page) => ({
    fill: (from: number, to: number) =>
      page.evaluate(
        ([a, b]) => (window as unknown as { replicaBench: ReplicaBench }).replicaBench.fill(a!, b!),
        [from, to],
      ),
    ready: (probe: number) =>
      page.evaluate(
        (p) => (window as unknown as { replicaBench: ReplicaBench }).replicaBench.ready(p),
        probe,
      ),
    lookups: (indexes: number[]) =>
      page.evaluate(
        (xs) => (window as unknown as { replicaBench: ReplicaBench }).replicaBench.lookups(xs),
        indexes,
      ),
  });

  try {
    // Fill once.
    const filler = await startKillableChromium(profile);
    const fillPage = await filler.browser.contexts()[0]!.newPage();
    await fillPage.goto(url);
    let fillMs = 0;
    const step = 50_000;
    for (let from = 0; from < skus; from += step) {
      fillMs += await bench(fillPage).fill(from, Math.min(skus, from + step));
      process.stdout.write(`\rfilled ${Math.min(skus, from + step)} / ${skus} SKUs`);
    }
    process.stdout.write('\n');
    await fillPage.close();
    await filler.browser.close().catch(() => undefined);
    await filler.kill();

    // Cold starts: a new browser process on the same profile each time.
    const coldStarts: number[] = [];
    const heaps: number[] = [];
    let lookupTimes: number[] = [];
    for (let run = 0; run < starts; run++) {
      const chromium = await startKillableChromium(profile);
      const page = await chromium.browser.contexts()[0]!.newPage();
      await page.goto(url);
      const ready = await bench(page).ready((run * 7919) % skus);
      if (ready.products !== skus)
        throw new Error(`replica holds ${ready.products} SKUs, expected ${skus}`);
      coldStarts.push(ready.sinceNavigation);
      const cdp = await page.context().newCDPSession(page);
      heaps.push(((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize);
      if (run === starts - 1)
        lookupTimes = await bench(page).lookups([...randomIndexes(lookupCount, skus)]);
      await chromium.kill();
    }

    const sortedStarts = [...coldStarts].sort((a, b) => a - b);
    const sortedLookups = [...lookupTimes].sort((a, b) => a - b);
    const heapMb = Math.max(...heaps) / 1024 / 1024;
    const docs = skus * 2;
    console.log(
      `\nReplica at scale: ${skus} SKUs + ${skus} prices in RxDB 17 on IndexedDB (Dexie), ${chromiumVersion}`,
    );
    console.log(
      `fill (bulkInsert, strict durability)   ${(fillMs / 1000).toFixed(1)} s, ${Math.round(docs / (fillMs / 1000))} docs/s`,
    );
    console.log(
      `cold start to ready-to-sell            median ${fmt(percentile(sortedStarts, 50))} ms, max ${fmt(sortedStarts.at(-1)!)} ms over ${starts} browser starts (goal <= 1000 ms)`,
    );
    console.log(
      `barcode lookup                         p50 ${fmt(percentile(sortedLookups, 50))} ms, p99 ${fmt(percentile(sortedLookups, 99))} ms over ${lookupTimes.length} lookups (goal p99 <= 10 ms)`,
    );
    console.log(
      `JS heap after cold start               ${heapMb.toFixed(1)} MB (max over starts; goal <= 250 MB)`,
    );
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

async function browserVersion(profile: string): Promise<string> {
  const chromium = await startKillableChromium(profile);
  const version = chromium.browser.version();
  await chromium.kill();
  return `Chromium ${version}`;
}

await main();
