import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  heldUnitsId,
  shipmentDocId,
  storeItemsDocId,
  storeOrderId,
  type FulfilmentFact,
  type Price,
  type Product,
  type SaleFact,
} from '@pos/domain';
import { openReplica, type ReplicaDatabase } from './database';
import { createTillReplica } from './till';

const milk: Product = {
  id: 'SKU-0003',
  name: '伊利纯牛奶 Pure Milk',
  gtin: '06901234567892',
  category: 'Dairy',
  taxClass: 'VAT9',
  status: 'active',
};
const milkPrice: Price = {
  id: 'CN-LIST:SKU-0003',
  priceList: 'CN-LIST',
  sku: 'SKU-0003',
  amount: 6500,
  currency: 'CNY',
};

let db: ReplicaDatabase;
let n = 0;
beforeEach(async () => {
  db = await openReplica({ name: `till${n++}`, storage: getRxStorageMemory() });
  await db.products.insert(milk);
  await db.prices.insert(milkPrice);
  await db.stock.insert({ id: 'S001:SKU-0003', storeId: 'S001', sku: 'SKU-0003', onHand: 7 });
});
afterEach(() => db.close());

function till(fetch?: typeof globalThis.fetch) {
  return createTillReplica(db, {
    storeId: 'S001',
    deviceId: 'S001-POS1',
    priceList: 'CN-LIST',
    target: { url: 'http://sync.test/', token: 't', ...(fetch ? { fetch } : {}) },
  });
}

describe('what a till reads of its replica', () => {
  it('[B2] finds products by barcode and SKU through the one lookup path, with stock', async () => {
    const replica = till();
    expect(await replica.byBarcode('6901234567892')).toMatchObject({
      found: true,
      product: { id: 'SKU-0003' },
      price: { amount: 6500 },
    });
    expect(await replica.bySku('sku-0003')).toMatchObject({ found: true });
    expect(await replica.stock('SKU-0003')).toMatchObject({ onHand: 7 });
    expect(await replica.stock('SKU-9999')).toBeUndefined();
  });

  it('[ATP3] follows a stock level and the units orders hold of it, as the server sends them', async () => {
    const seen: (number | undefined)[][] = [];
    const heard = (count: number) =>
      expect.poll(() => seen.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(count);
    const stop = till().watchStock('SKU-0003', (level) => seen.push([level?.onHand, level?.held]));
    await heard(1);
    const held = (n: number) => ({
      id: heldUnitsId('S001', 'SKU-0003'),
      kind: 'held',
      storeId: 'S001',
      sku: 'SKU-0003',
      held: n,
      updatedAt: '2026-12-06T10:00:00.000Z',
    });
    await db.storeState.upsert(held(2));
    await heard(2);
    expect(await till().stock('SKU-0003')).toMatchObject({ onHand: 7, held: 2 });
    const level = await db.stock.findOne('S001:SKU-0003').exec();
    await level!.incrementalPatch({ onHand: 6 });
    await heard(3);
    stop();
    await db.storeState.upsert(held(3));
    expect(seen).toEqual([
      [7, 0],
      [7, 2],
      [6, 2],
    ]);
  });

  it('keeps the device’s local documents, with their first value', async () => {
    const replica = till();
    expect(await replica.readLocal('open-shift', { shift: null })).toEqual({ shift: null });
    await replica.writeLocal('open-shift', { shift: 'X' });
    expect(await replica.readLocal('open-shift', { shift: null })).toEqual({ shift: 'X' });
  });

  it('[SA1] asks the server for a sale it does not hold, and tells offline, unknown and another store apart', async () => {
    const sale = { id: 'S001-POS2-01J' } as SaleFact;
    const answering = (status: number, body: unknown) =>
      till(async (url) => {
        expect(String(url)).toBe('http://sync.test/_sales/S001-POS2-01J');
        return new Response(JSON.stringify(body), { status });
      });
    expect(await answering(200, { sale }).saleOnline(sale.id)).toEqual({ status: 'found', sale });
    expect(await answering(404, { error: 'not_found' }).saleOnline(sale.id)).toEqual({
      status: 'not-found',
    });
    expect(await answering(403, { error: 'forbidden' }).saleOnline(sale.id)).toEqual({
      status: 'other-store',
    });
    expect(await answering(500, {}).saleOnline(sale.id)).toMatchObject({ status: 'offline' });
    const down = till(async () => Promise.reject(new TypeError('fetch failed')));
    expect(await down.saleOnline(sale.id)).toEqual({ status: 'offline', reason: 'fetch failed' });
  });
});

describe('RFID checkout lookups', () => {
  it("[IT4] [RC2] reads the store's items documents by SKU, and the EPCs this device sold and has not taken back", async () => {
    const doc = {
      id: storeItemsDocId('S001', 'SKU-0003'),
      kind: 'items',
      storeId: 'S001',
      sku: 'SKU-0003',
      gtin: milk.gtin,
      sellable: ['3035A5680800008000000002'],
      sold: ['3035A5680800008000000001'],
      updatedAt: '2026-12-01T00:00:00.000Z',
    };
    await db.storeState.bulkInsert([
      doc,
      { ...doc, id: storeItemsDocId('S002', 'SKU-0003'), storeId: 'S002' },
    ] as never);
    const replica = till();
    expect(await replica.storeItems(['SKU-0003', 'SKU-9999', 'SKU-0003'])).toEqual([doc]);
    expect(await replica.storeItems([])).toEqual([]);
    const line = { lineId: 'L1', sku: 'SKU-0003', quantity: 1 };
    await db.facts.bulkInsert([
      {
        kind: 'sale',
        id: 'S001-POS1-A',
        deviceId: 'S001-POS1',
        soldAt: '2026-12-01T10:00:00.000Z',
        lines: [{ ...line, epcs: ['E1', 'E2'] }],
      },
      {
        kind: 'sale',
        id: 'S001-POS2-B',
        deviceId: 'S001-POS2',
        soldAt: '2026-12-01T10:00:00.000Z',
        lines: [{ ...line, epcs: ['E3'] }],
      },
      {
        kind: 'return',
        id: 'S001-POS1-C',
        deviceId: 'S001-POS1',
        saleId: 'S001-POS1-A',
        returnedAt: '2026-12-01T11:00:00.000Z',
        lines: [{ ...line, epcs: ['E1'] }],
      },
    ] as never);
    expect(await replica.epcsSoldHere()).toEqual(new Map([['E2', '2026-12-01T10:00:00.000Z']]));
  });
});

describe('online orders at the store', () => {
  const order = (id: string) => ({
    id,
    channel: 'shop' as const,
    customer: { memberId: 'M1' },
    lines: [
      {
        lineId: 'L1',
        sku: 'SKU-0003',
        quantity: 2,
        unitPrice: 6500,
        net: 13000,
        fulfilment: { mode: 'pickup' as const, storeId: 'S001' },
        pickedUp: 0,
      },
    ],
    total: 13000,
    status: 'paid' as const,
    placedAt: '2026-03-01T10:00:00.000Z',
    paidAt: '2026-03-01T10:05:00.000Z',
    pickups: [],
    factIds: ['f1', 'f2', 'f3'],
  });
  const stateDoc = (orderId: string, storeId: string) => ({
    id: storeOrderId(orderId, storeId),
    kind: 'order',
    storeId,
    updatedAt: '2026-03-01T10:05:00.000Z',
    order: order(orderId),
  });

  it("[OF2] lists this store's orders from storeState, and finds one by its order id", async () => {
    await db.storeState.bulkInsert([stateDoc('ORD-1', 'S001'), stateDoc('ORD-2', 'S002')]);
    const replica = till();
    expect((await replica.storeOrders()).map((d) => d.order.id)).toEqual(['ORD-1']);
    expect((await replica.storeOrder('ORD-1'))?.order.status).toBe('paid');
    expect(await replica.storeOrder('ORD-2')).toBeNull();
  });

  it("[OF1] [OF4] lists this device's own facts of an order, oldest first", async () => {
    const pickup = (id: string, at: string) => ({
      kind: 'pickup' as const,
      id,
      storeId: 'S001',
      orderId: 'ORD-1',
      lines: [{ lineId: 'L1', quantity: 1 }],
      at,
      deviceId: 'S001-POS1',
      staffId: 'E1',
      proof: 'code' as const,
    });
    await db.facts.bulkInsert([
      pickup('S001-POS1-B', '2026-03-01T11:00:00.000Z'),
      pickup('S001-POS1-A', '2026-03-01T10:30:00.000Z'),
      { ...pickup('S001-POS1-C', '2026-03-01T10:40:00.000Z'), orderId: 'ORD-9' },
    ]);
    const here = await till().orderFactsHere('ORD-1');
    expect(here.pickups.map((p) => p.id)).toEqual(['S001-POS1-A', 'S001-POS1-B']);
    expect(here.pickups[0]).not.toHaveProperty('kind');
    expect(here.payments).toEqual([]);
  });

  it('asks the sync server for an order it does not hold, and says why it could not', async () => {
    const answer = (status: number, body: unknown) => async () =>
      new Response(JSON.stringify(body), { status });
    expect(await till(answer(200, { order: order('ORD-7') })).orderOnline('ORD-7')).toMatchObject({
      status: 'found',
      order: { id: 'ORD-7' },
    });
    expect(await till(answer(404, {})).orderOnline('ORD-7')).toEqual({ status: 'not-found' });
    expect(await till(answer(403, {})).orderOnline('ORD-7')).toEqual({ status: 'refused' });
    const down = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    expect(await till(down).orderOnline('ORD-7')).toEqual({
      status: 'offline',
      reason: 'connect ECONNREFUSED',
    });
  });
});

describe("the store's parcels", () => {
  const parcel = (shipmentId: string, storeId: string) => ({
    id: shipmentDocId(shipmentId),
    kind: 'shipment',
    storeId,
    shipmentId,
    status: 'open',
    lines: [{ orderId: 'ORD-1', lineId: 'L1', sku: 'SKU-0003', quantity: 1, picked: 0, short: 0 }],
    updatedAt: '2026-03-01T10:05:00.000Z',
  });
  const step = (id: string, at: string, changes: Partial<FulfilmentFact> = {}) => ({
    kind: 'fulfilment' as const,
    id,
    storeId: 'S001',
    shipmentId: 'SH-1',
    step: 'pick' as const,
    lines: [{ orderId: 'ORD-1', lineId: 'L1', quantity: 1 }],
    at,
    deviceId: 'S001-POS1',
    staffId: 'E1',
    ...changes,
  });

  it("[FS1] lists this store's parcels from storeState and finds one by its id", async () => {
    await db.storeState.bulkInsert([parcel('SH-1', 'S001'), parcel('SH-2', 'S002')]);
    const replica = till();
    expect((await replica.storeShipments()).map((s) => s.shipmentId)).toEqual(['SH-1']);
    expect((await replica.storeShipment('SH-1'))?.status).toBe('open');
    expect(await replica.storeShipment('SH-2')).toBeNull();
  });

  it("[FS6] lists this device's own steps of a parcel, oldest first", async () => {
    await db.facts.bulkInsert([
      step('S001-POS1-B', '2026-03-01T11:00:00.000Z'),
      step('S001-POS1-A', '2026-03-01T10:30:00.000Z'),
      step('S001-POS1-C', '2026-03-01T10:40:00.000Z', { shipmentId: 'SH-9' }),
      step('S001-POS2-D', '2026-03-01T10:41:00.000Z', { deviceId: 'S001-POS2' }),
    ]);
    const steps = await till().fulfilmentFactsHere('SH-1');
    expect(steps.map((s) => s.id)).toEqual(['S001-POS1-A', 'S001-POS1-B']);
    expect(steps[0]).not.toHaveProperty('kind');
  });
});

describe('local documents', () => {
  it('two first reads at once both get the first value, and neither fails', async () => {
    const replica = till();
    const both = await Promise.all([
      replica.readLocal('pickup-attempts', { wrongAt: [] }),
      replica.readLocal('pickup-attempts', { wrongAt: [] }),
    ]);
    expect(both).toEqual([{ wrongAt: [] }, { wrongAt: [] }]);
  });
});
