/**
 * The walking skeleton, as a cashier sees it: a real sync server on PGlite, the
 * real serial drivers talking to simulated devices over pseudo-terminals, the
 * hub over WebSocket, and the POS renderer with its RxDB replica in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '@pos/sync-server';
import type { Browser, Page } from 'playwright-core';
import { startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { sellTwoOfOneProductForCash, startSelling } from './cashier-flows';
import { screenshot } from './screenshots';

describe('checkout in Chromium, from scan to synced sale', () => {
  let store: DemoStore;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    store = await startDemoStore({ syncPort: 0, dataDir: 'memory://' });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(store.terminalUrl!);
    await startSelling(page);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('sells a scanned product for cash, prints the receipt and lowers the store stock on the server', async () => {
    await sellTwoOfOneProductForCash(page, store);
  });

  it('takes scans from a keyboard-wedge scanner, even while the cash dialog has the focus', async () => {
    const [first, second] = [DEMO_PRODUCTS[4]!, DEMO_PRODUCTS[5]!];
    await store.scanner.scan(first.gtin.slice(1));
    await page.getByRole('row', { name: new RegExp(first.name.split(' ')[0]!) }).waitFor();
    await page.keyboard.press('F12');
    const cash = page.getByRole('dialog', { name: 'Payment' }).getByLabel('Cash received');
    await cash.fill('500');
    // A wedge scanner types the code and Enter within a few milliseconds.
    await page.evaluate((code) => {
      for (const key of [...code, 'Enter']) {
        document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      }
    }, second.gtin.slice(1));
    await page.getByRole('row', { name: new RegExp(second.name.split(' ')[0]!) }).waitFor();
    expect(await cash.inputValue()).toBe('500');
    await page.keyboard.press('Escape');
    expect(await page.getByRole('row').count()).toBe(3); // header and two lines
  });

  it('tells the cashier the printer is out of paper, and still records the sale', async () => {
    store.printer.setPaper('out');
    const problem = page
      .getByLabel('Till status')
      .getByRole('alert')
      .filter({ hasText: /out of paper/i });
    await problem.waitFor({ timeout: 15_000 });
    await screenshot(page, 'pos-printer-out-of-paper');

    await page.keyboard.press('F12');
    await page.getByRole('dialog', { name: 'Payment' }).getByLabel('Cash received').fill('1000');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Paid' }).waitFor();
    // The receipt waits in the hub's queue, and prints once paper is back.
    await page.getByText(/^Receipt waiting for the printer: /).waitFor();

    store.printer.setPaper('ok');
    await expect.poll(() => problem.count(), { timeout: 15_000 }).toBe(0);
    // Exactly the receipt printer's ("label-printer: ready" is the label printer's).
    await page.getByText('printer: ready', { exact: true }).waitFor();
    const receipt = (await store.printer.waitForReceipt(15_000)).join('\n');
    expect(receipt).toContain('CHANGE');
  });
});
