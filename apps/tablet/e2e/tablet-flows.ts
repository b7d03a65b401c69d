/**
 * What a clerk does on the tablet, as steps the tablet's end-to-end tests
 * share. Each step acts through the page with taps, as a clerk's finger
 * would, and waits for what the clerk sees. The tablet is switched to
 * English for the steps (its words are matched in English); screenshots
 * take both languages.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { STORE_LOCATIONS_DB, type RunningSyncServer } from '@pos/sync-server';
import { stockLevelId, type Store, type StockLevel } from '@pos/domain';
import { screenshot } from '../../pos/e2e/screenshots';

/** The built tablet (global-setup.ts builds it), for the sync server's `tablet.staticDir`. */
export const TABLET_DIST = fileURLToPath(new URL('../dist', import.meta.url));

/** The demo's clerk at S001 (PIN 1111). */
export const CLERK = { id: 'S001-E03', pin: '1111' };

/**
 * A third store about 3 km north of S001 (Jing'an), nearer than S002
 * (Xuhui, about 4.8 km): seeded in the test's own database, with the
 * style's stock, so "another store 3 km away has the missing size".
 */
export const NEAR_STORE = {
  id: 'S003',
  name: '闸北店 Zhabei',
  lat: 31.2556,
  lng: 121.4547,
};

/** Adds NEAR_STORE, its location and `units` of each of `skus` there. */
export async function seedNearStore(
  server: RunningSyncServer,
  skus: readonly string[],
  units: number,
): Promise<void> {
  const store: Store = {
    id: NEAR_STORE.id,
    name: NEAR_STORE.name,
    address: '上海市静安区共和新路 3000 号 3000 Gonghexin Rd, Shanghai',
    currency: 'CNY',
    status: 'open',
  };
  const levels: StockLevel[] = skus.map((sku) => ({
    id: stockLevelId(NEAR_STORE.id, sku),
    storeId: NEAR_STORE.id,
    sku,
    onHand: units,
  }));
  const results = await server.storage.bulkWrite([
    { db: 'stores', id: store.id, body: store, storeId: null, expectedRev: null },
    {
      db: STORE_LOCATIONS_DB,
      id: NEAR_STORE.id,
      body: {
        id: NEAR_STORE.id,
        name: NEAR_STORE.name,
        city: '上海',
        cityEn: 'Shanghai',
        lat: NEAR_STORE.lat,
        lng: NEAR_STORE.lng,
      },
      storeId: null,
      expectedRev: null,
    },
    ...levels.map((level) => ({
      db: 'stock' as const,
      id: level.id,
      body: level,
      storeId: NEAR_STORE.id,
      expectedRev: null,
    })),
  ]);
  const refused = results.find((result) => !result.ok);
  if (refused) throw new Error(`seeding ${NEAR_STORE.id} refused ${refused.id}`);
}

/** Sets a stock level's units on hand on the server, as a stock count would. */
export async function setOnHand(
  server: RunningSyncServer,
  storeId: string,
  sku: string,
  onHand: number,
): Promise<void> {
  const id = stockLevelId(storeId, sku);
  const row = (await server.storage.getDocs('stock', [id], null)).get(id);
  if (!row) throw new Error(`no stock level ${id}`);
  const [result] = await server.storage.bulkWrite([
    {
      db: 'stock',
      id,
      body: { ...(row.body as StockLevel), onHand },
      storeId,
      expectedRev: row.rev,
    },
  ]);
  if (!result?.ok) throw new Error(`setting ${id} refused`);
}

/** Opens the tablet by its provisioning link and waits for the sign-in. */
export async function provision(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.locator('input[name="pin"]').waitFor({ timeout: 120_000 });
}

/** Waits until the service worker holds the app, so the tablet can start offline. */
export async function offlineReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Switches the screens to `language` with the status line's button. */
export async function useLanguage(page: Page, language: 'en' | 'zh-CN'): Promise<void> {
  const root = page.locator('.tablet');
  if ((await root.getAttribute('lang')) === language) return;
  await page.locator('.status-line button.language').tap();
  await page.locator(`.tablet[lang="${language}"]`).waitFor();
}

/** Types digits on the on-screen keypad labelled `keypad` (or the only one), key by key. */
export async function tapDigits(page: Page, digits: string, keypad?: string): Promise<void> {
  const pad = keypad ? page.getByRole('group', { name: keypad }) : page.locator('.keypad');
  for (const digit of digits) {
    await pad.getByRole('button', { name: digit, exact: true }).first().tap();
  }
}

/** Signs the clerk in: the staff id typed, the PIN tapped on the keypad. */
export async function signIn(page: Page, clerk = CLERK): Promise<void> {
  await useLanguage(page, 'en');
  await page.locator('input[name="staffId"]').fill(clerk.id);
  await page.locator('input[name="pin"]').tap();
  await tapDigits(page, clerk.pin);
  await page.getByRole('button', { name: 'Sign in', exact: true }).tap();
  await page.locator('input[name="search"]').waitFor();
}

/** Opens a tab of the tablet's screens. */
export async function openTab(page: Page, tab: string): Promise<void> {
  await page.locator(`nav.tabs button[data-tab="${tab}"]`).tap();
}

/** The size grid's cell of `colour` and `size` (its label is "colour size: ATP"). */
export function gridCell(page: Page, colour: string, size: string) {
  return page.locator('.size-grid button.cell').filter({
    has: page.locator(`xpath=self::*[starts-with(@aria-label, "${colour} ${size}:")]`),
  });
}

/** The other stores as listed: name, distance, ATP words, in order. */
export async function otherStores(
  page: Page,
): Promise<{ name: string; distance: string; atp: string }[]> {
  const rows = page.locator('.stores-panel li.store');
  await rows.first().waitFor();
  return rows.evaluateAll((items) =>
    items.map((item) => ({
      name: item.querySelector('.store-name strong')?.textContent ?? '',
      distance: item.querySelector('.distance')?.textContent ?? '',
      atp: item.querySelector('.store-atp')?.textContent ?? '',
    })),
  );
}

/** Screenshots of the page as it is, in Chinese and in English, at the tablet's size. */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  await useLanguage(page, 'zh-CN');
  await screenshot(page, `tablet-${name}-zh-CN`);
  await useLanguage(page, 'en');
  await screenshot(page, `tablet-${name}-en`);
}
