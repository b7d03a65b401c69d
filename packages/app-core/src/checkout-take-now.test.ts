import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  evenCredits,
  fromHex,
  makeTakeNowCode,
  makeCouponCode,
  type Price,
  type Product,
  type SaleFact,
  type TakeNowCart,
} from '@pos/domain';
import type { Outbox, ReplicaDatabase } from '@pos/replica';
import type { ScanEvent } from '@pos/hardware/protocol';
import { staffFixture } from '@pos/domain/fixtures';
import { createCheckout } from './checkout';
import type { Outcome } from './outcome';
import { createStateStore, initialTillState, type StateStore, type TillState } from './state';
import { fakeDevices, openTestReplica, testPorts } from './till.fixture';

const tee: Product = {
  id: 'TEE-RED-M',
  name: 'Cotton tee red M',
  gtin: '06901234567892',
  category: 'apparel',
  taxClass: 'VAT13',
  status: 'active',
};
const socks: Product = { ...tee, id: 'SOCKS-1', name: 'Socks', gtin: '06901234567908' };
const prices: Price[] = [
  { id: 'CN-LIST:TEE-RED-M', priceList: 'CN-LIST', sku: tee.id, amount: 9900, currency: 'CNY' },
  { id: 'CN-LIST:SOCKS-1', priceList: 'CN-LIST', sku: socks.id, amount: 1500, currency: 'CNY' },
];
const key = { id: 'k1', secretHex: '00112233445566778899aabbccddeeff' };
const codeKey = { id: key.id, secret: fromHex(key.secretHex) };
const clerk = [{ staffId: 'S001-E03', share: 10_000 }];
const takeNow: TakeNowCart = {
  cartId: 'S001-TAB1-01J9Z',
  storeId: 'S001',
  credits: clerk,
  lines: [
    { sku: 'TEE-RED-M', quantity: 2 },
    { sku: 'SOCKS-1', quantity: 1 },
  ],
};
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
  await db.products.bulkInsert([tee, socks]);
  await db.prices.bulkInsert(prices);
  await db.stores.insert({
    id: 'S001',
    name: '静安店',
    address: 'Shanghai',
    currency: 'CNY',
    status: 'open',
  });
  await db.staff.bulkInsert([
    staffFixture({ id: 'S001-E03', name: '赵敏' }),
    staffFixture({ id: 'S001-E04', name: '孙丽' }),
  ]);
});
afterEach(() => db.close());

let ids = 0;
function till(storeId = 'S001') {
  return createCheckout(
    testPorts(db, outbox, {
      state,
      devices: fakeDevices().devices,
      config: { codeKeys: [key], storeId },
      clock: () => new Date('2026-11-22T03:04:05.000Z'),
      newId: () => `S001-POS1-01JTAKE${String(ids++).padStart(6, '0')}`,
    }),
  );
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome.value;
}
const lines = () => state.get().cart.lines.map((l) => [l.sku, l.quantity, l.credits]);

describe('take-now codes at the checkout', () => {
  it('[TT1] [TT2] [TT4] a scanned code brings its lines at this till’s prices, credited to the clerk, and the sale carries them', async () => {
    const checkout = till();
    const added = await checkout.scan(scan(makeTakeNowCode(takeNow, codeKey)));
    expect(added).toMatchObject({
      ok: true,
      notices: [{ code: 'TAKE_NOW_ADDED', params: { clerk: '赵敏', units: '3' } }],
    });
    expect(lines()).toEqual([
      ['TEE-RED-M', 2, clerk],
      ['SOCKS-1', 1, clerk],
    ]);
    expect(state.get().cart.takeNowCartId).toBe('S001-TAB1-01J9Z');
    expect(state.get().creditNames).toEqual({ 'S001-E03': '赵敏' });
    expect(state.get().pricing?.total).toBe(2 * 9900 + 1500);
    // A plain scan of the same product is a line of its own, credited to nobody.
    await checkout.scan(scan('6901234567892'));
    expect(lines()).toEqual([
      ['TEE-RED-M', 2, clerk],
      ['SOCKS-1', 1, clerk],
      ['TEE-RED-M', 1, undefined],
    ]);
    const sale = value(await checkout.payCash(40_000));
    expect(sale.takeNowCartId).toBe('S001-TAB1-01J9Z');
    expect(sale.lines.map((l) => [l.sku, l.quantity, l.credits])).toEqual([
      ['TEE-RED-M', 2, clerk],
      ['SOCKS-1', 1, clerk],
      ['TEE-RED-M', 1, undefined],
    ]);
    const stored = (await db.facts.findOne(sale.id).exec())?.toJSON() as unknown as SaleFact;
    expect(stored.takeNowCartId).toBe('S001-TAB1-01J9Z');
    expect(stored.lines[0]!.credits).toEqual(clerk);
  });

  it('[TT2] a split credit names every clerk; an unknown staff id shows as its id', async () => {
    const checkout = till();
    const credits = evenCredits(['S001-E03', 'S001-E04', 'S009-E01']);
    const outcome = await checkout.scan(scan(makeTakeNowCode({ ...takeNow, credits }, codeKey)));
    expect(outcome).toMatchObject({
      ok: true,
      notices: [{ params: { clerk: '赵敏、孙丽、S009-E01' } }],
    });
    expect(state.get().cart.lines[0]!.credits).toEqual(credits);
  });

  it('[TT1] a forged, mistyped or another chain’s code is refused and changes nothing', async () => {
    const checkout = till();
    const code = makeTakeNowCode(takeNow, codeKey);
    const otherChain = { id: 'x', secret: fromHex('ffeeddccbbaa99887766554433221100') };
    const forged = makeTakeNowCode(takeNow, otherChain);
    const typo = code.replace('.TEE-RED-M.2.', '.TEE-RED-M.3.');
    for (const bad of [forged, typo]) {
      const r = await checkout.scan(scan(bad));
      expect(r.ok).toBe(false);
      expect(['CODE_SIGNATURE', 'CODE_CHECK_CHARACTER']).toContain(r.ok ? '' : r.code);
    }
    expect(lines()).toEqual([]);
  });

  it('[TT1] another store’s code is refused, naming both stores', async () => {
    const checkout = till();
    const r = await checkout.scan(scan(makeTakeNowCode({ ...takeNow, storeId: 'S002' }, codeKey)));
    expect(r).toEqual({
      ok: false,
      code: 'TAKE_NOW_OTHER_STORE',
      message: "this code is for store S002's till; this till is S001",
      params: { store: 'S002', till: 'S001' },
    });
    expect(lines()).toEqual([]);
  });

  it('[TT2] a SKU the till does not know is refused by name, and nothing of the code is added', async () => {
    const checkout = till();
    const code = makeTakeNowCode(
      { ...takeNow, lines: [...takeNow.lines, { sku: 'HAT-9', quantity: 1 }] },
      codeKey,
    );
    const r = await checkout.scan(scan(code));
    expect(r).toMatchObject({
      ok: false,
      code: 'TAKE_NOW_SKU_UNKNOWN',
      params: { sku: 'HAT-9' },
      message: expect.stringContaining('HAT-9'),
    });
    expect(lines()).toEqual([]);
    expect(state.get().cart.takeNowCartId).toBeUndefined();
  });

  it('[TT3] a code scanned twice into the cart, a second code, and a code sold here are refused', async () => {
    const checkout = till();
    const code = makeTakeNowCode(takeNow, codeKey);
    value(await checkout.scan(scan(code)));
    expect(await checkout.scan(scan(code))).toMatchObject({ ok: false, code: 'TAKE_NOW_IN_CART' });
    const second = makeTakeNowCode({ ...takeNow, cartId: 'S001-TAB1-02' }, codeKey);
    expect(await checkout.scan(scan(second))).toMatchObject({
      ok: false,
      code: 'TAKE_NOW_ANOTHER_IN_CART',
    });
    expect(lines()).toHaveLength(2);
    value(await checkout.payCash(30_000));
    const again = await checkout.scan(scan(code));
    expect(again).toEqual({
      ok: false,
      code: 'TAKE_NOW_SOLD',
      message: 'this take-now code was already sold on this till at 2026-11-22 11:04',
      params: { at: '2026-11-22 11:04' },
    });
    expect(lines()).toEqual([]);
    // The next code is taken.
    value(await checkout.scan(scan(second)));
    expect(state.get().cart.takeNowCartId).toBe('S001-TAB1-02');
  });

  it('[TT4] with its credited lines voided the sale does not carry the code, which can be scanned again', async () => {
    const checkout = till();
    const supervisor = staffFixture({ id: 'S001-E02', name: '陈强', roles: ['supervisor'] });
    const code = makeTakeNowCode({ ...takeNow, lines: [takeNow.lines[0]!] }, codeKey);
    value(await checkout.scan(scan(code)));
    await checkout.scan(scan('6901234567908'));
    value(await checkout.voidLine(state.get().cart.lines[0]!.lineId, supervisor));
    value(await checkout.scan(scan(code)));
    expect(lines()).toEqual([
      ['SOCKS-1', 1, undefined],
      ['TEE-RED-M', 2, clerk],
    ]);
    value(await checkout.voidLine(state.get().cart.lines[1]!.lineId, supervisor));
    const sale = value(await checkout.payCash(1500));
    expect('takeNowCartId' in sale).toBe(false);
    expect(sale.lines.every((l) => l.credits === undefined)).toBe(true);
    value(await checkout.scan(scan(code)));
  });

  it('[TT1] other codes still go their own way', async () => {
    const checkout = till();
    const coupon = await checkout.scan(scan(makeCouponCode('C-NONE', codeKey)));
    expect(coupon.ok ? '' : coupon.code).not.toMatch(/^TAKE_NOW/);
    expect(lines()).toEqual([]);
  });
});
