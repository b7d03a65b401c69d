/**
 * The clerk tablet end to end, in Chromium at 1280×800 with touch, against
 * the demo store (real sync server, the POS in Chromium with its simulated
 * scanner): a camera scan of the tee shows its sizes here; black L is
 * missing here and a store 3 km away (seeded in this test's database) has
 * it; the clerk orders it for pickup there for a member, with a take-now
 * line in the same cart; the customer pays by the QR's page on a phone and
 * the order is held at that store; the clerk's commission shows; the till
 * scans the take-now code and takes the money, and the commission grows.
 * On real PostgreSQL when TEST_DATABASE_URL is set, else on PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseTakeNowCode, storeOrderId, type Order } from '@pos/domain';
import { createHttpClerkServer } from '@pos/replica';
import { DEMO_CODE_KEY, DEMO_STYLE_PRODUCTS } from '@pos/sync-server';
import { demoTabletLink, startDemoStore, type DemoStore } from '../../pos/src/demo/demo-store';
import { payCash, serverFacts, startSelling } from '../../pos/e2e/cashier-flows';
import { createScratchDatabase, dropScratchDatabase } from '../../pos/e2e/scratch-database';
import { writeBarcodeVideo } from './fake-camera';
import { launchTabletChromium, newTablet } from './tablet-browser';
import {
  CLERK,
  gridCell,
  NEAR_STORE,
  openTab,
  otherStores,
  provision,
  screenshotBoth,
  seedNearStore,
  signIn,
  tapDigits,
  TABLET_DIST,
} from './tablet-flows';

const BASE_URL = process.env.TEST_DATABASE_URL;
const ZHANG = '13800138001'; // demo member M0001
const sku = (colour: string, size: string) => `TEE-01-${colour}-${size}`;
const blackM = DEMO_STYLE_PRODUCTS.find((p) => p.id === sku('BK', 'M'))!;
const BLACK = '黑 Black';
/** Fen as the tablet shows money in English. */
const yuan = (fen: number) => `CN¥${(fen / 100).toFixed(2)}`;

describe('the clerk tablet: find, stock by distance, order for a member, pay, commission, take now', () => {
  let databaseUrl: string | undefined;
  let database = '';
  let work = '';
  let store: DemoStore;
  let browser: Browser;
  let tabletContext: BrowserContext;
  let tablet: Page;
  let till: Page;

  beforeAll(async () => {
    if (BASE_URL) {
      ({ name: database, url: databaseUrl } = await createScratchDatabase(BASE_URL, 'pos_tablet'));
    }
    work = mkdtempSync(join(tmpdir(), 'tablet-e2e-'));
    // The camera sees the black M tee's barcode (GTIN-14 without its leading 0: EAN-13).
    const video = writeBarcodeVideo(join(work, 'black-m.y4m'), blackM.gtin.slice(1));
    store = await startDemoStore({
      syncPort: 0,
      ...(databaseUrl ? { databaseUrl } : { dataDir: 'memory://' }),
      tablet: { staticDir: TABLET_DIST },
      tabletHub: {},
    });
    await seedNearStore(
      store.syncServer,
      DEMO_STYLE_PRODUCTS.map((p) => p.id),
      2,
    );
    browser = await launchTabletChromium(video);
    tabletContext = await newTablet(browser, store.syncServer.url);
    tablet = await tabletContext.newPage();
    await provision(
      tablet,
      demoTabletLink(store.syncServer.url, 'S001', { hubUrl: store.tabletHubUrl! }),
    );
    till = await browser.newPage();
    await till.setViewportSize({ width: 1024, height: 768 });
    await till.goto(store.terminalUrl!);
    await startSelling(till);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    if (BASE_URL && database) await dropScratchDatabase(BASE_URL, database);
  });

  it('[TA3] [VG2] [VG4] [CL7] [CL9] [CL10] [TK2] scans, finds the size 3 km away, orders and is paid; the till takes the take-now line', async () => {
    await screenshotBoth(tablet, 'sign-in');
    await signIn(tablet);
    await tablet.getByText('Hub connected').waitFor();
    await screenshotBoth(tablet, 'find');

    // 1. A camera scan of the black M tee shows its sizes here.
    await tablet.getByRole('button', { name: 'Scan with the camera' }).tap();
    await tablet.locator('.size-grid').waitFor({ timeout: 30_000 });
    await expect.poll(() => tablet.locator('.product-head .sku').textContent()).toBe(blackM.id);
    await expect(gridCell(tablet, BLACK, 'L').getAttribute('aria-label')).resolves.toBe(
      `${BLACK} L: 0`,
    );

    // 2. Black L is missing here; the store 3 km away has it, listed before S002.
    await gridCell(tablet, BLACK, 'L').tap();
    await expect
      .poll(() => tablet.locator('.product-head .sku').textContent())
      .toBe(sku('BK', 'L'));
    await expect
      .poll(async () => (await otherStores(tablet)).slice(0, 2), { timeout: 30_000 })
      .toEqual([
        { name: NEAR_STORE.name, distance: '3.0 km', atp: '2 available' },
        { name: '徐汇店 Xuhui', distance: expect.stringMatching(/^4\.\d km$/), atp: '4 available' },
      ]);
    await screenshotBoth(tablet, 'product');

    // 3. Order it for pickup there; a black M to take now in the same cart; for a member.
    await tablet
      .locator('.stores-panel li.store', { hasText: NEAR_STORE.name })
      .getByRole('button', { name: 'Order for pickup here' })
      .tap();
    await gridCell(tablet, BLACK, 'M').tap();
    await expect.poll(() => tablet.locator('.product-head .sku').textContent()).toBe(blackM.id);
    await tablet.getByRole('button', { name: 'Take now', exact: true }).tap();
    await openTab(tablet, 'cart');
    await tablet.getByRole('button', { name: 'Member by phone' }).tap();
    await tapDigits(tablet, ZHANG, 'Customer phone');
    await tablet.getByRole('button', { name: 'Find member' }).tap();
    await tablet.getByText('138****8001').waitFor();
    await screenshotBoth(tablet, 'cart');
    await tablet.getByRole('button', { name: 'Send', exact: true }).tap();

    // 4. The customer pays by the QR: their phone opens its page and pays.
    const takeNowCode = await tablet.locator('.take-now-code img.qr').getAttribute('data-qr-text');
    expect(takeNowCode).toBeTruthy();
    await tablet.getByRole('button', { name: 'Pay by QR' }).tap();
    const payUrl = await tablet.locator('.pay-qr img.qr').getAttribute('data-qr-text');
    expect(payUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await screenshotBoth(tablet, 'pay-qr');
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const payPage = await phone.newPage();
    await payPage.goto(payUrl!);
    await payPage.getByRole('button', { name: '支付 Pay' }).tap();
    await tablet.locator('.order-panel .paid').waitFor({ timeout: 30_000 });
    await screenshotBoth(tablet, 'paid');
    await phone.close();

    // The order is held at the store 3 km away, for the member, credited to the clerk.
    const orders = (await store.syncServer.storage.latestDocs('_orders' as never, null, 50)).map(
      (row) => row.body as unknown as Order,
    );
    const order = orders.find((o) => o.channel === 'tablet');
    expect(order).toMatchObject({
      status: 'paid',
      customer: { memberId: 'M0001' },
      clerk: { staffId: CLERK.id, deviceId: 'S001-TAB1', attributionStoreId: 'S001' },
    });
    expect(order!.lines.map((l) => [l.sku, l.fulfilment, l.credits])).toEqual([
      [
        sku('BK', 'L'),
        { mode: 'pickup', storeId: NEAR_STORE.id },
        [{ staffId: CLERK.id, share: 10_000 }],
      ],
    ]);
    const atStore = (
      await store.syncServer.storage.getDocs(
        'storeState',
        [storeOrderId(order!.id, NEAR_STORE.id)],
        null,
      )
    ).get(storeOrderId(order!.id, NEAR_STORE.id));
    expect((atStore?.body as { order?: Order } | undefined)?.order?.status).toBe('paid');

    // 5. The clerk's commission shows, as the server counts it.
    const clerkApi = createHttpClerkServer({
      baseUrl: store.syncServer.url,
      token: 'demo-s001-tab1',
    });
    const commissionAfterOrder = await clerkApi.commission(CLERK.id);
    if (!commissionAfterOrder.ok) throw new Error(commissionAfterOrder.reason);
    expect(commissionAfterOrder.value.day.commission).toBeGreaterThan(0);
    await openTab(tablet, 'sales');
    await expect
      .poll(() => tablet.locator('.period').first().locator('.commission').textContent())
      .toBe(yuan(commissionAfterOrder.value.day.commission));
    await screenshotBoth(tablet, 'my-sales');

    // 6. The till scans the take-now code and takes the money; the sale carries the credit.
    const parsed = parseTakeNowCode(takeNowCode!, [DEMO_CODE_KEY]);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.cart.lines).toEqual([{ sku: blackM.id, quantity: 1 }]);
    await till.getByText('scanner: ready').waitFor({ timeout: 30_000 });
    await store.scanner.scan(takeNowCode!);
    await till.getByTestId('line-credit').first().waitFor();
    const due = await till.getByLabel('Total').textContent();
    await payCash(till, String(Math.ceil(Number((due ?? '').replace(/[^\d.]/g, '')))));
    await till.getByText('All sales uploaded').waitFor({ timeout: 60_000 });
    const sales = (await serverFacts(store, 'saleFacts')) as {
      takeNowCartId?: string;
      lines: { sku: string; credits?: { staffId: string }[] }[];
    }[];
    const sale = sales.find((s) => s.takeNowCartId === parsed.cart.cartId);
    expect(sale?.lines.map((l) => [l.sku, l.credits?.map((c) => c.staffId)])).toEqual([
      [blackM.id, [CLERK.id]],
    ]);
    await expect
      .poll(
        async () => {
          const answer = await clerkApi.commission(CLERK.id);
          return answer.ok ? answer.value.day.commission : 0;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThan(commissionAfterOrder.value.day.commission);
    // The demo tablet shares the till's hub, so it saw the till's scan too (it looked the
    // code up): back to the clerk's sales.
    await openTab(tablet, 'sales');
    await tablet.getByRole('button', { name: 'Refresh' }).tap();
    const grown = await clerkApi.commission(CLERK.id);
    if (!grown.ok) throw new Error(grown.reason);
    await expect
      .poll(() => tablet.locator('.period').first().locator('.commission').textContent())
      .toBe(yuan(grown.value.day.commission));
    await screenshotBoth(tablet, 'my-sales-after-take-now');
    await openTab(tablet, 'pickup');
    await tablet.locator('.screen-pickup').waitFor();
    await screenshotBoth(tablet, 'pickup-desk');
  });
});
