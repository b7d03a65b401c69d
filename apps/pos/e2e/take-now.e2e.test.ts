/**
 * A clerk's take-now code at the till, as a cashier sees it: the clerk's
 * tablet made the code (here with the demo's code key, as the tablet does);
 * the simulated scanner reads it over its pseudo-terminal; the lines appear
 * credited to the clerk; the customer pays cash; the sale the real sync
 * server holds carries the credit and the tablet's cart id. Screenshots at
 * 1024×768 in English and Chinese.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { formatMinorPlain, makeTakeNowCode, type TakeNowCart } from '@pos/domain';
import { DEMO_CODE_KEY, DEMO_PRICES, DEMO_PRODUCTS } from '@pos/sync-server';
import { startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { payCash, serverFacts, startSelling } from './cashier-flows';
import { screenshot } from './screenshots';

const tee = DEMO_PRODUCTS.find((p) => p.name.includes('Cotton Crew Tee M'))!;
const socks = DEMO_PRODUCTS.find((p) => p.name.includes('Sports Socks'))!;
const priceOf = (sku: string) => DEMO_PRICES.find((p) => p.sku === sku)!.amount;
/** The demo's supervisor 陈强 sold these on the floor with the tablet. */
const clerk = { staffId: 'S001-E02', name: '陈强' };
const cart: TakeNowCart = {
  cartId: 'S001-TAB1-01JE2E0000',
  storeId: 'S001',
  credits: [{ staffId: clerk.staffId, share: 10_000 }],
  lines: [
    { sku: tee.id, quantity: 1 },
    { sku: socks.id, quantity: 2 },
  ],
};

describe('a take-now code at the till in Chromium', () => {
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
    await page.getByText('scanner: ready').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('[TL7] [TT1] [TT2] [TT4] scans the code, shows the lines credited to the clerk, and the pushed sale carries the credit', async () => {
    const code = makeTakeNowCode(cart, DEMO_CODE_KEY);
    await store.scanner.scan(code);

    const teeRow = page.getByRole('row', { name: new RegExp(tee.name.split(' ')[0]!) });
    const socksRow = page.getByRole('row', { name: new RegExp(socks.name.split(' ')[0]!) });
    await expect.poll(() => teeRow.getByTestId('line-credit').textContent()).toBe('Clerk 陈强');
    await expect.poll(() => socksRow.locator('td').nth(1).textContent()).toBe('2');
    expect(await socksRow.getByTestId('line-credit').textContent()).toBe('Clerk 陈强');
    await page.getByRole('status').filter({ hasText: 'Take-now code of 陈强: 3 items' }).waitFor();
    const subtotal = priceOf(tee.id) + 2 * priceOf(socks.id);
    await screenshot(page, 'pos-take-now-1024x768');

    // The same code again: already in the cart, nothing added.
    await store.scanner.scan(code);
    await page
      .getByRole('alert')
      .filter({ hasText: 'this take-now code is already in the cart' })
      .waitFor();
    expect(await page.getByTestId('line-credit').count()).toBe(2);

    // In Chinese: the clerk marked as 导购.
    const language = page.getByRole('button', { name: 'Language' });
    await language.click();
    await expect.poll(() => teeRow.getByTestId('line-credit').textContent()).toBe('导购 陈强');
    await page.getByRole('alert').filter({ hasText: '这张导购单已在购物车中' }).waitFor();
    await screenshot(page, 'pos-take-now-1024x768-zh-CN');
    await language.click();
    await page.getByText('Total').first().waitFor();

    // 满100减10 applies to the 157-yuan cart: the customer pays 147 in cash.
    const total = subtotal - (subtotal >= 10_000 ? 1_000 : 0);
    await expect
      .poll(() => page.getByLabel('Total').textContent())
      .toContain(formatMinorPlain(total));
    await payCash(page, String(Math.ceil(total / 100)));
    await page.getByText('All sales uploaded').waitFor({ timeout: 20_000 });

    const sales = await serverFacts(store, 'saleFacts');
    const sale = sales.find((s) => s.takeNowCartId === cart.cartId);
    expect(sale).toBeDefined();
    expect(
      (sale!.lines as { sku: string; quantity: number; credits?: unknown }[]).map((l) => [
        l.sku,
        l.quantity,
        l.credits,
      ]),
    ).toEqual([
      [tee.id, 1, cart.credits],
      [socks.id, 2, cart.credits],
    ]);
    expect(sale).toMatchObject({ storeId: 'S001', cashierId: 'S001-E01', due: total });
  });

  it('[TT3] a code already sold on this till is refused with the sale’s time', async () => {
    await store.scanner.scan(makeTakeNowCode(cart, DEMO_CODE_KEY));
    await page
      .getByRole('alert')
      .filter({
        hasText: /^this take-now code was already sold on this till at \d{4}-\d\d-\d\d \d\d:\d\d$/,
      })
      .waitFor();
    expect(await page.getByTestId('line-credit').count()).toBe(0);
  });

  it('[TT1] another store’s code is refused, naming both stores', async () => {
    await store.scanner.scan(makeTakeNowCode({ ...cart, storeId: 'S002' }, DEMO_CODE_KEY));
    await page
      .getByRole('alert')
      .filter({ hasText: "this code is for store S002's till; this till is S001" })
      .waitFor();
    expect(await page.getByTestId('line-credit').count()).toBe(0);
  });
});
