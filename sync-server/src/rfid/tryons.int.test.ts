/**
 * Try-ons on the server ([RI5]-[RI10]) on both backends, over HTTP: the
 * fitting-room service's `tryOn` facts pushed to `facts`, conversion and the
 * tried-not-bought list read against sales by EPC, a member's tried items,
 * suggestions by SKU and by member (consent), and the outbox sweep.
 */
import {
  encodeSgtin96,
  type ConversionReport,
  type MemberTryOnsAnswer,
  type OutboxMessage,
  type SaleFact,
  type SuggestionsAnswer,
  type TriedNotBoughtAnswer,
  type TryOnFact,
} from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { provisionAdminToken } from '../auth';
import {
  DEMO_FITTING_ROOM_SERVICES,
  DEMO_STYLE_PRICES,
  DEMO_STYLE_PRODUCTS,
  DEMO_TABLETS,
} from '../demo-clerk';
import { DEMO_DEVICES, DEMO_PRICES, DEMO_PRODUCTS } from '../demo-data';
import { recordConsentAnswer } from '../pii/consent-ledger';
import { OUTBOX_DB } from '../pii/outbox';
import { BACKENDS, startTestServer, type TestServer } from '../test-support';
import { sweepTryOnOutbox, TRY_ON_VISITS_DB } from './outbox';
import { TRY_ON_FACTS_DB } from './tryons-sql';

const [FIT] = DEMO_FITTING_ROOM_SERVICES;
const [TABLET] = DEMO_TABLETS;
const [TILL, TILL2] = DEMO_DEVICES;
const T0 = Date.parse('2026-03-01T02:00:00.000Z'); // 10:00 in Shanghai
const at = (minutes: number) => new Date(T0 + Math.round(minutes * 60_000)).toISOString();
const byId = (sku: string) => [...DEMO_STYLE_PRODUCTS, ...DEMO_PRODUCTS].find((p) => p.id === sku)!;
const priceOf = (sku: string) => [...DEMO_STYLE_PRICES, ...DEMO_PRICES].find((p) => p.sku === sku)!;

/** The EPC of the `serial`-th tagged item of a demo SKU. */
function epcOf(sku: string, serial: number): string {
  const made = encodeSgtin96({ gtin: byId(sku).gtin, serial });
  if (!made.ok) throw new Error(made.message);
  return made.epc;
}

let n = 0;
/** A closed session at S001's fitting room, as the fitting-room service writes it. */
function session(
  sku: string,
  serial: number,
  openedMin: number,
  minutes: number,
  more: Partial<TryOnFact> = {},
): TryOnFact & { kind: 'tryOn' } {
  n += 1;
  const durationMs = Date.parse(at(openedMin + minutes)) - Date.parse(at(openedMin));
  return {
    kind: 'tryOn',
    id: `${FIT.deviceId}-01JTRYON${String(n).padStart(18, '0')}`,
    storeId: FIT.storeId,
    deviceId: FIT.deviceId,
    epc: epcOf(sku, serial),
    room: 'FR1',
    openedAt: at(openedMin),
    closedAt: at(openedMin + minutes),
    durationMs,
    tryOn: durationMs >= 60_000,
    closedBy: 'left-room',
    ...more,
  };
}

const wire = (fact: Record<string, unknown>) => {
  const { id, ...rest } = fact;
  return { _id: id, ...rest };
};

/** A till's sale of these items (one unit each, by EPC when a serial is given) at `soldMin`. */
function saleOf(
  device: { deviceId: string; storeId: string },
  soldMin: number,
  items: [sku: string, serial: number | null][],
): SaleFact {
  n += 1;
  const sale = saleFactFixture({
    id: `${device.deviceId}-01JTSALE${String(n).padStart(18, '0')}`,
    storeId: device.storeId,
    deviceId: device.deviceId,
    soldAt: at(soldMin),
    lines: items.map(([sku]) => [byId(sku), priceOf(sku).amount, 1]),
  });
  return {
    ...sale,
    lines: sale.lines.map((line, i) => {
      const [sku, serial] = items[i]!;
      return serial === null ? line : { ...line, epcs: [epcOf(sku, serial)] };
    }),
  };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`try-ons on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    let clock = new Date(at(600));
    const push = (token: string, docs: unknown[]) =>
      server.request(token, '/facts/_bulk_docs', { body: { docs } });
    const get = async <T>(token: string, path: string) => {
      const res = await server.request(token, path);
      return { status: res.status, body: res.body as T };
    };

    // Four garments into FR1: three long enough, one a 20-second pass (not a try-on).
    const tried = [
      session('TEE-01-WH-S', 1, 0, 5),
      session('TEE-01-WH-M', 1, 0, 6),
      session('TEE-01-BK-L', 1, 1, 4, { clerkId: 'S001-E03' }),
    ];
    const short = session('TEE-01-BK-XL', 1, 2, 0.34);

    beforeAll(async () => {
      server = await startTestServer(backend, {
        rateLimit: false,
        holdSweeper: false,
        now: () => clock,
        tryOns: { outbox: false },
      });
      admin = (await provisionAdminToken(server.storage, 'hq')).token;
    });
    afterAll(async () => {
      await server.close();
    });

    it('[RI5] [TO7] the fitting-room service pushes try-on facts; replays change nothing; bad ones are refused each', async () => {
      const res = await push(FIT.token, [...tried, short].map(wire));
      expect(res.status).toBe(201);
      expect((res.body as { ok?: boolean }[]).every((r) => r.ok === true)).toBe(true);
      const seq = (await server.storage.dbInfo(TRY_ON_FACTS_DB as never, null)).updateSeq;

      // A replay is a no-op success.
      const again = await push(FIT.token, [wire(tried[0]!)]);
      expect((again.body as { ok?: boolean }[])[0]!.ok).toBe(true);
      expect((await server.storage.dbInfo(TRY_ON_FACTS_DB as never, null)).updateSeq).toBe(seq);

      // One bad document among good ones: refused alone, with the reason.
      const good = session('TEE-01-WH-L', 1, 400, 3);
      const bad = [
        { ...session('TEE-01-WH-L', 2, 400, 3), durationMs: 1 },
        { ...session('TEE-01-WH-L', 3, 400, 3), epc: 'E2801160600002' },
        { ...session('TEE-01-WH-L', 4, 400, 3), storeId: 'S002' },
        { ...session('TEE-01-WH-L', 5, 400, 3), closedAt: at(300), durationMs: 0 },
        { ...tried[1]!, room: 'FR2' }, // another fact under a recorded id
      ];
      const mixed = await push(FIT.token, [...bad, good].map(wire));
      const rows = mixed.body as { ok?: boolean; error?: string; reason?: string }[];
      expect(rows.map((r) => r.ok === true)).toEqual([false, false, false, false, false, true]);
      expect(rows[0]!.reason).toContain('durationMs');
      expect(rows[1]!.reason).toContain('epc');
      expect(rows[2]!.reason).toContain('storeId must be this device');
      expect(rows[3]!.reason).toContain('closedAt');
      expect(rows[4]!.error).toBe('conflict');

      // Another store's device, a till naming the fitting service, an admin: refused.
      const other = { ...session('TEE-01-WH-L', 6, 400, 3) };
      expect(
        ((await push(TILL2.token, [wire(other)])).body as { reason?: string }[])[0]!.reason,
      ).toContain('storeId must be this device');
      expect(
        ((await push(TILL.token, [wire(other)])).body as { reason?: string }[])[0]!.reason,
      ).toContain('deviceId must be this device');
      expect(((await push(admin, [wire(other)])).body as { error?: string }[])[0]!.error).toBe(
        'forbidden',
      );
      const stored = await server.storage.getDocs(
        TRY_ON_FACTS_DB as never,
        [good.id, other.id, bad[0]!.id],
        null,
      );
      expect([...stored.keys()]).toEqual([good.id]);
      // [DK5] Read back under `facts`, in the facts form.
      const read = await server.request(FIT.token, `/facts/${encodeURIComponent(tried[0]!.id)}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ kind: 'tryOn', epc: tried[0]!.epc, tryOn: true });
    });

    it('[RI6] [TO8] [TO9] conversion: sales by EPC within 4 hours convert, later ones do not', async () => {
      // WH-S sold 1 h after (converts); WH-M sold 5 h after (does not); BK-L never.
      const sales = [
        saleOf(TILL, 66, [['TEE-01-WH-S', 1]]),
        saleOf(TILL2, 306, [['TEE-01-WH-M', 1]]),
      ];
      const pushed = await server.request(TILL.token, '/facts/_bulk_docs', {
        body: { docs: [wire({ ...sales[0]!, kind: 'sale' })] },
      });
      expect((pushed.body as { ok?: boolean }[])[0]!.ok).toBe(true);
      const pushed2 = await server.request(TILL2.token, '/saleFacts/_bulk_docs', {
        body: { docs: [wire(sales[1]!)] },
      });
      expect((pushed2.body as { ok?: boolean }[])[0]!.ok).toBe(true);

      const period = `from=${at(-60)}&to=${at(120)}`;
      const mine = await get<ConversionReport>(FIT.token, `/_rfid/tryons/report?${period}`);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ tryOns: 3, converted: 1, rateBp: 3333 });
      expect(mine.body.by.size).toEqual([
        { key: 'L', tryOns: 1, converted: 0, rateBp: 0 },
        { key: 'M', tryOns: 1, converted: 0, rateBp: 0 },
        { key: 'S', tryOns: 1, converted: 1, rateBp: 10_000 },
      ]);
      expect(mine.body.by.style).toEqual([
        { key: 'TEE-01', tryOns: 3, converted: 1, rateBp: 3333 },
      ]);
      expect(mine.body.by.clerk).toEqual([
        { key: null, tryOns: 2, converted: 1, rateBp: 5000 },
        { key: 'S001-E03', tryOns: 1, converted: 0, rateBp: 0 },
      ]);
      expect(mine.body.by.store).toEqual([{ key: 'S001', tryOns: 3, converted: 1, rateBp: 3333 }]);
      for (const rows of Object.values(mine.body.by)) {
        expect(rows.reduce((s, r) => s + r.tryOns, 0)).toBe(3);
        expect(rows.reduce((s, r) => s + r.converted, 0)).toBe(1);
      }
      // The tablet is a device of the same store: the same figures. An admin: every store, or one.
      expect(
        (await get<ConversionReport>(TABLET.token, `/_rfid/tryons/report?${period}`)).body,
      ).toEqual(mine.body);
      expect((await get<ConversionReport>(admin, `/_rfid/tryons/report?${period}`)).body).toEqual(
        mine.body,
      );
      const s002 = await get<ConversionReport>(admin, `/_rfid/tryons/report?${period}&store=S002`);
      expect(s002.body).toMatchObject({ tryOns: 0, converted: 0, rateBp: 0 });
      expect(s002.body.by.size).toEqual([]);
      // The period is the closing time's: a later period has none of them.
      expect(
        (
          await get<ConversionReport>(
            FIT.token,
            `/_rfid/tryons/report?from=${at(120)}&to=${at(300)}`,
          )
        ).body.tryOns,
      ).toBe(0);
    });

    it('[RI13] [RI6] bad report queries are 400 with the reason; a device reads only its store', async () => {
      const cases: [string, string | null, number, string][] = [
        ['/_rfid/tryons/report', FIT.token, 400, 'from is required'],
        [`/_rfid/tryons/report?from=yesterday&to=${at(0)}`, FIT.token, 400, 'from must be'],
        [`/_rfid/tryons/report?from=${at(10)}&to=${at(0)}`, FIT.token, 400, 'after from'],
        [
          `/_rfid/tryons/report?from=${at(0)}&to=${at(10)}&x=1`,
          FIT.token,
          400,
          'unknown parameter',
        ],
        [`/_rfid/tryons/report?from=${at(0)}&from=${at(0)}&to=${at(10)}`, FIT.token, 400, 'twice'],
        [`/_rfid/tryons/report?from=${at(0)}&to=${at(10)}&store=S999`, admin, 400, 'no store S999'],
        [`/_rfid/tryons/report?from=${at(0)}&to=${at(10)}&store=S002`, FIT.token, 403, 'own store'],
        [`/_rfid/tryons/report?from=${at(0)}&to=${at(10)}`, null, 401, ''],
        ['/_rfid/tryons/not-bought?day=2026-02-30', FIT.token, 400, 'day must be'],
        ['/_rfid/tryons?member=', FIT.token, 400, 'member must be'],
        ['/_rfid/tryons?member=M0001', admin, 400, 'store is required'],
        ['/_rfid/suggestions', FIT.token, 400, 'either skus'],
        ['/_rfid/suggestions?skus=A&member=M0001', FIT.token, 400, 'either skus'],
        ['/_rfid/suggestions?skus=A,,B', FIT.token, 400, 'skus must be'],
        ['/_rfid/suggestions?skus=A&limit=0', FIT.token, 400, 'limit must be'],
        ['/_rfid/tryons/nothing', FIT.token, 404, 'no such endpoint'],
      ];
      for (const [path, token, status, reason] of cases) {
        const res = await server.request(token, path);
        expect([path, res.status]).toEqual([path, status]);
        if (reason) expect((res.body as { reason: string }).reason).toContain(reason);
      }
      const post = await server.request(
        FIT.token,
        `/_rfid/tryons/report?from=${at(0)}&to=${at(1)}`,
        {
          method: 'POST',
          body: {},
        },
      );
      expect(post.status).toBe(405);
    });

    it('[RI7] [TO10] the day in Shanghai: what was tried and not bought within the window', async () => {
      const day = await get<TriedNotBoughtAnswer>(
        FIT.token,
        '/_rfid/tryons/not-bought?day=2026-03-01',
      );
      expect(day.status).toBe(200);
      expect(day.body.day).toBe('2026-03-01');
      expect(day.body.items.map((i) => [i.sku, i.colour, i.size, i.tryOns])).toEqual([
        ['TEE-01-WH-L', '白 White', 'L', 1],
        ['TEE-01-WH-M', '白 White', 'M', 1],
        ['TEE-01-BK-L', '黑 Black', 'L', 1],
      ]);
      expect(
        (await get<TriedNotBoughtAnswer>(admin, '/_rfid/tryons/not-bought?day=2026-02-28')).body
          .items,
      ).toEqual([]);
    });

    it("[RI8] a member's tried items at the store, each with whether it was sold", async () => {
      clock = new Date(at(700));
      const linked = [
        session('TEE-01-BK-M', 1, 600, 4, { memberId: 'M0001' }),
        session('TEE-01-BK-S', 1, 601, 3, { memberId: 'M0001' }),
      ];
      expect((await push(FIT.token, linked.map(wire))).status).toBe(201);
      const sale = saleOf(TILL, 620, [['TEE-01-BK-S', 1]]);
      await server.request(TILL.token, '/saleFacts/_bulk_docs', {
        body: { docs: [wire(sale)] },
      });
      const res = await get<MemberTryOnsAnswer>(TABLET.token, '/_rfid/tryons?member=M0001');
      expect(res.status).toBe(200);
      expect(res.body.tryOns.map((t) => [t.sku, t.sold, t.room])).toEqual([
        ['TEE-01-BK-M', false, 'FR1'],
        ['TEE-01-BK-S', true, 'FR1'],
      ]);
      expect(res.body.tryOns[0]!.name).toBe(byId('TEE-01-BK-M').name);
      // Another store's device sees none of them.
      const s002 = await get<MemberTryOnsAnswer>(TILL2.token, '/_rfid/tryons?member=M0001');
      expect(s002.body.tryOns).toEqual([]);
      const later = await get<MemberTryOnsAnswer>(
        TABLET.token,
        `/_rfid/tryons?member=M0001&since=${at(800)}`,
      );
      expect(later.body.tryOns).toEqual([]);
    });

    it('[RI9] [TO11] suggestions by SKU: other variants in stock nearest first, and what sold together', async () => {
      // A sale of BK-M with a bottle of water: bought together.
      const together = saleOf(TILL, 650, [
        ['TEE-01-BK-M', 2],
        ['SKU-0001', null],
      ]);
      await server.request(TILL.token, '/saleFacts/_bulk_docs', {
        body: { docs: [wire(together)] },
      });
      const res = await get<SuggestionsAnswer>(TABLET.token, '/_rfid/suggestions?skus=TEE-01-BK-M');
      expect(res.status).toBe(200);
      expect(res.body.consent).toBe(false);
      const skus = res.body.suggestions.map((s) => s.sku);
      expect(skus).not.toContain('TEE-01-BK-M');
      expect(new Set(skus).size).toBe(skus.length);
      expect(skus.length).toBeLessThanOrEqual(8);
      const variants = res.body.suggestions.filter((s) => s.kind === 'other-variant');
      expect(variants.length).toBeGreaterThan(0);
      for (const v of variants) expect(v.atp).toBeGreaterThan(0);
      const distances = variants.map((v) => v.distanceKm);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
      expect(variants[0]).toMatchObject({ storeId: 'S001', distanceKm: 0 });
      const limited = await get<SuggestionsAnswer>(
        TABLET.token,
        '/_rfid/suggestions?skus=TEE-01-BK-M&limit=2',
      );
      expect(limited.body.suggestions).toHaveLength(2);
      expect(res.body.suggestions.at(-1)).toEqual({
        kind: 'bought-together',
        triedSku: 'TEE-01-BK-M',
        sku: 'SKU-0001',
        together: 1,
      });
      // With every variant of the style tried, only what was bought together is left.
      const all = DEMO_STYLE_PRODUCTS.map((p) => p.id);
      const rest = await get<SuggestionsAnswer>(
        TABLET.token,
        `/_rfid/suggestions?skus=${all.join(',')}`,
      );
      expect(rest.body.suggestions).toEqual([
        { kind: 'bought-together', triedSku: 'TEE-01-BK-M', sku: 'SKU-0001', together: 1 },
      ]);
    });

    it('[RI9] [TO12] suggestions for a member only with their consent', async () => {
      const none = await get<SuggestionsAnswer>(TABLET.token, '/_rfid/suggestions?member=M0001');
      expect(none.body).toEqual({ suggestions: [], consent: false });
      await recordConsentAnswer(server.storage, {
        memberId: 'M0001',
        choices: { 'tryon-suggestions': true },
        channel: 'customer-web',
        policyVersion: '2026-12',
        at: clock.toISOString(),
      });
      const given = await get<SuggestionsAnswer>(TABLET.token, '/_rfid/suggestions?member=M0001');
      expect(given.body.consent).toBe(true);
      // BK-M was tried and not bought (BK-S was bought): suggestions follow BK-M.
      expect(given.body.suggestions.length).toBeGreaterThan(0);
      expect(given.body.suggestions.every((s) => s.triedSku === 'TEE-01-BK-M')).toBe(true);
      expect(given.body.suggestions.map((s) => s.sku)).not.toContain('TEE-01-BK-S');
    });

    it('[RI10] [TO12] the outbox: one message per visit after it is over, only with consent, once', async () => {
      // M0001 consents (above); M0002 does not. Each has a visit the next night.
      clock = new Date(at(1000));
      const visitA = [
        session('TEE-01-WH-S', 7, 1000, 3, { memberId: 'M0001' }),
        session('TEE-01-WH-M', 7, 1010, 3, { memberId: 'M0001' }),
      ];
      const visitB = [session('TEE-01-BK-L', 7, 1000, 5, { memberId: 'M0002' })];
      expect((await push(FIT.token, [...visitA, ...visitB].map(wire))).status).toBe(201);
      const sweep = (minutes: number) =>
        sweepTryOnOutbox(server.storage, at(minutes), { quietMs: 30 * 60_000 });

      // Not over yet: 10 minutes after the last session closed. The member's
      // evening visit before (BK-M, BK-S at 20:00 Shanghai) is long over: decided now.
      const early = await sweep(1023);
      expect(early.map((d) => [d.memberId, d.sessionIds.length, d.outcome])).toEqual([
        ['M0001', 2, 'queued'],
      ]);
      const decided = await sweep(1050);
      const mine = decided.find(
        (d) => d.memberId === 'M0001' && d.sessionIds.includes(visitA[0]!.id),
      );
      expect(mine).toMatchObject({ outcome: 'queued', storeId: 'S001' });
      expect(mine!.sessionIds).toEqual(visitA.map((s) => s.id));
      expect(decided.find((d) => d.memberId === 'M0002')).toMatchObject({ outcome: 'no-consent' });

      const outbox = await server.request(admin, '/_admin/outbox?status=pending');
      const messages = (outbox.body as { messages: OutboxMessage[] }).messages.filter(
        (m) => m.purpose === 'tryon-suggestions',
      );
      expect(messages).toHaveLength(2);
      const message = messages.find((m) => m.sessionIds.includes(visitA[0]!.id));
      expect(message).toMatchObject({ memberId: 'M0001', storeId: 'S001', status: 'pending' });
      expect(message!.sessionIds).toEqual(visitA.map((s) => s.id));
      const skus = message!.suggestions.map((s) => s.sku);
      expect(skus).not.toContain('TEE-01-WH-S');
      expect(skus).not.toContain('TEE-01-WH-M');
      expect(skus.length).toBeGreaterThan(0);
      // Member id and SKUs only: no phone, no name.
      expect(JSON.stringify(message)).not.toMatch(/1380013800|phone|name/i);

      // Once: the next sweeps decide nothing more and write nothing.
      const seq = (await server.storage.dbInfo(OUTBOX_DB, null)).updateSeq;
      expect(await sweep(1100)).toEqual([]);
      expect(await sweep(1200)).toEqual([]);
      expect((await server.storage.dbInfo(OUTBOX_DB, null)).updateSeq).toBe(seq);
      const visits = await server.storage.findDocs(TRY_ON_VISITS_DB, { memberId: 'M0002' });
      expect(visits.map((v) => v.body.outcome)).toEqual(['no-consent']);
      // [CS4] A withdrawal cancels the member's pending suggestions (both visits').
      await recordConsentAnswer(server.storage, {
        memberId: 'M0001',
        choices: { 'tryon-suggestions': false },
        channel: 'customer-web',
        policyVersion: '2026-12',
        at: at(1060),
      });
      const earlier = messages.find((m) => m.id !== message!.id)!;
      const cancelled = await server.storage.getDocs(OUTBOX_DB, [earlier.id, message!.id], null);
      for (const id of [earlier.id, message!.id]) {
        expect(cancelled.get(id)?.body).toMatchObject({
          status: 'cancelled',
          reason: 'consent-withdrawn',
        });
      }
      // The sender may not send a cancelled one.
      const sent = await server.request(
        admin,
        `/_admin/outbox/${encodeURIComponent(message!.id)}/sent`,
        {
          method: 'POST',
        },
      );
      expect(sent.status).toBe(409);
    });
  });

  describe.skipIf(backend.skip)(`the try-on outbox sweep of a server on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    const clock = new Date(at(200));
    beforeAll(async () => {
      server = await startTestServer(backend, {
        rateLimit: false,
        holdSweeper: false,
        now: () => clock,
        tryOns: { outbox: { intervalMs: 20, quietMs: 0 } },
      });
      admin = (await provisionAdminToken(server.storage, 'hq')).token;
    });
    afterAll(async () => {
      await server.close();
    });

    it("[RI10] [TO12] the server sweeps by itself: a consenting member's visit gets its message, another member's none", async () => {
      await recordConsentAnswer(server.storage, {
        memberId: 'M0001',
        choices: { 'tryon-suggestions': true },
        channel: 'customer-web',
        policyVersion: '2026-12',
        at: at(0),
      });
      const visits = [
        session('TEE-01-WH-S', 9, 100, 3, { memberId: 'M0001' }),
        session('TEE-01-WH-M', 9, 100, 3, { memberId: 'M0002' }),
      ];
      const res = await server.request(FIT.token, '/facts/_bulk_docs', {
        body: { docs: visits.map(wire) },
      });
      expect(res.status).toBe(201);
      await vi.waitFor(
        async () => {
          const decided = await server.storage.findDocs(TRY_ON_VISITS_DB, {});
          expect(decided.map((d) => [d.body.memberId, d.body.outcome]).sort()).toEqual([
            ['M0001', 'queued'],
            ['M0002', 'no-consent'],
          ]);
        },
        { timeout: 20_000, interval: 50 },
      );
      const outbox = await server.request(admin, '/_admin/outbox?status=pending');
      const messages = (outbox.body as { messages: OutboxMessage[] }).messages;
      expect(messages.map((m) => [m.memberId, m.purpose, m.sessionIds])).toEqual([
        ['M0001', 'tryon-suggestions', [visits[0]!.id]],
      ]);
    });
  });
}
