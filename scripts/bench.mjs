#!/usr/bin/env node
// `npm run bench`: runs every benchmark in turn, at its default size, and prints
// its figures. Each also runs alone with options (see its header comment).
// Figures for docs/benchmarks.md come from here; tests never assert timings.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// [file, arguments]: defaults sized to finish in a few minutes each; the
// issue-sized runs are in docs/benchmarks.md with their commands.
const benches = [
  ['apps/pos/bench/replica-scale.bench.ts', []],
  ['apps/pos/bench/catalog-download.bench.ts', []],
  ['sync-server/bench/replication.bench.ts', []],
  // 20 s per backend instead of the 60 s: the rate settles within seconds.
  ['sync-server/bench/push.bench.ts', ['--seconds', '20']],
  // [PK1] The cost of encrypting members: intake and push ingest by phone index.
  ['sync-server/bench/member-encryption.bench.ts', []],
  // [OC1]-[OC3] Holds by 50 customers at once on 100 hot SKUs, with the oversell check.
  ['sync-server/bench/order-holds.bench.ts', []],
  // [OC5] POST /_orders latency from 8 clients.
  ['sync-server/bench/order-http.bench.ts', []],
  // [TB1] Issue 16: chain stock for one style of 30 sizes across 500 stores, over HTTP.
  ['sync-server/bench/chain-stock.bench.ts', []],
  ['packages/domain/bench/pricing.bench.ts', []],
  // [RO3]-[RO7] [RDY2] Issue 15: one order of 10 lines across 500 locations, 1,000 orders, and
  // a dry run over 2,000 orders (the issue-sized 10,000 is in docs/benchmarks.md).
  ['packages/domain/bench/routing.bench.ts', ['--dry-run', '2000']],
  // Issue 16: the clerk tablet's cold start (catalog download) and warm start (service worker
  // cache, replica in IndexedDB) to usable, in Chromium.
  ['apps/tablet/bench/cold-start.bench.ts', ['--runs', '3']],
  // Issue 17: RFID checkout of 20 items, first read to the cart (R2000 on a pty, real checkout).
  ['apps/pos/bench/rfid-checkout.bench.ts', []],
  ['hardware/bench/zone-engine.bench.ts', []],
  ['sync-server/bench/rfid-count.bench.ts', []],
  // Issue 18: dashboard queries p95 over a year of sales (20 stores here; the 100 stores
  // need DATABASE_URL and no arguments, see docs/benchmarks.md).
  ['sync-server/bench/dashboard.bench.ts', ['--stores', '20', '--days', '365', '--runs', '20']],
  // Issue 18: rollup lag under the push benchmark's load, with and without the rollup worker.
  ['sync-server/bench/push.bench.ts', ['--seconds', '20', '--rollups', 'both', '--skip-peer']],
  // Issue 18: a price change to 1,000 shelf labels, time to 95 % acknowledged (real-time radio).
  ['hardware/bench/esl-push.bench.ts', []],
  // Issue 19: 500 devices (100 stores × 5) on two server processes behind HAProxy and PgBouncer
  // (needs DATABASE_URL, pgbouncer and haproxy; the 2,500 devices are in docs/benchmarks.md).
  ...(process.env.DATABASE_URL
    ? [['sync-server/bench/fleet.bench.ts', ['--stores', '100', '--steady', '60', '--peak', '30']]]
    : []),
].filter(([path]) => existsSync(path));

let failed = 0;
for (const [bench, args] of benches) {
  console.log(`\n=== ${bench} ${args.join(' ')}`);
  const run = spawnSync('npx', ['tsx', bench, ...args], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
