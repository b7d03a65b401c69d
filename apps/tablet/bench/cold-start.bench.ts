/**
 * The clerk tablet's start to usable, in Chromium, at a tablet's 1280×800:
 *
 * - cold: a fresh profile opens the provisioning link; the page loads from
 *   the sync server, the replica downloads the catalog into IndexedDB, and
 *   the sign-in is ready; then a clerk signs in and the search field is
 *   ready;
 * - warm: the tab is closed and the app opened again in a new tab of the
 *   same browser profile; the page comes from the service worker's cache,
 *   the replica from IndexedDB; the same two marks. (Not a browser restart:
 *   Chromium writes localStorage, where the provisioning is kept, to disk
 *   lazily, and the harness can only kill its browser.)
 *
 *  npx tsx apps/tablet/bench/cold-start.bench.ts [--runs 5] [--skus 0]
 *
 * The sync server (PGlite, demo data) serves the built tablet
 * (apps/tablet/dist; built here when missing). `--skus N` adds N synthetic
 * SKUs and their prices to the catalog the first start downloads.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startSyncServer } from '@pos/sync-server';
import { startKillableChromium } from '../../pos/e2e/browser';
import { seedSyntheticCatalog } from '../../pos/bench/seed-catalog';
import { demoTabletLink } from '../../pos/src/demo/demo-store';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    skus: { type: 'string', default: '0' },
  },
});
const runs = Number(values.runs);
const skus = Number(values.skus);
const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(APP_DIR, 'dist');
const CLERK = { id: 'S001-E03', pin: '1111' };

/** Milliseconds from navigating to `url` until sign-in is ready, and until the search field is. */
async function startToUsable(page: Page, url: string): Promise<{ signIn: number; search: number }> {
  const started = performance.now();
  await page.goto(url);
  await page
    .locator('input[name="pin"]')
    .waitFor({ timeout: 120_000 })
    .catch(async (error: unknown) => {
      console.error(`The tablet did not start: ${await page.locator('body').innerText()}`);
      throw error;
    });
  const signIn = performance.now() - started;
  await page.locator('input[name="staffId"]').fill(CLERK.id);
  await page.locator('input[name="pin"]').fill(CLERK.pin);
  await page.locator('input[name="pin"]').press('Enter');
  await page.locator('input[name="search"]').waitFor();
  return { signIn, search: performance.now() - started };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};
const summary = (label: string, values: number[]) =>
  `${label}: median ${quantile(values, 0.5).toFixed(0)} ms, p95 ${quantile(values, 0.95).toFixed(0)} ms ` +
  `(min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)}, ${values.length} runs)`;

async function main(): Promise<void> {
  if (!existsSync(join(DIST, 'sw.js'))) {
    execFileSync('npx', ['vite', 'build'], {
      cwd: APP_DIR,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
  const work = mkdtempSync(join(tmpdir(), 'tablet-start-bench-'));
  const sync = await startSyncServer({
    port: 0,
    dataDir: join(work, 'pglite'),
    seedDemo: true,
    tablet: { staticDir: DIST },
  });
  try {
    await seedSyntheticCatalog(sync.storage, skus);
    const link = demoTabletLink(sync.url, 'S001');
    const colds = { signIn: [] as number[], search: [] as number[] };
    const warms = { signIn: [] as number[], search: [] as number[] };
    for (let run = 0; run < runs; run++) {
      const chromium = await startKillableChromium(join(work, `profile-${run}`));
      try {
        const [profile] = chromium.browser.contexts();
        if (!profile) throw new Error('Chromium has no default context');
        const first = await profile.newPage();
        await first.setViewportSize({ width: 1280, height: 800 });
        const cold = await startToUsable(first, link);
        colds.signIn.push(cold.signIn);
        colds.search.push(cold.search);
        // The offline copy is in place before the tab goes.
        await first.evaluate(async () => {
          await navigator.serviceWorker.ready;
        });
        await first.close();

        const again = await profile.newPage();
        await again.setViewportSize({ width: 1280, height: 800 });
        const warm = await startToUsable(again, `${sync.url}/tablet/`);
        const fromCache = await again.evaluate(() => navigator.serviceWorker.controller !== null);
        if (!fromCache) throw new Error('the warm start did not come from the service worker');
        warms.signIn.push(warm.signIn);
        warms.search.push(warm.search);
        console.log(
          `run ${run + 1}: cold ${cold.signIn.toFixed(0)} / ${cold.search.toFixed(0)} ms, ` +
            `warm ${warm.signIn.toFixed(0)} / ${warm.search.toFixed(0)} ms (sign-in / search ready)`,
        );
      } finally {
        await chromium.kill();
      }
    }
    console.log(`\nTablet start to usable, ${skus} synthetic SKUs beside the demo catalog:`);
    console.log(summary('  cold, sign-in ready   ', colds.signIn));
    console.log(summary('  cold, search ready    ', colds.search));
    console.log(summary('  warm, sign-in ready   ', warms.signIn));
    console.log(summary('  warm, search ready    ', warms.search));
  } finally {
    await sync.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
