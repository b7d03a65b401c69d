/**
 * What a cashier does at the pickup desk (自提), shared by the end-to-end
 * tests: open it, type the customer's code, hand over units per line, read
 * what is left. The screen is in English here.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { tillRecords } from './cashier-flows';

const desk = (page: Page) => page.getByRole('dialog', { name: 'Pickup' });

/** Opens the pickup desk from the checkout screen (Shift+F12) and waits for its code field. */
export async function openPickupDesk(page: Page): Promise<void> {
  await page.keyboard.press('Shift+F12');
  await desk(page).getByLabel('Pickup code').waitFor();
}

/**
 * Types a 6-digit code (or a pickup QR's text) and waits for its order, or
 * for the refusal on the desk (its words are returned then).
 */
export async function enterPickupCode(page: Page, code: string): Promise<string | null> {
  const field = desk(page).getByLabel('Pickup code');
  await field.fill(code);
  await field.press('Enter');
  const order = desk(page).locator('table.pickup-lines');
  const refusal = desk(page).getByRole('alert');
  await order.or(refusal).first().waitFor();
  return (await order.isVisible()) ? null : await refusal.innerText();
}

/**
 * Hands over `units` per line (by SKU or line id, as the desk shows them)
 * and waits for the desk to say so; returns the words it said.
 */
export async function handOver(page: Page, units: Record<string, number>): Promise<string> {
  const dialog = desk(page);
  for (const [line, n] of Object.entries(units)) {
    const more = dialog.getByRole('button', { name: `Increase Hand over ${line}`, exact: true });
    for (let i = 0; i < n; i++) await more.click();
  }
  await dialog.getByRole('button', { name: /^Hand over\b.*Enter/ }).click();
  const said = dialog.getByRole('status').filter({ hasText: /^Handed over/ });
  const refused = dialog.getByRole('alert');
  await said.or(refused).first().waitFor();
  return (await said.isVisible()) ? said.innerText() : refused.innerText();
}

/** What is left to hand over of each line, by SKU, as the desk shows it. */
export async function linesLeft(page: Page): Promise<Record<string, number>> {
  const cells = desk(page).locator('td[aria-label^="Left "]');
  const left: Record<string, number> = {};
  for (const cell of await cells.all()) {
    const sku = (await cell.getAttribute('aria-label'))!.slice('Left '.length);
    left[sku] = Number(await cell.innerText());
  }
  return left;
}

/** Closes the desk (Esc). */
export async function closePickupDesk(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await desk(page).waitFor({ state: 'detached' });
}

/** Waits until the till's replica holds an online order (a `storeState` document of kind order). */
export async function waitForOrderOnTill(
  page: Page,
  orderId: string,
  timeout = 30_000,
): Promise<void> {
  const held = async () =>
    (await tillRecords(page)).some(({ record }) =>
      (JSON.stringify(record) ?? '').includes(`"order:${orderId}:`),
    );
  await expect.poll(held, { timeout, message: `order ${orderId} reaches the till` }).toBe(true);
}
