/**
 * The online shop's API on both backends: a customer signs in by phone and
 * SMS code, finds a product and the stores that have it, orders it for
 * pickup (priced here), sees only their own orders, and pays; paid and the
 * pickup code come from the provider's webhook.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  holdPolicy,
  matchPickupCode,
  parseCouponCode,
  parsePickupQr,
  type CollectionName,
  type Coupon,
} from '@pos/domain';
import { provisionAdminToken } from '../auth';
import { DEMO_DEVICES, seedDemo } from '../demo-data';
import { DEMO_CODE_KEY } from '../demo-people';
import { EXCEPTIONS_DB, type FactException } from '../ledgers';
import { ORDERS_DB } from '../orders/holds';
import { DEMO_PICKUP_KEYS } from '../payments/notify';
import { createSyncServer, type SyncServer } from '../server';
import type { SyncStorage } from '../storage/storage';
import {
  BACKENDS,
  demoSale,
  requestAs,
  S001_DEVICE,
  S002_DEVICE,
  startTestServer,
  type TestServer,
} from '../test-support';
import { ensureDemoCertificate } from '../tls';
import { SHOP_OTPS_DB, SHOP_SESSIONS_DB } from './customer-auth';
import { fetchTrusting } from './self-fetch';
import { SMS_OUTBOX_DB } from './sms';

const ZHANG = '13800138001'; // M0001, gold
const LI = '13800138002'; // M0002
const STRANGER = '13700137000'; // no member

type Answer = Awaited<ReturnType<typeof requestAs>>;

describe.each(BACKENDS)('the shop API on $name', (backend) => {
  let storage: SyncStorage;
  let server: SyncServer;
  let url: string;
  let clock: Date;
  let admin: string;
  const call = (
    token: string | null,
    path: string,
    init?: Parameters<typeof requestAs>[3],
  ): Promise<Answer> => requestAs(url, token, path, init);

  async function codeSentTo(phone: string): Promise<string> {
    const answer = await call(admin, `/_shop/sms-outbox?phone=${phone}`);
    expect(answer.status).toBe(200);
    const messages = (answer.body as { messages: { text: string }[] }).messages;
    return /(\d{6})/.exec(messages.at(-1)!.text)![1]!;
  }

  async function signIn(phone: string): Promise<string> {
    expect((await call(null, '/_shop/otp', { body: { phone } })).status).toBe(202);
    const answer = await call(null, '/_shop/session', {
      body: { phone, code: await codeSentTo(phone) },
    });
    expect(answer.status).toBe(201);
    return (answer.body as { token: string }).token;
  }

  const order = (token: string, body: unknown, key = 'key-1') =>
    call(token, '/_shop/orders', { body, headers: { 'idempotency-key': key } });

  const all = async (db: string) =>
    (await storage.findDocs(db as CollectionName, {})).map((row) => row.body);

  beforeEach(async () => {
    if (backend.skip) return;
    storage = await backend.open();
    await seedDemo(storage);
    admin = (await provisionAdminToken(storage, 'hq-tools')).token;
    clock = new Date('2026-03-01T10:00:00.000Z');
    server = createSyncServer({
      storage,
      now: () => clock,
      holdSweeper: false,
      log: (level, message, fields) => {
        if (level !== 'info') console.error(message, fields);
      },
      shop: { holdPolicy: holdPolicy({ holdMinutes: 15, pickupDays: 3 }) },
    });
    url = await server.listen(0, '127.0.0.1');
  });
  afterEach(async () => {
    await server?.close();
    await storage?.close();
  });

  it.skipIf(backend.skip)(
    '[SHP1] [SHP2] signs in by SMS code: hashed code and session, phone only in the outbox',
    async () => {
      const sent = await call(null, '/_shop/otp', { body: { phone: '138 0013 8001' } });
      expect(sent).toMatchObject({ status: 202, body: { maskedPhone: '138****8001' } });
      // Sends are limited per phone.
      const again = await call(null, '/_shop/otp', { body: { phone: ZHANG } });
      expect(again.status).toBe(429);
      expect(again.headers.get('retry-after')).toBe('60');
      // The outbox is the provider's side: admin only.
      expect((await call(null, `/_shop/sms-outbox?phone=${ZHANG}`)).status).toBe(401);
      expect((await call(DEMO_DEVICES[0].token, `/_shop/sms-outbox?phone=${ZHANG}`)).status).toBe(
        403,
      );
      const code = await codeSentTo(ZHANG);
      const wrong = code === '000000' ? '000001' : '000000';
      const refused = await call(null, '/_shop/session', { body: { phone: ZHANG, code: wrong } });
      expect(refused).toMatchObject({ status: 401, body: { code: 'OTP_WRONG', triesLeft: 4 } });
      const opened = await call(null, '/_shop/session', { body: { phone: ZHANG, code } });
      expect(opened).toMatchObject({
        status: 201,
        body: { customer: { memberId: 'M0001', maskedPhone: '138****8001' } },
      });
      const token = (opened.body as { token: string }).token;
      // A used code does not open a second session.
      expect((await call(null, '/_shop/session', { body: { phone: ZHANG, code } })).status).toBe(
        401,
      );
      const me = await call(token, '/_shop/me');
      expect(me).toMatchObject({
        status: 200,
        body: { customer: { memberId: 'M0001', points: 1200, tier: 'gold' }, orders: [] },
      });
      // Nothing but the outbox holds the phone or the code in plaintext.
      const stored = JSON.stringify([await all(SHOP_OTPS_DB), await all(SHOP_SESSIONS_DB)]);
      expect(stored).not.toContain(ZHANG);
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(token);
      expect(JSON.stringify(await all(SMS_OUTBOX_DB))).toContain(ZHANG);
    },
  );

  it.skipIf(backend.skip)(
    '[SHP2] five wrong tries void a code; an expired code is refused',
    async () => {
      await call(null, '/_shop/otp', { body: { phone: LI } });
      const code = await codeSentTo(LI);
      const wrong = code === '999999' ? '999998' : '999999';
      for (let i = 4; i >= 0; i--) {
        const answer = await call(null, '/_shop/session', { body: { phone: LI, code: wrong } });
        expect(answer.body).toMatchObject({ triesLeft: i });
      }
      const voided = await call(null, '/_shop/session', { body: { phone: LI, code } });
      expect(voided).toMatchObject({ status: 401, body: { code: 'OTP_NONE' } });

      clock = new Date(clock.getTime() + 61_000);
      await call(null, '/_shop/otp', { body: { phone: LI } });
      const fresh = await codeSentTo(LI);
      clock = new Date(clock.getTime() + 5 * 60_000);
      const late = await call(null, '/_shop/session', { body: { phone: LI, code: fresh } });
      expect(late).toMatchObject({ status: 401, body: { code: 'OTP_EXPIRED' } });
    },
  );

  it.skipIf(backend.skip)(
    '[SHP3] [SHP4] finds products by pinyin initials and the stores with ATP, nearest first',
    async () => {
      const found = await call(null, '/_shop/catalog?q=nfsq');
      expect(found.body).toEqual({
        products: [
          {
            sku: 'SKU-0001',
            name: '农夫山泉 550ml',
            category: 'Beverages',
            price: 200,
            currency: 'CNY',
          },
        ],
      });
      const cola = await call(null, '/_shop/catalog?q=COLA&limit=5');
      expect((cola.body as { products: { sku: string }[] }).products.map((p) => p.sku)).toEqual([
        'SKU-0004',
      ]);
      // Standing in Xuhui: S002 first.
      const near = await call(null, '/_shop/stores?sku=SKU-0001&lat=31.19&lng=121.437');
      const stores = (
        near.body as { stores: { id: string; atp: number; distanceMetres: number }[] }
      ).stores;
      expect(stores.map((s) => [s.id, s.atp])).toEqual([
        ['S002', 5],
        ['S001', 10],
      ]);
      expect(stores[0]!.distanceMetres).toBeLessThan(500);
      expect(stores[1]!.distanceMetres).toBeGreaterThan(4000);
      const byCity = await call(null, '/_shop/stores?sku=SKU-0001&city=Shanghai');
      expect(byCity.body).toMatchObject({ cities: [{ city: '上海', cityEn: 'Shanghai' }] });
      expect((byCity.body as { stores: unknown[] }).stores).toHaveLength(2);
    },
  );

  it.skipIf(backend.skip)(
    '[SHP4] a bag of several SKUs: each store answers its ATP of every one, held units out',
    async () => {
      const zhang = await signIn(ZHANG);
      const placed = await order(zhang, {
        storeId: 'S002',
        lines: [
          { sku: 'SKU-0001', quantity: 4 },
          { sku: 'SKU-0004', quantity: 1 },
        ],
      });
      expect(placed.status).toBe(201);
      // Standing in Xuhui: S002 first; a SKU repeated counts once, an unknown one has none.
      const near = await call(
        null,
        '/_shop/stores?skus=SKU-0001,SKU-0004,SKU-0001,SKU-NOPE&lat=31.19&lng=121.437',
      );
      expect(near.status).toBe(200);
      const stores = (near.body as { stores: { id: string; atp: Record<string, number> }[] })
        .stores;
      expect(stores.map((s) => [s.id, s.atp])).toEqual([
        ['S002', { 'SKU-0001': 1, 'SKU-0004': 7, 'SKU-NOPE': 0 }],
        ['S001', { 'SKU-0001': 10, 'SKU-0004': 31, 'SKU-NOPE': 0 }],
      ]);
      // The one-SKU form still answers a number, the same as the map's.
      const one = await call(null, '/_shop/stores?sku=SKU-0004&city=Shanghai');
      expect(one.body).toMatchObject({
        stores: [
          { id: 'S001', atp: 31 },
          { id: 'S002', atp: 7 },
        ],
      });
      const before = await all('stock');
      const tooMany = Array.from({ length: 21 }, (_, i) => `SKU-${i}`).join(',');
      for (const path of [
        '/_shop/stores',
        '/_shop/stores?sku=SKU-0001&skus=SKU-0004',
        '/_shop/stores?skus=',
        '/_shop/stores?skus=SKU-0001,,SKU-0004',
        '/_shop/stores?skus=SKU-0001,%20x',
        `/_shop/stores?skus=${tooMany}`,
      ]) {
        const answer = await call(null, path);
        expect([path, answer.status]).toEqual([path, 400]);
        expect(answer.body).toMatchObject({ reason: expect.any(String) });
      }
      expect(await all('stock')).toEqual(before);
    },
  );

  it.skipIf(backend.skip)(
    '[SHP5] [SHP6] orders for pickup priced on the server; only its customer sees it',
    async () => {
      const zhang = await signIn(ZHANG);
      const body = {
        storeId: 'S001',
        lines: [{ sku: 'SKU-0001', quantity: 3, unitPrice: 1, net: 1 }],
        total: 1,
      };
      const placed = await order(zhang, body);
      expect(placed.status).toBe(201);
      // Buy two, get one: three bottles of 2元 cost 4元, whatever the client said.
      expect(placed.body).toMatchObject({
        order: {
          status: 'held',
          total: 400,
          holdExpiresAt: '2026-03-01T10:15:00.000Z',
          lines: [{ sku: 'SKU-0001', quantity: 3, unitPrice: 200, net: 400, storeId: 'S001' }],
          pickup: [],
        },
        now: '2026-03-01T10:00:00.000Z',
      });
      const id = (placed.body as { order: { id: string } }).order.id;
      // The list price changes before the customer's app retries: the retry is still the first order.
      const priceId = 'CN-LIST:SKU-0001';
      await storage.transaction(async (tx) => {
        const row = (await tx.getDocs('prices', [priceId])).get(priceId)!;
        await tx.put({
          db: 'prices',
          id: priceId,
          body: { ...row.body, amount: 250 },
          storeId: null,
          expectedRev: row.rev,
        });
      });
      const retry = await order(zhang, body);
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ order: { id, total: 400 } });
      const atp = await call(null, '/_shop/stores?sku=SKU-0001');
      expect(atp.body).toMatchObject({
        stores: [
          { id: 'S001', atp: 7 },
          { id: 'S002', atp: 5 },
        ],
      });

      // Another customer: not their order, and the same key is their own.
      const li = await signIn(LI);
      expect((await call(li, `/_shop/orders/${id}`)).status).toBe(404);
      expect((await call(li, `/_shop/orders/${id}/pay`, { method: 'POST' })).status).toBe(404);
      expect((await call(li, '/_shop/orders')).body).toMatchObject({ orders: [] });
      const stranger = await signIn(STRANGER);
      const theirs = await order(stranger, {
        storeId: 'S002',
        lines: [{ sku: 'SKU-0004', quantity: 1 }],
      });
      expect(theirs.status).toBe(201);
      expect((await call(stranger, '/_shop/me')).body).toMatchObject({
        customer: { maskedPhone: '137****7000' },
        orders: [{ status: 'held', total: 350 }],
      });
      const mine = await call(zhang, '/_shop/orders');
      expect((mine.body as { orders: { id: string }[] }).orders.map((o) => o.id)).toEqual([id]);

      // Out of stock passes through with its lines; nothing is stored.
      const before = await all(ORDERS_DB);
      const short = await order(
        zhang,
        { storeId: 'S002', lines: [{ sku: 'SKU-0001', quantity: 6 }] },
        'k2',
      );
      expect(short).toMatchObject({
        status: 409,
        body: {
          error: 'out_of_stock',
          lines: [{ storeId: 'S002', sku: 'SKU-0001', requested: 6, available: 5 }],
        },
      });
      expect(await all(ORDERS_DB)).toEqual(before);
    },
  );

  it.skipIf(backend.skip)(
    '[SHP7] pay: the provider notifies the webhook, then the order shows its pickup code and QR',
    async () => {
      const zhang = await signIn(ZHANG);
      const placed = await order(zhang, {
        storeId: 'S001',
        lines: [{ sku: 'SKU-0016', quantity: 1 }],
      });
      const id = (placed.body as { order: { id: string } }).order.id;
      const paying = await call(zhang, `/_shop/orders/${id}/pay`, { method: 'POST' });
      expect(paying).toMatchObject({ status: 202, body: { notified: true } });
      expect(paying.body).not.toHaveProperty('status');
      const read = await call(zhang, `/_shop/orders/${id}`);
      const paid = (
        read.body as {
          order: { status: string; pickup: { storeId: string; code: string; qr: string }[] };
        }
      ).order;
      expect(paid.status).toBe('paid');
      expect(paid.pickup).toHaveLength(1);
      const [pickup] = paid.pickup;
      expect(pickup!.code).toMatch(/^\d{6}$/);
      expect(matchPickupCode(pickup!.code, [id], DEMO_PICKUP_KEYS.store('S001'))).toEqual({
        ok: true,
        orderId: id,
      });
      expect(parsePickupQr(pickup!.qr, [DEMO_PICKUP_KEYS.chain], 'S001')).toEqual({
        ok: true,
        orderId: id,
      });
      // Paying again is refused: it is no longer held.
      expect((await call(zhang, `/_shop/orders/${id}/pay`, { method: 'POST' })).status).toBe(409);
    },
  );

  it.skipIf(backend.skip)('[SHP9] bad input is a clear 4xx and stores nothing', async () => {
    const zhang = await signIn(ZHANG);
    const dbs = [ORDERS_DB, 'stock' as const, SHOP_SESSIONS_DB, SHOP_OTPS_DB, SMS_OUTBOX_DB];
    const snapshot = async () => Promise.all(dbs.map(all));
    const before = await snapshot();
    const cases: [string | null, string, Parameters<typeof requestAs>[3], number][] = [
      [null, '/_shop/otp', { body: { phone: '12345' } }, 400],
      [null, '/_shop/otp', { body: '[' }, 400],
      [null, '/_shop/session', { body: { phone: ZHANG, code: 'abc' } }, 400],
      [null, '/_shop/orders', { body: { storeId: 'S001', lines: [] } }, 401],
      ['shop_forged', '/_shop/me', {}, 401],
      [
        zhang,
        '/_shop/orders',
        { body: { storeId: 'S001', lines: [{ sku: 'SKU-0001', quantity: 1 }] } },
        400,
      ],
      [
        zhang,
        '/_shop/orders',
        {
          body: { storeId: 'S001', lines: [{ sku: 'SKU-0001', quantity: 0 }] },
          headers: { 'idempotency-key': 'b1' },
        },
        400,
      ],
      [
        zhang,
        '/_shop/orders',
        {
          body: { storeId: 'S001', lines: [{ sku: 'NOPE', quantity: 1 }] },
          headers: { 'idempotency-key': 'b2' },
        },
        400,
      ],
      [
        zhang,
        '/_shop/orders',
        {
          body: { storeId: 'S999', lines: [{ sku: 'SKU-0001', quantity: 1 }] },
          headers: { 'idempotency-key': 'b3' },
        },
        400,
      ],
      [zhang, '/_shop/orders/ORD-NOPE', {}, 404],
      [null, '/_shop/catalog?limit=0', {}, 400],
      [null, '/_shop/stores?sku=SKU-0001&lat=91&lng=0', {}, 400],
      [null, '/_shop/stores?sku=SKU-0001&lat=x&lng=0', {}, 400],
      [null, '/_shop/nothing', {}, 404],
      [null, '/_shop/catalog', { method: 'POST', body: {} }, 405],
    ];
    for (const [token, path, init, status] of cases) {
      const answer = await call(token, path, init);
      expect([path, answer.status]).toEqual([path, status]);
      expect(answer.body).toMatchObject({ reason: expect.any(String) });
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('[SHP7] the shop over HTTPS', () => {
  it('[SHP7] the simulated provider reaches the webhook of a server on the demo certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-tls-'));
    const storage = await BACKENDS[0]!.open();
    const sent: string[] = [];
    try {
      await seedDemo(storage);
      const certificate = await ensureDemoCertificate(dir, { names: ['localhost', '127.0.0.1'] });
      const server = createSyncServer({
        storage,
        holdSweeper: false,
        tls: { cert: certificate.cert, key: certificate.key },
        shop: { onSms: (message) => sent.push(message.text) },
      });
      const url = await server.listen(0, '127.0.0.1');
      // The test's client trusts the demo certificate as a phone would after the warning.
      const trusted = fetchTrusting(certificate.cert);
      const call = async (
        path: string,
        init: { body?: unknown; token?: string; key?: string } = {},
      ) => {
        const response = await trusted(`${url}${path}`, {
          method: init.body === undefined ? 'GET' : 'POST',
          headers: {
            'content-type': 'application/json',
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
            ...(init.key ? { 'idempotency-key': init.key } : {}),
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        });
        return { status: response.status, body: (await response.json()) as unknown };
      };
      try {
        expect((await call('/_shop/otp', { body: { phone: ZHANG } })).status).toBe(202);
        const code = /(\d{6})/.exec(sent.at(-1)!)![1]!;
        const { token } = (await call('/_shop/session', { body: { phone: ZHANG, code } })).body as {
          token: string;
        };
        const placed = await call('/_shop/orders', {
          token,
          key: 'tls-1',
          body: { storeId: 'S001', lines: [{ sku: 'SKU-0002', quantity: 1 }] },
        });
        const id = (placed.body as { order: { id: string } }).order.id;
        expect((await call(`/_shop/orders/${id}/pay`, { token, body: {} })).body).toMatchObject({
          notified: true,
        });
        expect((await call(`/_shop/orders/${id}`, { token })).body).toMatchObject({
          order: { status: 'paid', pickup: [{ storeId: 'S001' }] },
        });
      } finally {
        await server.close();
      }
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(BACKENDS)('shop coupons on $name', (backend) => {
  let server: TestServer;
  beforeEach(async () => {
    if (backend.skip) return;
    server = await startTestServer(backend);
  });
  afterEach(async () => {
    await server?.close();
  });

  it.skipIf(backend.skip)(
    '[SHP10] a member claims a coupon once; any till redeems it exactly once',
    async () => {
      const { token: admin } = await provisionAdminToken(server.storage, 'hq-tools');
      const signInAs = async (phone: string) => {
        await server.request(null, '/_shop/otp', { body: { phone } });
        const outbox = await server.request(admin, `/_shop/sms-outbox?phone=${phone}`);
        const text = (outbox.body as { messages: { text: string }[] }).messages.at(-1)!.text;
        const code = /(\d{6})/.exec(text)![1]!;
        const opened = await server.request(null, '/_shop/session', { body: { phone, code } });
        return (opened.body as { token: string }).token;
      };
      const offered = await server.request(null, '/_shop/coupons');
      expect(offered.body).toMatchObject({
        campaigns: [{ id: 'ONLINE-10', perMember: 1, left: 1000 }],
      });
      const zhang = await signInAs(ZHANG);
      const claim = (token: string, campaignId = 'ONLINE-10') =>
        server.request(token, '/_shop/coupons/claim', { body: { campaignId } });
      const claimed = await claim(zhang);
      expect(claimed).toMatchObject({
        status: 201,
        body: { coupon: { memberId: 'M0001', status: 'issued', campaignId: 'ONLINE-10' } },
      });
      const coupon = (claimed.body as { coupon: Coupon & { code: string } }).coupon;
      expect(parseCouponCode(coupon.code, [DEMO_CODE_KEY])).toEqual({
        ok: true,
        couponId: coupon.id,
      });
      // The limit: one each; nothing more is written.
      const before = await server.storage.findDocs('coupons', { memberId: 'M0001' });
      expect(await claim(zhang)).toMatchObject({ status: 409, body: { code: 'CLAIM_LIMIT' } });
      expect(await claim(zhang, 'NOPE')).toMatchObject({ status: 404 });
      expect(await server.storage.findDocs('coupons', { memberId: 'M0001' })).toEqual(before);
      const stranger = await signInAs(STRANGER);
      expect(await claim(stranger)).toMatchObject({
        status: 403,
        body: { code: 'NOT_A_MEMBER' },
      });
      expect((await server.request(zhang, '/_shop/me')).body).toMatchObject({
        coupons: [{ id: coupon.id, code: coupon.code }],
      });
      // Every till receives it; S002's till redeems it, S001's later try is an exception.
      const seen = await server.request(
        S001_DEVICE.token,
        `/coupons/_all_docs?include_docs=true&keys=${encodeURIComponent(JSON.stringify([coupon.id]))}`,
      );
      expect(JSON.stringify(seen.body)).toContain(coupon.id);
      const sale = (device: typeof S001_DEVICE | typeof S002_DEVICE, n: number) => {
        const { id, ...rest } = {
          ...demoSale(device, n, [['SKU-0003', 1]]),
          memberId: 'M0001',
          coupons: [coupon.id],
        };
        return { _id: id, ...rest };
      };
      const first = await server.request(S002_DEVICE.token, '/saleFacts/_bulk_docs', {
        body: { docs: [sale(S002_DEVICE, 1)] },
      });
      expect(first.body).toMatchObject([{ ok: true }]);
      const second = await server.request(S001_DEVICE.token, '/saleFacts/_bulk_docs', {
        body: { docs: [sale(S001_DEVICE, 2)] },
      });
      expect(second.body).toMatchObject([{ ok: true }]);
      const stored = (await server.storage.getDocs('coupons', [coupon.id], null)).get(coupon.id);
      expect(stored?.body).toMatchObject({ status: 'redeemed' });
      const exceptions = (await server.storage.findDocs(EXCEPTIONS_DB, {})).map(
        (row) => row.body as FactException,
      );
      expect(exceptions.filter((e) => e.details.couponId === coupon.id)).toMatchObject([
        { kind: 'coupon-already-redeemed', storeId: 'S001', details: { redeemedAtStore: 'S002' } },
      ]);
    },
  );
});
