/**
 * Delivery in the online shop, in Chromium at phone size: the customer saves
 * an address in Jing'an with the region picker, the bag offers express and
 * same-city delivery to it with the stores it would come from, and the
 * order for express delivery shows its parcels once paid. Screenshots in
 * zh-CN and en of the address form, the delivery choice and the order's
 * parcels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSyncServer, type RunningSyncServer } from '@pos/sync-server';
import { launchChromium } from '../../pos/e2e/browser';
import { screenshot } from '../../pos/e2e/screenshots';
import { addToBag, newPhone, openShop, signIn, SHOP_DIST, smsInbox } from './shop-flows';

const ZHANG = '13800138001'; // demo member M0001

describe('delivery in the online shop', () => {
  let server: RunningSyncServer;
  let browser: Browser;
  let page: Page;
  const inbox = smsInbox();

  beforeAll(async () => {
    // Express and same-city go out from stores that are open (10:00-22:00 in
    // Shanghai): the server's clock runs from 11:00 there today, whatever the
    // hour the test runs at.
    const started = Date.now();
    const opened = new Date(started);
    opened.setUTCHours(3, 0, 0, 0);
    server = await startSyncServer({
      port: 0,
      dataDir: 'memory://',
      seedDemo: true,
      now: () => new Date(opened.getTime() + (Date.now() - started)),
      shop: { staticDir: SHOP_DIST, onSms: inbox.onSms },
    });
    browser = await launchChromium();
    const context = await newPhone(browser);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const language = async (want: 'zh-CN' | 'en') => {
    if ((await page.locator('html').getAttribute('lang')) !== want) {
      await page.getByTestId('language').click();
      await page.locator(`html[lang="${want}"]`).waitFor();
    }
  };

  it('saves an address, is offered express and same-city to it, orders express and sees the parcel', async () => {
    await openShop(page, `${server.url}/shop/`);
    await signIn(page, ZHANG, inbox.codeFor);

    // The address book: province, then (Shanghai has no cities) the district.
    await page.getByTestId('me-addresses').click();
    await page.getByTestId('address-province').selectOption('310000');
    await page.getByTestId('address-city').selectOption('310106');
    await page.getByTestId('address-detail').fill('南京西路 1266 号 12 楼');
    await page.getByTestId('address-name').fill('张伟');
    await page.getByTestId('address-phone').fill('139 1234 5678');
    await screenshot(page, 'shop-address-form-zh-CN');
    await language('en');
    await screenshot(page, 'shop-address-form-en');
    await page.getByTestId('address-save').click();
    await page.getByTestId('addresses').getByText('张* 139****5678').waitFor();
    expect(await page.getByTestId('addresses').textContent()).toContain(
      "Jing'an District, Shanghai 南京西路 1266 号 12 楼",
    );

    // The bag: delivery to it, express from the store round the corner.
    await addToBag(page, { sku: 'SKU-0001', quantity: 2 });
    await page.getByTestId('bag').click();
    await page.getByTestId('delivery-ship').click();
    await page.getByTestId('quote-ship').filter({ hasText: 'Arrives in 1-2 days' }).waitFor();
    expect(await page.getByTestId('quote-ship').textContent()).toMatch(/from .*Jing'an/);
    await screenshot(page, 'shop-delivery-choice-en');
    await page.getByTestId('delivery-same-city').click();
    await page
      .getByTestId('quote-same-city')
      .filter({ hasText: 'A courier brings it today' })
      .waitFor();
    await language('zh-CN');
    await page.getByTestId('quote-same-city').filter({ hasText: '由骑手送达' }).waitFor();
    await screenshot(page, 'shop-delivery-same-city-zh-CN');
    await page.getByTestId('delivery-ship').click();
    await page.getByTestId('quote-ship').filter({ hasText: '预计 1-2 天送达' }).waitFor();
    await screenshot(page, 'shop-delivery-choice-zh-CN');

    // Ordered for express delivery and paid: the order shows its parcel.
    await page.getByTestId('delivery-order').click();
    await page.getByTestId('countdown').waitFor();
    // A parcel has no pickup code: paid, the order shows the parcel instead.
    await page.getByTestId('pay').click();
    const parcel = page.getByTestId('parcels').locator('.parcel').first();
    await parcel.waitFor();
    expect(await parcel.textContent()).toMatch(/静安店/);
    expect(await parcel.textContent()).toMatch(/SF\d{13}/);
    await screenshot(page, 'shop-order-parcels-zh-CN');
    await language('en');
    await page.getByTestId('parcels').getByText('Waiting to be picked').waitFor();
    await screenshot(page, 'shop-order-parcels-en');
  });
});
