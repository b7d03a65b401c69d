/**
 * The online shop as a customer sees it on their phone, in Chromium: a real
 * sync server on PGlite serving the built shop at /shop/, sign-in by SMS
 * code, search, the stores by distance, an order for pickup at S001 with
 * its countdown, payment through the simulated provider's webhook, and the
 * pickup code with its QR; then a bag of two products ordered together for
 * pickup at S001 with the member's coupon claimed online. Screenshots in zh-CN and en at 390×844.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSyncServer, type RunningSyncServer } from '@pos/sync-server';
import { launchChromium } from '../../pos/e2e/browser';
import { screenshot } from '../../pos/e2e/screenshots';
import {
  addToBag,
  bagCount,
  countdown,
  newPhone,
  openShop,
  orderBagForPickup,
  orderForPickup,
  pay,
  pickupCode,
  search,
  signIn,
  SHOP_DIST,
  smsInbox,
  useBagCoupon,
} from './shop-flows';

const ZHANG = '13800138001'; // demo member M0001

describe('the online shop in Chromium, from search to pickup code', () => {
  let server: RunningSyncServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const inbox = smsInbox();

  beforeAll(async () => {
    server = await startSyncServer({
      port: 0,
      dataDir: 'memory://',
      seedDemo: true,
      shop: { staticDir: SHOP_DIST, onSms: inbox.onSms },
    });
    browser = await launchChromium();
    context = await newPhone(browser);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in, finds the product by pinyin, orders for pickup at S001, pays and shows the pickup code (zh-CN)', async () => {
    await openShop(page, `${server.url}/shop/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await signIn(page, ZHANG, inbox.codeFor);
    expect(await page.getByTestId('points').textContent()).toBe('1200');

    await search(page, 'nfsq', 'SKU-0001');
    await screenshot(page, 'shop-catalog-zh-CN');
    await page.getByTestId('product-SKU-0001').click();
    // The nearest store first, with its distance and what it can promise.
    await page.getByTestId('distance-S002').waitFor();
    const stores = await page.getByTestId('stores').locator('.store-name').allTextContents();
    expect(stores).toEqual(["静安店 Jing'an", '徐汇店 Xuhui']);
    expect(await page.getByTestId('distance-S001').textContent()).toMatch(/^距您 \d+ 米$/);
    expect(await page.getByTestId('distance-S002').textContent()).toMatch(/^距您 4\.\d 公里$/);
    expect(await page.getByTestId('atp-S001').textContent()).toBe('有货 10 件');
    await screenshot(page, 'shop-product-stores-zh-CN');

    const orderId = await orderForPickup(page, { sku: 'SKU-0001', storeId: 'S001', quantity: 2 });
    expect(orderId).toMatch(/^ORD-/);
    expect(await countdown(page)).toMatch(/^1[45]:\d\d$/);
    expect(await page.getByTestId('order-total').textContent()).toBe('¥4.00');
    await screenshot(page, 'shop-order-countdown-zh-CN');

    await pay(page);
    const pickup = await pickupCode(page);
    expect(pickup.code).toMatch(/^\d{6}$/);
    expect(pickup.qr.length).toBeGreaterThan(20);
    expect(await page.getByTestId('order-status').textContent()).toBe('已支付，凭取货码自提');
    expect(
      await page.locator('img.qr').evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBeGreaterThan(100);
    await expect.poll(() => page.getByTestId('countdown').count()).toBe(0);
    await screenshot(page, 'shop-pickup-code-zh-CN');
  });

  it('shows the same in English: stores, countdown and the pickup code', async () => {
    await page.getByTestId('language').click();
    expect(await page.getByTestId('order-status').textContent()).toBe(
      'Paid: pick up with your code',
    );
    await screenshot(page, 'shop-pickup-code-en');
    await search(page, 'Tee', 'SKU-0014');
    await screenshot(page, 'shop-catalog-en');
    await page.getByTestId('product-SKU-0014').click();
    await page.getByTestId('distance-S002').waitFor();
    expect(await page.getByTestId('distance-S002').textContent()).toMatch(/^4\.\d km away$/);
    await screenshot(page, 'shop-product-stores-en');
    await orderForPickup(page, { sku: 'SKU-0014', storeId: 'S001' });
    expect(await countdown(page)).toMatch(/^1[45]:\d\d$/);
    await screenshot(page, 'shop-order-countdown-en');
    await page.getByTestId('account').click();
    await page.getByText('Awaiting payment (held for you)').waitFor();
    // A member claims the online coupon once, and shows its code at a till.
    await page.getByTestId('claim-ONLINE-10').click();
    await page.locator('.coupon').click();
    // One each: once claimed, it is no longer offered.
    expect(await page.getByTestId('claim-ONLINE-10').count()).toBe(0);
    await page.locator('.coupons img.qr').waitFor();
    await screenshot(page, 'shop-my-account-en');
  });

  it('orders two products from the bag in one order for pickup at S001; the bag survives a reload', async () => {
    await page.getByTestId('language').click();
    await addToBag(page, { sku: 'SKU-0001', quantity: 6 });
    await addToBag(page, { sku: 'SKU-0014' });
    await page.reload();
    expect(await bagCount(page)).toBe(7);
    await page.getByTestId('bag').click();
    // S002 has only 5 bottles: listed, not selectable, saying which line is short.
    await page.getByTestId('bag-atp-S002').filter({ hasText: '仅剩 5 件' }).waitFor();
    expect(await page.getByTestId('bag-store-S002').isDisabled()).toBe(true);
    expect(await page.getByTestId('bag-atp-S001').textContent()).toBe('购物袋商品全部有货');
    await screenshot(page, 'shop-bag-zh-CN');
    // The coupon claimed in "my account" is used on the bag's order.
    await useBagCoupon(page, 'ONLINE-10');
    await screenshot(page, 'shop-bag-coupon-zh-CN');
    await page.getByTestId('language').click();
    await page.getByText('Has everything in your bag').waitFor();
    await screenshot(page, 'shop-bag-en');

    const orderId = await orderBagForPickup(page, 'S001');
    expect(orderId).toMatch(/^ORD-/);
    expect(
      await page.locator('.lines li:not(.total):not(.coupon-line) .name').allTextContents(),
    ).toEqual(['农夫山泉 550ml × 6', expect.stringMatching(/ × 1$/)]);
    // The server's total, as a till prices it: six bottles at buy 2 get 1 (¥8) and
    // the tee (¥79), less the coupon's ¥10.
    expect(await page.getByTestId('order-coupon').textContent()).toMatch(/−(CN)?¥10\.00$/);
    expect(await page.getByTestId('order-total').textContent()).toMatch(/^(CN)?¥77\.00$/);
    expect(await bagCount(page)).toBe(0);
  });
});
