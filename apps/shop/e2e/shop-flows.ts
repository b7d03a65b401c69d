/**
 * What a customer does in the online shop, as steps an end-to-end test
 * reuses (the shop's own test and the chain's buy-online-pick-up-in-store
 * test with the POS). Each step acts through the page as a person would and
 * waits for what the customer sees.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ShopOptions, SmsMessage } from '@pos/sync-server';

/** The built shop (global-setup.ts builds it), for `shop.staticDir`. */
export const SHOP_DIST = fileURLToPath(new URL('../dist', import.meta.url));

/** A phone-sized page: what the shop is laid out for. */
export const PHONE_VIEWPORT = { width: 390, height: 844 };

/** The Jing'an store (S001) is round the corner; Xuhui (S002) about 4.7 km away. */
export const NEAR_S001 = { latitude: 31.229, longitude: 121.4551 };

/** A phone in Shanghai, near S001, that lets the shop know where it is. */
export function newPhone(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    viewport: PHONE_VIEWPORT,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    permissions: ['geolocation'],
    geolocation: NEAR_S001,
    timezoneId: 'Asia/Shanghai',
  });
}

/**
 * The simulated SMS provider's messages as they are sent: pass `onSms` in the
 * server's shop options, and read a phone's latest code with `codeFor`.
 */
export function smsInbox(): {
  onSms: NonNullable<ShopOptions['onSms']>;
  codeFor(phone: string): Promise<string>;
} {
  const sent: SmsMessage[] = [];
  const waiting: (() => void)[] = [];
  return {
    onSms(message) {
      sent.push(message);
      for (const wake of waiting.splice(0)) wake();
    },
    async codeFor(phone) {
      for (;;) {
        const last = sent.filter((m) => m.phone === phone).at(-1);
        const code = last && /(\d{6})/.exec(last.text)?.[1];
        if (code) return code;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
  };
}

/** Opens the shop at `shopUrl` (the sync server's `/shop/`). */
export async function openShop(page: Page, shopUrl: string): Promise<void> {
  await page.goto(shopUrl);
  await page.getByTestId('search').waitFor();
}

/** Signs in with `phone` and the SMS code the provider sent it. */
export async function signIn(
  page: Page,
  phone: string,
  codeFor: (phone: string) => Promise<string>,
): Promise<void> {
  const account = page.getByTestId('account');
  await account.click();
  await page.getByTestId('phone').fill(phone);
  await page.getByTestId('send-code').click();
  await page.getByTestId('code-sent').waitFor();
  await page.getByTestId('code').fill(await codeFor(phone));
  await page.getByTestId('sign-in').click();
  await page.getByTestId('me-phone').waitFor();
}

/** Types `text` into the catalog search and waits until `expected` is listed. */
export async function search(page: Page, text: string, expectedSku: string): Promise<void> {
  await page.locator('.brand').click();
  await page.getByTestId('search').fill(text);
  await page.getByTestId(`product-${expectedSku}`).waitFor();
}

/** Opens the product `sku`: from the catalog's list when it shows it, else by its address. */
async function openProduct(page: Page, sku: string): Promise<void> {
  const listed = page.getByTestId(`product-${sku}`);
  if (await listed.isVisible()) await listed.click();
  else await page.evaluate((to) => (window.location.hash = `/product/${to}`), sku);
}

/** Sets the product page's quantity (it starts at 1) and waits until it shows. */
async function chooseQuantity(page: Page, quantity: number): Promise<void> {
  for (let n = 1; n < quantity; n++) {
    await page.getByRole('button', { name: '+' }).click();
  }
  await page
    .getByTestId('quantity')
    .filter({ hasText: String(quantity) })
    .waitFor();
}

/** Opens a product, waits for its stores, chooses `storeId`, orders; returns the order id. */
export async function orderForPickup(
  page: Page,
  order: { sku: string; storeId: string; quantity?: number },
): Promise<string> {
  await openProduct(page, order.sku);
  const store = page.getByTestId(`store-${order.storeId}`);
  await store.waitFor();
  await chooseQuantity(page, order.quantity ?? 1);
  await store.click();
  await page.getByTestId('order').click();
  await page.getByTestId('countdown').waitFor();
  return decodeURIComponent(/#\/orders\/([^/?]+)/.exec(page.url())![1]!);
}

/** The units in the bag, as the header's bag shows them. */
export async function bagCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('bag').getAttribute('data-count'));
}

/**
 * Opens the product `sku` (from the catalog's list when it shows it), sets
 * `quantity` and adds it to the bag; waits until the header counts it.
 */
export async function addToBag(
  page: Page,
  item: { sku: string; quantity?: number },
): Promise<void> {
  const before = await bagCount(page);
  await openProduct(page, item.sku);
  await page.locator(`.product[data-sku="${item.sku}"] [data-testid="product-name"]`).waitFor();
  await chooseQuantity(page, item.quantity ?? 1);
  await page.getByTestId('add-to-bag').click();
  await page
    .locator(`[data-testid="bag"][data-count="${before + (item.quantity ?? 1)}"]`)
    .waitFor();
}

/** On the bag screen: chooses the member's coupon of `campaignId` to use on the order. */
export async function useBagCoupon(page: Page, campaignId: string): Promise<void> {
  await page.getByTestId(`bag-coupon-${campaignId}`).click();
  await page.locator(`[data-testid="bag-coupon-${campaignId}"][aria-pressed="true"]`).waitFor();
}

/**
 * Opens the bag, chooses `storeId` (which must have every line) and orders
 * all of it for pickup there (with the coupons already chosen); waits for
 * the countdown and returns the order id.
 */
export async function orderBagForPickup(page: Page, storeId: string): Promise<string> {
  await page.getByTestId('bag').click();
  const store = page.locator(`[data-testid="bag-store-${storeId}"]:enabled`);
  await store.click();
  await page.locator(`[data-testid="bag-store-${storeId}"][aria-pressed="true"]`).waitFor();
  await page.getByTestId('bag-order').click();
  await page.getByTestId('countdown').waitFor();
  return decodeURIComponent(/#\/orders\/([^/?]+)/.exec(page.url())![1]!);
}

/** The hold's countdown as shown, `mm:ss`. */
export async function countdown(page: Page): Promise<string> {
  return (await page.getByTestId('countdown').textContent()) ?? '';
}

/** Pays the open order with the simulated provider and waits until the server says paid. */
export async function pay(page: Page): Promise<void> {
  await page.getByTestId('pay').click();
  await page.getByTestId('pickup-code').waitFor();
}

/** The pickup code and the pickup QR's text, as the customer's phone shows them. */
export async function pickupCode(page: Page): Promise<{ code: string; qr: string }> {
  const code = (await page.getByTestId('pickup-code').textContent()) ?? '';
  const qr = page.locator('img.qr');
  await qr.waitFor();
  return { code: code.trim(), qr: (await qr.getAttribute('data-qr-text')) ?? '' };
}
