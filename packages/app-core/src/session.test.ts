import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import {
  fromHex,
  makeReceiptCode,
  memberView,
  newCheckout,
  phoneIndex,
  type Price,
  type Product,
} from '@pos/domain';
import { INDEX_KEY_FIXTURE, staffFixture } from '@pos/domain/fixtures';
import type { Outbox, ReplicaDatabase, TillReplica } from '@pos/replica';
import type { PrintableDocument } from '@pos/hardware/protocol';
import { createCheckout } from './checkout';
import type { Outcome } from './outcome';
import { createReturnsDesk } from './returns';
import { createSession, SIGN_IN_ATTEMPTS } from './session';
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
const price: Price = {
  id: 'CN-LIST:SKU-1',
  priceList: 'CN-LIST',
  sku: 'SKU-1',
  amount: 200,
  currency: 'CNY',
};
const cashier = staffFixture({ id: 'S001-E01', name: '王芳', pin: '1111' });
const supervisor = staffFixture({
  id: 'S001-E02',
  name: '陈强',
  pin: '2222',
  roles: ['supervisor'],
});
const key = { id: 'K1', secretHex: '000102030405060708090a0b0c0d0e0f' };
const scan = (code: string) => ({ code, source: 'scanner-1', at: '2026-11-22T03:00:00.000Z' });

let db: ReplicaDatabase;
let outbox: Outbox;
let state: StateStore<TillState>;
let clock = Date.parse('2026-11-22T01:00:00.000Z');
const now = () => new Date(clock);
let ids = 0;
const newId = () => `S001-POS1-01JTEST${String(ids++).padStart(4, '0')}`;
let devices: ReturnType<typeof fakeDevices>;
let documents: PrintableDocument[];

beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  state = createStateStore(initialTillState('CNY'));
  devices = fakeDevices();
  documents = devices.documents;
  await db.products.insert(water);
  await db.prices.insert(price);
  await db.staff.bulkInsert([cashier, supervisor]);
});
afterEach(() => db.close());

async function till() {
  const ports = testPorts(db, outbox, {
    state,
    devices: devices.devices,
    clock: now,
    newId,
    config: { codeKeys: [key] },
  });
  const checkout = createCheckout(ports);
  const session = await createSession({ ...ports, checkout });
  const returns = createReturnsDesk({ ...ports, codeKeys: checkout.codeKeys });
  return { checkout, session, returns };
}

/** The value of a use case that was done; fails the test when it was refused. */
function value<T>(outcome: Outcome<T> | null): T {
  if (!outcome?.ok) throw new Error(`refused: ${JSON.stringify(outcome)}`);
  return outcome.value;
}

/** The words of the refusal. */
function said(outcome: Outcome<unknown>): string | undefined {
  return outcome.ok ? outcome.notices.at(-1)?.text : outcome.message;
}

describe('sign-in, approvals and the shift', () => {
  it('signs in with staff id and PIN, and locks after repeated wrong PINs', async () => {
    const { session } = await till();
    for (let i = 1; i < SIGN_IN_ATTEMPTS; i++) {
      expect(said(await session.signIn('S001-E01', '0000'))).toBe('Staff id or PIN not recognised');
    }
    expect(said(await session.signIn('S001-E01', '0000'))).toMatch(/locked/);
    // Even the right PIN waits out the lock.
    expect(said(await session.signIn('S001-E01', '1111'))).toMatch(/try again/);
    clock += 61_000;
    expect((await session.signIn('s001-e01', '1111')).ok).toBe(true);
    expect(state.get().staff?.name).toBe('王芳');
    session.signOut();
    expect(state.get().staff).toBeNull();
  });

  it('lets a supervisor approve on the cashier’s screen with their own PIN, not a cashier', async () => {
    const { session } = await till();
    await session.signIn('S001-E01', '1111');
    expect(session.selfApproval('void-line')).toBeNull();
    expect(said(await session.approve('void-line', 'S001-E01', '1111'))).toBe(
      '王芳 may not approve this',
    );
    expect(value(await session.approve('void-line', 'S001-E02', '2222'))).toMatchObject({
      id: 'S001-E02',
    });
  });

  it('opens with a float, reports X mid-shift, and records the close with its variance', async () => {
    const { session, checkout } = await till();
    await session.signIn('S001-E01', '1111');
    await session.openShift(50000);
    clock += 60_000;
    await checkout.scan(scan('6901234567892'));
    await checkout.payCash(1000);
    documents.length = 0;
    await session.xReport();
    expect(state.get().report).toMatchObject({ kind: 'x', expectedCash: 50200 });
    const fact = value(await session.closeShift(50100));
    expect(fact).toMatchObject({ expectedCash: 50200, countedCash: 50100, variance: -100 });
    // [SR1] Both reports go to the printer, the Z report with the close's figures.
    expect(documents).toMatchObject([
      { kind: 'shift-report', report: { kind: 'x', expectedCash: 50200, sales: { count: 1 } } },
      {
        kind: 'shift-report',
        report: { kind: 'z', shiftId: fact.id, countedCash: 50100, variance: -100 },
      },
    ]);
    expect((await db.facts.findOne(fact.id).exec())?.toJSON()).toMatchObject({ variance: -100 });
    expect(await firstValueFrom(outbox.pending$)).toBe(2);
    expect(state.get().shift).toBeNull();
  });

  it('[AC2] refuses to close the shift while a sale is on the till, and says what to do', async () => {
    const { session, checkout } = await till();
    await session.signIn('S001-E01', '1111');
    await session.openShift(50000);
    await checkout.scan(scan('6901234567892'));
    expect(session.mayClose()).toMatchObject({ ok: false, code: 'CART_OPEN' });
    const refused = await session.closeShift(50000);
    expect(refused).toMatchObject({ ok: false, code: 'CART_OPEN' });
    expect(said(refused)).toMatch(/pay, suspend \(F5\) or void/);
    expect(state.get().shift).not.toBeNull();
    expect(await db.facts.count({ selector: { kind: 'shift' } }).exec()).toBe(0);
    await checkout.payCash(200);
    expect((await session.closeShift(50200)).ok).toBe(true);
  });

  it('keeps several suspended carts in the replica and resumes each', async () => {
    const first = await till();
    await first.checkout.scan(scan('6901234567892'));
    await first.session.suspend();
    await first.checkout.scan(scan('6901234567892'));
    await first.checkout.scan(scan('6901234567892'));
    await first.session.suspend();
    expect(state.get().cart.lines).toEqual([]);
    // A restart of the till finds them again.
    const again = await till();
    const suspended = state.get().suspended;
    expect(suspended.map((s) => s.lines)).toEqual([1, 1]);
    await again.session.resume(suspended[1]!.id);
    expect(state.get().cart.lines[0]?.quantity).toBe(2);
    expect(state.get().suspended).toHaveLength(1);
  });

  it('[PI1] keeps a cart put aside with its member masked, never the phone or name', async () => {
    await db.members.insert(memberView(ZHANG_WEI, INDEX_KEY_FIXTURE));
    const { checkout, session } = await till();
    await checkout.scan(scan('6901234567892'));
    await checkout.attachMember('13800138001');
    await session.suspend();
    const stored = JSON.stringify(await db.getLocal('suspended-carts').then((d) => d?.toJSON()));
    expect(stored).toContain('张*');
    expect(stored).not.toContain('13800138001');
    expect(stored).not.toContain('张伟');
  });

  it('[PI1] masks the members of carts an earlier version put aside, at start', async () => {
    const cart = { ...newCheckout('CNY'), member: { id: 'M0001', tier: 'gold' } };
    await db.insertLocal('suspended-carts', {
      carts: [
        {
          id: 'C1',
          at: '2026-11-22T01:00:00.000Z',
          cart,
          member: {
            kind: 'known',
            id: 'M0001',
            name: '张伟',
            phone: '13800138001',
            tier: 'gold',
            points: 1200,
          },
        },
        {
          id: 'C2',
          at: '2026-11-22T01:01:00.000Z',
          cart: newCheckout('CNY'),
          member: { kind: 'phone-only', phone: '13900139003' },
        },
        { id: 'C3', at: '2026-11-22T01:02:00.000Z', cart: newCheckout('CNY'), member: null },
      ],
    });
    const { session } = await till();
    const stored = JSON.stringify(await db.getLocal('suspended-carts').then((d) => d?.toJSON()));
    for (const plain of ['张伟', '13800138001', '13900139003']) expect(stored).not.toContain(plain);
    expect(state.get().suspended.map((c) => c.id)).toEqual(['C1', 'C2', 'C3']);
    value(await session.resume('C1'));
    expect(state.get().member).toEqual({
      kind: 'known',
      id: 'M0001',
      maskedName: '张*',
      maskedPhone: '138****8001',
      tier: 'gold',
      points: 1200,
      phoneIndex: phoneIndex(INDEX_KEY_FIXTURE, '13800138001'),
    });
    value(await session.resume('C2'));
    expect(state.get().member).toEqual({
      kind: 'phone-only',
      phoneIndex: phoneIndex(INDEX_KEY_FIXTURE, '13900139003'),
      maskedPhone: '139****9003',
    });
  });

  it('returns part of a sale by its receipt code, refunding to the original tender', async () => {
    const { checkout, returns } = await till();
    await checkout.scan(scan('6901234567892'));
    await checkout.scan(scan('6901234567892'));
    const sale = value(await checkout.pay([{ kind: 'card', amount: 400, reference: 'T-9' }]));
    const code = makeReceiptCode(sale.id, { id: key.id, secret: fromHex(key.secretHex) });
    const draft = value(await returns.open(code));
    expect(state.get().returning).toEqual(draft);
    const ret = value(
      await returns.complete(draft, [{ lineId: sale.lines[0]!.lineId, quantity: 1 }]),
    );
    expect(ret).toMatchObject({
      saleId: sale.id,
      refund: 200,
      tenders: [{ kind: 'card', amount: 200, reference: 'T-9' }],
    });
    expect(await db.facts.count({ selector: { kind: 'return' } }).exec()).toBe(1);
    // [SR2] The refund receipt goes to the printer.
    expect(documents.at(-1)).toMatchObject({
      kind: 'return-receipt',
      receipt: { returnId: ret.id, refund: 200, tenders: ret.tenders },
    });
    expect(await returns.open('6901234567892')).toBeNull();
  });

  it('[SR2] names the member on the refund receipt as the sale receipt does', async () => {
    await db.members.insert(memberView(LI_NA, INDEX_KEY_FIXTURE));
    const { checkout, returns } = await till();
    await checkout.scan(scan('6901234567892'));
    await checkout.attachMember('13800138002');
    const sale = value(await checkout.payCash(200));
    expect(devices.printed.at(-1)?.member).toMatchObject({ name: '李*' });
    const code = makeReceiptCode(sale.id, { id: key.id, secret: fromHex(key.secretHex) });
    const draft = value(await returns.open(code));
    value(await returns.complete(draft, [{ lineId: sale.lines[0]!.lineId, quantity: 1 }]));
    expect(documents.at(-1)).toMatchObject({
      kind: 'return-receipt',
      receipt: { member: { id: 'M0002', name: '李*' } },
    });
  });
});

describe('returns of a sale this till does not hold', () => {
  it('[AC7] finds it online, or says the server is unreachable, the sale unknown or another store’s', async () => {
    const { checkout } = await till();
    await checkout.scan(scan('6901234567892'));
    const sale = value(await checkout.payCash(200));
    const elsewhere = { ...sale, id: 'S001-POS2-01JOTHERTILL', deviceId: 'S001-POS2' };
    const signed = (id: string) =>
      makeReceiptCode(id, { id: key.id, secret: fromHex(key.secretHex) });
    const withServer = (answer: Awaited<ReturnType<TillReplica['saleOnline']>>) => {
      const ports = testPorts(db, outbox, {
        state,
        devices: devices.devices,
        config: { codeKeys: [key] },
        replica: { saleOnline: async () => answer },
      });
      return createReturnsDesk({ ...ports, codeKeys: checkout.codeKeys });
    };
    const found = await withServer({ status: 'found', sale: elsewhere }).open(signed(elsewhere.id));
    expect(value(found).sale.id).toBe(elsewhere.id);
    expect(state.get().returning?.sale.id).toBe(elsewhere.id);
    expect(
      await withServer({ status: 'offline', reason: 'fetch failed' }).open(signed(elsewhere.id)),
    ).toMatchObject({ ok: false, code: 'SALE_LOOKUP_OFFLINE', params: { sale: elsewhere.id } });
    expect(await withServer({ status: 'not-found' }).open(signed(elsewhere.id))).toMatchObject({
      ok: false,
      code: 'SALE_NOT_FOUND',
    });
    expect(await withServer({ status: 'other-store' }).open(signed(elsewhere.id))).toMatchObject({
      ok: false,
      code: 'SALE_OTHER_STORE',
    });
  });
});
