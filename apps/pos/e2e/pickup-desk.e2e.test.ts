/**
 * The pickup desk (自提) as a cashier uses it: an online order placed and
 * paid on the real sync server reaches the till; the customer gives the
 * 6-digit code; the cashier hands over one of the two lines and the pickup
 * slip prints. Screenshots at 1024×768 in English and Chinese.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makePickupQr, pickupCode, storeOrderId, type Order, type StoreOrder } from '@pos/domain';
import { DEMO_PRICES, DEMO_PRODUCTS } from '@pos/sync-server';
import { ORDERS_DB, placeOrder } from '../../../sync-server/src/orders/holds';
import { DEMO_PICKUP_KEYS, DEMO_PROVIDER_KEY } from '../../../sync-server/src/payments/notify';
import { SimulatedPaymentProvider } from '../../../sync-server/src/payments/provider';
import { startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { approveAsSupervisor, startSelling } from './cashier-flows';
import {
  closePickupDesk,
  enterPickupCode,
  handOver,
  linesLeft,
  openPickupDesk,
  waitForOrderOnTill,
} from './pickup-flows';
import { screenshot } from './screenshots';

const [first, second] = [DEMO_PRODUCTS[0]!, DEMO_PRODUCTS[1]!];
const priceOf = (sku: string) => DEMO_PRICES.find((p) => p.sku === sku)!.amount;

/**
 * A paid pickup order at S001, placed and paid through the server's own
 * functions and its payment webhook. Until the server sends orders down
 * itself, the order's `storeState` document is written here as it would.
 */
async function paidPickupOrder(store: DemoStore): Promise<Order> {
  const { storage, url } = store.syncServer;
  const line = (lineId: string, sku: string, quantity: number) => ({
    lineId,
    sku,
    quantity,
    unitPrice: priceOf(sku),
    net: priceOf(sku) * quantity,
    fulfilment: { mode: 'pickup' as const, storeId: 'S001' },
  });
  const lines = [line('L1', first.id, 2), line('L2', second.id, 1)];
  const placed = await placeOrder(
    storage,
    {
      idempotencyKey: 'e2e-pickup-1',
      channel: 'shop',
      customer: { memberId: 'M0001' },
      lines,
      total: lines.reduce((s, l) => s + l.net, 0),
    },
    new Date().toISOString(),
  );
  if (!placed.ok) throw new Error(placed.message);
  const provider = new SimulatedPaymentProvider({
    key: DEMO_PROVIDER_KEY,
    notifyUrl: `${url}/_payments/notify`,
  });
  const { providerTxnId } = await provider.createPayment(placed.order);
  expect(await provider.simulateCustomerPays(providerTxnId)).toMatchObject({ delivered: true });
  const id = placed.order.id;
  const order = (await storage.getDocs(ORDERS_DB, [id], null)).get(id)!.body as Order;
  expect(order.status).toBe('paid');
  const docId = storeOrderId(id, 'S001');
  if (!(await storage.getDocs('storeState', [docId], null)).get(docId)) {
    const doc: StoreOrder = {
      id: docId,
      kind: 'order',
      storeId: 'S001',
      updatedAt: new Date().toISOString(),
      order,
    };
    await storage.transaction((tx) =>
      tx.put({ db: 'storeState', id: docId, body: doc, storeId: 'S001', expectedRev: null }),
    );
  }
  return order;
}

describe('the pickup desk in Chromium', () => {
  let store: DemoStore;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    store = await startDemoStore({ syncPort: 0, dataDir: 'memory://' });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(store.terminalUrl!);
    await startSelling(page);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('[DP1] [DP4] finds a paid order by its 6-digit code, hands over one line and prints the pickup slip', async () => {
    const order = await paidPickupOrder(store);
    const code = pickupCode(order.id, DEMO_PICKUP_KEYS.store('S001'));
    await waitForOrderOnTill(page, order.id);

    await openPickupDesk(page);
    await page.getByLabel('Tries').waitFor();
    await screenshot(page, 'pos-pickup-code-1024x768');
    expect(await enterPickupCode(page, code)).toBeNull();
    expect(await linesLeft(page)).toEqual({ [first.id]: 2, [second.id]: 1 });
    await page
      .getByRole('button', { name: `Increase Hand over ${second.id}`, exact: true })
      .click();
    await screenshot(page, 'pos-pickup-desk-1024x768');
    await page
      .getByRole('button', { name: `Decrease Hand over ${second.id}`, exact: true })
      .click();

    expect(await handOver(page, { [first.id]: 2 })).toMatch(/^Handed over 2 item/);
    expect(await linesLeft(page)).toEqual({ [first.id]: 0, [second.id]: 1 });
    const slip = (await store.printer.waitForReceipt(15_000)).join('\n');
    expect(slip).toContain('ONLINE ORDER PICKUP');
    expect(slip).toContain(order.id);
    expect(slip).toContain('handed over x2');
    await closePickupDesk(page);

    // The same order in Chinese: what is left survives the desk closing.
    const language = page.getByRole('button', { name: 'Language' });
    await language.click();
    await page.keyboard.press('Shift+F12');
    const field = page.getByRole('dialog', { name: '自提' }).getByLabel('取货码');
    await field.fill(code);
    await field.press('Enter');
    await page.getByRole('dialog', { name: '自提' }).locator('table.pickup-lines').waitFor();
    await page.getByText('剩余').first().waitFor();
    await page.getByRole('button', { name: `增加 交付 ${second.id}`, exact: true }).click();
    await screenshot(page, 'pos-pickup-desk-1024x768-zh-CN');
    await page.keyboard.press('Escape');
    await language.click();
  });

  it('[DP6] [DP7] returns a handed-over unit of the online order by its QR, to the original payment', async () => {
    const [orderId] = (await store.syncServer.storage.findDocs(ORDERS_DB, {})).map((r) => r.id);
    await page.keyboard.press('Shift+F8');
    const ask = page.getByRole('dialog', { name: 'Online order return' });
    await ask
      .getByLabel('Order QR code')
      .fill(makePickupQr(orderId!, 'S001', DEMO_PICKUP_KEYS.chain));
    await ask.getByLabel('Order QR code').press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Online order return' });
    await dialog.locator('table.pickup-lines').waitFor();
    await dialog.getByRole('button', { name: `Increase Return ${first.id}`, exact: true }).click();
    await expect
      .poll(() => dialog.getByLabel('Refund', { exact: true }).innerText())
      .toContain((priceOf(first.id) / 100).toFixed(2));
    await screenshot(page, 'pos-online-order-return-1024x768');
    await dialog.getByRole('button', { name: /^Refund\b.*Enter/ }).click();
    await approveAsSupervisor(page);
    await page
      .getByRole('status')
      .filter({ hasText: /original payment/ })
      .waitFor();
    const slip = (await store.printer.waitForReceipt(15_000)).join('\n');
    expect(slip).toContain('ONLINE ORDER RETURN');
    expect(slip).toContain('To the original payment');
  });
});
