/**
 * The till works on screens from 1024×768 up: a dialog taller than the
 * screen scrolls inside itself and keeps its buttons in view, so the Z
 * report (the tallest) can always be closed. Screenshots at 1024×768 in
 * English and 中文 go to the docs. This till's printer is a network printer
 * (TCP), so the reports print over TCP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { startSelling } from './cashier-flows';
import { screenshot } from './screenshots';

const SMALLEST = { width: 1024, height: 768 };
const SCREENS = [{ width: 1280, height: 720 }, SMALLEST];
/** A 1024×768 screen less a browser's toolbars: shorter than the Z report. */
const SHORT_WINDOW = { width: 1024, height: 520 };

/**
 * Every button of `dialog` lies inside the viewport without scrolling, and
 * what the screen shows at its centre is that button, so a tap reaches it.
 */
async function expectButtonsInViewAndClickable(page: Page, dialog: Locator): Promise<void> {
  const viewport = page.viewportSize()!;
  const buttons = await dialog.getByRole('button').all();
  expect(buttons.length).toBeGreaterThan(0);
  for (const button of buttons) {
    const name = (await button.textContent())?.trim() ?? '';
    const box = (await button.boundingBox())!;
    expect(box, `button "${name}"`).not.toBeNull();
    const where = `button "${name}" at ${viewport.width}×${viewport.height}`;
    expect(box.x, where).toBeGreaterThanOrEqual(0);
    expect(box.y, where).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, where).toBeLessThanOrEqual(viewport.width);
    expect(box.y + box.height, where).toBeLessThanOrEqual(viewport.height);
    const hit = await page.evaluate(
      ({ x, y }) => document.elementFromPoint(x, y)?.closest('button')?.textContent?.trim() ?? null,
      { x: box.x + box.width / 2, y: box.y + box.height / 2 },
    );
    expect(hit, `what a tap at the centre of ${where} reaches`).toBe(name);
    await button.click({ trial: true, timeout: 5_000 });
  }
}

/** Closes the shift with `counted` yuan in the drawer; resolves with the Z report dialog. */
async function closeShift(page: Page, labels: { dialog: string; counted: string }) {
  await page.keyboard.press('F11');
  const counted = page.getByRole('dialog', { name: labels.dialog }).getByLabel(labels.counted);
  await counted.fill('500');
  await counted.press('Enter');
  const z = page.getByRole('dialog', { name: /^Z/ });
  await z.waitFor();
  return z;
}

describe('screens from 1024×768 up', () => {
  let store: DemoStore;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    store = await startDemoStore({
      syncPort: 0,
      dataDir: 'memory://',
      language: 'en',
      printerLink: 'tcp',
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewportSize(SMALLEST);
    await page.goto(store.terminalUrl!);
    await startSelling(page);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('help, search, member and the X report keep their buttons in view at 1024×768', async () => {
    for (const key of ['F1', 'F2', 'F3', 'F10']) {
      await page.keyboard.press(key);
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await expectButtonsInViewAndClickable(page, dialog);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
    expect((await store.printer.waitForReceipt(10_000)).join('\n')).toContain('X REPORT');
  });

  it('the Z report keeps its buttons in view and clickable at 1280×720 and 1024×768', async () => {
    await screenshot(page, 'pos-selling-1024x768');
    const z = await closeShift(page, { dialog: 'Close shift', counted: 'Cash counted' });
    for (const size of SCREENS) {
      await page.setViewportSize(size);
      await expectButtonsInViewAndClickable(page, z);
    }
    await screenshot(page, 'pos-z-report-1024x768');
    // In a window shorter than the dialog, the report scrolls and the buttons stay.
    await page.setViewportSize(SHORT_WINDOW);
    const report = z.getByRole('table');
    expect(await z.evaluate((dialog) => dialog.scrollHeight > dialog.clientHeight)).toBe(true);
    await expectButtonsInViewAndClickable(page, z);
    // Scrolled to its end, the last row shows above the buttons.
    await z.evaluate((dialog) => dialog.scrollTo({ top: dialog.scrollHeight }));
    await expectButtonsInViewAndClickable(page, z);
    const lastRow = (await report.getByRole('row').last().boundingBox())!;
    const firstButton = (await z.getByRole('button').first().boundingBox())!;
    expect(lastRow.y + lastRow.height).toBeLessThanOrEqual(firstButton.y);
    await screenshot(page, 'pos-z-report-short-window');
    await page.setViewportSize(SMALLEST);
    await z.getByRole('button', { name: /Close/ }).click();
    await page.getByRole('form', { name: 'Open the shift' }).waitFor();
    expect((await store.printer.waitForReceipt(10_000)).join('\n')).toContain('Z REPORT');
  });

  it('in 中文 too', async () => {
    await page.getByRole('button', { name: 'Language 语言' }).click();
    const float = page.getByRole('form', { name: '开班' }).getByLabel('备用金');
    await float.fill('500');
    await float.press('Enter');
    await page.getByText('请扫描商品开始销售。').waitFor();
    await screenshot(page, 'pos-selling-1024x768-zh-CN');
    const z = await closeShift(page, { dialog: '交班', counted: '清点现金' });
    await expectButtonsInViewAndClickable(page, z);
    await screenshot(page, 'pos-z-report-1024x768-zh-CN');
  });
});
