import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { emptyCart, type Price, type Product, type Receipt, type Sale } from '@pos/domain';
import { openOutbox, openReplica, type Outbox, type ReplicaDatabase } from '@pos/replica';
import type { ScanEvent } from '@pos/hardware/protocol';
import type { TerminalApi } from '../shared/terminal-api';
import type { TerminalConfig } from '../shared/config';
import { TEST_TERMINAL_CONFIG } from '../shared/config.fixture';
import { createCheckout } from './checkout';
import { usePosStore } from './store';

const config: TerminalConfig = TEST_TERMINAL_CONFIG;
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

function fakeTerminal() {
  const printed: Receipt[] = [];
  let drawer = 0;
  const api: TerminalApi = {
    getConfig: async () => config,
    onScan: () => () => undefined,
    onDeviceStatus: () => () => undefined,
    printReceipt: async (receipt) => void printed.push(receipt),
    openDrawer: async () => void (drawer += 1),
  };
  return { api, printed, drawers: () => drawer };
}

let db: ReplicaDatabase;
let outbox: Outbox;
let n = 0;
beforeEach(async () => {
  usePosStore.setState({ cart: emptyCart(), lastSale: null, message: null, paying: false });
  db = await openReplica({ name: `checkout${n++}`, storage: getRxStorageMemory() });
  await db.products.bulkInsert([water, noodles]);
  await db.prices.bulkInsert(prices);
  // Never confirms here: no server is asked in these tests.
  outbox = await openOutbox(db, { url: 'http://127.0.0.1:9', token: 't' });
  await db.stores.insert({
    id: 'S001',
    name: '静安店',
    address: 'Shanghai',
    currency: 'CNY',
    status: 'open',
  });
});
afterEach(() => db.close());

describe('checkout', () => {
  it('[C1] handles scans in arrival order, none lost or doubled, even when they come in a burst', async () => {
    const { api } = fakeTerminal();
    const checkout = createCheckout({ db, outbox, api, config });
    await Promise.all([
      checkout.scan(scan('6901234567892')),
      checkout.scan(scan('6901234567908')),
      checkout.scan(scan('6901234567892')),
    ]);
    const lines = usePosStore.getState().cart.lines.map((l) => [l.name, l.quantity]);
    expect(lines).toEqual([
      ['农夫山泉 550ml', 2],
      ['Noodles', 1],
    ]);
  });

  it('[C4] stores the sale in the replica before showing paid, then prints and opens the drawer', async () => {
    const terminal = fakeTerminal();
    const checkout = createCheckout({
      db,
      outbox,
      api: terminal.api,
      config,
      now: () => new Date('2026-11-22T03:04:05.000Z'),
      newId: () => 'S001-POS1-01JTEST',
    });
    await checkout.scan(scan('6901234567892'));
    await checkout.scan(scan('6901234567908'));
    await checkout.payCash(2000);

    const stored = (await db.sales.findOne('S001-POS1-01JTEST').exec())?.toJSON() as Sale;
    expect(stored).toMatchObject({
      total: 1490,
      change: 510,
      storeId: 'S001',
      soldAt: '2026-11-22T03:04:05.000Z',
    });
    expect(usePosStore.getState().lastSale?.id).toBe(stored.id);
    expect(usePosStore.getState().cart.lines).toEqual([]);
    expect(terminal.printed.map((r) => [r.storeName, r.total, r.change])).toEqual([
      ['静安店', 1490, 510],
    ]);
    expect(terminal.drawers()).toBe(1);
    expect(await firstValueFrom(outbox.pending$)).toBe(1);
  });

  it('keeps a scan that arrives while a payment is being stored, for the next sale', async () => {
    const terminal = fakeTerminal();
    const checkout = createCheckout({ db, outbox, api: terminal.api, config });
    await checkout.scan(scan('6901234567892'));
    const paying = checkout.payCash(500);
    const scanned = checkout.scan(scan('6901234567908'));
    await Promise.all([paying, scanned]);
    const sold = (await db.sales.find().exec()).map((doc) => doc.toJSON() as Sale);
    expect(sold.map((sale) => sale.lines.map((l) => l.name))).toEqual([['农夫山泉 550ml']]);
    expect(usePosStore.getState().cart.lines.map((l) => l.name)).toEqual(['Noodles']);
  });

  it('[C4] refuses a short tender: nothing stored, nothing printed, the cart kept', async () => {
    const terminal = fakeTerminal();
    const checkout = createCheckout({ db, outbox, api: terminal.api, config });
    await checkout.scan(scan('6901234567908'));
    await checkout.payCash(1000);
    expect(await db.sales.count().exec()).toBe(0);
    expect(terminal.printed).toEqual([]);
    expect(usePosStore.getState().message).toEqual({
      tone: 'error',
      text: 'Cash tendered is 2.90 short of the total',
    });
    expect(usePosStore.getState().cart.lines).toHaveLength(1);
  });

  it('[S4] never stores a sale the server would refuse, so the upload queue cannot jam', async () => {
    const terminal = fakeTerminal();
    const checkout = createCheckout({
      db,
      outbox,
      api: terminal.api,
      config,
      newId: () => 'OTHER-DEVICE-01J',
    });
    await checkout.scan(scan('6901234567892'));
    await checkout.payCash(200);
    expect(await db.sales.count().exec()).toBe(0);
    expect(terminal.printed).toEqual([]);
    expect(usePosStore.getState().message?.text).toBe(
      'This sale cannot be recorded: $.id must start with the device id',
    );
  });

  it('tells the cashier when the sale cannot be stored, and keeps the cart', async () => {
    const terminal = fakeTerminal();
    const failing = { recordSale: async () => Promise.reject(new Error('QuotaExceededError')) };
    const checkout = createCheckout({ db, outbox: failing, api: terminal.api, config });
    await checkout.scan(scan('6901234567892'));
    await checkout.payCash(200);
    expect(usePosStore.getState().message?.text).toBe(
      'The sale was not recorded, nothing was sold: QuotaExceededError',
    );
    expect(usePosStore.getState().cart.lines).toHaveLength(1);
    expect(usePosStore.getState().lastSale).toBeNull();
    expect(terminal.printed).toEqual([]);
  });

  it('keeps the sale when the printer fails, and tells the cashier', async () => {
    const terminal = fakeTerminal();
    terminal.api.printReceipt = async () => {
      throw new Error('Printer out of paper');
    };
    const checkout = createCheckout({ db, outbox, api: terminal.api, config });
    await checkout.scan(scan('6901234567892'));
    await checkout.payCash(200);
    expect(await db.sales.count().exec()).toBe(1);
    expect(usePosStore.getState().message?.text).toBe('Receipt not printed: Printer out of paper');
  });
});
