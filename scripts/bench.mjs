#!/usr/bin/env node
// `npm run bench`: runs every benchmark in turn, at its default size, and prints
// its figures. Each also runs alone with options (see its header comment).
// Figures for docs/benchmarks.md come from here; tests never assert timings.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  'apps/pos/bench/replica-scale.bench.ts',
  'apps/pos/bench/catalog-download.bench.ts',
  'sync-server/bench/replication.bench.ts',
  'packages/domain/bench/pricing.bench.ts',
].filter((path) => existsSync(path));

let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench}`);
  const run = spawnSync('npx', ['tsx', bench], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
