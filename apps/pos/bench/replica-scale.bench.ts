/**
 * The local replica at chain scale, in Chromium with real IndexedDB:
 * fills a replica with N SKUs and their prices, M members, a store's online
 * orders for pickup and a fashion store's tagged items (EPCs), then measures
 * what a cashier waits for: cold start to ready-to-sell (whole browser
 * restarted each time), barcode lookup, member lookup by phone, an order at
 * the pickup desk (QR and typed code), the RFID checkout's reads, name and
 * pinyin search (after the background search index is built), the JS heap
 * and the profile's IndexedDB size on disk.
 *
 *   npx tsx apps/pos/bench/replica-scale.bench.ts [--skus 300000] [--members 200000]
 *       [--orders 20000] [--epcs 50000] [--starts 5] [--lookups 2000] [--code-lookups 10]
 *       [--profile DIR --port N] [--no-peer]
 *
 * The default size (50,000 SKUs, 30,000 members, 2,000 orders, 5,000 EPCs)
 * runs in a few minutes for `npm run bench`; the figures in
 * docs/benchmarks.md use the full size.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startKillableChromium } from '../e2e/browser';
import { serveReplicaPage } from './page-server';
import { ITEMS_PER_SKU, OPEN_ORDER_SHARE } from './synthetic-catalog';

type ReplicaBench = {
  fill(from: number, to: number): Promise<number>;
  fillMembers(from: number, to: number): Promise<number>;
  fillOrders(from: number, to: number, count: number, skus: number, now: number): Promise<number>;
  fillItems(from: number, to: number, epcs: number, now: number): Promise<number>;
  ready(probe: number): Promise<{
    sinceNavigation: number;
    scriptStarted: number;
    openMs: number;
    lookupMs: number;
  }>;
  counts(): Promise<{ products: number; members: number; orders: number; epcs: number }>;
  storageUsage(): Promise<number>;
  fillMaking(): Promise<Record<string, number>>;
  buildSearch(): Promise<number>;
  lookups(indexes: number[]): Promise<number[]>;
  memberLookups(indexes: number[]): Promise<number[]>;
  orderByQr(indexes: number[]): Promise<number[]>;
  orderByCode(indexes: number[]): Promise<number[]>;
  orderByCodeSteps(): Promise<{
    read: number;
    facts: number;
    match: number;
    attempt: number;
    open: number;
  }>;
  epcLookups(batches: number[][]): Promise<number[]>;
  searches(queries: string[]): Promise<{ ms: number[]; hits: number[] }>;
};

const { values } = parseArgs({
  // `--no-peer` leaves the peer out.
  allowNegative: true,
  options: {
    skus: { type: 'string', default: '50000' },
    members: { type: 'string', default: '30000' },
    /** The store's online orders for pickup, of the last 90 days (the newest 2 % still open). */
    orders: { type: 'string', default: '2000' },
    /** The store's tagged items, ten a SKU, one in five sold. */
    epcs: { type: 'string', default: '5000' },
    starts: { type: 'string', default: '5' },
    lookups: { type: 'string', default: '2000' },
    /** Typed pickup codes: each reads every order the till holds, so fewer. */
    'code-lookups': { type: 'string', default: '10' },
    /**
     * Each cold start is followed by one on a small profile (1,000 SKUs, nothing
     * else) in the same run: the peer that tells the machine's load from the data's size.
     */
    peer: { type: 'boolean', default: true },
    /**
     * A profile an earlier run filled with the same sizes, and the page port
     * it used (the IndexedDB origin): measures without filling again. A
     * directory not there yet is filled (give a fixed `--port`) and kept.
     */
    profile: { type: 'string' },
    port: { type: 'string', default: '0' },
  },
});
const skus = Number(values.skus);
const members = Number(values.members);
const orders = Number(values.orders);
const epcs = Number(values.epcs);
const starts = Number(values.starts);
const lookupCount = Number(values.lookups);
const codeLookups = Number(values['code-lookups']);
const itemDocs = Math.ceil(epcs / ITEMS_PER_SKU);
if (itemDocs > skus) throw new Error(`--epcs ${epcs} needs ${itemDocs} SKUs, only ${skus}`);
/** The open orders are the newest: the pickup desk looks these up. */
const openOrders = Math.ceil(orders * OPEN_ORDER_SHARE);

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

/** Bytes of the files under `dir`. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(path) : statSync(path).size;
  }
  return total;
}

/** `count` distinct indexes below `max` in a random order (a partial shuffle), deterministic. */
function distinctBatch(count: number, max: number, seed: number): number[] {
  const swapped = new Map<number, number>();
  const at = (i: number) => swapped.get(i) ?? i;
  const picked: number[] = [];
  const draws = randomIndexes(Math.min(count, max), 2 ** 31, seed);
  for (let n = 0; n < Math.min(count, max); n++) {
    const j = n + (draws.next().value! % (max - n));
    picked.push(at(j));
    swapped.set(j, at(n));
  }
  return picked;
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
  const filling = !values.profile || !existsSync(values.profile);
  try {
    // Fill once.
    let fillMs = 0;
    let memberFillMs = 0;
    let orderFillMs = 0;
    let itemFillMs = 0;
    let making: Record<string, number> = {};
    if (filling) {
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
      const now = Date.now();
      for (let from = 0; from < orders; from += step) {
        const to = Math.min(orders, from + step);
        orderFillMs += await call(fillPage, 'fillOrders', from, to, orders, skus, now);
      }
      for (let from = 0; from < itemDocs; from += step) {
        const to = Math.min(itemDocs, from + step);
        itemFillMs += await call(fillPage, 'fillItems', from, to, epcs, now);
      }
      process.stdout.write(`, ${orders} orders, ${epcs} EPCs\n`);
      making = await call(fillPage, 'fillMaking');
      await fillPage.close();
      await filler.kill();
    }

    // The peer: a small profile, filled once.
    const peerProfile = join(work, 'peer-profile');
    const peerSkus = 1_000;
    if (values.peer) {
      const filler = await startKillableChromium(peerProfile);
      const fillPage = await filler.browser.contexts()[0]!.newPage();
      await fillPage.goto(url);
      await call(fillPage, 'fill', 0, peerSkus);
      await fillPage.close();
      await filler.kill();
    }
    const peerStarts: number[] = [];
    let peerLookups: number[] = [];
    const peerSteps: { scriptStarted: number; openMs: number; lookupMs: number }[] = [];

    /** A new browser process on `dir`, its page loaded, ready to sell (`probe` looked up). */
    const coldStart = async (dir: string, probe: number) => {
      const chromium = await startKillableChromium(dir);
      const page = await chromium.browser.contexts()[0]!.newPage();
      await page.goto(`${url}?start`);
      return { chromium, page, ready: await call(page, 'ready', probe) };
    };

    // Cold starts: a new browser process on the same profile each time.
    const coldStarts: number[] = [];
    const startSteps: { scriptStarted: number; openMs: number; lookupMs: number }[] = [];
    const heaps: number[] = [];
    let lookupTimes: number[] = [];
    let memberTimes: number[] = [];
    let searchBuildMs = 0;
    let searchHeap = 0;
    let searchTimes: number[] = [];
    let searchHits: number[] = [];
    let qrTimes: number[] = [];
    let codeTimes: number[] = [];
    let epcTimes: number[] = [];
    let epcBatchTimes: number[] = [];
    let usage = 0;
    let codeSteps = { read: 0, facts: 0, match: 0, attempt: 0, open: 0 };
    for (let run = 0; run < starts; run++) {
      const { chromium, page, ready } = await coldStart(profile, (run * 7919) % skus);
      coldStarts.push(ready.sinceNavigation);
      startSteps.push(ready);
      heaps.push(await heapUsed(page));
      if (run === starts - 1) {
        const counts = await call(page, 'counts');
        const expected = { products: skus, members, orders, epcs };
        if (JSON.stringify(counts) !== JSON.stringify(expected))
          throw new Error(
            `replica holds ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`,
          );
        usage = await call(page, 'storageUsage');
        lookupTimes = await call(page, 'lookups', [...randomIndexes(lookupCount, skus)]);
        memberTimes = await call(page, 'memberLookups', [
          ...randomIndexes(lookupCount, members, 0x2545f491),
        ]);
        // The customers at the pickup desk come for the open orders.
        const openOrder = (i: number) => orders - openOrders + i;
        if (orders > 0) {
          // Each open order once (a second scan of one would be answered from RxDB's cache).
          qrTimes = await call(
            page,
            'orderByQr',
            distinctBatch(Math.min(lookupCount, openOrders), openOrders, 0x6d2b79f5).map(openOrder),
          );
          // The steps first, while nothing of the orders is in RxDB's caches yet.
          codeSteps = await call(page, 'orderByCodeSteps');
          codeTimes = await call(
            page,
            'orderByCode',
            [...randomIndexes(codeLookups, openOrders, 0x1b873593)].map(openOrder),
          );
        }
        if (epcs > 0) {
          epcTimes = await call(
            page,
            'epcLookups',
            [...randomIndexes(lookupCount, epcs, 0x68e31da4)].map((k) => [k]),
          );
          epcBatchTimes = await call(
            page,
            'epcLookups',
            Array.from({ length: 100 }, (_, n) => distinctBatch(20, epcs, 0x3c6ef372 + n)),
          );
        }
        searchBuildMs = await call(page, 'buildSearch');
        searchHeap = await heapUsed(page);
        const queries = Array.from({ length: 10 }, () => QUERIES).flat();
        const result = await call(page, 'searches', queries);
        searchTimes = result.ms;
        searchHits = result.hits.slice(0, QUERIES.length);
      }
      await chromium.kill();
      if (values.peer) {
        const {
          chromium: peer,
          page: peerPage,
          ready: peerReady,
        } = await coldStart(peerProfile, (run * 7919) % peerSkus);
        peerStarts.push(peerReady.sinceNavigation);
        peerSteps.push(peerReady);
        if (run === starts - 1)
          peerLookups = await call(peerPage, 'lookups', [...randomIndexes(lookupCount, peerSkus)]);
        await peer.kill();
      }
    }

    const indexedDbBytes = bytesUnder(join(profile, 'Default', 'IndexedDB'));
    const starts_ = sorted(coldStarts);
    const lookups = sorted(lookupTimes);
    const memberLookups = sorted(memberTimes);
    const searches = sorted(searchTimes);
    const dist = (xs: number[], tail: number) => {
      const s = sorted(xs);
      return s.length
        ? `p50 ${fmt(percentile(s, 50))} ms, p${tail} ${fmt(percentile(s, tail))} ms, max ${fmt(s.at(-1)!)} ms over ${s.length}`
        : 'not measured';
    };
    console.log(
      `\nReplica at scale: ${skus} SKUs + ${skus} prices + ${members} members + ${orders} orders + ${epcs} EPCs (${itemDocs} items docs) in RxDB 17 on IndexedDB (Dexie)`,
    );
    if (filling) {
      console.log(
        `fill (storage bulkWrite, strict)       SKUs+prices ${(fillMs / 1000).toFixed(1)} s (${Math.round((skus * 2) / (fillMs / 1000))} docs/s), members ${(memberFillMs / 1000).toFixed(1)} s, orders ${(orderFillMs / 1000).toFixed(1)} s, EPCs ${(itemFillMs / 1000).toFixed(1)} s`,
      );
      console.log(
        `  of which making the documents        ${Object.entries(making)
          .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
          .join(', ')}`,
      );
    }
    console.log(
      `IndexedDB on disk                      ${mb(indexedDbBytes)} (the browser's estimate of the origin's usage: ${mb(usage)})`,
    );
    console.log(
      `cold start to ready-to-sell            median ${fmt(percentile(starts_, 50))} ms, max ${fmt(starts_.at(-1)!)} ms over ${starts} browser starts (goal <= 1000 ms)`,
    );
    const median = (xs: number[]) => percentile(sorted(xs), 50);
    const stepsOf = (steps: typeof startSteps) =>
      `script running ${fmt(median(steps.map((s) => s.scriptStarted)))} ms after navigation, replica opened in ${fmt(median(steps.map((s) => s.openMs)))} ms, first barcode in ${fmt(median(steps.map((s) => s.lookupMs)))} ms`;
    console.log(`  its steps (medians)                  ${stepsOf(startSteps)}`);
    if (peerStarts.length)
      console.log(
        `  peer: ${peerSkus} SKUs only, same run  median ${fmt(median(peerStarts))} ms, max ${fmt(Math.max(...peerStarts))} ms; full size / peer ${(percentile(starts_, 50) / median(peerStarts)).toFixed(2)}`,
      );
    if (peerSteps.length)
      console.log(`  the peer's steps (medians)           ${stepsOf(peerSteps)}`);
    console.log(
      `JS heap after cold start               ${mb(Math.max(...heaps))} (max over starts; goal <= 250 MB)`,
    );
    console.log(
      `barcode lookup                         p50 ${fmt(percentile(lookups, 50))} ms, p99 ${fmt(percentile(lookups, 99))} ms over ${lookups.length} lookups (goal p99 <= 10 ms)`,
    );
    if (peerLookups.length)
      console.log(
        `  peer: ${peerSkus} SKUs only, same run  p50 ${fmt(percentile(sorted(peerLookups), 50))} ms, p99 ${fmt(percentile(sorted(peerLookups), 99))} ms over ${peerLookups.length} lookups`,
      );
    console.log(
      `member lookup by phone (hash + index)  p50 ${fmt(percentile(memberLookups, 50))} ms, p95 ${fmt(percentile(memberLookups, 95))} ms over ${memberLookups.length} lookups (goal p95 <= 20 ms)`,
    );
    console.log(
      `order by pickup QR (pickup desk)       ${dist(qrTimes, 95)} (open orders: ${openOrders} of ${orders})`,
    );
    console.log(`order by typed 6-digit pickup code     ${dist(codeTimes, 95)}`);
    console.log(
      `  where a code's time goes: every order read ${fmt(codeSteps.read)} ms, this till's facts of the ${codeSteps.open} open ones ${fmt(codeSteps.facts)} ms, the code's HMAC over them ${fmt(codeSteps.match)} ms, the try counted (a local document) ${fmt(codeSteps.attempt)} ms (first code, caches cold)`,
    );
    console.log(`RFID checkout, one tag read            ${dist(epcTimes, 95)}`);
    console.log(`RFID checkout, 20 tags read at once    ${dist(epcBatchTimes, 95)}`);
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
