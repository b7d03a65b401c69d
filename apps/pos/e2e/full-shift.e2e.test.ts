/**
 * A cashier's whole shift, as they do it: sign in, open the shift with a
 * float, sell with promotions, search and quantity, a member who earns and
 * redeems points, a coupon, a split tender, a voided line (supervisor), a
 * cart put aside and resumed, a return by receipt code (supervisor), an X
 * report, and the close with a cash count (Z report). Receipts are read from
 * the printer simulator; what the server recorded is checked on the server.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { screenshot } from './screenshots';
import {
  checkServerAfterShift,
  reportsAndClose,
  returnByReceiptCode,
  sellWithCouponAndSplitTender,
  sellWithPromotionsAndMember,
  signInAndOpenShift,
  voidSuspendAndResume,
} from './shift-flows';

describe('a cashier’s whole shift in Chromium', () => {
  let store: DemoStore;
  let browser: Browser;
  let page: Page;
  let receiptCode = '';

  beforeAll(async () => {
    store = await startDemoStore({ syncPort: 0, dataDir: 'memory://' });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(store.terminalUrl!);
  });

  // What the cashier saw when a step failed: the screen's text, and a screenshot.
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    console.error(`screen at the failure:\n${await page.locator('body').innerText()}`);
    await screenshot(page, 'failed-full-shift').catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('signs in and opens the shift with a cash float', () => signInAndOpenShift(page));

  it('sells with the 3-for-2 promotion: scan, search by pinyin initials, change the quantity', () =>
    sellWithPromotionsAndMember(page, store));

  it('takes a coupon and a split tender of points, card and cash', async () => {
    receiptCode = await sellWithCouponAndSplitTender(page, store);
  });

  it('voids a line with a supervisor’s PIN, puts a cart aside, sells another and resumes it', () =>
    voidSuspendAndResume(page, store));

  it('returns the rice by its receipt code, refunding points, card and cash as paid', () =>
    returnByReceiptCode(page, store, receiptCode));

  it('shows the X report, then closes the shift with a cash count and the Z report', () =>
    reportsAndClose(page, store));

  it('has every fact on the server exactly once, with stock, points and the coupon right', () =>
    checkServerAfterShift(page, store));
});
