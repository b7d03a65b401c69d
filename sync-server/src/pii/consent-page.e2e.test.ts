/**
 * The consent page as a customer sees it on their phone, in Debian's
 * Chromium at a phone's size: they withdraw consent and the page says so,
 * the style is allowed by the page's own CSP, and nothing else loads.
 * Screenshots go to build/screenshots, or docs/screenshots with
 * UPDATE_SCREENSHOTS=1.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, S001_DEVICE } from '../test-support';
import { recordConsentAnswer } from './consent-ledger';
import {
  POLICY_VERSION,
  startPrivacyServer,
  type PrivacyTestServer,
} from './privacy-routes-test-support';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const PHONE = { width: 390, height: 844 };
const root = fileURLToPath(new URL('../../..', import.meta.url));

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.UPDATE_SCREENSHOTS
    ? `${root}docs/screenshots`
    : `${root}build/screenshots`;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

describe('the consent page on a phone', () => {
  let server: PrivacyTestServer;
  let browser: Browser;
  let path: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package`);
    }
    server = await startPrivacyServer(BACKENDS[0]!);
    // The customer agreed to try-on suggestions last month, through an earlier invitation.
    await recordConsentAnswer(server.storage, {
      memberId: 'M1',
      choices: { 'tryon-suggestions': true },
      channel: 'customer-web',
      policyVersion: POLICY_VERSION,
      at: '2026-02-03T06:30:00.000Z',
    });
    const res = await server.request(S001_DEVICE.token, '/_consent/invitations', {
      body: { memberId: 'M1' },
    });
    path = new URL((res.body as { url: string }).url).pathname;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(locale: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url)) problems.push(`loaded ${r.url()}`);
    });
    await page.goto(server.url + path);
    return { page, problems };
  }

  it('[CS2] in Chinese by the phone’s language: the customer withdraws, and the page says so', async () => {
    const { page, problems } = await open('zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('您的个人信息授权');
    // The style applied: the page's CSP allowed it by hash.
    const background = await page.locator('button').evaluate(
      (b) =>
        (
          globalThis as unknown as {
            getComputedStyle(e: unknown): { backgroundColor: string };
          }
        ).getComputedStyle(b).backgroundColor,
    );
    expect(background).toBe('rgb(10, 92, 216)');
    await screenshot(page, 'consent-page-zh-CN');

    const tryon = page.locator('fieldset', { hasText: '试穿推荐' });
    await expect.poll(() => tryon.locator('.state').textContent()).toContain('已同意');
    await tryon.getByLabel('不同意').check();
    await page
      .locator('fieldset', { hasText: '营销信息' })
      .getByLabel('同意', { exact: true })
      .check();
    await page.getByRole('button', { name: '保存我的选择' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('已保存');
    await expect
      .poll(() => tryon.locator('.state').textContent())
      .toContain('已撤回（2026年3月1日 10:00）');
    await screenshot(page, 'consent-page-saved-zh-CN');
    const ledger = await server.request(server.adminToken, '/_members/M1/consents');
    const entries = (ledger.body as { entries: { purpose: string; granted: boolean }[] }).entries;
    expect(entries.map((e) => [e.purpose, e.granted])).toEqual([
      ['tryon-suggestions', true],
      ['marketing-messages', true],
      ['tryon-suggestions', false],
    ]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('[CS2] in English by the phone’s language, and back to Chinese by its link', async () => {
    const { page, problems } = await open('en-GB');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your privacy choices');
    await screenshot(page, 'consent-page-en');
    await page.getByRole('link', { name: '中文' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
