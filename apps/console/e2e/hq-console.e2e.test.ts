/**
 * Issue 18 end to end, the HQ console's "done when", in Chromium against
 * the demo store: the sync server on PGlite with the demo chain (console
 * users, safety stock and S001's shelf labels seeded as `npm start` seeds
 * them), the POS renderer on S001-POS1, the clerk tablets of S001 and S002,
 * and the store's shelf-label service driving a simulated CloudEsl gateway
 * of 1,000 labels (time-scaled).
 *
 * 1. An HQ user signs in by name and password and sees a sale rung up at
 *    the till on the dashboard within 10 s.
 * 2. S001's store manager cannot see S002 by any route: the console offers
 *    S001 only, every `/_console/…` route naming S002 (or an S002-only
 *    transfer) answers 404, and device and admin routes refuse the session
 *    (401). The database side, row-level security on both backends, is
 *    sync-server/src/console/console-auth.int.test.ts.
 * 3. A safety-stock alert (SKU-0019 at S001) leads to a transfer from S002
 *    that the two stores' tablets complete with scans; stock comes out exact
 *    at both stores and for the chain.
 * 4. A price change reaches 1,000 labels; the labels screen shows 999
 *    acknowledged and 1 failed, and the integrity list names that label.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  stockLevelId,
  type IntegrityReport,
  type LabelList,
  type SignInAnswer,
  type StockLevel,
  type TransferList,
  type TransferOrder,
} from '@pos/domain';
import {
  createCloudEslDriver,
  createShelfLabelService,
  startGatewaySimulator,
  type GatewaySimulator,
  type ShelfLabelService,
} from '@pos/hardware';
import {
  DEMO_LOW_SKU,
  DEMO_PRODUCTS,
  DEMO_SHELF_LABEL_SERVICES,
  DEMO_STORES,
  demoLabelIds,
  provisionAdminToken,
} from '@pos/sync-server';
import { expectNoOtherStore } from '../../../sync-server/src/console/console-test-support';
import { requestAs } from '../../../sync-server/src/test-support';
import { demoTabletLink, startDemoStore, type DemoStore } from '../../pos/src/demo/demo-store';
import { launchChromium } from '../../pos/e2e/browser';
import { payCash, startSelling } from '../../pos/e2e/cashier-flows';
import { screenshot } from '../../pos/e2e/screenshots';
import { newTablet } from '../../tablet/e2e/tablet-browser';
import {
  openTab,
  provision,
  signIn as signInTablet,
  TABLET_DIST,
} from '../../tablet/e2e/tablet-flows';
// The built console (global-setup.ts builds it).
import { CONSOLE_DIST } from './global-setup';

const VIEWPORT = { width: 1280, height: 800 };
const HQ = { name: 'hq', password: 'demo-admin-2026' };
const S001_MANAGER = { name: 's001', password: 'demo-store1-2026' };
const LABELS = 1000;
/** The label the simulated gateway never reaches. */
const FAILING_LABEL = 'L0417';
/** The SKU every one of the 1,000 labels shows, whose price changes. */
const LABEL_SKU = 'SKU-0002';
const [LABEL_SERVICE] = DEMO_SHELF_LABEL_SERVICES;

describe('the HQ console: dashboards, store scope, safety stock to transfer, shelf labels', () => {
  let work = '';
  let store: DemoStore;
  let browser: Browser;
  let pos: Page;
  let consoleContext: BrowserContext;
  let hq: Page;
  let admin = '';
  let url = '';

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'hq-console-e2e-'));
    store = await startDemoStore({
      syncPort: 0,
      dataDir: 'memory://',
      tablet: { staticDir: TABLET_DIST },
      console: { staticDir: CONSOLE_DIST },
      tabletHub: {},
    });
    url = store.syncServer.url;
    ({ token: admin } = await provisionAdminToken(store.syncServer.storage, 'e2e-hq'));
    browser = await launchChromium();
    pos = await browser.newPage();
    await pos.setViewportSize({ width: 1024, height: 768 });
    await pos.goto(store.terminalUrl!);
    await startSelling(pos);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A console page in English (the console remembers the language per browser). */
  async function consolePage(): Promise<Page> {
    consoleContext ??= await browser.newContext({
      viewport: VIEWPORT,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await consoleContext.newPage();
    await page.addInitScript(() => {
      if (!localStorage.getItem('console.language')) localStorage.setItem('console.language', 'en');
    });
    return page;
  }

  /** Signs a console user in with the sign-in form. */
  async function signInConsole(page: Page, user: { name: string; password: string }) {
    await page.goto(`${url}/console/`);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.locator('input[name="username"]').fill(user.name);
    await form.locator('input[name="password"]').fill(user.password);
    await form.locator('button[type="submit"]').click();
    await page.locator('nav.screens button').first().waitFor();
  }

  /** The console's screen named `words` in the top bar. */
  async function go(page: Page, words: string): Promise<void> {
    await page.locator('nav.screens button', { hasText: words }).first().click();
  }

  /** Both languages of the page as it is now (the language button toggles). */
  async function screenshotBoth(page: Page, name: string): Promise<void> {
    await screenshot(page, `${name}-en`);
    await page.locator('.top-actions button', { hasText: /^中文$/ }).click();
    await page.locator('html[lang="zh-CN"]').waitFor();
    await screenshot(page, `${name}-zh-CN`);
    await page.locator('.top-actions button', { hasText: /^English$/ }).click();
    await page.locator('html[lang="en"]').waitFor();
  }

  /** The server's units on hand of `sku` at `storeId`. */
  async function onHand(storeId: string, sku: string): Promise<number> {
    const id = stockLevelId(storeId, sku);
    const row = (await store.syncServer.storage.getDocs('stock', [id], null)).get(id);
    return row ? (row.body as StockLevel).onHand : 0;
  }

  const chainOnHand = async (sku: string) => {
    let units = 0;
    for (const s of DEMO_STORES) units += await onHand(s.id, sku);
    return units;
  };

  it('[UA1] [RU1] an HQ user signs in by name and password and sees a till’s sale on the dashboard within 10 s', async () => {
    hq = await consolePage();
    await signInConsole(hq, HQ);
    const sales = hq.locator('[data-figure="sales"] .figure-value');
    await expect.poll(() => sales.textContent(), { timeout: 30_000 }).toMatch(/\d/);
    const before = await sales.textContent();

    const product = DEMO_PRODUCTS[0]!;
    await store.scanner.scan(product.gtin.slice(1));
    await pos.getByRole('row', { name: new RegExp(product.name.split(' ')[0]!) }).waitFor();
    await payCash(pos, '10');
    // The bound: the sale is on the dashboard within 10 s of being paid.
    await expect
      .poll(() => sales.textContent(), { timeout: 10_000, interval: 200 })
      .not.toBe(before);
    await screenshotBoth(hq, 'console-dashboard');
  });

  it('[UA3] [UC9] S001’s store manager sees S001 only: the console’s pickers, every /_console route naming S002, device and admin routes', async () => {
    // An S002-only record: a supplier's delivery to S002.
    const delivery = await requestAs(url, admin, '/_console/deliveries', {
      body: {
        supplier: '上海制衣厂',
        to: 'S002',
        lines: [{ sku: 'SKU-0003', quantity: 6 }],
        reference: 'PO-E2E-1',
      },
    });
    expect(delivery.status).toBe(201);
    const deliveryId = (delivery.body as { id: string }).id;

    const signedIn = await requestAs(url, '', '/_console/session', { body: S001_MANAGER });
    expect(signedIn.status).toBe(201);
    const answer = signedIn.body as SignInAnswer;
    if (!answer.ok) throw new Error('the store manager was asked for a TOTP code');
    const token = answer.token;
    await expectNoOtherStore(url, token, 'S002', {
      ownStore: 'S001',
      extraPaths: [`/_console/transfers/${encodeURIComponent(deliveryId)}`],
    });
    const listed = (await requestAs(url, token, '/_console/transfers')).body as TransferList;
    expect(listed.transfers.map((t) => t.id)).not.toContain(deliveryId);
    // A console session is neither a device nor an admin token.
    for (const path of [
      '/stock',
      '/facts/_changes?since=0',
      '/_transfers',
      '/_esl/work',
      '/_shop/sms-outbox?phone=13800138001',
    ]) {
      expect((await requestAs(url, token, path)).status, path).toBe(401);
    }

    // In the console: no store but S001 anywhere, on any screen it may open.
    const manager = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    await manager.addInitScript(() => localStorage.setItem('console.language', 'en'));
    await signInConsole(manager, S001_MANAGER);
    await expect
      .poll(() => manager.locator('[data-figure="sales"] .figure-value').textContent(), {
        timeout: 30_000,
      })
      .toMatch(/\d/);
    for (const words of [
      'Dashboard',
      'Try-on conversion',
      'Exceptions',
      'Inventory',
      'Transfers',
      'Shelf labels',
    ]) {
      await go(manager, words);
      await manager.locator('main, .screen-body').first().waitFor();
      const options = await manager
        .locator('select option')
        .evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
      expect(
        options.filter((v) => /^S\d{3}$/.test(v)),
        words,
      ).not.toContain('S002');
      expect(await manager.locator('body').innerText(), words).not.toMatch(/\bS002\b/);
    }
    await screenshot(manager, 'console-store-manager-en');
    await manager.context().close();
  });

  it('[RN2] [TF1] [IV12] a safety-stock alert leads to a transfer two stores complete with scans; stock is exact', async () => {
    const sku = DEMO_LOW_SKU;
    const before = {
      s001: await onHand('S001', sku),
      s002: await onHand('S002', sku),
      chain: await chainOnHand(sku),
    };

    await go(hq, 'Inventory');
    await hq
      .locator(`section[data-table="alerts"] tr[data-key="S001/${sku}"]`)
      .waitFor({ timeout: 30_000 });
    const suggestion = hq.locator(`section[data-table="replenishment"] tr[data-key="${sku}"]`);
    await suggestion.waitFor();
    await screenshotBoth(hq, 'console-inventory');
    await hq.getByRole('button', { name: 'Create transfer' }).first().click();
    await go(hq, 'Transfers');
    const row = hq.locator('section[data-table="transfers"] tbody tr', { hasText: sku }).first();
    await row.waitFor({ timeout: 30_000 });
    const transferId = (await row.getAttribute('data-key'))!;
    const transfer = async () => {
      const body = (
        await requestAs(url, admin, `/_console/transfers/${encodeURIComponent(transferId)}`)
      ).body as TransferOrder | { transfer: TransferOrder };
      return 'transfer' in body ? body.transfer : body;
    };
    const order = await transfer();
    expect(order).toMatchObject({ from: 'S002', to: 'S001' });
    const quantity = order.lines.find((l) => l.sku === sku)!.quantity;
    expect(quantity).toBeGreaterThan(0);

    /** A store's tablet, signed in, on the transfers tab with this transfer open. */
    const tabletAt = async (storeId: string) => {
      const context = await newTablet(browser, url);
      const page = await context.newPage();
      // S001's tablet reaches S001's hub; S002 has none here (scans are typed).
      const hub = storeId === 'S001' ? { hubUrl: store.tabletHubUrl! } : {};
      await provision(page, demoTabletLink(url, storeId, hub));
      const clerk = { id: `${storeId}-E03`, pin: '1111' };
      await signInTablet(page, clerk);
      await openTab(page, 'transfers');
      await page.locator(`[data-transfer="${transferId}"]`).click({ timeout: 30_000 });
      await page.locator(`[data-sku="${sku}"]`).waitFor();
      return page;
    };
    /** Scans every unit by typing its SKU, then confirms the step. */
    const scanAndConfirm = async (page: Page, shot?: string) => {
      const input = page.locator('.transfer-scan input');
      for (let i = 0; i < quantity; i++) {
        await input.fill(sku);
        await input.press('Enter');
      }
      await page.locator(`[data-sku="${sku}"] .scanned`, { hasText: String(quantity) }).waitFor();
      if (shot) await screenshot(page, shot);
      await page.locator('.transfer-current .actions .primary').click();
      await page.locator('.transfer-current .badge.state-sent').waitFor({ timeout: 30_000 });
    };
    const status = async () => (await transfer()).status;

    const sender = await tabletAt('S002');
    await scanAndConfirm(sender, 'console-transfer-tablet-pick-en');
    await expect.poll(status, { timeout: 30_000 }).toBe('ready');
    await sender.locator(`[data-transfer="${transferId}"]`).click();
    await scanAndConfirm(sender);
    await expect.poll(status, { timeout: 30_000 }).toBe('shipped');
    const receiver = await tabletAt('S001');
    await scanAndConfirm(receiver, 'console-transfer-tablet-receive-en');
    await expect.poll(status, { timeout: 30_000 }).toBe('received');

    await hq.reload();
    await hq.locator('section[data-table="transfers"]').waitFor();
    await expect
      .poll(
        () =>
          hq.locator(`section[data-table="transfers"] tr[data-key="${transferId}"]`).innerText(),
        { timeout: 15_000 },
      )
      .toMatch(/received/i);
    await screenshotBoth(hq, 'console-transfers');
    expect({
      s001: await onHand('S001', sku),
      s002: await onHand('S002', sku),
      chain: await chainOnHand(sku),
    }).toEqual({
      s001: before.s001 + quantity,
      s002: before.s002 - quantity,
      chain: before.chain,
    });
    await sender.context().close();
    await receiver.context().close();
  });

  it('[SV5] [SV10] [EG10] a price change reaches 1,000 labels; the labels screen shows 999 acknowledged, 1 failed, and integrity names it', async () => {
    // S001's 1,000 labels all on one SKU's shelf edge.
    const bound = await requestAs(url, admin, '/_console/labels/bindings', {
      body: {
        storeId: 'S001',
        bindings: demoLabelIds(LABELS).map((labelId) => ({ labelId, sku: LABEL_SKU })),
      },
    });
    expect(bound.status).toBe(200);
    const sim: GatewaySimulator = await startGatewaySimulator({
      storeId: 'S001',
      labels: demoLabelIds(LABELS),
      failLabels: [FAILING_LABEL],
      seed: 7,
      timeScale: 1000,
      requestsPerSecond: 2000,
    });
    const service: ShelfLabelService = createShelfLabelService({
      serverUrl: url,
      token: LABEL_SERVICE.token,
      driver: createCloudEslDriver({ url: sim.url, storeId: 'S001', backoffMs: 5 }),
      dataDir: join(work, 'shelf-labels'),
    });
    const counts = async () =>
      ((await requestAs(url, admin, '/_console/labels?store=S001&limit=1')).body as LabelList)
        .counts;
    /** Rounds of the service until no label is pending. */
    const settle = async () => {
      for (let round = 0; round < 400; round++) {
        await service.runOnce();
        if ((await counts()).pending === 0 && service.status().acksWaiting === 0) return;
      }
      throw new Error(`labels did not settle: ${JSON.stringify(await counts())}`);
    };
    try {
      await settle();
      await go(hq, 'Shelf labels');
      const form = hq.getByRole('form', { name: 'Change a price' });
      await form.getByLabel('SKU').fill(LABEL_SKU);
      await form.getByLabel('Price list').fill('CN-LIST');
      await form.getByLabel('New price (¥)').fill('11.90');
      await form.locator('button[type="submit"]').click();
      await expect
        .poll(() => form.getByRole('status').textContent(), { timeout: 15_000 })
        .toContain(`${LABELS} labels`);
      await settle();
      expect(await counts()).toMatchObject({ acked: LABELS - 1, failed: 1, pending: 0 });

      const integrity = (await requestAs(url, admin, '/_console/labels/integrity?store=S001'))
        .body as IntegrityReport;
      expect(integrity.mismatches.map((m) => m.labelId)).toEqual([FAILING_LABEL]);
      await hq.reload();
      await expect
        .poll(() => hq.locator('[data-figure="labels-acked"] .figure-value').textContent(), {
          timeout: 15_000,
        })
        .toMatch(/999/);
      expect(await hq.locator('[data-figure="labels-failed"] .figure-value').textContent()).toMatch(
        /^\s*1\s*$/,
      );
      const flagged = hq.locator('section[data-table="integrity"] tbody tr[data-key]');
      await expect
        .poll(() => flagged.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key'))))
        .toEqual([FAILING_LABEL]);
      await screenshotBoth(hq, 'console-labels');
    } finally {
      await service.close();
      await sim.close();
    }
  });
});
