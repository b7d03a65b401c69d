/**
 * Issue 17 end to end, one shopper's story across every part: the demo
 * store's sync server (PGlite), S001's simulated RFID floor (a TagFloor
 * driving the zone R2000 and the counter R2000 over socat pseudo-terminals
 * and the stockroom's LLRP reader on TCP, read by the real drivers on the
 * till's hub), the real fitting-room service pushing try-ons as device
 * S001-FIT1, the POS renderer, the clerk tablet and the HQ console in
 * Chromium, and a member's phone for consent.
 *
 * 1. A shopper takes 4 tagged tees into fitting room 1: 3 go in, the 4th
 *    hangs in fitting room 2 near the shared wall (room 1's antenna reads it
 *    now and then, weakly).
 * 2. The 3 stay long enough to be try-ons (a 3 s policy for the test); the
 *    4th never enters room 1 and makes no try-on.
 * 3. 2 are bought at the POS by RFID checkout (on the counter reader: 2
 *    RFID lines; cash).
 * 4. The tablet (fitting rooms, the member's tried items) and the console
 *    show 3 try-ons, 2 converted.
 * 5. The visit was linked to member M0001, who had not consented: no
 *    message. They consent to try-on suggestions on their own phone; their
 *    next visit's try-on puts a message with suggestions in the outbox.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type {
  CollectionName,
  OutboxMessage,
  TryOnFact,
  TryOnReportAnswer,
  ZoneEvent,
} from '@pos/domain';
import { DEMO_FLOOR_ANTENNAS, DEMO_ZONE_READER, nearWall, type TagRead } from '@pos/hardware';
import { DEMO_DEVICES, provisionAdminToken } from '@pos/sync-server';
import { demoTaggedItems } from '../../../sync-server/src/demo-rfid';
import { TRY_ON_VISITS_DB } from '../../../sync-server/src/rfid/outbox';
import { TRY_ON_FACTS_DB } from '../../../sync-server/src/rfid/tryons-sql';
import { demoTabletLink, startDemoStore, type DemoStore } from '../../pos/src/demo/demo-store';
import { launchChromium } from '../../pos/e2e/browser';
import { payCash, serverFacts, startSelling } from '../../pos/e2e/cashier-flows';
import { screenshot } from '../../pos/e2e/screenshots';
import { newTablet } from '../../tablet/e2e/tablet-browser';
import {
  openTab,
  provision,
  signIn as signInTablet,
  TABLET_DIST,
} from '../../tablet/e2e/tablet-flows';
// The built console (global-setup.ts builds it).
import { CONSOLE_DIST } from './global-setup';

const CONSOLE_VIEWPORT = { width: 1440, height: 900 };
/** The demo member 张伟 (13800138001), at home in S001. */
const MEMBER = { id: 'M0001', phone: '13800138001' };
const CLERK = 'S001-E03';
/** The test's try-on rule: 3 s in a room is a try-on. */
const MIN_TRY_ON_MS = 3_000;
const till = DEMO_DEVICES[0];
/** FR1's antenna on the zone reader. */
const FR1_ANTENNA = DEMO_FLOOR_ANTENNAS.find((a) => a.zone === 'FR1')!.antenna;

/** The first tagged unit at S001 of the tee in `colour` and `size`. */
function tee(colour: 'WH' | 'BK', size: 'S' | 'M' | 'L' | 'XL'): string {
  const sku = `TEE-01-${colour}-${size}`;
  const item = demoTaggedItems().find((i) => i.storeId === 'S001' && i.sku === sku);
  if (!item) throw new Error(`no tagged ${sku} at S001`);
  return item.epc;
}

describe('RFID on the shop floor: fitting rooms, RFID checkout, the tablet and the console', () => {
  let work = '';
  let store: DemoStore;
  let browser: Browser;
  let tablet: Page;
  let pos: Page;
  let adminToken = '';
  const events: ZoneEvent[] = [];
  const fr1Reads: TagRead[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'rfid-e2e-'));
    store = await startDemoStore({
      syncPort: 0,
      dataDir: 'memory://',
      tablet: { staticDir: TABLET_DIST },
      console: { staticDir: CONSOLE_DIST },
      tabletHub: {},
      rfidFloor: {
        outboxPath: join(work, 'S001-FIT1.jsonl'),
        policy: { minTryOnMs: MIN_TRY_ON_MS },
      },
      // A visit is over as soon as its last session closed; the next session starts a new one.
      tryOns: { outbox: { intervalMs: 200, quietMs: 0, visitGapMs: 1 } },
    });
    const floor = store.floor!;
    floor.fittingRooms.onZoneEvent((event) => events.push(event));
    const zoneReader = floor.readers.find((r) => r.id === DEMO_ZONE_READER)!;
    zoneReader.onRawRead?.((read) => {
      if (read.antenna === FR1_ANTENNA) fr1Reads.push(read);
    });
    ({ token: adminToken } = await provisionAdminToken(store.syncServer.storage, 'e2e-hq'));
    browser = await launchChromium();
    pos = await browser.newPage();
    await pos.setViewportSize({ width: 1024, height: 768 });
    await pos.goto(store.terminalUrl!);
    await startSelling(pos);
    const tabletContext = await newTablet(browser, store.syncServer.url);
    tablet = await tabletContext.newPage();
    await provision(
      tablet,
      demoTabletLink(store.syncServer.url, 'S001', { hubUrl: store.tabletHubUrl! }),
    );
    await signInTablet(tablet);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** What the server answers an HQ admin. */
  async function asHq<T>(path: string): Promise<T> {
    const res = await fetch(store.syncServer.url + path, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }

  /** The try-on facts the server holds (server-only, [RI5]). */
  const tryOnFacts = async (): Promise<TryOnFact[]> => {
    const page = await store.syncServer.storage.changes(TRY_ON_FACTS_DB as CollectionName, {
      since: 0,
      limit: 1_000,
      scope: null,
    });
    return page.rows.map((row) => ({ ...(row.body as TryOnFact), id: row.id }));
  };

  /** The EPCs the fitting-room service has in `room` now, sorted. */
  const inRoom = (room: string) =>
    store
      .floor!.fittingRooms.rooms()
      .find((view) => view.room.id === room)
      ?.sessions.map((s) => s.epc)
      .sort() ?? [];

  /** Waits until every session in `room` has lasted long enough to be a try-on. */
  const longEnough = (room: string) =>
    expect
      .poll(
        () =>
          store
            .floor!.fittingRooms.rooms()
            .find((view) => view.room.id === room)
            ?.sessions.every((s) => s.durationMs >= MIN_TRY_ON_MS),
        { timeout: 30_000 },
      )
      .toBe(true);

  /** The try-on suggestions waiting in the outbox for the member. */
  const suggestionsFor = async (memberId: string) =>
    (await asHq<{ messages: OutboxMessage[] }>('/_admin/outbox?status=pending')).messages.filter(
      (m) => m.purpose === 'tryon-suggestions' && m.memberId === memberId,
    );

  it('[TO3] [TO5] [FR2] [RC1] [RC5] [TO8] [TA10] [HC4] [TO12] [RI10] one shopper, four garments: 3 try-ons, 2 bought by RFID, shown on the tablet and the console; suggestions only with consent', async () => {
    const { floor, fittingRooms } = store.floor!;
    const carry = store.floor!.carry;
    const tried = [tee('WH', 'M'), tee('BK', 'M'), tee('WH', 'L')];
    const [boughtA, boughtB, notBought] = tried as [string, string, string];
    const stray = tee('BK', 'XL');

    // 1. Into fitting room 1 with 3 tees; the 4th hangs in room 2 by the shared wall.
    carry(tried, 'FR1');
    const wall = nearWall('FR2');
    floor.move(stray, wall.x, wall.y);
    await expect.poll(() => inRoom('FR1'), { timeout: 30_000 }).toEqual([...tried].sort());
    await expect.poll(() => inRoom('FR2'), { timeout: 30_000 }).toEqual([stray]);
    // Room 1's antenna reads the tee behind the wall now and then: a stray read.
    await expect
      .poll(() => fr1Reads.some((read) => read.epc === stray), { timeout: 30_000 })
      .toBe(true);
    // At the room, the member's QR links the visit (what the hub's tryon:link-member does).
    expect(fittingRooms.linkMember('FR1', MEMBER.id, CLERK)).toBe(3);

    // The tablet's fitting rooms, live through the hub: 3 tees in room 1, linked to a member.
    await openTab(tablet, 'fitting');
    const room1 = tablet.getByRole('region', { name: '试衣间 1 Fitting room 1' });
    await expect.poll(() => room1.locator('li.room-tag').count(), { timeout: 30_000 }).toBe(3);
    await room1.getByText('A member is linked').waitFor();
    await tablet
      .getByRole('region', { name: '试衣间 2 Fitting room 2' })
      .locator('li.room-tag')
      .waitFor();

    // 2. Long enough to be try-ons; out onto the sales floor: the sessions close and are pushed.
    await longEnough('FR1');
    await room1.getByRole('button', { name: 'Tried items' }).tap();
    carry(tried, 'FLOOR', 20);
    await expect.poll(async () => (await tryOnFacts()).length, { timeout: 60_000 }).toBe(3);
    const facts = await tryOnFacts();
    expect(facts.map((f) => f.epc).sort()).toEqual([...tried].sort());
    expect(facts.every((f) => f.tryOn && f.room === 'FR1' && f.memberId === MEMBER.id)).toBe(true);
    expect(facts.every((f) => f.deviceId === 'S001-FIT1' && f.clerkId === CLERK)).toBe(true);
    // The 4th never entered room 1, and made no try-on.
    expect(events.filter((e) => e.epc === stray).map((e) => e.zone)).not.toContain('FR1');
    expect(inRoom('FR2')).toEqual([stray]);

    // 5a. The member had not consented: the finished visit is decided without a message.
    const firstSession = [...facts].sort((a, b) => a.openedAt.localeCompare(b.openedAt))[0]!;
    const visitId = `tryon-visit:${MEMBER.id}:S001:${firstSession.id}`;
    await expect
      .poll(
        async () => {
          const row = (
            await store.syncServer.storage.getDocs(TRY_ON_VISITS_DB, [visitId], null)
          ).get(visitId);
          return (row?.body as { outcome?: string } | undefined)?.outcome;
        },
        { timeout: 30_000 },
      )
      .toBe('no-consent');
    expect(await suggestionsFor(MEMBER.id)).toEqual([]);

    // 3. Two on the counter: RFID checkout rings them up; cash.
    carry([boughtA, boughtB], 'CHECKOUT');
    const rfidLines = pos.getByTestId('line-rfid');
    await expect.poll(() => rfidLines.count(), { timeout: 30_000 }).toBe(2);
    expect(await rfidLines.allTextContents()).toEqual(['RFID ×1', 'RFID ×1']);
    await payCash(pos, '500');
    await pos.getByText('All sales uploaded').waitFor({ timeout: 30_000 });
    const sale = (await serverFacts(store, 'saleFacts')).find((s) =>
      (s.lines as { epcs?: string[] }[]).some((l) => l.epcs?.includes(boughtA)),
    );
    expect((sale!.lines as { epcs?: string[] }[]).flatMap((l) => l.epcs ?? []).sort()).toEqual(
      [boughtA, boughtB].sort(),
    );
    // The shopper leaves with what they bought.
    carry([boughtA, boughtB], 'EXIT');

    // 4. The server's figures, the tablet and the console: 3 try-ons, 2 converted.
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const from = new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString();
    const to = new Date(Date.parse(from) + 86_400_000).toISOString();
    const report = await asHq<TryOnReportAnswer>(`/_rfid/tryons/report?from=${from}&to=${to}`);
    expect([report.tryOns, report.converted, report.rateBp]).toEqual([3, 2, 6667]);

    // The member's tried items, asked again each time the clerk opens the screen.
    const triedOnTablet = async () => {
      await openTab(tablet, 'fitting');
      await openTab(tablet, 'tried');
      await tablet.locator('ul.tried-items li').first().waitFor();
      return {
        tried: await tablet.locator('ul.tried-items li').count(),
        sold: await tablet.locator('ul.tried-items li.sold').count(),
        notBought: await tablet.locator('ul.tried-items li', { hasText: 'Not bought' }).count(),
      };
    };
    await expect
      .poll(triedOnTablet, { timeout: 30_000 })
      .toEqual({ tried: 3, sold: 2, notBought: 1 });

    const hq = await browser.newPage();
    await hq.setViewportSize(CONSOLE_VIEWPORT);
    await hq.goto(`${store.syncServer.url}/console/#token=${adminToken}`);
    // [HC1] The token left the address bar.
    await hq.getByRole('button', { name: '试穿转化' }).waitFor();
    expect(new URL(hq.url()).hash).toBe('');
    await hq.getByRole('button', { name: '试穿转化' }).click();
    const figure = (name: string) => hq.locator(`[data-figure="${name}"] .figure-value`);
    await expect.poll(() => figure('tryOns').textContent(), { timeout: 30_000 }).toBe('3');
    expect(await figure('converted').textContent()).toBe('2');
    expect(await figure('rate').textContent()).toBe('66.7%');
    const styleRow = hq.locator('[data-dimension="style"] tr[data-key="TEE-01"] td');
    await expect.poll(() => styleRow.allTextContents()).toEqual(['TEE-01', '3', '2', '66.7%']);
    await hq.locator(`[data-list="not-bought"] tr[data-key$="/${notBought}"]`).waitFor();
    await screenshot(hq, 'console-tryons-zh-CN');
    // [HC6] The size table as a CSV download, in the screen's language.
    const [download] = await Promise.all([
      hq.waitForEvent('download'),
      hq.locator('[data-dimension="size"]').getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF尺码,试穿,已成交,转化率\r\n')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);
    await hq.getByRole('button', { name: '语言' }).click();
    await hq.getByRole('heading', { name: 'Try-on conversion' }).waitFor();
    await screenshot(hq, 'console-tryons-en');

    // 5b. The member consents to try-on suggestions on their own phone.
    const invitation = await fetch(`${store.syncServer.url}/_consent/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${till.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ memberId: MEMBER.id }),
    });
    expect(invitation.status).toBe(201);
    const { url } = (await invitation.json()) as { url: string };
    const phoneContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const phone = await phoneContext.newPage();
    await phone.goto(store.syncServer.url + new URL(url).pathname);
    await phone
      .locator('fieldset', { hasText: '试穿推荐' })
      .getByLabel('同意', { exact: true })
      .check();
    await phone.getByRole('button', { name: '保存我的选择' }).click();
    await expect.poll(() => phone.getByRole('status').textContent()).toContain('已保存');
    await phoneContext.close();

    // Their next visit: the tee they did not buy, into room 1 again, linked, long enough, out.
    carry([notBought], 'FR1');
    await expect.poll(() => inRoom('FR1'), { timeout: 30_000 }).toEqual([notBought]);
    expect(fittingRooms.linkMember('FR1', MEMBER.id)).toBe(1);
    await longEnough('FR1');
    carry([notBought], 'FLOOR', 24);
    await expect.poll(async () => (await tryOnFacts()).length, { timeout: 60_000 }).toBe(4);
    await expect
      .poll(async () => (await suggestionsFor(MEMBER.id)).length, { timeout: 30_000 })
      .toBe(1);
    const [message] = await suggestionsFor(MEMBER.id);
    expect(message!.suggestions.length).toBeGreaterThan(0);
    expect(
      message!.suggestions.every((s) => s.sku !== 'TEE-01-WH-L' || s.kind !== 'other-variant'),
    ).toBe(true);
    // Member id and SKUs only: no phone, no name.
    expect(JSON.stringify(message)).not.toContain(MEMBER.phone);
    expect(JSON.stringify(message)).not.toContain('张');
  });
});
