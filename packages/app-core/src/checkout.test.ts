import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import {
  erasedMember,
  fromHex,
  gs1CheckDigit,
  makeCouponCode,
  makeMemberQr,
  makeVariableMeasure,
  memberView,
  phoneIndex,
  WEIGHT_LAYOUT_2_5_5,
  type MemberRecord,
  type Price,
  type Product,
  type Promotion,
  type SaleFact,
} from '@pos/domain';
import type { Outbox, PointsCheck, ReplicaDatabase } from '@pos/replica';
import type { ScanEvent } from '@pos/hardware/protocol';
import { INDEX_KEY_FIXTURE, staffFixture } from '@pos/domain/fixtures';
import { createCheckout } from './checkout';
import type { Outcome } from './outcome';
import { createStateStore, initialTillState, type StateStore, type TillState } from './state';
import { fakeDevices, openTestReplica, testPorts, ZHANG_WEI, LI_NA } from './till.fixture';

const water: Product = {
  id: 'SKU-1',
  name: '农夫山泉 550ml',
  gtin: '06901234567892',
  category: 'Beverages',
  taxClass: 'VAT13',
  status: 'active',
};
const noodles: Product = { ...water, id: 'SKU-2', name: 'Noodles', gtin: '06901234567908' };
const prices: Price[] = [
  { id: 'CN-LIST:SKU-1', priceList: 'CN-LIST', sku: 'SKU-1', amount: 200, currency: 'CNY' },
  { id: 'CN-LIST:SKU-2', priceList: 'CN-LIST', sku: 'SKU-2', amount: 1290, currency: 'CNY' },
];
const scan = (code: string): ScanEvent => ({
  code,
  source: 'scanner-1',
  at: '2026-11-22T03:00:00.000Z',
});

let db: ReplicaDatabase;
let outbox: Outbox;
let state: StateStore<TillState>;
beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  state = createStateStore(initialTillState('CNY'));
  await db.products.bulkInsert([water, noodles]);
  await db.prices.bulkInsert(prices);
  await db.stores.insert({
    id: 'S001',
    name: '静安店',
    address: 'Shanghai',
    currency: 'CNY',
    status: 'open',
  });
});
afterEach(() => db.close());

/** A member as the replica holds them: masked and blind-indexed under the till's key. */
const held = (record: MemberRecord) => memberView(record, INDEX_KEY_FIXTURE);

/** A checkout over the test replica and the test's state; ports can be replaced. */
function till(overrides: Parameters<typeof testPorts>[2] = {}) {
  return createCheckout(testPorts(db, outbox, { state, ...overrides }));
}

/** The value of a use case that was done; fails the test when it was refused. */
function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome.value;
}

/** The words of the last notice or of the refusal. */
function said(outcome: Outcome<unknown>): string | undefined {
  return outcome.ok ? outcome.notices.at(-1)?.text : outcome.message;
}

describe('checkout', () => {
  it('[AC4] handles scans in arrival order, none lost or doubled, even when they come in a burst', async () => {
    const checkout = till();
    await Promise.all([
      checkout.scan(scan('6901234567892')),
      checkout.scan(scan('6901234567908')),
      checkout.scan(scan('6901234567892')),
    ]);
    const lines = state.get().cart.lines.map((l) => [l.name, l.quantity]);
    expect(lines).toEqual([
      ['农夫山泉 550ml', 2],
      ['Noodles', 1],
    ]);
  });

  it('[AC5] stores the sale in the replica before showing paid, then prints and opens the drawer', async () => {
    const terminal = fakeDevices();
    const checkout = till({
      devices: terminal.devices,
      clock: () => new Date('2026-11-22T03:04:05.000Z'),
      newId: () => 'S001-POS1-01JTEST',
    });
    await checkout.scan(scan('6901234567892'));
    await checkout.scan(scan('6901234567908'));
    await checkout.payCash(2000);

    const stored = (
      await db.facts.findOne('S001-POS1-01JTEST').exec()
    )?.toJSON() as unknown as SaleFact;
    expect(stored).toMatchObject({
      total: 1490,
      due: 1490,
      change: 510,
      storeId: 'S001',
      soldAt: '2026-11-22T03:04:05.000Z',
    });
    expect(state.get().lastSale?.id).toBe(stored.id);
    expect(state.get().cart.lines).toEqual([]);
    expect(terminal.printed.map((r) => [r.storeName, r.due, r.change])).toEqual([
      ['静安店', 1490, 510],
    ]);
    expect(terminal.drawers()).toBe(1);
    expect(await firstValueFrom(outbox.pending$)).toBe(1);
  });

  it('keeps a scan that arrives while a payment is being stored, for the next sale', async () => {
    const terminal = fakeDevices();
    const checkout = till({ devices: terminal.devices });
    await checkout.scan(scan('6901234567892'));
    const paying = checkout.payCash(500);
    const scanned = checkout.scan(scan('6901234567908'));
    await Promise.all([paying, scanned]);
    const sold = (await db.facts.find({ selector: { kind: 'sale' } }).exec()).map(
      (doc) => doc.toJSON() as unknown as SaleFact,
    );
    expect(sold.map((sale) => sale.lines.map((l) => l.name))).toEqual([['农夫山泉 550ml']]);
    expect(state.get().cart.lines.map((l) => l.name)).toEqual(['Noodles']);
  });

  it('[AC5] refuses a short tender: nothing stored, nothing printed, the cart kept', async () => {
    const terminal = fakeDevices();
    const checkout = till({ devices: terminal.devices });
    await checkout.scan(scan('6901234567908'));
    const short = await checkout.payCash(1000);
    expect(await db.facts.count({ selector: { kind: 'sale' } }).exec()).toBe(0);
    expect(terminal.printed).toEqual([]);
    expect(short).toEqual({
      ok: false,
      message: '2.90 still to pay; add another payment',
      code: 'NOT_PAID',
    });
    expect(state.get().cart.lines).toHaveLength(1);
  });

  it('[AC6] never stores a sale the server would refuse, so the upload queue cannot jam', async () => {
    const terminal = fakeDevices();
    const checkout = till({ devices: terminal.devices, newId: () => 'OTHER-DEVICE-01J' });
    await checkout.scan(scan('6901234567892'));
    const refused = await checkout.payCash(200);
    expect(await db.facts.count({ selector: { kind: 'sale' } }).exec()).toBe(0);
    expect(terminal.printed).toEqual([]);
    expect(said(refused)).toBe(
      'This sale cannot be recorded: $.id must be the device id, "-", then letters and digits (a ULID)',
    );
  });

  it('tells the cashier when the sale cannot be stored, and keeps the cart', async () => {
    const terminal = fakeDevices();
    const failing = { record: async () => Promise.reject(new Error('QuotaExceededError')) };
    const checkout = till({ outbox: failing, devices: terminal.devices });
    await checkout.scan(scan('6901234567892'));
    expect(said(await checkout.payCash(200))).toBe(
      'The sale was not recorded, nothing was sold: QuotaExceededError',
    );
    expect(state.get().cart.lines).toHaveLength(1);
    expect(state.get().lastSale).toBeNull();
    expect(terminal.printed).toEqual([]);
  });

  it('keeps the sale when the printer fails, and tells the cashier', async () => {
    const terminal = fakeDevices();
    terminal.devices.printReceipt = async () => {
      throw new Error('Printer out of paper');
    };
    const checkout = till({ devices: terminal.devices });
    await checkout.scan(scan('6901234567892'));
    const paid = await checkout.payCash(200);
    expect(await db.facts.count({ selector: { kind: 'sale' } }).exec()).toBe(1);
    expect(said(paid)).toBe('Receipt not printed: Printer out of paper');
  });
});

describe('checkout with promotions, members, coupons and split tender', () => {
  const buyTwoGetOne: Promotion = {
    id: 'P-WATER',
    name: '农夫山泉 买二赠一',
    priority: 10,
    target: { skus: ['SKU-1'] },
    rule: { kind: 'buy-x-get-y', buy: 2, get: 1, bp: 10_000 },
  };
  const key = { id: 'K1', secretHex: '000102030405060708090a0b0c0d0e0f' };

  it('prices the cart with the replica promotions, and the sale fact keeps the saving', async () => {
    await db.promotions.insert(buyTwoGetOne);
    const terminal = fakeDevices();
    const checkout = till({ devices: terminal.devices });
    for (let i = 0; i < 3; i++) await checkout.scan(scan('6901234567892'));
    expect(state.get().pricing?.total).toBe(400);
    const sale = value(await checkout.payCash(500));
    expect(sale).toMatchObject({ subtotal: 600, discount: 200, due: 400, change: 100 });
    expect(terminal.printed[0]?.lines[0]?.savings).toEqual([
      { source: 'promotion', label: '农夫山泉 买二赠一', amount: 200 },
    ]);
  });

  it('[PI2] attaches a member by a phone hashed on the till, earns points, and pays with points, card and cash', async () => {
    await db.members.insert(held(ZHANG_WEI));
    const terminal = fakeDevices();
    const asked: unknown[][] = [];
    const checkout = till({
      devices: terminal.devices,
      replica: {
        checkPoints: async (...args) => {
          asked.push(args);
          return { ok: true, balance: 1200 };
        },
      },
      config: {
        earnRules: [{ tier: 'gold', points: 2, per: 100 }],
        redemption: { pointsPerStep: 100, stepValue: 100, minPoints: 100, maxShareBp: 5000 },
      },
    });
    await checkout.scan(scan('6901234567908'));
    await checkout.attachMember('138 0013 8001');
    const index = phoneIndex(INDEX_KEY_FIXTURE, '13800138001');
    // [PI1] The till keeps the member masked, with the phone's index, never the phone.
    expect(state.get().member).toEqual({
      kind: 'known',
      id: 'M0001',
      maskedName: '张*',
      maskedPhone: '138****8001',
      tier: 'gold',
      points: 1200,
      phoneIndex: index,
    });
    const points = await checkout.pointsTender(300);
    expect(value(points)).toEqual({ kind: 'points', amount: 300, points: 300 });
    expect(asked).toEqual([['M0001', 300, index]]);
    const sale = value(
      await checkout.pay([
        value(points),
        { kind: 'card', amount: 500, reference: 'T-1' },
        { kind: 'cash', amount: 500 },
      ]),
    );
    expect(sale).toMatchObject({
      memberId: 'M0001',
      due: 1290,
      change: 10,
      points: { redeemed: 300, earned: 19 },
    });
    // [PI1] The receipt shows the masked name.
    expect(terminal.printed[0]?.member).toEqual({
      id: 'M0001',
      name: '张*',
      pointsBalance: 1200 - 300 + 19,
    });
    expect(terminal.drawers()).toBe(1);
  });

  it('asks the server before points pay: refused when spent elsewhere, allowed offline', async () => {
    await db.members.insert(held(ZHANG_WEI));
    let answer: PointsCheck = { ok: false, reason: 'the member has 100 points, fewer than 300' };
    const checkout = till({
      devices: fakeDevices().devices,
      replica: { checkPoints: async () => answer },
      config: {
        redemption: { pointsPerStep: 100, stepValue: 100, minPoints: 100, maxShareBp: 5000 },
      },
    });
    await checkout.scan(scan('6901234567908'));
    await checkout.attachMember('13800138001');
    expect(said(await checkout.pointsTender(300))).toBe(
      'the member has 100 points, fewer than 300',
    );
    answer = { offline: true };
    expect(value(await checkout.pointsTender(300))).toEqual({
      kind: 'points',
      amount: 300,
      points: 300,
    });
    // The replica's balance still limits what points can pay offline.
    expect(said(await checkout.pointsTender(1300))).toBe('the member has only 1200 points');
  });

  it('attaches a member by their member QR code, and refuses an expired one', async () => {
    await db.members.insert(held(LI_NA));
    const secret = { id: key.id, secret: fromHex(key.secretHex) };
    const checkout = till({
      devices: fakeDevices().devices,
      config: { codeKeys: [key] },
      clock: () => new Date('2026-11-22T03:00:00.000Z'),
    });
    await checkout.scan(scan(makeMemberQr('M0002', '2026-11-22T03:05:00.000Z', secret)));
    expect(state.get().member).toMatchObject({
      kind: 'known',
      maskedName: '李*',
      points: 300,
    });
    state.set({ member: null });
    const expired = await checkout.scan(
      scan(makeMemberQr('M0002', '2026-11-22T02:55:00.000Z', secret)),
    );
    expect(state.get().member).toBeNull();
    expect(said(expired)).toMatch(/expired/);
  });

  it('[PI4] records the index of the phone of a member it cannot find, for the server to attach', async () => {
    // Offline: the server cannot be asked, and the replica does not hold the member.
    const checkout = till({ devices: fakeDevices().devices });
    await checkout.scan(scan('6901234567892'));
    const attached = await checkout.attachMember('13800138009');
    expect(attached).toMatchObject({
      ok: true,
      notices: [{ code: 'MEMBER_RECORDED_ON_SALE', params: { phone: '138****8009' } }],
    });
    expect(JSON.stringify(state.get())).not.toContain('13800138009');
    const sale = value(await checkout.payCash(200));
    expect(sale.memberPhoneIndex).toBe(phoneIndex(INDEX_KEY_FIXTURE, '13800138009'));
    expect(sale.memberPhone).toBeUndefined();
    expect(sale.memberId).toBeUndefined();
    expect(JSON.stringify(sale)).not.toContain('13800138009');
  });

  it('[PI2] without a member index key, refuses a typed phone and says to scan the member QR', async () => {
    const checkout = till({
      devices: fakeDevices().devices,
      config: { memberIndexKey: undefined },
    });
    await checkout.scan(scan('6901234567892'));
    expect(await checkout.attachMember('13800138001')).toMatchObject({
      ok: false,
      code: 'MEMBER_INDEX_KEY_MISSING',
      message: 'this terminal has no member index key; scan the member QR',
    });
    expect(state.get().member).toBeNull();
  });

  it('[PI5] does not attach an erased member, and refuses a closed one', async () => {
    await db.members.bulkInsert([
      erasedMember({ id: 'M0007', homeStoreId: 'S001' }),
      held({
        id: 'M0008',
        phone: '13800138008',
        name: '赵敏',
        tier: 'basic',
        homeStoreId: 'S001',
        points: 10,
        status: 'closed',
      }),
    ]);
    const secret = { id: key.id, secret: fromHex(key.secretHex) };
    const checkout = till({
      devices: fakeDevices().devices,
      config: { codeKeys: [key] },
      clock: () => new Date('2026-11-22T03:00:00.000Z'),
    });
    await checkout.scan(scan('6901234567892'));
    expect(
      await checkout.scan(scan(makeMemberQr('M0007', '2026-11-22T03:05:00.000Z', secret))),
    ).toMatchObject({ ok: false, code: 'MEMBER_UNKNOWN' });
    expect(await checkout.attachMember('13800138008')).toMatchObject({
      ok: false,
      code: 'MEMBER_CLOSED',
    });
    expect(state.get().member).toBeNull();
  });

  it('[OM1] sells to a member QR this till does not hold: the sale carries the id, no member price', async () => {
    const secret = { id: key.id, secret: fromHex(key.secretHex) };
    const terminal = fakeDevices();
    const checkout = till({
      devices: terminal.devices,
      config: { codeKeys: [key] },
      clock: () => new Date('2026-11-22T03:00:00.000Z'),
    });
    await checkout.scan(scan('6901234567892'));
    const before = state.get().pricing?.total;
    await checkout.scan(scan(makeMemberQr('M0777', '2026-11-22T03:05:00.000Z', secret)));
    expect(state.get().member).toEqual({ kind: 'id-only', id: 'M0777' });
    expect(state.get().pricing?.total).toBe(before);
    expect(said(await checkout.pointsTender(100))).toBe('Attach a member first');
    const sale = value(await checkout.payCash(200));
    expect(sale).toMatchObject({ memberId: 'M0777', points: { earned: 0, redeemed: 0 } });
    expect(sale?.memberPhone).toBeUndefined();
    expect(terminal.printed.at(-1)?.member).toEqual({ id: 'M0777' });
  });

  it('takes a signed coupon once; a used one is refused', async () => {
    await db.coupons.insert({
      id: 'CP-0001',
      campaignId: 'C1',
      name: '20元券',
      status: 'issued',
      benefit: { kind: 'amount', amount: 200 },
      minSpend: 1000,
      validFrom: '2026-01-01T00:00:00.000Z',
      validTo: '2099-01-01T00:00:00.000Z',
      target: {},
      combinesWith: { mode: 'all-promotions' },
      combinesWithCoupons: false,
    });
    const code = makeCouponCode('CP-0001', { id: key.id, secret: fromHex(key.secretHex) });
    const checkout = till({ devices: fakeDevices().devices, config: { codeKeys: [key] } });
    await checkout.scan(scan('6901234567908'));
    await checkout.scan(scan(code));
    expect(state.get().pricing?.total).toBe(1090);
    const sale = value(await checkout.payCash(1090));
    expect(sale?.coupons).toEqual(['CP-0001']);
    await checkout.scan(scan('6901234567908'));
    expect(said(await checkout.scan(scan(code)))).toMatch(/already been used/);
    expect(state.get().cart.coupons).toEqual([]);
  });

  it('prices a weighed item from its scale label', async () => {
    const label = makeVariableMeasure(WEIGHT_LAYOUT_2_5_5, '25', '00042', 1250);
    const body = `${label.slice(0, 7)}00000`;
    const gtin = `0${body}${gs1CheckDigit(body)}`;
    await db.products.insert({ ...water, id: 'SKU-APPLE', name: 'Apples', gtin });
    await db.prices.insert({
      id: 'CN-LIST:SKU-APPLE',
      priceList: 'CN-LIST',
      sku: 'SKU-APPLE',
      amount: 1000,
      currency: 'CNY',
    });
    const checkout = till({ devices: fakeDevices().devices });
    await checkout.scan(scan(label));
    expect(state.get().cart.lines[0]).toMatchObject({
      name: 'Apples',
      listPrice: 1250,
      weight: { grams: 1250, pricePerKg: 1000 },
    });
  });

  it('[CK5] lets a supervisor override a price and discount the cart, not a cashier', async () => {
    const cashier = staffFixture({ id: 'S001-E01', name: '王芳' });
    const supervisor = staffFixture({ id: 'S001-E02', name: '陈强', roles: ['supervisor'] });
    const checkout = till({ devices: fakeDevices().devices });
    await checkout.scan(scan('6901234567908'));
    const lineId = state.get().cart.lines[0]!.lineId;
    expect(said(await checkout.overridePrice(lineId, 1000, cashier))).toBe(
      '王芳 may not override prices',
    );
    await checkout.voidLine(lineId, cashier);
    expect(state.get().cart.lines).toHaveLength(1);
    await checkout.overridePrice(lineId, 1000, supervisor);
    await checkout.setCartDiscount(100, supervisor);
    expect(state.get().pricing?.total).toBe(900);
    const sale = value(await checkout.payCash(900));
    expect(sale?.lines[0]).toMatchObject({ unitPrice: 1000, discount: 100, paid: 900 });
  });

  it('tells the cashier a receipt waits in the printer queue', async () => {
    const terminal = fakeDevices();
    terminal.devices.printReceipt = async () => ({
      printed: false,
      queued: true,
      message: 'Printer out of paper',
    });
    const checkout = till({ devices: terminal.devices });
    await checkout.scan(scan('6901234567892'));
    expect(said(await checkout.payCash(200))).toBe(
      'Receipt waiting for the printer: Printer out of paper',
    );
  });
});
