/**
 * A till's first start after the stock schema went to version 1 ([ATP3]:
 * the optional `held`), in Chromium with real IndexedDB: a replica of the
 * earlier version is filled with N stock levels at schema version 0 and
 * closed; a new browser then opens it with this version's definitions, which
 * migrates every level before the replica is usable. Measures that start
 * (until open, and until a stock lookup answers) against its peer, a plain
 * start of the same replica at the same version (nothing to migrate).
 *
 *   npx tsx apps/pos/bench/stock-upgrade.bench.ts [--levels 20000,100000]
 *
 * Each size is filled, upgraded and restarted in a profile of its own; every
 * start is a new browser process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startKillableChromium } from '../e2e/browser';
import { callReplicaBench as call, serveReplicaPage } from './page-server';

const { values } = parseArgs({
  options: {
    levels: { type: 'string', default: '20000,100000' },
    /** Documents per migration batch (the replica's MIGRATION_BATCH_SIZE unless given). */
    batch: { type: 'string' },
  },
});
const sizes = values.levels.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n <= 0))
  throw new Error(`--levels takes positive counts separated by commas, not ${values.levels}`);

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One start of the replica in a new browser on `profile`: open and ready milliseconds. */
async function start(
  profile: string,
  url: string,
  levels: number,
): Promise<{ openMs: number; readyMs: number }> {
  const chromium = await startKillableChromium(profile);
  try {
    const page = await chromium.browser.contexts()[0]!.newPage();
    await page.goto(values.batch ? `${url}?batch=${values.batch}` : url);
    return await call(page, 'openStock', levels, Math.floor(levels / 2));
  } finally {
    await chromium.kill();
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pos-stock-upgrade-bench-'));
  const server = await serveReplicaPage();
  try {
    const rows: string[] = [];
    for (const levels of sizes) {
      const profile = join(work, `profile-${levels}`);
      const filler = await startKillableChromium(profile);
      const page = await filler.browser.contexts()[0]!.newPage();
      await page.goto(server.url);
      const fillMs = await call(page, 'fillStockVersion0', levels);
      await filler.kill();
      process.stdout.write(`filled ${levels} levels at version 0 in ${s(fillMs)}\n`);

      const upgrade = await start(profile, server.url, levels);
      const plain = await start(profile, server.url, levels);
      const migrationMs = upgrade.openMs - plain.openMs;
      rows.push(
        `${String(levels).padStart(7)} levels  upgrade: open ${s(upgrade.openMs)}, ready ${s(upgrade.readyMs)}` +
          ` (${Math.round(levels / (migrationMs / 1000))} levels/s migrated)` +
          ` | plain start: open ${s(plain.openMs)}, ready ${s(plain.readyMs)}` +
          ` | migration ${s(migrationMs)}, ready ${(upgrade.readyMs / plain.readyMs).toFixed(1)}x the plain start`,
      );
    }
    console.log(
      '\nStock levels schema upgrade (version 0 -> 1) at first start, RxDB 17 on IndexedDB (Dexie), strict durability',
    );
    console.log('(migration = upgrade open - plain open; ready = open + one stock lookup)');
    for (const row of rows) console.log(row);
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
