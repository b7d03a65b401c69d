/**
 * RFID checkout as a cashier sees it: the counter's R2000 reader (the real
 * driver on a pseudo-terminal, the simulator on the other end) reads the
 * tees laid on the counter; they become RFID lines; the customer pays cash;
 * the sale the real sync server holds carries each unit's EPC. A tag of that
 * sale read again with the next customer's items is refused in words.
 * Screenshots at 1024×768 in English and Chinese.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { encodeSgtin96 } from '@pos/domain';
import { openPtyPair, R2000Simulator, type Hub, type PtyPair } from '@pos/hardware';
import { DEMO_STYLE_PRODUCTS } from '@pos/sync-server';
import { openHub } from '../src/main/devices';
import { startTerminalHost, type TerminalHost } from '../src/main/terminal-host';
import { RENDERER_DIR, startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { payCash, serverFacts, startSelling } from './cashier-flows';
import { screenshot } from './screenshots';

const COUNTER = 'rfid-counter';
const tee = (sku: string) => DEMO_STYLE_PRODUCTS.find((p) => p.id === sku)!;
const epc = (sku: string, serial: number): string => {
  const encoded = encodeSgtin96({ gtin: tee(sku).gtin, serial });
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.epc;
};

describe('RFID checkout at the till in Chromium', () => {
  let store: DemoStore;
  let pair: PtyPair;
  let reader: R2000Simulator;
  let hub: Hub;
  let host: TerminalHost;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    store = await startDemoStore({ syncPort: 0, dataDir: 'memory://', serveBrowser: false });
    // The counter's reader beside the demo's scanner and printer, on the till's own hub.
    pair = await openPtyPair();
    reader = await R2000Simulator.open(pair.simulatorPath);
    hub = await openHub(
      {
        ...store.devices,
        rfidReaders: [{ id: COUNTER, protocol: 'r2000', path: pair.devicePath }],
      },
      48,
    );
    host = await startTerminalHost({
      config: { ...store.terminalConfig, rfidCheckoutReader: COUNTER },
      hub,
      rendererDir: RENDERER_DIR,
      port: 0,
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(host.url);
    await startSelling(page);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await hub?.close();
    await reader?.close();
    await pair?.close();
    await store?.close();
  });

  it('[TL8] [TL9] [RC1] [RC5] [RK3] tags on the counter become RFID lines, the sale carries their EPCs, and a sold tag read again is refused in words', async () => {
    const [whiteM1, whiteM2, blackL] = [
      epc('TEE-01-WH-M', 101),
      epc('TEE-01-WH-M', 102),
      epc('TEE-01-BK-L', 103),
    ];
    // Read again and again, on two antennas: two lines, three units.
    reader.tags = [
      { epc: whiteM1, antenna: 1 },
      { epc: whiteM2, antenna: 2 },
      { epc: blackL, antenna: 1 },
      { epc: whiteM1, antenna: 2 },
    ];
    const marks = page.getByTestId('line-rfid');
    await expect.poll(() => marks.allTextContents()).toEqual(['RFID ×2', 'RFID ×1']);
    reader.tags = [];
    await payCash(page, '500');
    await page.getByText('All sales uploaded').waitFor({ timeout: 20_000 });
    const sales = await serverFacts(store, 'saleFacts');
    const sale = sales.find((s) =>
      (s.lines as { epcs?: string[] }[]).some((l) => l.epcs?.includes(whiteM1)),
    );
    expect((sale!.lines as { sku: string; epcs?: string[] }[]).map((l) => [l.sku, l.epcs])).toEqual(
      [
        ['TEE-01-WH-M', [whiteM1, whiteM2]],
        ['TEE-01-BK-L', [blackL]],
      ],
    );

    // The next customer's tees, with one of the tees just sold left on the counter.
    reader.tags = [
      { epc: epc('TEE-01-BK-S', 104) },
      { epc: epc('TEE-01-WH-XL', 105) },
      { epc: epc('TEE-01-BK-S', 106) },
      { epc: whiteM2 },
    ];
    await expect.poll(() => marks.allTextContents()).toEqual(['RFID ×2', 'RFID ×1']);
    const refused = page.getByTestId('rfid-refused');
    await expect.poll(() => refused.textContent()).toMatch(/^Already sold: .*#102$/);
    await screenshot(page, 'pos-rfid-checkout-en');

    const language = page.getByRole('button', { name: 'Language' });
    await language.click();
    await expect.poll(() => refused.textContent()).toMatch(/^已售出：.*#102$/);
    await screenshot(page, 'pos-rfid-checkout-zh-CN');
    await language.click();
    reader.tags = [];
  });
});
