/**
 * What a store's staff do at the fulfilment desk (门店发货), shared by the
 * end-to-end tests: open the parcels (Shift+F9), open one, scan its items on
 * the store's scanner, report a line short, pack, print the packing slip and
 * label, hand the parcel to the courier. The screen is in English here.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { ScannerSimulator } from '@pos/hardware';

const desk = (page: Page) => page.getByRole('dialog', { name: 'Parcels' });

/** Opens the parcel list from the checkout screen (Shift+F9). */
export async function openParcelDesk(page: Page): Promise<void> {
  await page.keyboard.press('Shift+F9');
  await desk(page).waitFor();
}

/** Waits until the parcel list shows `shipmentId` (it syncs down live). */
export async function waitForParcel(page: Page, shipmentId: string, timeout = 30_000) {
  await desk(page)
    .getByRole('row', { name: `Parcel ${shipmentId}`, exact: true })
    .waitFor({ timeout });
}

/** The parcels the list shows, by id. */
export async function parcelsListed(page: Page): Promise<string[]> {
  const rows = desk(page).locator('tr[aria-label^="Parcel "]');
  return (await rows.evaluateAll((all) => all.map((r) => r.getAttribute('aria-label')!))).map(
    (label) => label.slice('Parcel '.length),
  );
}

/** Opens a listed parcel at the desk and waits for its pick list. */
export async function openParcel(page: Page, shipmentId: string): Promise<void> {
  await waitForParcel(page, shipmentId);
  await desk(page)
    .getByRole('row', { name: `Parcel ${shipmentId}`, exact: true })
    .getByRole('button', { name: 'Open' })
    .click();
  await desk(page).locator('table.pick-lines').waitFor();
}

/** What is left to pick of each line of the open parcel, by SKU. */
export async function leftToPick(page: Page): Promise<Record<string, number>> {
  const cells = desk(page).locator('td[aria-label^="Left "]');
  const left: Record<string, number> = {};
  for (const cell of await cells.all()) {
    const sku = (await cell.getAttribute('aria-label'))!.slice('Left '.length);
    left[sku] = (left[sku] ?? 0) + Number(await cell.innerText());
  }
  return left;
}

/**
 * Scans `times` units of a product on the store's scanner and waits until
 * the desk counts them: `left` is what the line has left to pick after.
 */
export async function scanToPick(
  page: Page,
  scanner: ScannerSimulator,
  item: { sku: string; barcode: string },
  times: number,
  left: number,
): Promise<void> {
  for (let i = 0; i < times; i++) await scanner.scan(item.barcode);
  await expect
    .poll(async () => (await leftToPick(page))[item.sku], {
      timeout: 20_000,
      message: `${item.sku} picked down to ${left}`,
    })
    .toBe(left);
  await desk(page).getByRole('status', { name: 'Last scan' }).waitFor();
}

/** The large answer to the last scan. */
export async function lastScan(page: Page): Promise<string> {
  return desk(page).getByLabel('Last scan').innerText();
}

/** Reports every unit left of a line short, with the reason's words, after the confirmation. */
export async function reportShort(
  page: Page,
  sku: string,
  reason: 'Not found' | 'Damaged' | 'Rejected by the store',
  beforeConfirm?: () => Promise<void>,
): Promise<string> {
  const dialog = desk(page);
  await dialog.getByRole('button', { name: `Short ${sku}`, exact: true }).click();
  const confirm = dialog.getByRole('group', { name: 'Report short' });
  await confirm.getByRole('radio', { name: reason }).click();
  await beforeConfirm?.();
  await confirm.getByRole('button', { name: /Confirm short/ }).click();
  const said = dialog.getByRole('status').filter({ hasText: /reported short/ });
  await said.waitFor();
  return said.innerText();
}

/** Packs the open parcel, weighed when `grams` is given. */
export async function pack(page: Page, grams?: number): Promise<void> {
  const dialog = desk(page);
  const weight = dialog.getByLabel('Weight (g), optional');
  if (grams !== undefined) await weight.fill(String(grams));
  await weight.press('Enter');
  await expect.poll(() => dialog.getByLabel('Parcel status').innerText()).toBe('To label');
}

/** Prints the packing slip and the label; returns the desk's words. */
export async function printSlipAndLabel(page: Page): Promise<string> {
  const dialog = desk(page);
  await dialog.getByRole('button', { name: /Print slip and label/ }).click();
  const said = dialog.getByRole('status').filter({ hasText: /^Label printed/ });
  const refused = dialog.getByRole('alert');
  await said.or(refused).first().waitFor();
  return (await said.isVisible()) ? said.innerText() : refused.innerText();
}

/** Hands the packed, labelled parcel to the courier; returns the desk's words. */
export async function handToCourier(page: Page, courier: string): Promise<string> {
  const dialog = desk(page);
  const field = dialog.getByLabel('Courier');
  await field.fill(courier);
  await field.press('Enter');
  const said = dialog.getByRole('status').filter({ hasText: /handed to/ });
  await said.waitFor();
  return said.innerText();
}

/** Back from the open parcel to the list, then the list closed (Esc twice). */
export async function closeParcelDesk(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await desk(page).locator('table.pick-lines').waitFor({ state: 'detached' });
  await page.keyboard.press('Escape');
  await desk(page).waitFor({ state: 'detached' });
}
