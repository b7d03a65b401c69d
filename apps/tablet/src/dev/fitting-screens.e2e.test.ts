/**
 * The fitting-room, tried-items, count and transfer screens against the
 * fake tablet (src/dev/), in Chromium at 1280×800: they render and work by
 * touch with no hub or server, and with `UPDATE_SCREENSHOTS=1` each is saved
 * in zh-CN and en to
 * docs/screenshots/tablet-{fitting-rooms,tried-items,count,transfers-*}-*.png.
 * The end-to-end flow against the real hub and server is in e2e/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { launchChromium } from '../../../pos/e2e/browser';

const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';

let server: ViteDevServer;
let browser: Browser;
let base: string;

beforeAll(async () => {
  server = await createServer({
    configFile: `${APP_DIR}vite.config.ts`,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    logLevel: 'error',
  });
  await server.listen();
  const address = server.httpServer!.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}/tablet/dev/index.html`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  await page.goto(`${base}?${query}`);
  await page.locator('input[name="staffId"]').fill('S001-E03');
  await page.locator('input[name="pin"]').fill('3333');
  await page.locator('button[type="submit"]').click();
  await page.locator('nav.tabs').waitFor();
  return page;
}

/** The screen in `language`: the status line's language button switches. */
async function switchLanguage(page: Page, language: 'zh-CN' | 'en') {
  const now = await page.locator('.tablet').getAttribute('lang');
  if (now !== language) await page.locator('.status-line .language').click();
  await page.locator(`.tablet[lang="${language}"]`).waitFor();
}

async function shot(page: Page, name: string) {
  if (!UPDATE) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const language of ['zh-CN', 'en'] as const) {
    await switchLanguage(page, language);
    await page.screenshot({ path: `${SHOTS}tablet-${name}-${language}.png` });
  }
  await switchLanguage(page, 'zh-CN');
}

describe('[TA9] [TA10] [TA11] the fitting-room, tried-items and count screens (fake tablet)', () => {
  it('[TA9] the rooms side by side, each tag with product, colour, size and minutes', async () => {
    const page = await open('');
    await page.locator('[data-tab="fitting"]').click();
    const rooms = page.locator('.room');
    await expect.poll(() => rooms.count()).toBe(3);
    await expect.poll(() => rooms.first().locator('.room-tag').count()).toBe(3);
    expect(await rooms.first().locator('.room-tag.try-on').count()).toBe(2);
    expect(await rooms.first().textContent()).toContain('白 · M');
    await shot(page, 'fitting-rooms');
    await page.context().close();
  });

  it('[TA10] link a member by their QR; their tried items, sold or not, and suggestions for the room', async () => {
    const page = await open('');
    await page.locator('[data-tab="fitting"]').click();
    const room2 = page.locator('.room').nth(1);
    await room2.getByRole('button', { name: '关联会员' }).click();
    await page.locator('[role="dialog"] video').waitFor();
    await page.evaluate(() =>
      (window as unknown as { fakeTablet: { showCamera(c: string): void } }).fakeTablet.showCamera(
        'M.demo',
      ),
    );
    await page.locator('.note.info').waitFor();
    expect(await page.locator('.note.info').textContent()).toContain('试衣间 2');
    await room2.locator('.room-member').waitFor();
    await room2.getByRole('button', { name: '试穿记录' }).click();
    await expect.poll(() => page.locator('.tried-items .tried').count()).toBe(4);
    expect(await page.locator('.tried-items .badge.sold').count()).toBe(2);
    await expect.poll(() => page.locator('.suggestion').count()).toBe(5);
    expect(await page.locator('.suggestions').textContent()).toContain('徐汇店');
    await shot(page, 'tried-items');
    await page.context().close();
  });

  it('[TA11] a count: compared, found, missing, unexpected and accuracy by SKU and unit', async () => {
    const page = await open('');
    await page.locator('[data-tab="count"]').click();
    await page.locator('.count-lines tbody tr').first().waitFor();
    expect(await page.locator('.count-lines tbody tr').count()).toBe(6);
    await shot(page, 'count');
    // A handheld read: the reads count while the button is held.
    await page.getByRole('button', { name: '手持读取' }).click();
    const hold = page.locator('.hold-to-read');
    await hold.waitFor();
    await hold.hover();
    await page.mouse.down();
    await page.locator('.hold-to-read.on').waitFor();
    await page.evaluate(() => {
      const fake = (window as unknown as { fakeTablet: { readTag(epc: string): void } }).fakeTablet;
      fake.readTag('3035A537C837754000000001');
      fake.readTag('3035A537C837754000000002');
      fake.readTag('3035A537C837754000000001');
    });
    await expect.poll(() => page.locator('.count-reads strong').textContent()).toBe('2');
    await page.mouse.up();
    await page.locator('.hold-to-read:not(.on)').waitFor();
    await page.getByRole('button', { name: '提交盘点' }).click();
    await page.locator('.count-lines tbody tr').first().waitFor();
    await page.context().close();
  });

  it('[TA11] offline: a count waiting for the network says so with its reads', async () => {
    const page = await open('offline');
    await page.locator('[data-tab="count"]').click();
    await page.locator('.count-current .note.waiting').waitFor();
    expect(await page.locator('.count-current').textContent()).toContain('37');
    await shot(page, 'count-offline');
    await page.context().close();
  });

  it('[TA4] in portrait (800×1280) each screen fits the width', async () => {
    const page = await open('', { width: 800, height: 1280 });
    for (const tab of ['fitting', 'tried', 'count', 'transfers']) {
      await page.locator(`[data-tab="${tab}"]`).click();
      await page.locator('main').waitFor();
      for (const language of ['zh-CN', 'en'] as const) {
        await switchLanguage(page, language);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${tab} in ${language}`).toBeLessThanOrEqual(0);
      }
      if (UPDATE) await page.screenshot({ path: `/tmp/tf-portrait-${tab}.png` });
    }
    await page.context().close();
  });
});

describe('[TA13] [TA14] [TA15] the transfers screen (fake tablet)', () => {
  it('[TA14] a pick scanned by the hub’s scanner and RFID tags, expected against scanned; a receipt one over', async () => {
    const page = await open('');
    await page.locator('[data-tab="transfers"]').click();
    await expect.poll(() => page.locator('.transfer-tasks .transfer-item').count()).toBe(2);
    await page.locator('[data-transfer="TR-20261207-3f9a1c2e"]').click();
    const rows = page.locator('.transfer-lines tbody tr');
    await rows.first().waitFor();
    await page.evaluate(() => {
      type Fake = {
        scan(code: string): void;
        readTag(epc: string): void;
        transferEpc(sku: string, n: number): string;
      };
      const fake = (window as unknown as { fakeTablet: Fake }).fakeTablet;
      fake.scan('TEE-01-WH-M');
      fake.scan('TEE-01-WH-M');
    });
    await page.locator('[data-sku="TEE-01-WH-M"] .scanned', { hasText: '2' }).waitFor();
    const hold = page.locator('.hold-to-read');
    await hold.hover();
    await page.mouse.down();
    await page.locator('.hold-to-read.on').waitFor();
    await page.evaluate(() => {
      type Fake = { readTag(epc: string): void; transferEpc(sku: string, n: number): string };
      const fake = (window as unknown as { fakeTablet: Fake }).fakeTablet;
      for (const n of [1, 1, 2]) fake.readTag(fake.transferEpc('TEE-01-BK-M', n));
    });
    await page.locator('[data-sku="TEE-01-BK-M"] .scanned', { hasText: '2' }).waitFor();
    await page.mouse.up();
    expect(await rows.locator('td.scanned').allTextContents()).toEqual(['2', '2', '0']);
    expect(await page.locator('[data-sku="TEE-01-BK-L"]').textContent()).toContain('少 1');
    await shot(page, 'transfers-pick');
    await page.locator('.transfer-current .actions .primary').click();
    await page.locator('.transfer-current .badge.state-sent').waitFor();
    // The shipped transfer from S003: one tee not on it is refused in words, the socks one over.
    await page.locator('[data-transfer="TR-20261206-8b21d0aa"]').click();
    await page.locator('[data-sku="SOCK-02"]').waitFor();
    const input = page.locator('.transfer-scan input');
    for (const code of [
      'SOCK-02',
      'SOCK-02',
      'SOCK-02',
      'SOCK-02',
      'SOCK-02',
      'TEE-01-WH-M',
      'TEE-01-WH-M',
      'TEE-01-BK-M',
    ]) {
      await input.fill(code);
      await input.press('Enter');
    }
    await page.locator('.transfer-current .note.error').waitFor();
    await page.locator('[data-sku="TEE-01-WH-M"] .scanned', { hasText: '2' }).waitFor();
    expect(await page.locator('[data-sku="SOCK-02"]').textContent()).toContain('多 1');
    await shot(page, 'transfers-receive');
    await page.context().close();
  });
});
