/**
 * A member's coupon on an online order, on both backends: priced exactly as
 * a till prices the same cart with the same coupon, redeemed in the order's
 * transaction through the coupon ledger sales use, so it is used once in
 * every channel; given back when the order expires unpaid or is cancelled
 * before any hand-over, kept once paid.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addCoupon,
  addItem,
  attachMember,
  holdPolicy,
  newCheckout,
  priceCheckout,
  type CollectionName,
  type Coupon,
  type Member,
  type Promotion,
} from '@pos/domain';
import { provisionAdminToken } from '../auth';
import { DEMO_PRICES, DEMO_PRODUCTS, seedDemo } from '../demo-data';
import {
  COUPON_REDEMPTIONS_DB,
  EXCEPTIONS_DB,
  ORDER_COUPONS_DB,
  type CouponRedemption,
  type FactException,
} from '../ledgers';
import { sweepPickupDeadlines } from '../orders/deadlines';
import { expireHolds, ORDER_KEYS_DB, ORDERS_DB } from '../orders/holds';
import { createSyncServer, type SyncServer } from '../server';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS, demoSale, requestAs, S002_DEVICE } from '../test-support';

const ZHANG = '13800138001'; // M0001, gold
const LI = '13800138002'; // M0002
const STRANGER = '13700137000'; // no member
const START = '2026-03-01T10:00:00.000Z';

type Cart = { sku: string; quantity: number }[];
type OrderView = {
  id: string;
  status: string;
  total: number;
  coupons: { id: string; amount: number }[];
  pickupDeadline?: string;
};

describe.each(BACKENDS)('coupons on shop orders on $name', (backend) => {
  let storage: SyncStorage;
  let server: SyncServer;
  let url: string;
  let clock: Date;
  let admin: string;

  const call = (token: string | null, path: string, init?: Parameters<typeof requestAs>[3]) =>
    requestAs(url, token, path, init);

  async function signIn(phone: string): Promise<string> {
    await call(null, '/_shop/otp', { body: { phone } });
    const outbox = await call(admin, `/_shop/sms-outbox?phone=${phone}`);
    const text = (outbox.body as { messages: { text: string }[] }).messages.at(-1)!.text;
    const code = /(\d{6})/.exec(text)![1]!;
    const opened = await call(null, '/_shop/session', { body: { phone, code } });
    return (opened.body as { token: string }).token;
  }

  async function claim(token: string): Promise<Coupon> {
    const claimed = await call(token, '/_shop/coupons/claim', {
      body: { campaignId: 'ONLINE-10' },
    });
    expect(claimed.status).toBe(201);
    return (claimed.body as { coupon: Coupon }).coupon;
  }

  const order = (token: string, body: unknown, key: string) =>
    call(token, '/_shop/orders', { body, headers: { 'idempotency-key': key } });

  const coupon = async (id: string) =>
    (await storage.getDocs('coupons', [id], null)).get(id)?.body as Coupon;
  const redemption = async (id: string) =>
    (await storage.getDocs(COUPON_REDEMPTIONS_DB, [id], null)).get(id)?.body as CouponRedemption;

  /** Everything a refused order must leave as it was. */
  const footprint = async () => {
    const dbs = [
      ORDERS_DB,
      ORDER_KEYS_DB,
      'stock',
      'coupons',
      COUPON_REDEMPTIONS_DB,
      ORDER_COUPONS_DB,
    ] as CollectionName[];
    const rows = await Promise.all(dbs.map((db) => storage.findDocs(db, {})));
    return JSON.stringify(rows.map((r) => r.map((row) => [row.id, row.rev])));
  };

  /** [CK7] [CK6] The till's engine on the same cart, member and coupon, at the pickup store. */
  async function tillTotal(cart: Cart, memberId: string, coupons: Coupon[]): Promise<number> {
    let checkout = newCheckout('CNY');
    cart.forEach(({ sku, quantity }, i) => {
      checkout = addItem(checkout, {
        lineId: `T${i}`,
        product: DEMO_PRODUCTS.find((p) => p.id === sku)!,
        price: DEMO_PRICES.find((p) => p.sku === sku),
        quantity,
      });
    });
    const member = (await storage.getDocs('members', [memberId], null)).get(memberId)!
      .body as Member;
    checkout = attachMember(checkout, member);
    for (const c of coupons) checkout = addCoupon(checkout, c);
    const promotions = (await storage.findDocs('promotions', { fields: { status: 'active' } })).map(
      (row) => row.body as Promotion,
    );
    const pricing = priceCheckout(checkout, {
      storeId: 'S001',
      channel: 'online',
      now: clock.toISOString(),
      utcOffsetMinutes: 480,
      promotions,
    });
    expect(pricing.rejectedCoupons).toEqual([]);
    return pricing.total;
  }

  beforeEach(async () => {
    if (backend.skip) return;
    storage = await backend.open();
    await seedDemo(storage);
    admin = (await provisionAdminToken(storage, 'hq-tools')).token;
    clock = new Date(START);
    server = createSyncServer({
      storage,
      now: () => clock,
      holdSweeper: false,
      rateLimit: false,
      log: () => {},
      shop: { holdPolicy: holdPolicy({ holdMinutes: 15, pickupDays: 3 }) },
    });
    url = await server.listen(0, '127.0.0.1');
  });
  afterEach(async () => {
    await server?.close();
    await storage?.close();
  });

  const CART: Cart = [
    { sku: 'SKU-0003', quantity: 1 },
    { sku: 'SKU-0001', quantity: 2 },
  ];

  it.skipIf(backend.skip)(
    '[SHP12] [CR3] a coupon is priced as the till would, used once in every channel, and a retry is the first order',
    async () => {
      const zhang = await signIn(ZHANG);
      const mine = await claim(zhang);
      const body = { storeId: 'S001', lines: CART, coupons: [mine.id] };
      const placed = await order(zhang, body, 'c-1');
      expect(placed.status).toBe(201);
      const view = (placed.body as { order: OrderView }).order;
      expect(view.total).toBe(await tillTotal(CART, 'M0001', [mine]));
      expect(view.total).toBe((await tillTotal(CART, 'M0001', [])) - 1_000);
      expect(view.coupons).toMatchObject([{ id: mine.id, amount: 1_000 }]);
      expect(await coupon(mine.id)).toMatchObject({ status: 'redeemed' });
      const first = await redemption(mine.id);
      expect(first).toMatchObject({ orderId: view.id, storeId: 'S001', redeemedAt: START });

      // A retry is the first order; nothing is redeemed again.
      const before = await footprint();
      const retried = await order(zhang, body, 'c-1');
      expect(retried).toMatchObject({ status: 200, body: { order: { id: view.id } } });
      expect(await footprint()).toBe(before);

      // A second order with it is refused and stores nothing.
      const again = await order(zhang, body, 'c-2');
      expect(again).toMatchObject({
        status: 409,
        body: {
          code: 'COUPON_USED',
          couponId: mine.id,
          reason: expect.stringContaining(mine.name),
        },
      });
      expect(await footprint()).toBe(before);

      // A till that later takes the same coupon (offline) gets the usual exception.
      const { id, ...sale } = {
        ...demoSale(S002_DEVICE, 1, [['SKU-0003', 1]]),
        memberId: 'M0001',
        coupons: [mine.id],
      };
      const pushed = await call(S002_DEVICE.token, '/saleFacts/_bulk_docs', {
        body: { docs: [{ _id: id, ...sale }] },
      });
      expect(pushed.body).toMatchObject([{ ok: true }]);
      const exceptions = (await storage.findDocs(EXCEPTIONS_DB, {})).map(
        (row) => row.body as FactException,
      );
      expect(exceptions.filter((e) => e.details.couponId === mine.id)).toMatchObject([
        {
          kind: 'coupon-already-redeemed',
          factId: id,
          details: { redeemedBy: view.id, redeemedByOrder: view.id, redeemedAtStore: 'S001' },
        },
      ]);
      expect(await redemption(mine.id)).toEqual(first);
    },
  );

  it.skipIf(backend.skip)(
    '[CR3] an order that expires unpaid gives its coupon back; it can be used again',
    async () => {
      const zhang = await signIn(ZHANG);
      const mine = await claim(zhang);
      const body = { storeId: 'S001', lines: CART, coupons: [mine.id] };
      const placed = (await order(zhang, body, 'e-1')).body as { order: OrderView };
      clock = new Date(Date.parse(START) + 16 * 60_000);
      const expired = await expireHolds(storage, clock.toISOString());
      expect(expired.map((o) => o.id)).toEqual([placed.order.id]);
      expect(await coupon(mine.id)).toMatchObject({ status: 'issued' });
      expect(await redemption(mine.id)).toMatchObject({
        orderId: placed.order.id,
        releasedAt: clock.toISOString(),
      });
      // A second sweep changes nothing.
      const before = await footprint();
      expect(await expireHolds(storage, clock.toISOString())).toEqual([]);
      expect(await footprint()).toBe(before);
      // The member's again: a new order uses it.
      const me = (await call(zhang, '/_shop/me')).body as { coupons: Coupon[] };
      expect(me.coupons).toMatchObject([{ id: mine.id, status: 'issued' }]);
      const next = await order(zhang, body, 'e-2');
      expect(next).toMatchObject({ status: 201, body: { order: { coupons: [{ id: mine.id }] } } });
      const nextId = (next.body as { order: OrderView }).order.id;
      expect(await redemption(mine.id)).toMatchObject({ orderId: nextId });
      expect(await redemption(mine.id)).not.toHaveProperty('releasedAt');
    },
  );

  it.skipIf(backend.skip)(
    '[CR3] a paid order keeps its coupon; cancelled at its pickup deadline with nothing handed over, it gives it back',
    async () => {
      const zhang = await signIn(ZHANG);
      const mine = await claim(zhang);
      const placed = (
        await order(zhang, { storeId: 'S001', lines: CART, coupons: [mine.id] }, 'p-1')
      ).body as { order: OrderView };
      const id = placed.order.id;
      expect((await call(zhang, `/_shop/orders/${id}/pay`, { body: {} })).status).toBe(202);
      const paid = (await call(zhang, `/_shop/orders/${id}`)).body as { order: OrderView };
      expect(paid.order).toMatchObject({ status: 'paid', total: placed.order.total });
      clock = new Date(Date.parse(START) + 60 * 60_000);
      expect(await expireHolds(storage, clock.toISOString())).toEqual([]);
      expect(await coupon(mine.id)).toMatchObject({ status: 'redeemed' });
      const late = new Date(Date.parse(paid.order.pickupDeadline!) + 1_000).toISOString();
      const swept = await sweepPickupDeadlines(storage, late);
      expect(swept.cancelled.map((o) => o.id)).toEqual([id]);
      expect(await coupon(mine.id)).toMatchObject({ status: 'issued' });
      expect(await redemption(mine.id)).toMatchObject({ orderId: id, releasedAt: late });
    },
  );

  it.skipIf(backend.skip)(
    "[SHP12] an unknown coupon, another member's, or one the engine refuses is 409 naming it; nothing is stored",
    async () => {
      const zhang = await signIn(ZHANG);
      const li = await signIn(LI);
      const stranger = await signIn(STRANGER);
      const mine = await claim(zhang);
      const hers = await claim(li);
      const before = await footprint();
      const cases: [string, object, number, object][] = [
        [zhang, { coupons: [hers.id] }, 409, { code: 'COUPON_NOT_YOURS', couponId: hers.id }],
        [zhang, { coupons: ['CPS-NOPE'] }, 409, { code: 'COUPON_NOT_YOURS', couponId: 'CPS-NOPE' }],
        [stranger, { coupons: [mine.id] }, 409, { code: 'COUPON_NOT_YOURS', couponId: mine.id }],
        // ¥4 of water does not reach the coupon's ¥30 minimum spend: the engine says so.
        [
          zhang,
          { lines: [{ sku: 'SKU-0001', quantity: 2 }], coupons: [mine.id] },
          409,
          { code: 'COUPON_MIN_SPEND', couponId: mine.id },
        ],
        [zhang, { coupons: [mine.id, mine.id] }, 400, {}],
        [zhang, { coupons: 'all' }, 400, {}],
        [zhang, { coupons: [42] }, 400, {}],
      ];
      let n = 0;
      for (const [token, extra, status, answer] of cases) {
        const refused = await order(token, { storeId: 'S001', lines: CART, ...extra }, `r-${n++}`);
        expect([extra, refused.status]).toEqual([extra, status]);
        expect(refused.body).toMatchObject({ reason: expect.any(String), ...answer });
      }
      expect(await footprint()).toBe(before);
    },
  );
});
