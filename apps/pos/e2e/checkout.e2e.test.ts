/**
 * The walking skeleton, as a cashier sees it: a real sync server on PGlite, the
 * real serial drivers talking to simulated devices over pseudo-terminals, the
 * hub over WebSocket, and the POS renderer with its RxDB replica in Chromium.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { sellTwoOfOneProductForCash } from './cashier-flows';

describe('checkout in Chromium, from scan to synced sale', () => {
  let store: DemoStore;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    store = await startDemoStore({ syncPort: 0, dataDir: 'memory://' });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => console.error('renderer error:', error));
    await page.goto(store.terminalUrl!);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('sells a scanned product for cash, prints the receipt and lowers the store stock on the server', async () => {
    await sellTwoOfOneProductForCash(page, store);
  });
});
