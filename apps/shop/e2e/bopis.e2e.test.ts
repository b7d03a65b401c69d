/**
 * Buy online, pick up in store, end to end in Chromium: a customer orders
 * two products in the online shop for pickup at S001; the till sees their
 * ATP drop; the customer pays and gets the pickup code; the sync server
 * goes down and the cashier verifies the code offline and hands over one of
 * the two lines; the server comes back and holds the hand-over exactly once,
 * with stock exact; the other line is handed over later by the order's QR.
 * On real PostgreSQL when TEST_DATABASE_URL is set, else on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  heldUnitsId,
  storeOrderId,
  stockLevelId,
  type HeldUnits,
  type Order,
  type StockLevel,
} from '@pos/domain';
import { DEMO_PRODUCTS } from '@pos/sync-server';
import {
  addToBag,
  newPhone,
  openShop,
  orderBagForPickup,
  pay,
  pickupCode,
  signIn as signInToShop,
  SHOP_DIST,
  smsInbox,
} from './shop-flows';
import { startDemoStore, type DemoStore } from '../../pos/src/demo/demo-store';
import { launchChromium } from '../../pos/e2e/browser';
import { approveAsSupervisor, startSelling, tillRecords } from '../../pos/e2e/cashier-flows';
import {
  closePickupDesk,
  enterPickupCode,
  handOver,
  linesLeft,
  openPickupDesk,
} from '../../pos/e2e/pickup-flows';
import { createScratchDatabase, dropScratchDatabase } from '../../pos/e2e/scratch-database';
import { screenshot } from '../../pos/e2e/screenshots';

const BASE_URL = process.env.TEST_DATABASE_URL;
const ZHANG = '13800138001'; // demo member M0001
const [water, noodles] = [DEMO_PRODUCTS[0]!, DEMO_PRODUCTS[1]!];

/** The order as the till's replica holds it (its `storeState` document), if it does. */
async function orderOnTill(page: Page, orderId: string): Promise<Order | undefined> {
  const id = storeOrderId(orderId, 'S001');
  const found = (await tillRecords(page)).find(
    ({ record }) => (record as { id?: unknown } | null)?.id === id,
  );
  return (found?.record as { order?: Order } | undefined)?.order;
}

describe('buy online, pick up in store: shop, till and server', () => {
  let databaseUrl: string | undefined;
  let database = '';
  let store: DemoStore;
  let browser: Browser;
  let phone: BrowserContext;
  let shop: Page;
  let till: Page;
  const inbox = smsInbox();

  const serverOrder = async (id: string) =>
    (await store.syncServer.storage.getDocs('_orders' as never, [id], null)).get(id)
      ?.body as unknown as Order;
  /** The server's stock level of a SKU at S001, with the units orders hold of it ([ATP3]). */
  const serverStock = async (sku: string) => {
    const { storage } = store.syncServer;
    const level = (await storage.getDocs('stock', [stockLevelId('S001', sku)], null)).get(
      stockLevelId('S001', sku),
    )?.body as unknown as StockLevel;
    const held = (await storage.getDocs('storeState', [heldUnitsId('S001', sku)], null)).get(
      heldUnitsId('S001', sku),
    )?.body as unknown as HeldUnits | undefined;
    return { ...level, held: held?.held ?? 0 };
  };
  const exceptions = async () =>
    (await store.syncServer.storage.latestDocs('_exceptions' as never, null, 100)).map(
      (row) => row.body,
    );

  beforeAll(async () => {
    if (BASE_URL)
      ({ name: database, url: databaseUrl } = await createScratchDatabase(BASE_URL, 'pos_bopis'));
    store = await startDemoStore({
      syncPort: 0,
      ...(databaseUrl ? { databaseUrl } : { dataDir: 'memory://' }),
      shop: { staticDir: SHOP_DIST, onSms: inbox.onSms },
    });
    browser = await launchChromium();
    till = await browser.newPage();
    await till.setViewportSize({ width: 1024, height: 768 });
    await till.goto(store.terminalUrl!);
    await startSelling(till);
    phone = await newPhone(browser);
    shop = await phone.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    if (BASE_URL && database) await dropScratchDatabase(BASE_URL, database);
  });

  it('orders online, pays, hands over one line offline exactly once, then the other', async () => {
    const waterBefore = await serverStock(water.id);
    const noodlesBefore = await serverStock(noodles.id);

    // The cashier looks at a product's stock at the counter: ATP as the server last sent it.
    await till.getByText('scanner: ready').waitFor();
    await store.scanner.scan(water.gtin.slice(1));
    const lineStock = till.getByLabel('Stock', { exact: true });
    await expect
      .poll(() => lineStock.textContent())
      .toContain(`Available ${waterBefore.onHand} · On hand ${waterBefore.onHand}`);

    // 1. The customer orders two products in the shop for pickup at S001.
    await openShop(shop, `${store.syncServer.url}/shop/`);
    await signInToShop(shop, ZHANG, inbox.codeFor);
    await addToBag(shop, { sku: water.id, quantity: 2 });
    await addToBag(shop, { sku: noodles.id, quantity: 1 });
    const orderId = await orderBagForPickup(shop, 'S001');

    // 2. The till sees the ATP drop by the units held, on hand unchanged.
    await expect
      .poll(() => lineStock.textContent(), { timeout: 30_000 })
      .toContain(`Available ${waterBefore.onHand - 2} · On hand ${waterBefore.onHand}`);
    await screenshot(till, 'pos-atp-after-online-hold-1024x768');
    await till.keyboard.press('F6');
    await approveAsSupervisor(till);
    await till.getByText('Scan an item to start a sale.').waitFor();

    // 3. The customer pays; the pickup code arrives on their phone.
    await pay(shop);
    const { code, qr } = await pickupCode(shop);
    expect(code).toMatch(/^\d{6}$/);
    await expect
      .poll(async () => (await orderOnTill(till, orderId))?.status, { timeout: 30_000 })
      .toBe('paid');

    // 4. The server stops; the till verifies the code offline and hands over the water.
    await store.takeSyncServerDown();
    await till.getByText('Offline, selling locally').waitFor({ timeout: 30_000 });
    await openPickupDesk(till);
    expect(await enterPickupCode(till, code)).toBeNull();
    expect(await linesLeft(till)).toEqual({ [water.id]: 2, [noodles.id]: 1 });
    expect(await handOver(till, { [water.id]: 2 })).toMatch(/^Handed over 2 item/);
    expect(await linesLeft(till)).toEqual({ [water.id]: 0, [noodles.id]: 1 });
    await screenshot(till, 'pos-pickup-offline-1024x768');
    await closePickupDesk(till);

    // 5. The server comes back: the order is picked up in part, exactly once, stock exact.
    await store.bringSyncServerUp();
    await till.getByText('All sales uploaded').waitFor({ timeout: 60_000 });
    await expect
      .poll(async () => (await serverOrder(orderId)).status, { timeout: 30_000 })
      .toBe('partly-picked-up');
    const partly = await serverOrder(orderId);
    expect(partly.pickups.map((p) => [p.lineId, p.quantity])).toHaveLength(1);
    expect(partly.lines.map((l) => [l.sku, l.pickedUp])).toEqual([
      [water.id, 2],
      [noodles.id, 0],
    ]);
    expect(await serverStock(water.id)).toMatchObject({
      onHand: waterBefore.onHand - 2,
      held: 0,
    });
    expect(await serverStock(noodles.id)).toMatchObject({
      onHand: noodlesBefore.onHand,
      held: 1,
    });
    expect(await exceptions()).toEqual([]);

    // 6. The rest is picked up later, by the order's QR this time.
    await openPickupDesk(till);
    expect(await enterPickupCode(till, qr)).toBeNull();
    expect(await linesLeft(till)).toEqual({ [water.id]: 0, [noodles.id]: 1 });
    expect(await handOver(till, { [noodles.id]: 1 })).toMatch(/^Handed over 1 item/);
    await closePickupDesk(till);
    await expect
      .poll(async () => (await serverOrder(orderId)).status, { timeout: 30_000 })
      .toBe('picked-up');
    expect(await serverStock(noodles.id)).toMatchObject({
      onHand: noodlesBefore.onHand - 1,
      held: 0,
    });
    expect((await serverOrder(orderId)).pickups).toHaveLength(2);
    expect(await exceptions()).toEqual([]);

    // The customer's phone follows the order to the end.
    await shop.reload();
    await expect
      .poll(() => shop.getByTestId('order-status').textContent(), { timeout: 30_000 })
      .toMatch(/已取货|Picked up/);
  });
});
