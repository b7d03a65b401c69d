/**
 * Selling through a network outage: the sync server stops mid-shift, the
 * cashier keeps selling (members found on the till, an unknown member by
 * phone), the server comes back, and every sale arrives exactly once with
 * stock and points right on the server.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { sellThroughOutage } from './shift-flows';

describe('selling through a sync server outage', () => {
  let store: DemoStore;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    store = await startDemoStore({
      syncPort: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'pos-offline-')),
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(store.terminalUrl!);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('keeps selling offline, then uploads every sale exactly once with stock and points right', () =>
    sellThroughOutage(page, store));
});
