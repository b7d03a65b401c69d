/**
 * The clerk tablet with no network, in Chromium at 1280×800 with touch:
 * after a first visit, the tablet starts with the network cut (the page
 * from its service worker's cache, the replica from IndexedDB, and the
 * provisioning from IndexedDB when localStorage lost it), finds
 * products and this store's stock, shows the other stores' last figures
 * marked as such, and queues an order for pickup at another store. The
 * network comes back: the order is placed. A second order queued offline
 * fails with the server's reason, because the stock went meanwhile.
 * On real PostgreSQL when TEST_DATABASE_URL is set, else on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Order } from '@pos/domain';
import { demoTabletLink, startDemoStore, type DemoStore } from '../../pos/src/demo/demo-store';
import { launchChromium } from '../../pos/e2e/browser';
import { createScratchDatabase, dropScratchDatabase } from '../../pos/e2e/scratch-database';
import { newTablet } from './tablet-browser';
import { PROVISIONING_KEY } from '../src/boot/provisioning';
import {
  offlineReady,
  openTab,
  provision,
  screenshotBoth,
  setOnHand,
  signIn,
  tapDigits,
  TABLET_DIST,
} from './tablet-flows';

const BASE_URL = process.env.TEST_DATABASE_URL;
const ZHANG = '13800138001'; // demo member M0001, S001's: on the tablet's replica
const XUHUI = '徐汇店 Xuhui';

describe('the clerk tablet offline', () => {
  let databaseUrl: string | undefined;
  let database = '';
  let store: DemoStore;
  let browser: Browser;
  let context: BrowserContext;
  let tablet: Page;

  const tabletOrders = async () =>
    (await store.syncServer.storage.latestDocs('_orders' as never, null, 50))
      .map((row) => row.body as unknown as Order)
      .filter((order) => order.channel === 'tablet');

  /** Finds `sku` by the search field and waits for its product screen. */
  const open = async (sku: string) => {
    await openTab(tablet, 'find');
    await tablet.locator('input[name="search"]').fill(sku);
    await tablet.locator('input[name="search"]').press('Enter');
    await tablet
      .locator('.product-head .sku')
      .filter({ hasText: new RegExp(`^${sku}$`) })
      .waitFor();
  };

  /** Orders the open product for pickup at Xuhui for the member, and sends the cart. */
  const orderAtXuhui = async () => {
    await tablet
      .locator('.stores-panel li.store', { hasText: XUHUI })
      .getByRole('button', { name: 'Order for pickup here' })
      .tap();
    await openTab(tablet, 'cart');
    await tablet.getByRole('button', { name: 'Member by phone' }).tap();
    await tapDigits(tablet, ZHANG, 'Customer phone');
    await tablet.getByRole('button', { name: 'Find member' }).tap();
    await tablet.getByText('138****8001').waitFor();
    await tablet.getByRole('button', { name: 'Send', exact: true }).tap();
  };

  beforeAll(async () => {
    if (BASE_URL) {
      ({ name: database, url: databaseUrl } = await createScratchDatabase(
        BASE_URL,
        'pos_tablet_off',
      ));
    }
    store = await startDemoStore({
      syncPort: 0,
      ...(databaseUrl ? { databaseUrl } : { dataDir: 'memory://' }),
      tablet: { staticDir: TABLET_DIST },
    });
    browser = await launchChromium();
    context = await newTablet(browser, store.syncServer.url);
    tablet = await context.newPage();
    // The first visit, online: the catalog downloads and the service worker caches the app.
    await provision(tablet, demoTabletLink(store.syncServer.url, 'S001'));
    await offlineReady(tablet);
    await signIn(tablet);
    // The clerk looked at these tees earlier: the tablet keeps the other stores' last figures.
    for (const sku of ['TEE-01-WH-S', 'TEE-01-BK-L']) {
      await open(sku);
      await tablet.locator('.stores-panel li.store', { hasText: XUHUI }).waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    if (BASE_URL && database) await dropScratchDatabase(BASE_URL, database);
  });

  it('[TA2] [TA5] [TA6] [CL8] starts with no network, finds stock here, queues an order that is placed when the network is back', async () => {
    // As if the browser was killed before it wrote localStorage: IndexedDB has the provisioning.
    await tablet.evaluate((key) => localStorage.removeItem(key), PROVISIONING_KEY);
    await context.setOffline(true);
    await tablet.reload();
    await tablet.locator('input[name="pin"]').waitFor();
    expect(await tablet.evaluate(() => navigator.onLine)).toBe(false);
    expect(
      await tablet.evaluate((key) => localStorage.getItem(key), PROVISIONING_KEY),
    ).toBeTruthy();
    await signIn(tablet);
    await tablet.locator('.status-line [data-online="false"]').waitFor();

    // This store's stock from the replica; other stores' last figures, marked.
    await open('TEE-01-WH-S');
    await expect.poll(() => tablet.locator('.size-grid button.cell').count()).toBeGreaterThan(0);
    expect(await tablet.locator('.here-total').textContent()).toMatch(/^Available here: \d+/);
    await tablet.locator('.stores-panel .as-of.stale').first().waitFor();
    await screenshotBoth(tablet, 'offline-product');

    await orderAtXuhui();
    await tablet.getByText('Waiting for the network: the order is sent when it is back').waitFor();
    await openTab(tablet, 'orders');
    await tablet.locator('li.queued-order[data-state="queued"]').waitFor();
    await screenshotBoth(tablet, 'offline-queued');
    expect(await tabletOrders()).toEqual([]);

    // The network is back: the queued order is placed, once.
    await context.setOffline(false);
    await expect.poll(tabletOrders, { timeout: 60_000 }).toHaveLength(1);
    await tablet.locator('li.queued-order[data-state="placed"]').waitFor();
    const placed = await tabletOrders();
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({ customer: { memberId: 'M0001' }, status: 'held' });
    expect(placed[0]!.lines.map((l) => [l.sku, l.fulfilment])).toEqual([
      ['TEE-01-WH-S', { mode: 'pickup', storeId: 'S002' }],
    ]);
  });

  it('[CL8] an order queued offline fails with the reason when the stock went meanwhile', async () => {
    await context.setOffline(true);
    await tablet.locator('.status-line [data-online="false"]').waitFor();
    await open('TEE-01-BK-L');
    await tablet.locator('.stores-panel .as-of.stale').first().waitFor();
    await orderAtXuhui();
    await tablet.getByText('Waiting for the network: the order is sent when it is back').waitFor();
    // The clerk stays on the orders screen: it follows the queue as it is sent.
    await openTab(tablet, 'orders');
    await tablet.locator('li.queued-order[data-state="queued"]').waitFor();

    // Meanwhile Xuhui's last black L tees are gone.
    await setOnHand(store.syncServer, 'S002', 'TEE-01-BK-L', 0);
    await context.setOffline(false);
    const failed = tablet.locator('li.queued-order[data-state="failed"]');
    await failed.waitFor({ timeout: 60_000 });
    expect(await failed.count()).toBe(1);
    expect(await failed.textContent()).toMatch(/stock|available/i);
    await screenshotBoth(tablet, 'orders-failed');
    expect(await tabletOrders()).toHaveLength(1);
  });
});
