/**
 * A sale is durable once the cashier sees "Paid": with the sync server down,
 * the cashier sells, Chromium is killed outright right after, and on restart
 * the sale is still on the terminal and uploads exactly once when the server
 * is back. The restart does not download the catalog again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_DEVICES, DEMO_PRODUCTS, DEMO_STYLE_PRODUCTS } from '@pos/sync-server';
import type { SaleFact } from '@pos/domain';
import { startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { startKillableChromium } from './browser';
import { payCash, serverStock, startSelling } from './cashier-flows';
import { screenshot } from './screenshots';

const device = DEMO_DEVICES[0];
const product = DEMO_PRODUCTS[0]!;

async function serverSales(store: DemoStore): Promise<SaleFact[]> {
  const response = await fetch(
    `${store.syncServer.url}/saleFacts/_changes?include_docs=true&since=0`,
    {
      headers: { Authorization: `Bearer ${device.token}` },
    },
  );
  const body = (await response.json()) as { results: { doc: SaleFact }[] };
  return body.results.map((row) => row.doc);
}

/** Records how many catalog pulls the page had answered, and how many documents they carried. */
function countCatalogPulls(page: Page): { pulls: number; products: number } {
  const counts = { pulls: 0, products: 0 };
  page.on('response', (response) => {
    if (!/\/products\/_changes\?/.test(response.url())) return;
    void response
      .json()
      .then((body: { results?: unknown[] }) => {
        counts.products += body.results?.length ?? 0;
        counts.pulls += 1;
      })
      .catch(() => undefined);
  });
  return counts;
}

describe('a paid sale survives a browser crash and uploads once', () => {
  let store: DemoStore;
  const profile = mkdtempSync(join(tmpdir(), 'pos-profile-'));

  beforeAll(async () => {
    store = await startDemoStore({
      syncPort: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'pos-sync-')),
    });
  });
  afterAll(() => store?.close());

  it('keeps the sale through a kill -9 while offline, then uploads it exactly once', async () => {
    const stockBefore = await serverStock(store, product.id);

    // First run: the catalog downloads, then the network goes away.
    const first = await startKillableChromium(profile);
    const page = await first.browser.contexts()[0]!.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    const firstPulls = countCatalogPulls(page);
    await page.goto(store.terminalUrl!);
    await startSelling(page);
    expect(firstPulls.products).toBe(DEMO_PRODUCTS.length + DEMO_STYLE_PRODUCTS.length);

    await store.takeSyncServerDown();
    await page.getByText('Offline, selling locally').waitFor({ timeout: 30_000 });

    await store.scanner.scan(product.gtin.slice(1));
    await page.getByRole('row', { name: new RegExp(product.name.split(' ')[0]!) }).waitFor();
    await payCash(page, '10');
    await page.getByText('1 sale waiting to upload').waitFor();
    await page
      .getByText('No connection to the sync server; sales upload when it is back')
      .waitFor();
    await screenshot(page, 'pos-offline-sale-waiting');
    await first.kill();

    // The server is back before the terminal restarts.
    await store.bringSyncServerUp();
    expect(await serverSales(store)).toEqual([]);

    const second = await startKillableChromium(profile);
    try {
      const again = await second.browser.contexts()[0]!.newPage();
      const secondPulls = countCatalogPulls(again);
      await again.goto(store.terminalUrl!);
      // The shift is still open after the restart: signing in leads straight to selling.
      await startSelling(again);

      // The sale uploads once, and the server lowered stock once.
      const expected = stockBefore - 1;
      await expect.poll(() => serverStock(store, product.id), { timeout: 20_000 }).toBe(expected);
      await again.getByText('All sales uploaded').waitFor({ timeout: 20_000 });
      const sales = await serverSales(store);
      expect(sales).toHaveLength(1);
      expect(sales[0]).toMatchObject({ deviceId: device.deviceId, due: 200, change: 800 });

      // Resumed from its checkpoint: no product was downloaded again.
      // The restarted replica's first catalog pull would carry the catalog if it did.
      await expect.poll(() => secondPulls.pulls, { timeout: 20_000 }).toBeGreaterThan(0);
      expect(secondPulls.products).toBe(0);
      expect(await serverStock(store, product.id)).toBe(expected);
    } finally {
      await second.kill();
    }
  });
});
