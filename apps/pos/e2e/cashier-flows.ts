/** What a cashier does and sees, shared by the Chromium and Electron end-to-end tests. */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_DEVICES, DEMO_PRICES, DEMO_PRODUCTS } from '@pos/sync-server';
import { formatMinorPlain, type StockLevel } from '@pos/domain';
import type { DemoStore } from '../src/demo/demo-store';
import { screenshot } from './screenshots';

const device = DEMO_DEVICES[0];
const yuan = (minor: number) => `¥${formatMinorPlain(minor)}`;

export async function serverStock(store: DemoStore, sku: string): Promise<number> {
  const id = encodeURIComponent(`${device.storeId}:${sku}`);
  const response = await fetch(`${store.syncServer.url}/stock/${id}`, {
    headers: { Authorization: `Bearer ${device.token}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as StockLevel).onHand;
}

/** Signs a demo staff member in (cashier 王芳 by default) and waits for the next screen. */
export async function signIn(
  page: Page,
  staffId = 'S001-E01',
  pin = '1111',
  expectSignedIn = true,
): Promise<void> {
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.waitFor({ timeout: 30_000 });
  await form.getByLabel('Staff id').fill(staffId);
  await form.getByLabel('PIN').fill(pin);
  await form.getByLabel('PIN').press('Enter');
  if (expectSignedIn) await form.waitFor({ state: 'detached' });
}

/** The supervisor 陈强 approves on the cashier's screen with their own PIN. */
export async function approveAsSupervisor(page: Page, screenshotName?: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Supervisor approval' });
  await dialog.getByLabel('Staff id').fill('S001-E02');
  await dialog.getByLabel('PIN').fill('2222');
  if (screenshotName) await screenshot(page, screenshotName);
  await dialog.getByLabel('PIN').press('Enter');
  await dialog.waitFor({ state: 'detached' });
}

/** Attaches a member by phone with the member dialog (F3). */
export async function attachMember(page: Page, phone: string): Promise<void> {
  await page.keyboard.press('F3');
  const field = page.getByRole('dialog', { name: 'Member' }).getByLabel('Phone or member code');
  await field.fill(phone);
  await field.press('Enter');
}

/** Every fact of a collection the server holds for this store. */
export async function serverFacts(
  store: DemoStore,
  db: string,
): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${store.syncServer.url}/${db}/_changes?include_docs=true&since=0`, {
    headers: { Authorization: `Bearer ${device.token}` },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { results: { doc: Record<string, unknown> }[] };
  return body.results.map((row) => row.doc);
}

/** One document as the server holds it. */
export async function serverDoc(
  store: DemoStore,
  db: string,
  id: string,
): Promise<Record<string, unknown> & { points?: number }> {
  const response = await fetch(`${store.syncServer.url}/${db}/${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${device.token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * [PI1] Where any of `texts` (members' phones and names) is stored on the
 * till as the page holds it: every record of every IndexedDB database and
 * object store, and local and session storage. Empty when none is.
 */
export async function plaintextOnTill(page: Page, texts: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const { where, record } of await tillRecords(page)) {
    const text = JSON.stringify(record) ?? '';
    for (const needle of texts) if (text.includes(needle)) found.push(`${where}: ${needle}`);
  }
  return found;
}

/**
 * Everything the till's page keeps: every record of every IndexedDB database
 * and object store (`where` is `database/store`), and every value of local
 * and session storage.
 */
export async function tillRecords(page: Page): Promise<{ where: string; record: unknown }[]> {
  return page.evaluate(async () => {
    const records: { where: string; record: unknown }[] = [];
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await request(indexedDB.open(info.name));
      try {
        for (const store of Array.from(db.objectStoreNames)) {
          const all = await request(db.transaction(store, 'readonly').objectStore(store).getAll());
          for (const record of all) records.push({ where: `${info.name}/${store}`, record });
        }
      } finally {
        db.close();
      }
    }
    for (const [name, area] of [
      ['localStorage', localStorage],
      ['sessionStorage', sessionStorage],
    ] as const) {
      for (let i = 0; i < area.length; i++)
        records.push({ where: name, record: area.getItem(area.key(i)!) });
    }
    return records;
  });
}

/** Opens the shift with a cash float (yuan), as the first thing after signing in. */
export async function openShift(page: Page, float = '500'): Promise<void> {
  const form = page.getByRole('form', { name: 'Open the shift' });
  await form.getByLabel('Opening float').fill(float);
  await form.getByLabel('Opening float').press('Enter');
  await page.getByText('Scan an item to start a sale.').waitFor();
}

/** Signs the cashier in and, when no shift is open on this till, opens one. */
export async function startSelling(page: Page): Promise<void> {
  await signIn(page);
  const hint = page.getByText('Scan an item to start a sale.');
  const shiftForm = page.getByRole('form', { name: 'Open the shift' });
  await hint.or(shiftForm).first().waitFor();
  if (await shiftForm.isVisible()) await openShift(page);
}

/** Pays the cart in cash with the payment dialog (F12). */
export async function payCash(page: Page, yuan: string): Promise<void> {
  await page.keyboard.press('F12');
  const dialog = page.getByRole('dialog', { name: 'Payment' });
  // Typed over the prefilled amount due, as a cashier does: it replaces it.
  await dialog.getByLabel('Cash received').pressSequentially(yuan);
  await dialog.getByLabel('Cash received').press('Enter');
  await page.getByRole('status').filter({ hasText: 'Paid' }).waitFor();
}

/**
 * Scans one product twice, pays cash with the next 100-yuan note, and checks
 * the screen (with the 满100减10 promotion), the printed receipt, the drawer
 * and the server's stock level.
 */
export async function sellTwoOfOneProductForCash(page: Page, store: DemoStore): Promise<void> {
  const product = DEMO_PRODUCTS[2]!;
  const price = DEMO_PRICES.find((p) => p.sku === product.id)!;
  const barcode = product.gtin.slice(1); // the EAN-13 printed on the pack
  // 满100减10: ten yuan off a spend of 100 yuan or more.
  const saving = price.amount * 2 >= 10_000 ? 1_000 : 0;
  const total = price.amount * 2 - saving;
  const tendered = Math.ceil(total / 10000) * 10000;
  const change = tendered - total;
  const shortName = product.name.split(' ')[0]!;

  const stockBefore = await serverStock(store, product.id);
  await page.getByText('Scan an item to start a sale.').waitFor({ timeout: 30_000 });
  await page.getByText('scanner: ready').waitFor();

  // Two scans of the same product make one line of quantity 2.
  await store.scanner.scan(barcode, { aim: ']E0' });
  const row = page.getByRole('row', { name: new RegExp(shortName) });
  await expect.poll(() => row.textContent()).toContain(yuan(price.amount));
  await store.scanner.scan(barcode);
  await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('2');
  await expect.poll(() => page.getByLabel('Total').textContent()).toContain(yuan(total));
  await screenshot(page, 'pos-cart');

  await page.keyboard.press('F12');
  const dialog = page.getByRole('dialog', { name: 'Payment' });
  await dialog.getByLabel('Cash received').fill(formatMinorPlain(tendered));
  await screenshot(page, 'pos-cash-payment');
  await dialog.getByRole('button', { name: /Confirm/ }).click();
  await page.getByRole('status').filter({ hasText: 'Paid' }).waitFor();
  await expect.poll(() => page.locator('.paid .change').textContent()).toContain(yuan(change));
  await screenshot(page, 'pos-paid');

  const receipt = (await store.printer.waitForReceipt(10_000)).join('\n');
  expect(receipt).toContain(shortName);
  expect(receipt).toMatch(new RegExp(`TOTAL\\s+${formatMinorPlain(total)}`));
  if (saving) expect(receipt).toMatch(new RegExp(`满100减10\\s+-${formatMinorPlain(saving)}`));
  expect(receipt).toMatch(new RegExp(`CHANGE\\s+${formatMinorPlain(change)}`));
  await store.printer.waitForDrawerKicks(1);

  await page.getByText('All sales uploaded').waitFor({ timeout: 20_000 });
  const expected = stockBefore - 2;
  await expect.poll(() => serverStock(store, product.id), { timeout: 15_000 }).toBe(expected);
}
