/**
 * Bad input at the shop gets a clear error and changes nothing: random
 * methods, paths under `/_shop/`, headers (with and without a customer's
 * session, random idempotency keys) and bodies (random JSON, nearly valid
 * ones) never get a 5xx; a refused one stores nothing; what is stored is
 * valid.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyOrderEvent, type CollectionName, type Order, type StockLevel } from '@pos/domain';
import { provisionAdminToken } from '../auth';
import { ADDRESSES_DB } from '../orders/addresses';
import { ORDER_KEYS_DB, ORDERS_DB } from '../orders/holds';
import { heldByLevel } from '../orders/store-orders';
import { PAYMENT_NOTES_DB, PICKUP_CODES_DB } from '../payments/notify';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS, requestAs, shopSignIn, startTestServer, type TestServer } from '../test-support';
import { STORE_LOCATIONS_DB } from './catalog';
import { COUPON_CAMPAIGNS_DB } from './coupons';
import { SHOP_OTPS_DB, SHOP_SESSIONS_DB } from './customer-auth';
import { SMS_OUTBOX_DB } from './sms';

const ZHANG = '13800138001'; // M0001, a member
const STRANGER = '13700137000'; // no member

/** What the shop can change: its own collections, orders, their keys, stock and coupons. */
const FOOTPRINT: CollectionName[] = [
  SHOP_OTPS_DB,
  SHOP_SESSIONS_DB,
  SMS_OUTBOX_DB,
  COUPON_CAMPAIGNS_DB,
  STORE_LOCATIONS_DB,
  ORDERS_DB,
  ORDER_KEYS_DB,
  PAYMENT_NOTES_DB,
  PICKUP_CODES_DB,
  'stock',
  'coupons',
  ADDRESSES_DB,
];

const backend = BACKENDS[0]!;

describe(`the shop API under random requests on ${backend.name}`, () => {
  let storage: SyncStorage;
  let server: TestServer;
  let url: string;
  let admin: string;
  const clock = new Date('2026-03-01T10:00:00.000Z');

  async function footprint(): Promise<Record<string, string[]>> {
    const entries = await Promise.all(
      FOOTPRINT.map(async (db) => [
        db,
        (await storage.findDocs(db, {})).map((row) => `${row.id}@${row.rev}`).sort(),
      ]),
    );
    return Object.fromEntries(entries) as Record<string, string[]>;
  }

  const signIn = (phone: string) => shopSignIn(url, admin, phone);

  beforeEach(async () => {
    server = await startTestServer(backend, {
      now: () => clock,
      holdSweeper: false,
      rateLimit: false,
      log: () => {},
    });
    ({ storage, url } = server);
    admin = (await provisionAdminToken(storage, 'hq-tools')).token;
  });
  afterEach(async () => {
    await server?.close();
  });

  it('[SHP11] 200 random requests to every shop endpoint: never a 5xx, a refused one stores nothing, what is stored is valid', async () => {
    const zhang = await signIn(ZHANG);
    const stranger = await signIn(STRANGER);
    const first = await requestAs(url, zhang, '/_shop/orders', {
      body: { storeId: 'S001', lines: [{ sku: 'SKU-0002', quantity: 1 }] },
      headers: { 'idempotency-key': 'first' },
    });
    expect(first.status).toBe(201);
    const orderId = (first.body as { order: { id: string } }).order.id;

    // A target that reads as a URL without a host is a bad request, not a failure.
    expect((await requestAs(url, null, '/_shop/..//')).status).toBe(400);

    const text = fc.string({ maxLength: 40 });
    const sku = fc.oneof(fc.constantFrom('SKU-0001', 'SKU-0002', 'SKU-0013', 'SKU-NOPE', ''), text);
    const segment = fc.oneof(
      fc.constantFrom(
        'otp',
        'session',
        'catalog',
        'stores',
        'me',
        'sms-outbox',
        'coupons',
        'claim',
        'orders',
        'pay',
        'addresses',
        'delivery-options',
        orderId,
        'ORD-00000000-0000-0000-0000-000000000000',
        '%E4%B8%AD',
        '%zz',
        '..',
        '',
      ),
      fc.stringMatching(/^[A-Za-z0-9._~%-]{0,20}$/),
    );
    /** Each endpoint with its method; `orders` twice, so orders get placed. */
    const endpoints: [method: string, path: string[]][] = [
      ['POST', ['otp']],
      ['POST', ['session']],
      ['GET', ['catalog']],
      ['GET', ['stores']],
      ['GET', ['me']],
      ['GET', ['sms-outbox']],
      ['GET', ['coupons']],
      ['POST', ['coupons', 'claim']],
      ['POST', ['orders']],
      ['POST', ['orders']],
      ['GET', ['orders']],
      ['GET', ['orders', orderId]],
      ['POST', ['orders', orderId, 'pay']],
      ['GET', ['addresses']],
      ['POST', ['addresses']],
      ['GET', ['delivery-options']],
    ];
    const route = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(...endpoints).map(([method, path]) => ({ method, path })),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'),
          path: fc.oneof(
            fc.constantFrom(...endpoints.map(([, path]) => path)),
            fc.array(segment, { maxLength: 4 }),
          ),
        }),
      },
    );
    const query = fc
      .dictionary(
        fc.constantFrom(
          'q',
          'limit',
          'sku',
          'skus',
          'lat',
          'lng',
          'city',
          'phone',
          'x',
          'addressId',
          'lines',
        ),
        fc.oneof(
          text,
          fc.constantFrom(
            'SKU-0001',
            'SKU-0001,SKU-0002',
            '31.2',
            '121.4',
            '上海',
            ZHANG,
            '20',
            'SKU-0001:2,SKU-0002:1',
          ),
          fc.double().map(String),
        ),
        { maxKeys: 3 },
      )
      .map((q) => new URLSearchParams(q).toString());
    const line = fc.record(
      { sku, quantity: fc.oneof(fc.integer({ min: -2, max: 120 }), fc.double(), text) },
      { requiredKeys: [] },
    );
    // A valid order with one thing changed, so some are placed and checked.
    const almostOrder = fc.record({
      storeId: fc.constantFrom('S001', 'S001', 'S002', 'S999'),
      lines: fc.array(
        fc.record({
          sku: fc.constantFrom('SKU-0001', 'SKU-0002', 'SKU-0005', 'SKU-0013', 'SKU-NOPE'),
          quantity: fc.integer({ min: -1, max: 6 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    });
    /** Nearly valid bodies, by the endpoint they are nearly valid for. */
    const nearlyValid: Record<string, fc.Arbitrary<unknown>> = {
      otp: fc.record(
        { phone: fc.oneof(fc.constantFrom(ZHANG, STRANGER, '138 0013 8009'), text) },
        { requiredKeys: [] },
      ),
      session: fc.record(
        {
          phone: fc.constantFrom(ZHANG, STRANGER),
          code: fc.oneof(fc.stringMatching(/^\d{6}$/), text),
        },
        { requiredKeys: [] },
      ),
      orders: fc.oneof(
        { weight: 3, arbitrary: almostOrder },
        fc.record(
          {
            storeId: fc.oneof(fc.constantFrom('S001', 'S002', 'S999'), text),
            lines: fc.oneof(fc.array(line, { maxLength: 4 }), fc.jsonValue()),
            total: fc.integer(),
            unitPrice: fc.integer(),
          },
          { requiredKeys: [] },
        ),
      ),
      addresses: fc.record(
        {
          regionCode: fc.oneof(fc.constantFrom('310106', '310000', '441900', '999999'), text),
          detail: fc.oneof(fc.constantFrom('南京西路 1 号'), text),
          name: fc.oneof(fc.constantFrom('张伟'), text),
          phone: fc.oneof(fc.constantFrom(ZHANG, '12345'), text),
        },
        { requiredKeys: [] },
      ),
      coupons: fc.record(
        { campaignId: fc.oneof(fc.constantFrom('ONLINE-10', 'NOPE'), text, fc.jsonValue()) },
        { requiredKeys: [] },
      ),
    };
    const anyNearlyValid = fc.oneof(...Object.values(nearlyValid));
    const bodyFor = (path: string[]) =>
      fc.oneof(
        fc.constant(undefined),
        {
          weight: 4,
          arbitrary: (nearlyValid[path[0] ?? ''] ?? anyNearlyValid).map((b) => JSON.stringify(b)),
        },
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 60 }),
      );
    const authorization = fc.oneof(
      fc.constant(undefined),
      { weight: 6, arbitrary: fc.constantFrom(`Bearer ${zhang}`, `Bearer ${stranger}`) },
      fc.constantFrom(
        `Bearer ${admin}`,
        'Bearer ',
        'Bearer nope',
        'Basic eDp5',
        `bearer ${zhang}x`,
      ),
    );
    const printable = fc
      .array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 160 })
      .map((codes) => String.fromCharCode(...codes));
    const request = fc.record({
      route: route.chain(({ method, path }) =>
        bodyFor(path).map((body) => ({ method, path, body })),
      ),
      query,
      authorization,
      key: fc.oneof(
        fc.constant(undefined),
        { weight: 3, arbitrary: fc.constant('unique') },
        printable,
      ),
      contentType: fc.constantFrom('application/json', 'text/plain', undefined),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ route: { method, path, body }, ...r }) => {
        n += 1;
        const headers: Record<string, string> = {};
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.key !== undefined) headers['idempotency-key'] = r.key === 'unique' ? `k-${n}` : r.key;
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        const target = `/_shop/${path.join('/')}${r.query ? `?${r.query}` : ''}`;
        const before = await footprint();
        const answer = await requestAs(url, null, target, {
          method: method,
          headers,
          ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: body } : {}),
        });
        const what = `${method} ${target} -> ${answer.status} ${answer.text.slice(0, 200)}`;
        expect(answer.status, what).toBeLessThan(500);
        if (answer.status < 400) return;
        const after = await footprint();
        // [SHP2] A wrong code counts against its tries: the only write a refusal makes.
        if (answer.status === 401 && path.join('/') === 'session') {
          delete before[SHOP_OTPS_DB];
          delete after[SHOP_OTPS_DB];
        }
        expect(after, what).toEqual(before);
      }),
      { numRuns: 200, seed: 14 },
    );
    // What is stored is valid: every order is one the domain accepts, and
    // the units held are exactly the held orders' pickup lines.
    const orders = (await storage.findDocs(ORDERS_DB, {})).map((row) => row.body as Order);
    const held = new Map<string, number>();
    for (const order of orders) {
      const placed = applyOrderEvent(undefined, {
        kind: 'placed',
        id: `${order.id}:check`,
        at: order.placedAt,
        orderId: order.id,
        channel: order.channel,
        customer: order.customer,
        lines: order.lines.map(({ pickedUp: _, ...line }) => line),
        total: order.total,
      });
      expect(placed.ok, JSON.stringify(order)).toBe(true);
      expect(['held', 'paid']).toContain(order.status);
      for (const line of order.lines) {
        if (line.fulfilment.mode !== 'pickup') continue;
        const id = `${line.fulfilment.storeId}:${line.sku}`;
        held.set(id, (held.get(id) ?? 0) + line.quantity);
      }
    }
    const levels = (await storage.findDocs('stock', {})).map((row) => row.body as StockLevel);
    const serverHeld = await heldByLevel(storage);
    expect(new Map([...serverHeld].filter(([, n]) => n > 0))).toEqual(held);
    for (const level of levels) {
      expect(serverHeld.get(level.id) ?? 0).toBeLessThanOrEqual(level.onHand);
    }
    // [SHP10] Claimed coupons are the member's, one-time and unused.
    const claimed = (await storage.findDocs('coupons', {}))
      .map((row) => row.body)
      .filter((coupon) => coupon.campaignId === 'ONLINE-10');
    for (const coupon of claimed) {
      expect(coupon).toMatchObject({ memberId: 'M0001', status: 'issued' });
    }
  }, 60_000);
});
