/**
 * What a cashier needs a supervisor for, and paying by phone, through the
 * screen: a price override and a cart discount each approved with the
 * supervisor's PIN, then a mobile-pay tender with its reference; and a
 * member of another store identified by their member QR, whom this till
 * does not hold. Receipts are read from the printer simulator; the sales
 * from the server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeMemberQr } from '@pos/domain';
import { DEMO_CODE_KEY, DEMO_PRODUCTS } from '@pos/sync-server';
import { startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { approveAsSupervisor, payCash, serverFacts, startSelling } from './cashier-flows';
import { screenshot } from './screenshots';

const noodles = DEMO_PRODUCTS[1]!;
const cola = DEMO_PRODUCTS[3]!;
const short = noodles.name.split(' ')[0]!;

describe('approvals and mobile pay in Chromium', () => {
  let store: DemoStore;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // 抹零 to 0.1 yuan: cash pays the total rounded down to the jiao.
    store = await startDemoStore({
      syncPort: 0,
      dataDir: 'memory://',
      cashRounding: { step: 10, mode: 'floor' },
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(store.terminalUrl!);
    await startSelling(page);
  });

  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    console.error(`screen at the failure:\n${await page.locator('body').innerText()}`);
    await screenshot(page, 'failed-approvals').catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('overrides a price and discounts the cart with the supervisor’s PIN, then takes WeChat Pay', async () => {
    const row = page.getByRole('row', { name: new RegExp(short) });
    const total = () => page.getByLabel('Total').textContent();
    await store.scanner.scan(noodles.gtin.slice(1));
    await row.waitFor();

    await page.getByRole('button', { name: 'Price override' }).click();
    await approveAsSupervisor(page);
    const price = page.getByRole('dialog', { name: 'Price override' }).getByLabel('Price');
    await price.fill('10');
    await price.press('Enter');
    await expect.poll(total).toContain('10.00');

    await page.getByRole('button', { name: 'Cart discount' }).click();
    await approveAsSupervisor(page);
    const discount = page.getByRole('dialog', { name: 'Cart discount' }).getByLabel('Amount');
    await discount.fill('1.50');
    await discount.press('Enter');
    await expect.poll(total).toContain('8.50');

    await page.keyboard.press('F12');
    const pay = page.getByRole('dialog', { name: 'Payment' });
    await pay.getByRole('radio', { name: 'Mobile pay' }).click();
    await expect.poll(() => pay.getByLabel('Mobile pay Amount').inputValue()).toBe('8.50');
    await pay.getByLabel('Provider').selectOption('wechat');
    await pay.getByLabel('Reference').fill('4200009988202611220001');
    await screenshot(page, 'pos-mobile-pay');
    await pay.getByLabel('Reference').press('Enter');
    await page.getByRole('status').filter({ hasText: 'Paid' }).waitFor();

    const receipt = (await store.printer.waitForReceipt(10_000)).join('\n');
    expect(receipt).toMatch(/1 x 10\.00\s+10\.00/);
    expect(receipt).toMatch(/Price override, was 12\.90\s+陈强/);
    expect(receipt).toMatch(/cart discount\s+-1\.50/);
    expect(receipt).toMatch(/Discount\s+-1\.50/);
    expect(receipt).toMatch(/TOTAL\s+8\.50/);
    expect(receipt).toMatch(/WeChat Pay\s+8\.50/);
    expect(receipt).toMatch(/Ref\s+4200009988202611220001/);
    expect(receipt).toMatch(/CHANGE\s+0\.00/);
    // Paid by phone: the drawer stays shut.
    expect(store.printer.drawerKicks).toBe(0);

    await page.getByText('All sales uploaded').waitFor({ timeout: 20_000 });
    const [sale] = await serverFacts(store, 'saleFacts');
    expect(sale).toMatchObject({
      due: 850,
      discount: 150,
      tenders: [
        { kind: 'mobile', amount: 850, provider: 'wechat', reference: '4200009988202611220001' },
      ],
    });
  });

  it('[PY1] [PY2] shows the amount due after 抹零 and takes exactly that in cash', async () => {
    const row = page.getByRole('row', { name: new RegExp(short) });
    await store.scanner.scan(noodles.gtin.slice(1));
    await row.waitFor();
    await page.getByRole('button', { name: 'Price override' }).click();
    await approveAsSupervisor(page);
    const price = page.getByRole('dialog', { name: 'Price override' }).getByLabel('Price');
    await price.fill('12.34');
    await price.press('Enter');
    await expect.poll(() => page.getByLabel('Total').textContent()).toContain('12.34');

    await page.keyboard.press('F12');
    const pay = page.getByRole('dialog', { name: 'Payment' });
    await expect.poll(() => pay.getByLabel('Still to pay').textContent()).toContain('12.30');
    await expect.poll(() => pay.getByLabel('Cash received').inputValue()).toBe('12.30');
    await screenshot(page, 'pos-cash-rounding');
    await pay.getByLabel('Cash received').press('Enter');
    await page.getByRole('status').filter({ hasText: 'Paid' }).waitFor();
    const receipt = (await store.printer.waitForReceipt(10_000)).join('\n');
    expect(receipt).toMatch(/CHANGE\s+0\.00/);
  });

  it('sells to a member QR of another store: the sale carries the member id, no member price', async () => {
    const row = page.getByRole('row', { name: new RegExp(cola.name.split(' ')[0]!) });
    await store.scanner.scan(cola.gtin.slice(1));
    await row.waitFor();
    const total = await page.getByLabel('Total').textContent();
    // Alex Chen (M0003, gold) belongs to store S002: this till does not hold him.
    const expiresAt = new Date(Date.now() + 5 * 60_000).toISOString();
    await store.scanner.scan(makeMemberQr('M0003', expiresAt, DEMO_CODE_KEY));
    await page.getByLabel('Member').filter({ hasText: 'M0003' }).waitFor();
    await screenshot(page, 'pos-member-qr-not-on-till');
    expect(await page.getByLabel('Total').textContent()).toBe(total);
    await payCash(page, '5');

    const receipt = (await store.printer.waitForReceipt(10_000)).join('\n');
    expect(receipt).toMatch(/TOTAL\s+3\.50/);
    expect(receipt).toMatch(/CHANGE\s+1\.50/);
    expect(receipt).toMatch(/Member points\s+M0003/);

    await page.getByText('All sales uploaded').waitFor({ timeout: 20_000 });
    const sales = await serverFacts(store, 'saleFacts');
    expect(sales.filter((sale) => sale.memberId === 'M0003')).toMatchObject([
      { due: 350, points: { earned: 0, redeemed: 0 } },
    ]);
  });

  it('says a refusal in the screen’s language: 中文 by its code, English as the domain words it', async () => {
    const language = page.getByRole('button', { name: 'Language' });
    await language.click();
    await page.getByText('合计').first().waitFor();
    await store.scanner.scan('6900000000007');
    await page.getByRole('alert').filter({ hasText: '6900000000007：找不到该商品' }).waitFor();
    await screenshot(page, 'pos-refusal-zh-CN');
    await language.click();
    await page
      .getByRole('alert')
      .filter({ hasText: '6900000000007: no product with barcode 06900000000007' })
      .waitFor();
    // A member, their tier and the help's hints in 中文 too.
    await language.click();
    await page.keyboard.press('F3');
    const phone = page.getByRole('dialog', { name: '会员' }).getByLabel('手机号或会员码');
    await phone.fill('13800138002');
    await phone.press('Enter');
    await page.getByRole('status').filter({ hasText: '会员 李*' }).waitFor();
    await page.getByLabel('会员').filter({ hasText: '普通' }).waitFor();
    await page.keyboard.press('F1');
    await page.getByRole('dialog', { name: '帮助' }).getByText('选择商品行').waitFor();
    await screenshot(page, 'pos-help-zh-CN');
    await page.keyboard.press('Escape');
    // The consent slip, asked for in 中文.
    await page.getByRole('button', { name: '授权二维码' }).click();
    await page.getByText('授权二维码已打印：请会员用自己的手机扫码选择').waitFor();
    const slip = (await store.printer.waitForReceipt(10_000)).join('\n');
    expect(slip).toContain('扫码管理您的个人信息授权');
    await screenshot(page, 'pos-consent-slip-zh-CN');
  });
});
