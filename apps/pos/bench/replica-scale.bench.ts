/**
 * The local replica at chain scale, in Chromium with real IndexedDB:
 * fills a replica with N SKUs and their prices and M members, then measures
 * what a cashier waits for: cold start to ready-to-sell (whole browser
 * restarted each time), barcode lookup, member lookup by phone, name and
 * pinyin search (after the background search index is built), and the JS heap.
 *
 *   npx tsx apps/pos/bench/replica-scale.bench.ts [--skus 300000] [--members 200000]
 *       [--starts 5] [--lookups 2000] [--profile DIR --port N]
 *
 * The default size (50,000 SKUs, 30,000 members) runs in a few minutes for
 * `npm run bench`; the figures in docs/benchmarks.md use the full size.
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
  fillMembers(from: number, to: number): Promise<number>;
  ready(probe: number): Promise<{ sinceNavigation: number }>;
  counts(): Promise<{ products: number; members: number }>;
  buildSearch(): Promise<number>;
  lookups(indexes: number[]): Promise<number[]>;
  memberLookups(indexes: number[]): Promise<number[]>;
  searches(queries: string[]): Promise<{ ms: number[]; hits: number[] }>;
};

const { values } = parseArgs({
  options: {
    skus: { type: 'string', default: '50000' },
    members: { type: 'string', default: '30000' },
    starts: { type: 'string', default: '5' },
    lookups: { type: 'string', default: '2000' },
    /**
     * A profile an earlier run filled with the same sizes, and the page port
     * it used (the IndexedDB origin): measures without filling again.
     */
    profile: { type: 'string' },
    port: { type: 'string', default: '0' },
  },
});
const skus = Number(values.skus);
const members = Number(values.members);
const starts = Number(values.starts);
const lookupCount = Number(values.lookups);

/**
 * What cashiers type: pinyin initials (nn: 牛奶, jy: 酱油, kkkl: 可口可乐),
 * full pinyin, Chinese, English in any case, and misses, which scan the
 * whole index (the slowest case).
 */
const QUERIES = [
  'nn',
  'cnn',
  'niunai',
  'jy',
  'jiangyou',
  'kkkl',
  'ljj',
  'htywjy',
  'yili',
  '牛奶',
  '酱油',
  '海天',
  'milk',
  'SOY SAUCE',
  'green tea',
  'family pack 1kg',
  'qqq',
  'xyzzy',
  '不存在',
  'zzzz',
];

/** A small deterministic generator, so every run looks up the same SKUs. */
function* randomIndexes(count: number, max: number, seed = 0x9e3779b9): Generator<number> {
  let state = seed;
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

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function call<K extends keyof ReplicaBench>(
  page: Page,
  name: K,
  ...args: Parameters<ReplicaBench[K]>
): ReturnType<ReplicaBench[K]> {
  return page.evaluate(
    ([fn, params]) => {
      const bench = (
        window as unknown as { replicaBench: Record<string, (...args: unknown[]) => unknown> }
      ).replicaBench;
      return bench[fn as string]!(...(params as unknown[]));
    },
    [name, args] as const,
  ) as ReturnType<ReplicaBench[K]>;
}

async function heapUsed(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  return ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pos-replica-bench-'));
  const server = await serveReplicaPage(Number(values.port));
  const url = server.url;
  const profile = values.profile ?? join(work, 'profile');
  try {
    // Fill once.
    let fillMs = 0;
    let memberFillMs = 0;
    if (!values.profile) {
      const filler = await startKillableChromium(profile);
      const fillPage = await filler.browser.contexts()[0]!.newPage();
      await fillPage.goto(url);
      const step = 50_000;
      for (let from = 0; from < skus; from += step) {
        fillMs += await call(fillPage, 'fill', from, Math.min(skus, from + step));
        process.stdout.write(`\rfilled ${Math.min(skus, from + step)} / ${skus} SKUs`);
      }
      for (let from = 0; from < members; from += step) {
        memberFillMs += await call(fillPage, 'fillMembers', from, Math.min(members, from + step));
        process.stdout.write(
          `\rfilled ${skus} SKUs, ${Math.min(members, from + step)} / ${members} members`,
        );
      }
      process.stdout.write('\n');
      await fillPage.close();
      await filler.kill();
    }

    // Cold starts: a new browser process on the same profile each time.
    const coldStarts: number[] = [];
    const heaps: number[] = [];
    let lookupTimes: number[] = [];
    let memberTimes: number[] = [];
    let searchBuildMs = 0;
    let searchHeap = 0;
    let searchTimes: number[] = [];
    let searchHits: number[] = [];
    for (let run = 0; run < starts; run++) {
      const chromium = await startKillableChromium(profile);
      const page = await chromium.browser.contexts()[0]!.newPage();
      await page.goto(url);
      const ready = await call(page, 'ready', (run * 7919) % skus);
      coldStarts.push(ready.sinceNavigation);
      heaps.push(await heapUsed(page));
      if (run === starts - 1) {
        const counts = await call(page, 'counts');
        if (counts.products !== skus || counts.members !== members)
          throw new Error(`replica holds ${JSON.stringify(counts)}, expected ${skus}/${members}`);
        lookupTimes = await call(page, 'lookups', [...randomIndexes(lookupCount, skus)]);
        memberTimes = await call(page, 'memberLookups', [
          ...randomIndexes(lookupCount, members, 0x2545f491),
        ]);
        searchBuildMs = await call(page, 'buildSearch');
        searchHeap = await heapUsed(page);
        const queries = Array.from({ length: 10 }, () => QUERIES).flat();
        const result = await call(page, 'searches', queries);
        searchTimes = result.ms;
        searchHits = result.hits.slice(0, QUERIES.length);
      }
      await chromium.kill();
    }

    const starts_ = sorted(coldStarts);
    const lookups = sorted(lookupTimes);
    const memberLookups = sorted(memberTimes);
    const searches = sorted(searchTimes);
    console.log(
      `\nReplica at scale: ${skus} SKUs + ${skus} prices + ${members} members in RxDB 17 on IndexedDB (Dexie)`,
    );
    if (!values.profile)
      console.log(
        `fill (bulkInsert, strict durability)   SKUs+prices ${(fillMs / 1000).toFixed(1)} s (${Math.round((skus * 2) / (fillMs / 1000))} docs/s), members ${(memberFillMs / 1000).toFixed(1)} s`,
      );
    console.log(
      `cold start to ready-to-sell            median ${fmt(percentile(starts_, 50))} ms, max ${fmt(starts_.at(-1)!)} ms over ${starts} browser starts (goal <= 1000 ms)`,
    );
    console.log(
      `JS heap after cold start               ${mb(Math.max(...heaps))} (max over starts; goal <= 250 MB)`,
    );
    console.log(
      `barcode lookup                         p50 ${fmt(percentile(lookups, 50))} ms, p99 ${fmt(percentile(lookups, 99))} ms over ${lookups.length} lookups (goal p99 <= 10 ms)`,
    );
    console.log(
      `member lookup by phone (hash + index)  p50 ${fmt(percentile(memberLookups, 50))} ms, p95 ${fmt(percentile(memberLookups, 95))} ms over ${memberLookups.length} lookups (goal p95 <= 20 ms)`,
    );
    console.log(
      `search index, built after ready        ${(searchBuildMs / 1000).toFixed(1)} s in the background; JS heap then ${mb(searchHeap)}`,
    );
    console.log(
      `name and pinyin search (20 results)    p50 ${fmt(percentile(searches, 50))} ms, p95 ${fmt(percentile(searches, 95))} ms, max ${fmt(searches.at(-1)!)} ms over ${searches.length} searches (goal p95 <= 50 ms)`,
    );
    console.log(`  hits per query: ${QUERIES.map((q, i) => `${q}=${searchHits[i]}`).join(', ')}`);
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
