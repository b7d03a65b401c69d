import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  fromHex,
  makeReceiptCode,
  newCheckout,
  type Price,
  type Product,
  type ShiftFact,
} from '@pos/domain';
import { staffFixture } from '@pos/domain/fixtures';
import { openOutbox, openReplica, type Outbox, type ReplicaDatabase } from '@pos/replica';
import type { PrintableDocument } from '@pos/hardware/protocol';
import type { TerminalApi } from '../shared/terminal-api';
import { TEST_TERMINAL_CONFIG as config } from '../shared/config.fixture';
import { createCheckout } from './checkout';
import { createReturnsDesk } from './returns-desk';
import { createSession, SIGN_IN_ATTEMPTS } from './session';
import { usePosStore } from './store';

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
let n = 0;
let clock = Date.parse('2026-11-22T01:00:00.000Z');
const now = () => new Date(clock);
let ids = 0;
const newId = () => `S001-POS1-01JTEST${String(ids++).padStart(4, '0')}`;
let drawers = 0;
let documents: PrintableDocument[] = [];
const api: TerminalApi = {
  getConfig: async () => config,
  onScan: () => () => undefined,
  onDeviceStatus: () => () => undefined,
  printReceipt: async () => ({ printed: true }),
  printDocument: async (document) => {
    documents.push(document);
    return { printed: true };
  },
  openDrawer: async () => void (drawers += 1),
};

beforeEach(async () => {
  usePosStore.setState({
    cart: newCheckout(),
    pricing: null,
    member: null,
    staff: null,
    shift: null,
    report: null,
    returning: null,
    lastReturn: null,
    message: null,
  });
  db = await openReplica({ name: `session${n++}`, storage: getRxStorageMemory() });
  await db.products.insert(water);
  await db.prices.insert(price);
  await db.staff.bulkInsert([cashier, supervisor]);
  outbox = await openOutbox(db, { url: 'http://127.0.0.1:9', token: 't' });
});
afterEach(() => db.close());

async function till() {
  const terminal = { ...config, codeKeys: [key] };
  const checkout = createCheckout({ db, outbox, api, config: terminal, now, newId });
  const session = await createSession({ db, outbox, api, config: terminal, checkout, now, newId });
  const returns = createReturnsDesk({
    db,
    outbox,
    api,
    config: terminal,
    codeKeys: checkout.codeKeys,
    now,
    newId,
  });
  return { checkout, session, returns };
}

describe('sign-in, approvals and the shift', () => {
  it('signs in with staff id and PIN, and locks after repeated wrong PINs', async () => {
    const { session } = await till();
    for (let i = 1; i < SIGN_IN_ATTEMPTS; i++) {
      expect(await session.signIn('S001-E01', '0000')).toBe('Staff id or PIN not recognised');
    }
    expect(await session.signIn('S001-E01', '0000')).toMatch(/locked/);
    // Even the right PIN waits out the lock.
    expect(await session.signIn('S001-E01', '1111')).toMatch(/try again/);
    clock += 61_000;
    expect(await session.signIn('s001-e01', '1111')).toBeNull();
    expect(usePosStore.getState().staff?.name).toBe('王芳');
    session.signOut();
    expect(usePosStore.getState().staff).toBeNull();
  });

  it('lets a supervisor approve on the cashier’s screen with their own PIN, not a cashier', async () => {
    const { session } = await till();
    await session.signIn('S001-E01', '1111');
    expect(session.selfApproval('void-line')).toBeNull();
    expect(await session.approve('void-line', 'S001-E01', '1111')).toBe(
      '王芳 may not approve this',
    );
    expect(await session.approve('void-line', 'S001-E02', '2222')).toMatchObject({
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
    documents = [];
    await session.xReport();
    expect(usePosStore.getState().report).toMatchObject({ kind: 'x', expectedCash: 50200 });
    const fact = (await session.closeShift(50100)) as ShiftFact;
    expect(fact).toMatchObject({ expectedCash: 50200, countedCash: 50100, variance: -100 });
    // [SR1] Both reports go to the printer, the Z report with the close's figures.
    expect(documents).toMatchObject([
      { kind: 'shift-report', report: { kind: 'x', expectedCash: 50200, sales: { count: 1 } } },
      {
        kind: 'shift-report',
        report: { kind: 'z', shiftId: fact.id, countedCash: 50100, variance: -100 },
      },
    ]);
    expect((await db.shifts.findOne(fact.id).exec())?.toJSON()).toMatchObject({ variance: -100 });
    expect(await firstValueFrom(outbox.pending$)).toBe(2);
    expect(usePosStore.getState().shift).toBeNull();
  });

  it('keeps several suspended carts in the replica and resumes each', async () => {
    const first = await till();
    await first.checkout.scan(scan('6901234567892'));
    await first.session.suspend();
    await first.checkout.scan(scan('6901234567892'));
    await first.checkout.scan(scan('6901234567892'));
    await first.session.suspend();
    expect(usePosStore.getState().cart.lines).toEqual([]);
    // A restart of the till finds them again.
    const again = await till();
    const suspended = usePosStore.getState().suspended;
    expect(suspended.map((s) => s.lines)).toEqual([1, 1]);
    await again.session.resume(suspended[1]!.id);
    expect(usePosStore.getState().cart.lines[0]?.quantity).toBe(2);
    expect(usePosStore.getState().suspended).toHaveLength(1);
  });

  it('returns part of a sale by its receipt code, refunding to the original tender', async () => {
    const { checkout, returns } = await till();
    await checkout.scan(scan('6901234567892'));
    await checkout.scan(scan('6901234567892'));
    const sale = await checkout.pay([{ kind: 'card', amount: 400, reference: 'T-9' }]);
    const code = makeReceiptCode(sale!.id, { id: key.id, secret: fromHex(key.secretHex) });
    expect(await returns.open(code)).toBe(true);
    const draft = usePosStore.getState().returning!;
    const ret = await returns.complete(draft, [{ lineId: sale!.lines[0]!.lineId, quantity: 1 }]);
    expect(ret).toMatchObject({
      saleId: sale!.id,
      refund: 200,
      tenders: [{ kind: 'card', amount: 200, reference: 'T-9' }],
    });
    expect(await db.returns.count().exec()).toBe(1);
    // [SR2] The refund receipt goes to the printer.
    expect(documents.at(-1)).toMatchObject({
      kind: 'return-receipt',
      receipt: { returnId: ret!.id, refund: 200, tenders: ret!.tenders },
    });
    expect(await returns.open('6901234567892')).toBe(false);
  });
});
