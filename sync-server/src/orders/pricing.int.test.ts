/**
 * One cart, one price, in every channel, on both backends: a channel's
 * `POST /_orders` is priced by the server with the till's engine, like the
 * shop's own orders; prices a channel sends that are not the server's are
 * refused and nothing is stored.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addItem,
  attachMember,
  newCheckout,
  priceCheckout,
  type CollectionName,
  type Order,
  type Promotion,
} from '@pos/domain';
import { provisionAdminToken } from '../auth';
import { DEMO_PRICES, DEMO_PRODUCTS, seedDemo } from '../demo-data';
import { DEMO_PROMOTIONS } from '../demo-people';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS, requestAs, serveStorage, shopSignIn } from '../test-support';
import { issueChannelToken } from './channel-tokens';
import { ORDER_KEYS_DB, ORDERS_DB } from './holds';
import { seedStock } from './orders.fixture';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const ZHANG = { phone: '13800138001', memberId: 'M0001', tier: 'gold' };
const LI = { phone: '13800138002', memberId: 'M0002', tier: 'basic' };

/** [OC10] A promotion for gold members only, so a member's tier shows in the price. */
const GOLD_ONLY: Promotion = {
  id: 'PROMO-GOLD',
  name: '金卡九五折',
  status: 'active',
  priority: 5,
  target: {},
  rule: { kind: 'percent-off', bp: 500 },
  memberTiers: ['gold'],
};

type Cart = { sku: string; quantity: number }[];

/** [CK7] The till's engine on the same cart: list prices, the promotions, the member's tier. */
function tillTotal(cart: Cart, member: { memberId: string; tier: string }): number {
  let checkout = newCheckout('CNY');
  cart.forEach(({ sku, quantity }, i) => {
    checkout = addItem(checkout, {
      lineId: `T${i}`,
      product: DEMO_PRODUCTS.find((p) => p.id === sku)!,
      price: DEMO_PRICES.find((p) => p.sku === sku),
      quantity,
    });
  });
  checkout = attachMember(checkout, { id: member.memberId, tier: member.tier, status: 'active' });
  return priceCheckout(checkout, {
    storeId: 'S001',
    channel: 'online',
    now: NOW.toISOString(),
    utcOffsetMinutes: 480,
    promotions: [...DEMO_PROMOTIONS, GOLD_ONLY],
  }).total;
}

describe.each(BACKENDS)('orders priced by the server on $name', (backend) => {
  let storage: SyncStorage;
  let close: (() => Promise<void>) | undefined;
  let url: string;
  let admin: string;
  let channel: string;

  const footprint = async () => {
    const dbs: CollectionName[] = [ORDERS_DB, ORDER_KEYS_DB, 'stock'];
    const rows = await Promise.all(dbs.map((db) => storage.findDocs(db, {})));
    return JSON.stringify(rows.map((r) => r.map((row) => [row.id, row.rev])));
  };

  const signIn = (phone: string) => shopSignIn(url, admin, phone);

  const channelPost = (key: string, body: unknown) =>
    requestAs(url, channel, '/_orders', { body, headers: { 'idempotency-key': key } });

  const pickupLines = (cart: Cart) =>
    cart.map(({ sku, quantity }, i) => ({
      lineId: `L${i + 1}`,
      sku,
      quantity,
      fulfilment: { mode: 'pickup', storeId: 'S001' },
    }));

  beforeEach(async () => {
    if (backend.skip) return;
    storage = await backend.open();
    // Plenty at S001, so every random cart can be held.
    for (const product of DEMO_PRODUCTS) await seedStock(storage, 10_000, 'S001', product.id);
    await seedDemo(storage);
    await storage.transaction((tx) =>
      tx.put({
        db: 'promotions',
        id: GOLD_ONLY.id,
        body: GOLD_ONLY,
        storeId: null,
        expectedRev: null,
      }),
    );
    admin = (await provisionAdminToken(storage, 'hq-tools')).token;
    channel = (
      await issueChannelToken(storage, { name: 'wx-mini', channel: 'mini-program' }, 'test')
    ).token;
    ({ url, close } = await serveStorage(storage, NOW));
  });
  afterEach(async () => {
    await close?.();
  });

  it.skipIf(backend.skip)(
    '[OC10] a channel that leaves the prices out gets the shop’s prices, and a retry is the same order',
    async () => {
      const cart: Cart = [
        { sku: 'SKU-0001', quantity: 3 },
        { sku: 'SKU-0002', quantity: 1 },
      ];
      const shopper = await signIn(ZHANG.phone);
      const viaShop = await requestAs(url, shopper, '/_shop/orders', {
        body: { storeId: 'S001', lines: cart },
        headers: { 'idempotency-key': 'shop-1' },
      });
      expect(viaShop.status).toBe(201);
      const shopOrder = (viaShop.body as { order: { total: number; lines: object[] } }).order;

      const body = {
        channel: 'mini-program',
        customer: { memberId: ZHANG.memberId },
        lines: pickupLines(cart),
      };
      const placed = await channelPost('mini-1', body);
      expect(placed.status).toBe(201);
      const order = (placed.body as { order: Order }).order;
      expect(order.total).toBe(shopOrder.total);
      expect(order.total).toBe(tillTotal(cart, ZHANG));
      expect(
        order.lines.map(({ sku, quantity, unitPrice, net }) => ({ sku, quantity, unitPrice, net })),
      ).toEqual(
        shopOrder.lines.map((l) => {
          const { sku, quantity, unitPrice, net } = l as Order['lines'][number];
          return { sku, quantity, unitPrice, net };
        }),
      );
      // Buy two get one of the water: the third bottle is free.
      expect(order.lines[0]).toMatchObject({ unitPrice: 200, quantity: 3 });
      expect(order.lines[0]!.net).toBeLessThan(600);
      // The member's tier counts: a basic member pays more for the same cart.
      const basic = await channelPost('mini-2', { ...body, customer: { memberId: LI.memberId } });
      expect((basic.body as { order: Order }).order.total).toBe(tillTotal(cart, LI));
      expect(tillTotal(cart, LI)).toBeGreaterThan(tillTotal(cart, ZHANG));
      // The server's prices sent back are accepted too.
      const exact = await channelPost('mini-3', {
        ...body,
        lines: order.lines.map(({ pickedUp: _, ...line }) => line),
        total: order.total,
      });
      expect(exact.status).toBe(201);
      // [OC2] A retry of the same body is the same order.
      const retry = await channelPost('mini-1', body);
      expect(retry).toMatchObject({ status: 200, body: { order: { id: order.id } } });
      // Lines of one SKU share the cart line's net.
      const split = await channelPost('mini-4', {
        ...body,
        lines: pickupLines([
          { sku: 'SKU-0001', quantity: 2 },
          { sku: 'SKU-0001', quantity: 1 },
        ]),
      });
      expect(split.status).toBe(201);
      const splitOrder = (split.body as { order: Order }).order;
      expect(splitOrder.total).toBe(tillTotal([{ sku: 'SKU-0001', quantity: 3 }], ZHANG));
      // An admin (HQ importing orders) still sends its own prices.
      const imported = await requestAs(url, admin, '/_orders', {
        body: {
          ...body,
          lines: body.lines.map((l) => ({ ...l, unitPrice: 1, net: l.quantity })),
          total: 4,
        },
        headers: { 'idempotency-key': 'hq-1' },
      });
      expect(imported).toMatchObject({ status: 201, body: { order: { total: 4 } } });
    },
  );

  it.skipIf(backend.skip)(
    '[OC10] a channel that sends other prices than the server’s gets 409 PRICE_MISMATCH and nothing is stored',
    async () => {
      const before = await footprint();
      const lines = pickupLines([
        { sku: 'SKU-0002', quantity: 2 },
        { sku: 'SKU-0004', quantity: 1 },
      ]);
      const wrong = await channelPost('mini-x', {
        channel: 'mini-program',
        customer: { memberId: LI.memberId },
        lines: [
          { ...lines[0]!, unitPrice: 1000, net: 2000 },
          { ...lines[1]!, unitPrice: 350, net: 350 },
        ],
        total: 2350,
      });
      expect(wrong).toMatchObject({
        status: 409,
        body: {
          error: 'price_mismatch',
          code: 'PRICE_MISMATCH',
          lines: [
            {
              lineId: 'L1',
              sku: 'SKU-0002',
              sent: { unitPrice: 1000, net: 2000 },
              unitPrice: 1290,
              net: 2580,
            },
          ],
          total: 2930,
          sentTotal: 2350,
        },
      });
      expect((wrong.body as { reason: string }).reason).toContain('L1');
      // A right line with a wrong total is refused too.
      const total = await channelPost('mini-y', {
        channel: 'mini-program',
        customer: { memberId: LI.memberId },
        lines: [lines[1]!],
        total: 1,
      });
      expect(total).toMatchObject({
        status: 409,
        body: { code: 'PRICE_MISMATCH', lines: [], total: 350, sentTotal: 1 },
      });
      // A product with no price, or one not sold, is 400.
      const unknown = await channelPost('mini-z', {
        channel: 'mini-program',
        customer: { memberId: LI.memberId },
        lines: pickupLines([{ sku: 'SKU-NOPE', quantity: 1 }]),
      });
      expect(unknown.status).toBe(400);
      expect(await footprint()).toBe(before);
    },
  );

  it.skipIf(backend.skip)(
    '[OC11] the same random cart costs the same through the shop, a channel token, and the till’s engine',
    async () => {
      const sessions = {
        [ZHANG.memberId]: await signIn(ZHANG.phone),
        [LI.memberId]: await signIn(LI.phone),
      };
      const cart = fc.uniqueArray(
        fc.record({
          sku: fc.constantFrom(...DEMO_PRODUCTS.map((p) => p.id)),
          quantity: fc.integer({ min: 1, max: 12 }),
        }),
        { minLength: 1, maxLength: 5, selector: (l) => l.sku },
      );
      let n = 0;
      await fc.assert(
        fc.asyncProperty(cart, fc.constantFrom(ZHANG, LI), async (lines, member) => {
          n += 1;
          const viaShop = await requestAs(url, sessions[member.memberId]!, '/_shop/orders', {
            body: { storeId: 'S001', lines },
            headers: { 'idempotency-key': `shop-${n}` },
          });
          expect(viaShop.status).toBe(201);
          const viaChannel = await channelPost(`mini-${n}`, {
            channel: 'mini-program',
            customer: { memberId: member.memberId },
            lines: pickupLines(lines),
          });
          expect(viaChannel.status).toBe(201);
          const shopTotal = (viaShop.body as { order: { total: number } }).order.total;
          const channelTotal = (viaChannel.body as { order: Order }).order.total;
          expect(channelTotal).toBe(shopTotal);
          expect(channelTotal).toBe(tillTotal(lines, member));
        }),
        { numRuns: 6 },
      );
    },
    60_000,
  );
});
