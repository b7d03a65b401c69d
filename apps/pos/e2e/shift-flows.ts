/**
 * The steps of a cashier's whole shift, shared by the Chromium and Electron
 * end-to-end tests: what the cashier does, what the screen and the printed
 * receipts show, and what the server recorded.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_CODE_KEY, DEMO_PRODUCTS } from '@pos/sync-server';
import { makeCouponCode, phoneIndex } from '@pos/domain';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';
import type { DemoStore } from '../src/demo/demo-store';
import {
  approveAsSupervisor,
  attachMember,
  openShift,
  payCash,
  plaintextOnTill,
  serverDoc,
  serverFacts,
  serverStock,
  signIn,
  startSelling,
} from './cashier-flows';
import { screenshot } from './screenshots';

const [water, noodles, , cola, rice] = DEMO_PRODUCTS as [
  (typeof DEMO_PRODUCTS)[number],
  (typeof DEMO_PRODUCTS)[number],
  unknown,
  (typeof DEMO_PRODUCTS)[number],
  (typeof DEMO_PRODUCTS)[number],
];
const ean = (product: { gtin: string }) => product.gtin.slice(1);
const short = (product: { name: string }) => product.name.split(' ')[0]!;

/** The demo members' phones and names, which no till may store ([PI1]). */
export const DEMO_MEMBER_PLAINTEXT = [
  '13800138001',
  '13800138002',
  '13900139003',
  '张伟',
  '李娜',
  'Alex Chen',
];

function cartOf(page: Page) {
  return {
    row: (product: { name: string }) => page.getByRole('row', { name: new RegExp(short(product)) }),
    total: () => page.getByLabel('Total').textContent(),
  };
}

export async function signInAndOpenShift(page: Page): Promise<void> {
  await page.getByRole('form', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'pos-sign-in');
  // A wrong PIN is refused in words.
  await signIn(page, 'S001-E01', '9999', false);
  await page.getByRole('alert').filter({ hasText: 'Staff id or PIN not recognised' }).waitFor();
  await signIn(page);
  await page.getByRole('form', { name: 'Open the shift' }).waitFor();
  await screenshot(page, 'pos-open-shift');
  await openShift(page, '500');
  await page.getByText('王芳 (S001-E01)').waitFor();
}

export async function sellWithPromotionsAndMember(page: Page, store: DemoStore): Promise<void> {
  const { row, total } = cartOf(page);
  await store.scanner.scan(ean(water));
  await row(water).waitFor();
  await page.keyboard.press('F2');
  const search = page.getByRole('dialog', { name: 'Search' });
  await search.getByRole('textbox', { name: 'Search' }).fill('nfsq');
  await search.getByRole('button', { name: new RegExp(short(water)) }).waitFor();
  await screenshot(page, 'pos-search');
  await search.getByRole('textbox', { name: 'Search' }).press('Enter');
  await expect.poll(() => row(water).locator('td').nth(1).textContent()).toBe('2');
  await page.keyboard.press('F4');
  const quantity = page.getByRole('dialog', { name: 'Quantity' }).getByLabel('Quantity');
  await quantity.fill('3');
  await quantity.press('Enter');
  await expect.poll(() => row(water).locator('td').nth(1).textContent()).toBe('3');
  await expect.poll(total).toContain('4.00');
  await expect.poll(() => row(water).textContent()).toContain('买二赠一');

  // [PI1] The till shows the member masked.
  await attachMember(page, '13800138001');
  await page.getByLabel('Member').filter({ hasText: '张* 138****8001' }).waitFor();
  await screenshot(page, 'pos-cart-member-promotion');

  // [CS2] The member answers consent on their own phone: the till prints the link as a QR code.
  await page.getByRole('button', { name: 'Consent QR' }).click();
  await page.getByText('Consent slip printed: the member scans it to answer').waitFor();
  const slip = (await store.printer.waitForReceipt(10_000)).join('\n');
  expect(slip).toContain('Scan to choose what we may use your data for');
  expect(slip).toContain('扫码管理您的个人信息授权');
  expect(slip).toContain('张*');
  expect(slip).not.toContain('张伟');
  await screenshot(page, 'pos-consent-slip');

  await page.keyboard.press('F12');
  const pay = page.getByRole('dialog', { name: 'Payment' });
  await pay.getByLabel('Cash received').fill('10');
  await pay.getByLabel('Cash received').press('Enter');
  await page.getByRole('status').filter({ hasText: 'Paid' }).waitFor();
  await expect.poll(() => page.locator('.paid .change').textContent()).toContain('6.00');
  await page.getByText('+8 Points').waitFor();

  const receipt = (await store.printer.waitForReceipt(10_000)).join('\n');
  expect(receipt).toMatch(/农夫山泉 买二赠一\s+-2\.00/);
  expect(receipt).toMatch(/TOTAL\s+4\.00/);
  expect(receipt).toMatch(/CHANGE\s+6\.00/);
  expect(receipt).toMatch(/Earned\s+\+8/);
  expect(receipt).toContain('王芳');
  await store.printer.waitForDrawerKicks(1);
}

export async function sellWithCouponAndSplitTender(page: Page, store: DemoStore): Promise<string> {
  const { row, total } = cartOf(page);
  await store.scanner.scan(ean(rice));
  await row(rice).waitFor();
  await attachMember(page, '13800138001');
  await page.getByLabel('Member').filter({ hasText: '张*' }).waitFor();
  await store.scanner.scan(makeCouponCode('CP-0001', DEMO_CODE_KEY));
  await expect.poll(total).toContain('69.90');

  await page.keyboard.press('F12');
  const pay = page.getByRole('dialog', { name: 'Payment' });
  await pay.getByRole('radio', { name: 'Points' }).click();
  await pay.getByLabel('Points to redeem').fill('1000');
  await pay.getByLabel('Points to redeem').press('Enter');
  await expect.poll(() => pay.getByLabel('Still to pay').textContent()).toContain('59.90');
  await pay.getByRole('radio', { name: 'Card' }).click();
  await pay.getByLabel('Card Amount').fill('30');
  await pay.getByLabel('Reference').fill('CARD-7781');
  await pay.getByLabel('Reference').press('Enter');
  await expect.poll(() => pay.getByLabel('Still to pay').textContent()).toContain('29.90');
  await pay.getByRole('radio', { name: 'Cash' }).click();
  await pay.getByLabel('Cash received').fill('40');
  await screenshot(page, 'pos-split-tender');
  await pay.getByLabel('Cash received').press('Enter');
  await page.getByRole('status').filter({ hasText: 'Paid' }).waitFor();
  await expect.poll(() => page.locator('.paid .change').textContent()).toContain('10.10');

  const receipt = (await store.printer.waitForReceipt(10_000)).join('\n');
  expect(receipt).toMatch(/20元券\s+-20\.00/);
  expect(receipt).toMatch(/TOTAL\s+69\.90/);
  expect(receipt).toMatch(/Points.*\s+10\.00/);
  expect(receipt).toMatch(/Card\s+30\.00/);
  expect(receipt).toContain('CARD-7781');
  expect(receipt).toMatch(/CHANGE\s+10\.10/);
  expect(receipt).toMatch(/Redeemed\s+-?1000/);
  const receiptCode = /\[QR: (R\.[^\]]+)\]/.exec(receipt)?.[1] ?? '';
  expect(receiptCode).not.toBe('');
  return receiptCode;
}

export async function voidSuspendAndResume(page: Page, store: DemoStore): Promise<void> {
  const { row } = cartOf(page);
  await store.scanner.scan(ean(noodles));
  await store.scanner.scan(ean(water));
  await row(water).waitFor();
  await page.keyboard.press('F6');
  await approveAsSupervisor(page, 'pos-supervisor-approval');
  await row(water).waitFor({ state: 'detached' });
  await row(noodles).waitFor();

  await page.keyboard.press('F5');
  await page.getByText('Scan an item to start a sale.').waitFor();
  const aside = page.getByLabel('Suspended carts');
  await aside.getByRole('button', { name: new RegExp(short(noodles)) }).waitFor();

  await store.scanner.scan(ean(cola));
  await row(cola).waitFor();
  const language = page.getByRole('button', { name: 'Language' });
  await language.click();
  await page.getByText('合计').first().waitFor();
  await screenshot(page, 'pos-cart-zh-CN');
  await language.click();
  await page.getByRole('button', { name: 'Price override' }).waitFor();
  await page.keyboard.press('F12');
  const pay = page.getByRole('dialog', { name: 'Payment' });
  await pay.getByLabel('Cash received').fill('5');
  await pay.getByLabel('Cash received').press('Enter');
  await page.getByRole('status').filter({ hasText: 'Paid' }).waitFor();
  expect((await store.printer.waitForReceipt(10_000)).join('\n')).toMatch(/CHANGE\s+1\.50/);

  await aside.getByRole('button', { name: new RegExp(short(noodles)) }).click();
  await row(noodles).waitFor();
  await page.keyboard.press('F12');
  await pay.getByLabel('Cash received').fill('20');
  await pay.getByLabel('Cash received').press('Enter');
  await page.getByRole('status').filter({ hasText: 'Paid' }).waitFor();
  expect((await store.printer.waitForReceipt(10_000)).join('\n')).toMatch(/TOTAL\s+12\.90/);
}

export async function returnByReceiptCode(
  page: Page,
  store: DemoStore,
  receiptCode: string,
): Promise<void> {
  // F8 asks for the receipt code; the receipt's QR scanned then opens the
  // return on top, and the receipt-code dialog has closed.
  await page.keyboard.press('F8');
  await page.getByLabel('Receipt code').waitFor();
  await store.scanner.scan(receiptCode);
  const dialog = page.getByRole('dialog', { name: 'Return' });
  await dialog.getByRole('table').waitFor();
  expect(await page.getByLabel('Receipt code').count()).toBe(0);
  await dialog.getByLabel(`Return quantity ${rice.name}`).fill('1');
  await screenshot(page, 'pos-return');
  await dialog.getByRole('button', { name: /Refund/ }).click();
  await approveAsSupervisor(page);
  const refund = page.getByRole('status', { name: 'Refund' });
  await refund.waitFor();
  await expect.poll(() => refund.textContent()).toContain('69.90');
  await expect.poll(() => refund.textContent()).toContain('CARD-7781');
  await screenshot(page, 'pos-refund');

  // The refund receipt: the rice back, each tender refunded as it was paid.
  const printed = (await store.printer.waitForReceipt(10_000)).join('\n');
  expect(printed).toContain('REFUND');
  expect(printed).toMatch(new RegExp(`${short(rice)}.*x1\\s+-69\\.90`));
  expect(printed).toMatch(/REFUND TOTAL\s+69\.90/);
  expect(printed).toMatch(/Refunded to Card\s+30\.00/);
  expect(printed).toContain('CARD-7781');
  expect(printed).toMatch(/Refunded to Points\s+10\.00/);
  expect(printed).toMatch(/1000 points/);
  expect(printed).toMatch(/Refunded to Cash\s+29\.90/);
  expect(printed).toMatch(/Given back\s+\+1000/);
  // The member named as on the sale receipt (masked), not by id.
  expect(printed).toMatch(/Member points\s+张\*/);
  expect(printed).not.toContain('张伟');
  expect(printed).toMatch(/Taken back\s+-119/);
}

export async function reportsAndClose(page: Page, store: DemoStore): Promise<void> {
  // The drawer opened without a sale needs a supervisor, and counts on the shift.
  const kicks = store.printer.drawerKicks;
  await page.keyboard.press('F7');
  await approveAsSupervisor(page);
  await store.printer.waitForDrawerKicks(kicks + 1);
  await page.getByText('Drawer opened (no sale), approved by 陈强').waitFor();

  await page.keyboard.press('F10');
  const x = page.getByRole('dialog', { name: 'X report' });
  await expect
    .poll(() => x.getByRole('row', { name: /Expected cash/ }).textContent())
    .toContain('520.40');
  expect(await x.getByRole('row', { name: /^Sales/ }).textContent()).toContain('4');
  expect(await x.getByRole('row', { name: /No-sale drawer opens/ }).textContent()).toContain('1');
  await screenshot(page, 'pos-x-report');
  const xPrinted = (await store.printer.waitForReceipt(10_000)).join('\n');
  expect(xPrinted).toContain('X REPORT');
  expect(xPrinted).toMatch(/Opening float\s+500\.00/);
  expect(xPrinted).toMatch(/Sales \(4\)/);
  expect(xPrinted).toMatch(/Returns \(1\)\s+-69\.90/);
  expect(xPrinted).toMatch(/Expected cash\s+520\.40/);
  expect(xPrinted).toMatch(/Drawer opens, no sale\s+1/);
  expect(xPrinted).not.toMatch(/Variance/);
  expect(await x.textContent()).toContain('Printed on the receipt printer');
  await page.keyboard.press('Escape');

  await page.keyboard.press('F11');
  const close = page.getByRole('dialog', { name: 'Close shift' });
  await close.getByLabel('Cash counted').fill('520');
  await close.getByLabel('Cash counted').press('Enter');
  const z = page.getByRole('dialog', { name: 'Z report' });
  await expect.poll(() => z.getByRole('row', { name: /Variance/ }).textContent()).toContain('0.40');
  await screenshot(page, 'pos-z-report');
  const zPrinted = (await store.printer.waitForReceipt(10_000)).join('\n');
  expect(zPrinted).toContain('Z REPORT');
  expect(zPrinted).toMatch(/Expected cash\s+520\.40/);
  expect(zPrinted).toMatch(/Counted cash\s+520\.00/);
  expect(zPrinted).toMatch(/Variance\s+-0\.40/);
  expect(zPrinted).toContain('Shift closed');
  await page.keyboard.press('Escape');
  await page.getByRole('form', { name: 'Open the shift' }).waitFor();
}

export async function checkServerAfterShift(page: Page, store: DemoStore): Promise<void> {
  await page.getByText('All sales uploaded').waitFor({ timeout: 20_000 });
  const sales = await serverFacts(store, 'saleFacts');
  expect(sales).toHaveLength(4);
  expect(await serverFacts(store, 'returns')).toHaveLength(1);
  const shifts = await serverFacts(store, 'shifts');
  expect(shifts).toMatchObject([{ openingFloat: 50000, countedCash: 52000, variance: -40 }]);
  // 1200 + 8 (sale 1) − 1000 + 119 (sale 2), then the return gives the 1000 back and takes the 119.
  await expect.poll(() => serverDoc(store, 'members', 'M0001').then((m) => m.points)).toBe(1208);
  expect(await serverDoc(store, 'coupons', 'CP-0001')).toMatchObject({ status: 'redeemed' });
  // [PI1] After the shift the till's storage holds no member's phone or name.
  expect(await plaintextOnTill(page, DEMO_MEMBER_PLAINTEXT)).toEqual([]);
}

/**
 * Sells through a sync server outage: one sale online, two offline (a member
 * on the till, and one of another store by phone), then checks the server
 * holds each sale once with stock and points right. The store must keep its
 * data across the outage (a data directory, not memory).
 */
export async function sellThroughOutage(page: Page, store: DemoStore): Promise<void> {
  const stockBefore = {
    water: await serverStock(store, water.id),
    noodles: await serverStock(store, noodles.id),
    cola: await serverStock(store, cola.id),
  };
  await startSelling(page);

  // Online: 李娜 (basic, 300 points) buys a cola.
  await store.scanner.scan(ean(cola));
  await attachMember(page, '13800138002');
  await page.getByLabel('Member').filter({ hasText: '李*' }).waitFor();
  await payCash(page, '5');
  await page.getByText('All sales uploaded').waitFor({ timeout: 20_000 });

  await store.takeSyncServerDown();
  await page.getByText('Offline, selling locally').waitFor({ timeout: 30_000 });

  // Offline: 张伟 is on this till; three waters with the 3-for-2 promotion.
  for (let i = 0; i < 3; i++) await store.scanner.scan(ean(water));
  await expect
    .poll(() =>
      page
        .getByRole('row', { name: /农夫山泉/ })
        .locator('td')
        .nth(1)
        .textContent(),
    )
    .toBe('3');
  await attachMember(page, '13800138001');
  await page.getByLabel('Member').filter({ hasText: '张*' }).waitFor();
  await payCash(page, '4');

  // Offline: Alex Chen belongs to another store; the sale records the phone's index [PI4].
  await store.scanner.scan(ean(noodles));
  await attachMember(page, '13900139003');
  await page.getByLabel('Member').filter({ hasText: '139****9003' }).waitFor();
  await payCash(page, '20');
  await page.getByText('2 sales waiting to upload').waitFor();
  await screenshot(page, 'pos-offline-selling');

  await store.bringSyncServerUp();
  await page.getByText('All sales uploaded').waitFor({ timeout: 60_000 });

  const sales = await serverFacts(store, 'saleFacts');
  expect(sales).toHaveLength(3);
  expect(new Set(sales.map((s) => s._id)).size).toBe(3);
  const index = phoneIndex(INDEX_KEY_FIXTURE, '13900139003');
  expect(sales.filter((s) => s.memberPhoneIndex === index)).toHaveLength(1);
  expect(JSON.stringify(sales)).not.toContain('13900139003');
  expect(await serverStock(store, water.id)).toBe(stockBefore.water - 3);
  expect(await serverStock(store, noodles.id)).toBe(stockBefore.noodles - 1);
  expect(await serverStock(store, cola.id)).toBe(stockBefore.cola - 1);
  // basic: 1 point per yuan on 3.50; gold: 2 per yuan on 4.00 and on 12.90.
  await expect.poll(() => serverDoc(store, 'members', 'M0002').then((m) => m.points)).toBe(303);
  await expect.poll(() => serverDoc(store, 'members', 'M0001').then((m) => m.points)).toBe(1208);
  // [PI1] [PI4] Nothing of the members in plaintext on the till, offline sales included.
  expect(await plaintextOnTill(page, DEMO_MEMBER_PLAINTEXT)).toEqual([]);
}
