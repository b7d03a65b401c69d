/**
 * Screenshots of every HQ console screen, for the docs and for a person to
 * look at: a sync server on PGlite (in memory) seeded with the demo chain,
 * some of today's sales at S001 and S002 (one an oversell), safety stock,
 * a transfer, shelf labels acknowledged (a few failed) and a price change,
 * then each screen in Debian's Chromium at 1280×800 and 1920×1080, in
 * zh-CN and English: the sign-in form, a store manager's dashboard and
 * TOTP set-up, then every screen signed in with an HQ admin token.
 *
 *   npx tsx apps/console/e2e/screenshots.ts        (builds the console first)
 *   ONLY=zh-CN-1280 npx tsx apps/console/e2e/screenshots.ts   (one language, one size)
 *
 * Writes docs/screenshots/console-<screen>-<language>-<width>.png. Not a
 * test: a part the server does not have yet shows its "not available"
 * banner, which the picture then shows too.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { toFact } from '@pos/domain';
import {
  DEMO_DEVICES,
  createSyncServer,
  openPgliteStorage,
  provisionAdminToken,
  seedDemo,
} from '@pos/sync-server';
import { seedDemoLabels } from '../../../sync-server/src/esl/demo';
import { seedConsoleUsers } from '../../../sync-server/src/console/users';
import { demoSale, requestAs } from '../../../sync-server/src/test-support';
import { SCREENS } from '../src/access';
import { launchChromium } from '../../pos/e2e/browser';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const APP = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}docs/screenshots`;
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
const LANGUAGES = ['zh-CN', 'en'] as const;
/** `ONLY=zh-CN-1280` takes one language at one size. */
const ONLY = process.env.ONLY;

/** A document as a device pushes it (`_id`, not deleted). */
function wire(doc: { id: string } & object): Record<string, unknown> {
  const { id, ...rest } = doc;
  return { _id: id, ...rest, _deleted: false };
}

async function seedActivity(url: string, admin: string): Promise<void> {
  const [s001, s002] = DEMO_DEVICES;
  const now = Date.now();
  const say = (what: string, status: number) => {
    if (status >= 300) console.warn(`[screenshots] ${what}: HTTP ${status}`);
  };
  // Today's sales: a few an hour over the last 6 hours, at both stores.
  const sales = [];
  for (let i = 0; i < 18; i++) {
    const device = i % 3 === 0 ? s002! : s001!;
    const sale = demoSale(device, 100 + i, [
      [`SKU-000${1 + (i % 6)}`, 1 + (i % 3)],
      ['SKU-0010', 1],
    ]);
    const soldAt = new Date(now - (i % 6) * 3_600_000 - i * 60_000).toISOString();
    sales.push({ device, fact: toFact('sale', { ...sale, soldAt }) });
  }
  // One sale of more than the store holds: an oversell for the review.
  const big = demoSale(s001!, 200, [['SKU-0007', 400]]);
  sales.push({
    device: s001!,
    fact: toFact('sale', { ...big, soldAt: new Date(now).toISOString() }),
  });
  for (const { device, fact } of sales) {
    const res = await requestAs(url, device.token, '/facts/_bulk_docs', {
      body: { docs: [wire(fact as { id: string })] },
    });
    say('push a sale', res.status);
  }
  const put = await requestAs(url, admin, '/_console/safety-stock', {
    method: 'PUT',
    body: {
      rows: ['SKU-0001', 'SKU-0002', 'SKU-0003', 'SKU-0007'].map((sku, i) => ({
        storeId: 'S001',
        sku,
        safetyStock: 2 + i,
        reorderPoint: 40 + i * 5,
        maxStock: i % 2 ? null : 80,
        leadTimeDays: 3,
        packSize: 6,
      })),
    },
  });
  say('safety stock', put.status);
  const transfer = await requestAs(url, admin, '/_console/transfers', {
    body: {
      from: 'S002',
      to: 'S001',
      lines: [
        { sku: 'SKU-0001', quantity: 6 },
        { sku: 'SKU-0002', quantity: 4 },
      ],
      reason: 'replenishment SKU-0001',
    },
  });
  say('transfer', transfer.status);
  // The two stores confirm it by scanning: S001 receives one unit short.
  const order = transfer.body as { id?: string } | null;
  if (order?.id) {
    const steps = [
      { device: s002!, step: 'ready', staffId: 'S002-E01', lines: [6, 4] },
      { device: s002!, step: 'shipped', staffId: 'S002-E01', lines: [6, 4] },
      { device: s001!, step: 'received', staffId: 'S001-E01', lines: [5, 4] },
    ];
    for (const [i, s] of steps.entries()) {
      const stepId = `${s.device.deviceId}-step-${i}`;
      const res = await requestAs(url, s.device.token, `/_transfers/${order.id}/steps`, {
        headers: { 'idempotency-key': stepId },
        body: {
          stepId,
          step: s.step,
          staffId: s.staffId,
          at: new Date(now - (3 - i) * 600_000).toISOString(),
          lines: [
            { sku: 'SKU-0001', quantity: s.lines[0] },
            { sku: 'SKU-0002', quantity: s.lines[1] },
          ],
        },
      });
      say(`transfer step ${s.step}`, res.status);
    }
  }
  const second = await requestAs(url, admin, '/_console/transfers', {
    body: {
      from: 'S001',
      to: 'S002',
      lines: [{ sku: 'SKU-0005', quantity: 3 }],
      reason: 'slow seller moved',
    },
  });
  say('second transfer', second.status);
  const delivery = await requestAs(url, admin, '/_console/deliveries', {
    body: {
      supplier: '上海制衣厂',
      to: 'S001',
      lines: [{ sku: 'SKU-0003', quantity: 24 }],
      reference: 'PO-2026-1207',
    },
  });
  say('delivery', delivery.status);
  // The labels' gateway: acknowledges all but three of the work.
  const esl = 'demo-s001-esl1';
  const work = await requestAs(url, esl, '/_esl/work');
  const items = (work.body as { items?: { labelId: string; hash: string; pushId: string }[] })
    ?.items;
  if (items) {
    const acks = items.map((item, i) => ({
      labelId: item.labelId,
      hash: item.hash,
      pushId: item.pushId,
      status: i % 17 === 5 ? ('failed' as const) : ('acked' as const),
      ...(i % 17 === 5 ? { error: 'no answer from the label (out of range)' } : {}),
      batteryPct: 60 + (i % 40),
      at: new Date(now - 60_000 + i * 200).toISOString(),
    }));
    say('acks', (await requestAs(url, esl, '/_esl/acks', { body: { acks } })).status);
  } else {
    say('label work', work.status);
  }
  const price = await requestAs(url, admin, '/_console/prices', {
    body: { priceList: 'CN-LIST', sku: 'SKU-0002', amountFen: 1290 },
  });
  say('price change', price.status);
}

async function main(): Promise<void> {
  execFileSync('npx', ['vite', 'build'], { cwd: APP, stdio: 'inherit' });
  const pg = new PGlite('memory://');
  await pg.waitReady;
  const cluster = await pg.dumpDataDir('none');
  await pg.close();
  const storage = await openPgliteStorage('memory://', { loadDataDir: cluster });
  await seedDemo(storage);
  await seedDemoLabels(storage, { count: 120 });
  await seedConsoleUsers(storage);
  const admin = (await provisionAdminToken(storage, 'hq-screenshots')).token;
  const server = createSyncServer({
    storage,
    log: () => {},
    rateLimit: false,
    holdSweeper: false,
    console: { staticDir: `${APP}dist` },
  });
  const url = await server.listen(0, '127.0.0.1');
  const browser = await launchChromium();
  try {
    await seedActivity(url, admin);
    mkdirSync(OUT, { recursive: true });
    for (const language of LANGUAGES) {
      for (const size of SIZES) {
        if (ONLY && ONLY !== `${language}-${size.width}`) continue;
        const context = await browser.newContext({ viewport: size, locale: language });
        await context.addInitScript((lang) => {
          localStorage.setItem('console.language', lang === 'en' ? 'en' : 'zh-CN');
        }, language);
        const page = await context.newPage();
        page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
        const shoot = async (name: string) => {
          // The whole page, unless it is a long list (the labels): then what the screen shows.
          const height = await page.evaluate(() => document.documentElement.scrollHeight);
          await page.screenshot({
            path: `${OUT}/console-${name}-${language}-${size.width}.png`,
            fullPage: height <= size.height * 2.5,
          });
          console.log(`[screenshots] console-${name}-${language}-${size.width}.png`);
        };
        // The sign-in form, then a store manager's dashboard: S001 only.
        await page.goto(`${url}/console/`);
        await page.locator('input[name="username"]').fill('s001');
        await page.locator('input[name="password"]').fill('demo-store1-2026');
        await shoot('sign-in');
        await page.locator('form button[type="submit"]').click();
        await page.locator('[data-table="devices"]').waitFor();
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(300);
        await shoot('dashboard-store-manager');
        // Their own account: TOTP set-up with its QR code.
        await page.evaluate(() => {
          window.location.hash = 'screen=account';
          window.location.reload();
        });
        await page.locator('main button.primary').click();
        await page.locator('img.qr').waitFor();
        await shoot('account');
        await page.evaluate(() => sessionStorage.clear());
        // Only the fragment differs: load the page again so it reads the link.
        await page.goto(`${url}/console/#token=${admin}`);
        await page.reload();
        for (const screen of SCREENS.filter((s) => s !== 'account')) {
          await page.evaluate((s) => {
            window.location.hash = `screen=${s}`;
            window.location.reload();
          }, screen);
          await page.waitForLoadState('load');
          await page.locator('main').waitFor();
          await page.waitForLoadState('networkidle');
          // Open an exception or a transfer, so its detail shows too.
          if (screen === 'exceptions' || screen === 'transfers') {
            // One with something to look at: a discrepancy, else the newest.
            const warned = page.locator('tr.clickable.warn').first();
            const first = (await warned.count()) ? warned : page.locator('tr.clickable').first();
            if (await first.count()) {
              await first.click();
              await page.waitForLoadState('networkidle');
            }
          }
          await page.waitForTimeout(300);
          await shoot(screen);
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
    await storage.close();
  }
}

await main();
