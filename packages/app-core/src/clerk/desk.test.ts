import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fromHex,
  heldUnitsId,
  makeMemberQr,
  memberView,
  parseTakeNowCode,
  type ClerkCommissionAnswer,
  type CreditedLineView,
  type Price,
  type Product,
  type Promotion,
  type Style,
} from '@pos/domain';
import { INDEX_KEY_FIXTURE, staffFixture } from '@pos/domain/fixtures';
import {
  createHttpClerkServer,
  openClerkLocalStore,
  type Outbox,
  type ReplicaDatabase,
} from '@pos/replica';
import type { Outcome } from '../outcome';
import { createStateStore, initialTillState, type StateStore, type TillState } from '../state';
import { openTestReplica, testPorts, ZHANG_WEI } from '../till.fixture';
import { fakeClerkServer, memoryLocalStore, type FakeClerkServer } from './clerk.fixture';
import { createClerkDesk } from './desk';
import { ORDER_KEY_PREFIX } from './orders';
import type {
  ClerkCart,
  ClerkDesk,
  ClerkLineMode,
  ClerkLocalStore,
  ClerkPorts,
  ClerkServer,
} from './types';

const CODE_KEY = { id: 'K1', secretHex: '000102030405060708090a0b0c0d0e0f' };
const NOW = new Date('2026-03-01T10:00:00.000Z');

const tee = (sku: string, gtin: string, name = `Tee ${sku}`): Product => ({
  id: sku,
  name,
  gtin,
  category: 'Apparel',
  taxClass: 'VAT13',
  status: 'active',
});
const PRODUCTS = [
  tee('TEE1-W-S', '06901234567892', '纯棉T恤 白 S'),
  tee('TEE1-W-M', '06901234567908', '纯棉T恤 白 M'),
  tee('TEE1-B-M', '06901234567915', '纯棉T恤 黑 M'),
  tee('SOCK-1', '06901234567922', '袜子'),
  tee('NOPRICE', '06901234567939', 'No price'),
];
const price = (sku: string, amount: number): Price => ({
  id: `CN-LIST:${sku}`,
  priceList: 'CN-LIST',
  sku,
  amount,
  currency: 'CNY',
});
const STYLE: Style = {
  id: 'style:TEE1',
  kind: 'style',
  styleId: 'TEE1',
  name: '纯棉T恤',
  category: 'Apparel',
  colours: ['白', '黑'],
  sizes: ['S', 'M', 'L'],
  variants: [
    { sku: 'TEE1-W-S', colour: '白', size: 'S' },
    { sku: 'TEE1-W-M', colour: '白', size: 'M' },
    { sku: 'TEE1-B-M', colour: '黑', size: 'M' },
  ],
};
const CLERK = staffFixture({ id: 'S001-E01', name: '王芳', pin: '1111' });
const SUPERVISOR = staffFixture({
  id: 'S001-E02',
  name: '陈静',
  pin: '2222',
  roles: ['supervisor'],
});
const PICKUP_S002: ClerkLineMode = { mode: 'pickup', storeId: 'S002', storeName: '徐汇店' };
const TAKE_NOW: ClerkLineMode = { mode: 'take-now' };

let db: ReplicaDatabase;
let outbox: Outbox;
let state: StateStore<TillState>;
let server: FakeClerkServer;
let local: ClerkLocalStore & { data: Map<string, string> };
let online: boolean;

beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  state = createStateStore(initialTillState('CNY'));
  state.set({ staff: CLERK });
  server = fakeClerkServer();
  local = memoryLocalStore();
  online = true;
  await db.products.bulkInsert(PRODUCTS);
  await db.prices.bulkInsert([
    price('TEE1-W-S', 9900),
    price('TEE1-W-M', 9900),
    price('TEE1-B-M', 9900),
    price('SOCK-1', 1500),
  ]);
  await db.chain.insert(STYLE as never);
  await db.staff.bulkInsert([CLERK, SUPERVISOR]);
  await db.stock.bulkInsert([
    { id: 'S001:TEE1-W-S', storeId: 'S001', sku: 'TEE1-W-S', onHand: 3 },
    { id: 'S001:TEE1-B-M', storeId: 'S001', sku: 'TEE1-B-M', onHand: 0 },
  ]);
  await db.storeState.insert({
    id: heldUnitsId('S001', 'TEE1-W-S'),
    kind: 'held',
    storeId: 'S001',
    sku: 'TEE1-W-S',
    held: 1,
  } as never);
  server.stock.set('TEE1', {
    styleId: 'TEE1',
    asOf: '2026-03-01T09:59:58.000Z',
    here: { storeId: 'S001', atp: { 'TEE1-W-S': 2 } },
    stores: [
      {
        storeId: 'S002',
        name: '徐汇店',
        distanceMetres: 3000,
        atp: { 'TEE1-W-M': 2 },
        asOf: '2026-03-01T09:59:58.000Z',
      },
      {
        storeId: 'S003',
        name: '浦东店',
        distanceMetres: 12000,
        atp: { 'TEE1-B-M': 1 },
        asOf: '2026-03-01T09:59:58.000Z',
      },
    ],
  });
});
afterEach(() => db.close());

function desk(overrides: Partial<ClerkPorts> = {}): ClerkDesk {
  const till = testPorts(db, outbox, {
    state,
    clock: () => NOW,
    config: { deviceId: 'S001-TAB1', codeKeys: [CODE_KEY] },
  });
  return createClerkDesk({ ...till, server, local, online: () => online, ...overrides });
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome.value;
}

async function found(d: ClerkDesk, text: string) {
  return value(await d.find(text))[0]!;
}

/** A cart with one line of each kind for member M0001. */
async function mixedCart(d: ClerkDesk): Promise<ClerkCart> {
  let cart = d.newCart();
  cart = value(d.addLine(cart, await found(d, 'TEE1-W-S'), 1, TAKE_NOW));
  cart = value(d.addLine(cart, await found(d, 'TEE1-W-M'), 1, PICKUP_S002));
  cart = value(
    d.addLine(cart, await found(d, 'SOCK-1'), 2, { mode: 'ship', addressId: 'A1', label: '上海' }),
  );
  return { ...cart, customer: { memberId: 'M0001', maskedPhone: '138****8001', tier: 'gold' } };
}

describe('[CL3] finding a product', () => {
  it('a barcode finds the product with its price, style and variant', async () => {
    const [hit, ...rest] = value(await desk().find('6901234567908'));
    expect(rest).toEqual([]);
    expect(hit).toMatchObject({
      product: { id: 'TEE1-W-M' },
      unitPrice: 9900,
      style: { styleId: 'TEE1' },
      variant: { colour: '白', size: 'M' },
    });
  });

  it('[SG1] an RFID tag’s EPC finds the product of its GTIN', async () => {
    // SGTIN-96 of GTIN 06901234567892, serial 1.
    expect(await found(desk(), '3075A537C837754000000001')).toMatchObject({
      product: { id: 'TEE1-W-S' },
    });
    expect(await desk().find('3114257BF7194E4000001A85')).toMatchObject({
      ok: false,
      code: 'PRODUCT_UNKNOWN',
    });
  });

  it('a SKU, a name; a product with no style has none; nothing found says so', async () => {
    const d = desk();
    expect(await found(d, 'sock-1')).toMatchObject({ style: null, variant: null, unitPrice: 1500 });
    expect((await d.product('NOPRICE')).ok && (await found(d, 'NOPRICE')).unitPrice).toBeNull();
    const named = value(await d.find('纯棉'));
    expect(named.map((f) => f.product.id).sort()).toEqual(['TEE1-B-M', 'TEE1-W-M', 'TEE1-W-S']);
    expect(await d.find('zzzz')).toMatchObject({ ok: false, code: 'PRODUCT_UNKNOWN' });
    expect(await d.find('  ')).toMatchObject({ ok: false, code: 'SEARCH_EMPTY' });
    expect(await d.product('NOPE')).toMatchObject({ ok: false, code: 'PRODUCT_UNKNOWN' });
  });
});

describe('[CL4] stock here and across the chain', () => {
  it('[VG2] the grid here is ATP from the replica; a figure not sent is unknown, not 0', async () => {
    online = false;
    const grid = await desk().stockHere(STYLE);
    expect(grid.cells).toEqual([
      [{ sku: 'TEE1-W-S', atp: 2 }, { sku: 'TEE1-W-M', atp: null }, null],
      [null, { sku: 'TEE1-B-M', atp: 0 }, null],
    ]);
    expect(grid.total).toBe(2);
  });

  it('[VG4] online: other stores live, nearest first, and the answer is kept', async () => {
    const view = await desk().chainStock(STYLE);
    expect(view).toMatchObject({ state: 'live', asOf: '2026-03-01T09:59:58.000Z' });
    expect(view.state !== 'none' && view.stores.map((s) => s.storeId)).toEqual(['S002', 'S003']);
    expect(await local.get('chain-stock:TEE1')).toMatchObject({ styleId: 'TEE1' });
  });

  it('[VG5] offline: the last answer marked stale with its time and why; none kept: not known', async () => {
    const d = desk();
    online = false;
    expect(await d.chainStock(STYLE)).toEqual({ state: 'none', reason: 'the tablet is offline' });
    online = true;
    await d.chainStock(STYLE);
    online = false;
    const stale = await d.chainStock(STYLE);
    expect(stale).toMatchObject({
      state: 'stale',
      asOf: '2026-03-01T09:59:58.000Z',
      reason: 'the tablet is offline',
    });
    // For one size: the stores of the style's last answer that had it.
    expect(await d.chainStock(STYLE, 'TEE1-W-M')).toMatchObject({
      state: 'stale',
      stores: [{ storeId: 'S002' }],
    });
  });

  it('[VG5] online but no answer, or refused: the last answer, stale, saying why', async () => {
    const d = desk();
    await d.chainStock(STYLE);
    server.mode = 'offline';
    expect(await d.chainStock(STYLE)).toMatchObject({
      state: 'stale',
      reason: expect.stringContaining('could not be reached'),
    });
    server.mode = { status: 503, code: 'UNAVAILABLE', reason: 'overloaded' };
    expect(await d.chainStock(STYLE)).toMatchObject({
      state: 'stale',
      reason: expect.stringContaining('UNAVAILABLE'),
    });
  });
});

describe('[CL5] the cart', () => {
  it('[CM2] a line is credited to the signed-in clerk; the same SKU and fulfilment merge', async () => {
    const d = desk();
    const white = await found(d, 'TEE1-W-S');
    let cart = d.newCart();
    expect(cart.cartId).toMatch(/^S001-TAB1-[0-9A-Z]+$/);
    cart = value(d.addLine(cart, white, 1, TAKE_NOW));
    cart = value(d.addLine(cart, white, 2, TAKE_NOW));
    cart = value(d.addLine(cart, white, 1, PICKUP_S002));
    expect(cart.lines).toMatchObject([
      { lineId: 'L1', quantity: 3, credits: [{ staffId: 'S001-E01', share: 10_000 }] },
      { lineId: 'L2', quantity: 1, fulfilment: PICKUP_S002, variant: { size: 'S' } },
    ]);
  });

  it('refuses what cannot be sold and changes nothing', async () => {
    const d = desk();
    const cart = d.newCart();
    const white = await found(d, 'TEE1-W-S');
    expect(d.addLine(cart, white, 0, TAKE_NOW)).toMatchObject({ code: 'LINE_INVALID' });
    expect(d.addLine(cart, white, 1000, TAKE_NOW)).toMatchObject({ code: 'LINE_INVALID' });
    expect(d.addLine(cart, await found(d, 'NOPRICE'), 1, TAKE_NOW)).toMatchObject({
      code: 'PRICE_MISSING',
    });
    expect(d.addLine(cart, white, 1, { mode: 'pickup', storeId: '', storeName: '' })).toMatchObject(
      { code: 'LINE_INVALID' },
    );
    const withLine = value(d.addLine(cart, white, 1, PICKUP_S002));
    expect(d.setQuantity(withLine, 'L1', 1.5)).toMatchObject({ code: 'QUANTITY_INVALID' });
    expect(d.setQuantity(withLine, 'L9', 2)).toMatchObject({ code: 'LINE_UNKNOWN' });
    expect(value(d.setQuantity(withLine, 'L1', 4)).lines[0]!.quantity).toBe(4);
    expect(d.removeLine(withLine, 'L1').lines).toEqual([]);
    state.set({ staff: null });
    expect(d.addLine(cart, white, 1, TAKE_NOW)).toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(cart.lines).toEqual([]);
  });

  it('[CM1] credits are set only when valid', async () => {
    const d = desk();
    const cart = value(d.addLine(d.newCart(), await found(d, 'TEE1-W-M'), 1, PICKUP_S002));
    const split = [
      { staffId: 'S001-E01', share: 6000 },
      { staffId: 'S001-E03', share: 4000 },
    ];
    expect(value(d.setCredits(cart, 'L1', split)).lines[0]!.credits).toEqual(split);
    expect(d.setCredits(cart, 'L1', [{ staffId: 'S001-E01', share: 9000 }])).toMatchObject({
      ok: false,
      code: 'CREDIT_INVALID',
      message: expect.stringContaining('9000'),
    });
    expect(d.setCredits(cart, 'L1', [])).toMatchObject({ code: 'CREDIT_INVALID' });
  });

  it('[CL13] the take-now lines share one credit', async () => {
    const d = desk();
    let cart = value(d.addLine(d.newCart(), await found(d, 'TEE1-W-S'), 1, TAKE_NOW));
    const split = [
      { staffId: 'S001-E01', share: 5000 },
      { staffId: 'S001-E03', share: 5000 },
    ];
    cart = value(d.setCredits(cart, 'L1', split));
    cart = value(d.addLine(cart, await found(d, 'SOCK-1'), 1, TAKE_NOW));
    expect(cart.lines[1]!.credits).toEqual(split);
    cart = value(d.addLine(cart, await found(d, 'TEE1-W-M'), 1, PICKUP_S002));
    expect(cart.lines[2]!.credits).toEqual([{ staffId: 'S001-E01', share: 10_000 }]);
    const moved = d.setFulfilment(cart, 'L3', TAKE_NOW);
    expect(moved).toMatchObject({ ok: true, notices: [{ code: 'TAKE_NOW_CREDITS_SHARED' }] });
    expect(value(moved).lines[2]!.credits).toEqual(split);
    const whole = [{ staffId: 'S001-E03', share: 10_000 }];
    const all = d.setCredits(value(moved), 'L1', whole);
    expect(value(all).lines.map((l) => l.credits)).toEqual([whole, whole, whole]);
  });

  it('[CL5] [OC10] totals: take-now at the till’s prices, ordered lines as the order center prices them, with the member’s tier', async () => {
    const goldTee: Promotion = {
      id: 'P-GOLD',
      name: 'Gold tees',
      priority: 5,
      target: { skus: ['TEE1-W-M'] },
      rule: { kind: 'fixed-price', price: 8900 },
      memberTiers: ['gold'],
      channels: ['online'],
      stores: ['S002'],
    };
    const socks: Promotion = {
      id: 'P-SOCK',
      name: 'Socks 2 for 25',
      priority: 5,
      target: { skus: ['SOCK-1'] },
      rule: { kind: 'bundle', quantity: 2, price: 2500 },
    };
    await db.promotions.bulkInsert([goldTee, socks]);
    const d = desk();
    const cart = await mixedCart(d);
    expect(await d.totals(cart)).toEqual({
      total: 9900 + 8900 + 2500,
      takeNow: 9900,
      ordered: 8900 + 2500,
      lines: [
        { lineId: 'L1', net: 9900 },
        { lineId: 'L2', net: 8900 },
        { lineId: 'L3', net: 2500 },
      ],
    });
    expect((await d.totals({ ...cart, customer: null })).ordered).toBe(9900 + 2500);
  });
});

describe('[CL6] the customer', () => {
  it('[PI2] a typed phone is hashed on the tablet and finds this store’s member', async () => {
    await db.members.insert(memberView(ZHANG_WEI, INDEX_KEY_FIXTURE));
    const cart = value(await desk().memberByPhone(desk().newCart(), '13800138001'));
    expect(cart.customer).toMatchObject({
      memberId: 'M0001',
      maskedPhone: '138****8001',
      tier: 'gold',
      phoneIndex: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(JSON.stringify(cart)).not.toContain('13800138001');
  });

  it('a member QR finds the member; a phone typed where a QR is asked is refused', async () => {
    await db.members.insert(memberView(ZHANG_WEI, INDEX_KEY_FIXTURE));
    const d = desk();
    const qr = makeMemberQr('M0001', '2026-03-01T10:05:00.000Z', {
      id: CODE_KEY.id,
      secret: fromHex(CODE_KEY.secretHex),
    });
    expect(value(await d.memberByQr(d.newCart(), qr)).customer?.memberId).toBe('M0001');
    expect(await d.memberByQr(d.newCart(), '13800138001')).toMatchObject({ ok: false });
  });

  it('offline, a phone not on the tablet goes on the order as its blind index', async () => {
    const cart = value(await desk().memberByPhone(desk().newCart(), '13900139000'));
    expect(cart.customer).toEqual({
      phoneIndex: expect.stringMatching(/^[0-9a-f]{32}$/),
      maskedPhone: '139****9000',
    });
  });

  it('[TB6] a new member with the consent page for the customer’s phone; online only', async () => {
    const d = desk();
    const made = value(await d.newMember(d.newCart(), '139 0013 9000', ' 李雷 '));
    expect(made.member).toMatchObject({ existing: false, consentUrl: expect.any(String) });
    expect(made.cart.customer).toMatchObject({ memberId: 'M90', maskedPhone: '139****9000' });
    expect(JSON.stringify(made.cart)).not.toContain('13900139000');
    expect(await d.newMember(d.newCart(), '12345')).toMatchObject({ code: 'PHONE_INVALID' });
    online = false;
    expect(await d.newMember(d.newCart(), '13900139001')).toMatchObject({ code: 'OFFLINE' });
  });

  it('[TB7] an address is a member’s', async () => {
    const d = desk();
    const address = {
      regionCode: '310104',
      street: '漕溪北路 1 号',
      name: '李雷',
      phone: '13900139000',
    };
    expect(await d.newAddress(d.newCart(), address)).toMatchObject({ code: 'MEMBER_MISSING' });
    const cart: ClerkCart = { ...d.newCart(), customer: { memberId: 'M0001', maskedPhone: '*' } };
    expect(value(await d.newAddress(cart, address))).toEqual({
      addressId: 'A-M0001',
      label: '310104 ***',
    });
  });
});

describe('[CL7] sending the cart', () => {
  it('[TK1] take-now lines become a code a till reads back: cart, store, credit, lines', async () => {
    const d = desk();
    let cart = value(d.addLine(d.newCart(), await found(d, 'TEE1-W-S'), 2, TAKE_NOW));
    cart = value(d.addLine(cart, await found(d, 'SOCK-1'), 1, TAKE_NOW));
    const sent = value(await d.submit(cart));
    expect(sent.order).toBeUndefined();
    expect(sent.queued).toBeUndefined();
    const read = parseTakeNowCode(sent.takeNowCode, [
      { id: CODE_KEY.id, secret: fromHex(CODE_KEY.secretHex) },
    ]);
    expect(read).toEqual({
      ok: true,
      cart: {
        cartId: cart.cartId,
        storeId: 'S001',
        credits: [{ staffId: 'S001-E01', share: 10_000 }],
        lines: [
          { sku: 'TEE1-W-S', quantity: 2 },
          { sku: 'SOCK-1', quantity: 1 },
        ],
      },
    });
    expect(server.sent).toEqual([]);
  });

  it('online: the order is placed with the tablet’s total, and the code made; nothing stays queued', async () => {
    const d = desk();
    const cart = await mixedCart(d);
    const sent = value(await d.submit(cart));
    expect(sent.takeNowCode).toMatch(/^T\./);
    expect(sent.order).toMatchObject({ id: 'O1', status: 'held' });
    const [placed] = [...server.placed.values()];
    expect(placed!.request).toMatchObject({
      requestId: expect.stringMatching(/^S001-TAB1-[0-9A-Z]+$/),
      staffId: 'S001-E01',
      customer: { memberId: 'M0001' },
      expectedTotal: 9900 + 3000,
      createdAt: NOW.toISOString(),
      lines: [
        { lineId: 'L2', sku: 'TEE1-W-M', fulfilment: { mode: 'pickup', storeId: 'S002' } },
        { lineId: 'L3', sku: 'SOCK-1', quantity: 2, fulfilment: { mode: 'ship', addressId: 'A1' } },
      ],
    });
    expect(await d.queue()).toEqual([]);
  });

  it('refused carts send nothing: empty, no customer, different take-now credits', async () => {
    const d = desk();
    expect(await d.submit(d.newCart())).toMatchObject({ code: 'CART_EMPTY' });
    const cart = await mixedCart(d);
    expect(await d.submit({ ...cart, customer: null })).toMatchObject({
      code: 'CUSTOMER_MISSING',
    });
    const bent: ClerkCart = {
      ...cart,
      lines: cart.lines.map((l) =>
        l.lineId === 'L1' ? { ...l, credits: [{ staffId: 'S001-E01', share: 500 }] } : l,
      ),
    };
    expect(await d.submit(bent)).toMatchObject({ code: 'CREDIT_INVALID', params: { lines: 'L1' } });
    expect(server.sent).toEqual([]);
    expect(await d.queue()).toEqual([]);
  });

  it('the server’s refusal comes back with its code and the lines it names; nothing is kept', async () => {
    server.mode = {
      status: 409,
      code: 'OUT_OF_STOCK',
      reason: 'TEE1-W-M: 0 left at S002',
      details: { lines: [{ lineId: 'L2' }] },
    };
    const d = desk();
    expect(await d.submit(await mixedCart(d))).toMatchObject({
      ok: false,
      code: 'OUT_OF_STOCK',
      message: 'TEE1-W-M: 0 left at S002',
      params: { status: '409', lines: 'L2' },
    });
    expect(await d.queue()).toEqual([]);
  });

  it('[CL8] offline: the order is queued on the tablet with the code still made', async () => {
    online = false;
    const d = desk();
    const sent = value(await d.submit(await mixedCart(d)));
    expect(sent.takeNowCode).toMatch(/^T\./);
    expect(sent.queued).toMatchObject({ state: 'queued', attempts: 0 });
    expect(server.sent).toEqual([]);
    expect((await d.queue()).map((q) => q.request.requestId)).toEqual([
      sent.queued!.request.requestId,
    ]);
  });

  it('[CL14] online but the server cannot take it now: queued with the reason', async () => {
    server.mode = { status: 503, code: 'UNAVAILABLE', reason: 'overloaded' };
    const d = desk();
    const sent = value(await d.submit(await mixedCart(d)));
    expect(sent.queued).toMatchObject({ state: 'queued', attempts: 1, reason: 'overloaded' });
  });
});

describe('[CL8] the order queue', () => {
  async function queueOne(d: ClerkDesk): Promise<string> {
    online = false;
    const sent = value(await d.submit(await mixedCart(d)));
    online = true;
    return sent.queued!.request.requestId;
  }

  it('a flush with the network back places it with the same request; dismissed once seen', async () => {
    const d = desk();
    const id = await queueOne(d);
    server.mode = 'offline';
    expect(await d.flush()).toMatchObject([{ state: 'queued', attempts: 1 }]);
    server.mode = 'online';
    const [after] = await d.flush();
    expect(after).toMatchObject({ state: 'placed', attempts: 2, order: { id: 'O1' } });
    expect(server.sent).toEqual([id, id]);
    expect(server.placed.get(id)!.request).toEqual(after!.request);
    await d.flush();
    expect(server.sent).toHaveLength(2);
    await d.dismiss(id);
    expect(await d.queue()).toEqual([]);
  });

  it('a refusal fails it with the server’s reason; a queued one cannot be dismissed', async () => {
    const d = desk();
    const id = await queueOne(d);
    await d.dismiss(id);
    expect(await d.queue()).toHaveLength(1);
    server.mode = { status: 409, code: 'PRICE_CHANGED', reason: 'L2 is 10900 now' };
    expect(await d.flush()).toMatchObject([
      { state: 'failed', code: 'PRICE_CHANGED', reason: 'L2 is 10900 now' },
    ]);
    server.mode = 'online';
    await d.flush();
    expect(server.sent).toHaveLength(1);
    expect(server.placed.size).toBe(0);
  });

  it('an answer lost on the way back: sent again, the server answers the same order', async () => {
    const d = desk();
    const id = await queueOne(d);
    server.mode = 'lost-answer';
    await d.flush();
    server.mode = 'online';
    expect(await d.flush()).toMatchObject([{ state: 'placed', order: { id: 'O1' } }]);
    expect(server.sent).toEqual([id, id]);
    expect(server.placed.size).toBe(1);
  });

  it('survives a restart: a new desk over the same local store sends what was queued', async () => {
    const id = await queueOne(desk());
    expect(await desk().flush()).toMatchObject([{ state: 'placed', request: { requestId: id } }]);
  });

  it('any interleaving of submits and flushes, on and off line: each order placed once, none lost', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('submit' as const), online: fc.boolean() }),
      fc.record({ kind: fc.constant('flush' as const) }),
    );
    const mode = fc.constantFrom<FakeClerkServer['mode']>(
      'online',
      'offline',
      'lost-answer',
      { status: 503, code: 'UNAVAILABLE', reason: 'overloaded' },
      { status: 409, code: 'OUT_OF_STOCK', reason: 'gone' },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(step, mode), { maxLength: 12 }), async (steps) => {
        server = fakeClerkServer();
        local = memoryLocalStore();
        const d = desk();
        const cart = await mixedCart(d);
        const answered = new Map<string, 'placed' | 'refused'>();
        const sentAfterEnd = new Set<string>();
        for (const [s, m] of steps) {
          server.mode = m;
          const before = new Map((await d.queue()).map((q) => [q.request.requestId, q.state]));
          if (s.kind === 'submit') {
            online = s.online;
            const sentBefore = server.sent.length;
            const out = await d.submit(cart);
            const id = server.sent[sentBefore];
            if (out.ok && out.value.order) answered.set(id!, 'placed');
            if (!out.ok && id) answered.set(id, 'refused');
          } else {
            const sentBefore = server.sent.length;
            await d.flush();
            for (const id of server.sent.slice(sentBefore)) {
              if (before.get(id) !== 'queued') sentAfterEnd.add(id);
            }
          }
        }
        // The network comes back for good.
        server.mode = 'online';
        const end = await d.flush();
        // Never sent again once placed or failed.
        expect([...sentAfterEnd]).toEqual([]);
        // Every request sent is accounted for: answered to the clerk, or in the list.
        const listed = new Map(end.map((q) => [q.request.requestId, q]));
        for (const id of new Set(server.sent)) {
          expect(answered.has(id) || listed.has(id)).toBe(true);
        }
        // Nothing left queued; each placed in the list is the server's one order for it.
        for (const q of end) {
          expect(q.state).not.toBe('queued');
          if (q.state === 'placed') {
            expect(q.order).toEqual(server.placed.get(q.request.requestId)!.order);
          }
        }
        // An order refused to the clerk was never placed.
        for (const [id, what] of answered) {
          if (what === 'refused') expect(server.placed.has(id)).toBe(false);
        }
        // Each request the server placed is placed once and is known on the tablet.
        for (const id of server.placed.keys()) {
          expect(answered.get(id) === 'placed' || listed.get(id)?.state === 'placed').toBe(true);
        }
        for (const k of local.data.keys()) expect(k.startsWith(ORDER_KEY_PREFIX)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('[CL9] paying and following an order', () => {
  it('the pay QR and the order from the server; offline says so', async () => {
    const d = desk();
    const placed = value(await d.submit(await mixedCart(d))).order!;
    expect(value(await d.pay(placed.id))).toMatchObject({ qrPayload: `pay:${placed.id}` });
    expect(value(await d.order(placed.id))).toMatchObject({ id: placed.id });
    expect(await d.order('O404')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    online = false;
    expect(await d.pay(placed.id)).toMatchObject({ ok: false, code: 'OFFLINE' });
  });
});

describe('[CL10] [CL11] commission and credit edits', () => {
  const ANSWER: ClerkCommissionAnswer = {
    staffId: 'S001-E01',
    now: NOW.toISOString(),
    day: { sales: 9900, commission: 297, lines: 1 },
    month: { sales: 19800, commission: 594, lines: 2 },
    entries: [],
    lines: [],
  };
  const LINE: CreditedLineView = {
    source: 'order:O1',
    lineId: 'L2',
    sku: 'TEE1-W-M',
    name: '纯棉T恤 白 M',
    net: 9900,
    remainingNet: 9900,
    credits: [{ staffId: 'S001-E01', share: 10_000 }],
    soldAt: NOW.toISOString(),
    attributionStoreId: 'S001',
    fulfilmentStoreId: 'S002',
  };
  const SPLIT = [
    { staffId: 'S001-E01', share: 5000 },
    { staffId: 'S001-E03', share: 5000 },
  ];

  it('[CM9] the day and month live, then stale offline, and none when never seen', async () => {
    server.commissions.set('S001-E01', ANSWER);
    const d = desk();
    online = false;
    expect(await d.commission('S001-E01')).toMatchObject({ state: 'none' });
    online = true;
    expect(await d.commission('S001-E01')).toEqual({ state: 'live', answer: ANSWER });
    online = false;
    expect(await d.commission('S001-E01')).toMatchObject({ state: 'stale', answer: ANSWER });
  });

  it('[CM8] a supervisor’s PIN approves an edit with a reason; it is sent as the audit record', async () => {
    const d = desk();
    const edited = await d.editCredit(LINE, SPLIT, ' 一起接待的顾客 ', {
      supervisorId: 's001-e02',
      pin: '2222',
    });
    expect(edited).toMatchObject({ ok: true });
    expect(server.edits).toEqual([
      {
        id: expect.stringMatching(/^S001-TAB1-/),
        source: 'order:O1',
        lineId: 'L2',
        before: LINE.credits,
        after: SPLIT,
        approvedBy: 'S001-E02',
        requestedBy: 'S001-E01',
        reason: '一起接待的顾客',
        at: NOW.toISOString(),
      },
    ]);
  });

  it('refuses a clerk’s own PIN, a wrong PIN, no reason, bad credit, and offline', async () => {
    const d = desk();
    const as = (supervisorId: string, pin: string) => ({ supervisorId, pin });
    expect(await d.editCredit(LINE, SPLIT, 'x', as('S001-E01', '1111'))).toMatchObject({
      code: 'NOT_PERMITTED',
    });
    expect(await d.editCredit(LINE, SPLIT, 'x', as('S001-E02', '9999'))).toMatchObject({
      code: 'PIN_WRONG',
    });
    expect(await d.editCredit(LINE, SPLIT, ' ', as('S001-E02', '2222'))).toMatchObject({
      code: 'CREDIT_NO_REASON',
    });
    expect(
      await d.editCredit(LINE, [{ staffId: 'S001-E03', share: 1 }], 'x', as('S001-E02', '2222')),
    ).toMatchObject({ code: 'CREDIT_INVALID' });
    expect(await d.editCredit(LINE, LINE.credits, 'x', as('S001-E02', '2222'))).toMatchObject({
      code: 'CREDIT_UNCHANGED',
    });
    online = false;
    expect(await d.editCredit(LINE, SPLIT, 'x', as('S001-E02', '2222'))).toMatchObject({
      code: 'OFFLINE',
    });
    expect(server.edits).toEqual([]);
  });

  it('[CL11] three wrong PINs lock the approval for a while', async () => {
    const d = desk();
    for (let i = 0; i < 2; i++) {
      await d.editCredit(LINE, SPLIT, 'x', { supervisorId: 'S001-E02', pin: '0000' });
    }
    expect(
      await d.editCredit(LINE, SPLIT, 'x', { supervisorId: 'S001-E02', pin: '0000' }),
    ).toMatchObject({ code: 'SIGN_IN_LOCKED' });
    expect(
      await d.editCredit(LINE, SPLIT, 'x', { supervisorId: 'S001-E02', pin: '2222' }),
    ).toMatchObject({ code: 'SIGN_IN_LOCKED' });
  });
});

describe('[CL1] [CL2] the replica’s HTTP client and local store are the desk’s ports', () => {
  it('has their shape', async () => {
    const httpServer: ClerkServer = createHttpClerkServer({ baseUrl: 'http://x', token: 't' });
    const store: ClerkLocalStore = openClerkLocalStore(db);
    await store.set('k', { a: 1 });
    expect(await store.get('k')).toEqual({ a: 1 });
    expect(typeof httpServer.placeOrder).toBe('function');
  });
});
