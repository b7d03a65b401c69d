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

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Scans one product twice, pays cash with the next 100-yuan note, and checks
 * the screen, the printed receipt, the drawer and the server's stock level.
 */
export async function sellTwoOfOneProductForCash(page: Page, store: DemoStore): Promise<void> {
  const product = DEMO_PRODUCTS[2]!;
  const price = DEMO_PRICES.find((p) => p.sku === product.id)!;
  const barcode = product.gtin.slice(1); // the EAN-13 printed on the pack
  const total = price.amount * 2;
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
  const dialog = page.getByRole('dialog', { name: 'Cash payment' });
  await dialog.getByLabel('Cash received').fill(formatMinorPlain(tendered));
  await screenshot(page, 'pos-cash-payment');
  await dialog.getByRole('button', { name: /Confirm/ }).click();
  await page.getByRole('status').filter({ hasText: 'Paid' }).waitFor();
  await expect.poll(() => page.locator('.paid .change').textContent()).toContain(yuan(change));
  await screenshot(page, 'pos-paid');

  const receipt = (await store.printer.waitForReceipt(10_000)).join('\n');
  expect(receipt).toContain(shortName);
  expect(receipt).toMatch(new RegExp(`TOTAL\\s+${formatMinorPlain(total)}`));
  expect(receipt).toMatch(new RegExp(`CHANGE\\s+${formatMinorPlain(change)}`));
  await store.printer.waitForDrawerKicks(1);

  await page.getByText('All sales uploaded').waitFor({ timeout: 20_000 });
  const expected = stockBefore - 2;
  expect(
    await waitFor(
      () => serverStock(store, product.id),
      (n) => n === expected,
      15_000,
    ),
  ).toBe(expected);
}
