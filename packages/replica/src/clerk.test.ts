import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  SYNC_PROTOCOL_VERSION,
  type ClerkOrderRequest,
  type Price,
  type Product,
  type Style,
} from '@pos/domain';
import { openReplica, type ReplicaDatabase } from './database';
import { createHttpClerkServer } from './clerk-server';
import { openClerkLocalStore } from './clerk-local-store';
import { createTillReplica } from './till';

const tee = (sku: string, gtin: string): Product => ({
  id: sku,
  name: `T恤 ${sku}`,
  gtin,
  category: 'Apparel',
  taxClass: 'VAT13',
  status: 'active',
});
const price = (sku: string): Price => ({
  id: `CN-LIST:${sku}`,
  priceList: 'CN-LIST',
  sku,
  amount: 9900,
  currency: 'CNY',
});
const STYLE: Style = {
  id: 'style:TEE1',
  kind: 'style',
  styleId: 'TEE1',
  name: 'T恤',
  category: 'Apparel',
  colours: ['白', '黑'],
  sizes: ['S', 'M'],
  variants: [
    { sku: 'TEE1-W-S', colour: '白', size: 'S' },
    { sku: 'TEE1-W-M', colour: '白', size: 'M' },
    { sku: 'TEE1-B-M', colour: '黑', size: 'M' },
  ],
};

let db: ReplicaDatabase;
let n = 0;
beforeEach(async () => {
  db = await openReplica({ name: `clerk${n++}`, storage: getRxStorageMemory() });
  // GTIN 06901234567892 is the SGTIN-96 EPC 3075A537C837754000000001's.
  await db.products.bulkInsert([
    tee('TEE1-W-S', '06901234567892'),
    tee('TEE1-W-M', '06901234567908'),
  ]);
  await db.prices.bulkInsert([price('TEE1-W-S'), price('TEE1-W-M')]);
  await db.chain.insert(STYLE as never);
});
afterEach(() => db.close());

function till() {
  return createTillReplica(db, {
    storeId: 'S001',
    deviceId: 'S001-TAB1',
    priceList: 'CN-LIST',
    target: { url: 'http://127.0.0.1:9', token: 't' },
  });
}

describe('styles and tags in the replica', () => {
  it('[VG1] [VG3] a style by id, and a SKU’s style and variant', async () => {
    const replica = till();
    expect((await replica.style('TEE1'))?.name).toBe('T恤');
    expect(await replica.style('NOPE')).toBeNull();
    expect(await replica.styleOfSku('TEE1-B-M')).toMatchObject({
      style: { styleId: 'TEE1' },
      variant: { colour: '黑', size: 'M' },
    });
    expect(await replica.styleOfSku('SKU-0001')).toBeNull();
  });

  it('[VG3] a style the server changes is read again', async () => {
    const replica = till();
    expect(await replica.styleOfSku('TEE1-B-S')).toBeNull();
    const doc = await db.chain.findOne('style:TEE1').exec();
    await doc!.incrementalPatch({
      colours: STYLE.colours,
      variants: [...STYLE.variants, { sku: 'TEE1-B-S', colour: '黑', size: 'S' }],
    } as never);
    expect(await replica.styleOfSku('TEE1-B-S')).toMatchObject({ variant: { size: 'S' } });
  });

  it('[SG1] an EPC finds the product of its GTIN; another scheme says why', async () => {
    const replica = till();
    expect(await replica.byEpc('3075A537C837754000000001')).toMatchObject({
      found: true,
      product: { id: 'TEE1-W-S' },
      price: { amount: 9900 },
    });
    expect(await replica.byEpc('3114257BF7194E4000001A85')).toMatchObject({
      found: false,
      reason: expect.stringContaining('SGTIN-96'),
    });
  });
});

describe('[CL2] the clerk’s local store', () => {
  it('keeps JSON values by key, lists keys by prefix in order, and removes', async () => {
    const store = openClerkLocalStore(db);
    expect(await store.get('clerk-order:B')).toBeNull();
    await Promise.all([
      store.set('clerk-order:B', { n: 2 }),
      store.set('clerk-order:A', { n: 1 }),
      store.set('chain-stock:TEE1', { asOf: 'x' }),
      store.set('count', 3),
    ]);
    expect(await store.get('clerk-order:A')).toEqual({ n: 1 });
    expect(await store.get('count')).toBe(3);
    expect(await store.keys('clerk-order:')).toEqual(['clerk-order:A', 'clerk-order:B']);
    await store.set('clerk-order:A', { n: 10 });
    expect(await store.get('clerk-order:A')).toEqual({ n: 10 });
    await store.remove('clerk-order:A');
    await store.remove('clerk-order:never');
    expect(await store.keys('clerk-order:')).toEqual(['clerk-order:B']);
    expect(await store.get('clerk-order:A')).toBeNull();
    // Another store over the same database (a restart) sees the same.
    expect(await openClerkLocalStore(db).keys('')).toEqual([
      'chain-stock:TEE1',
      'clerk-order:B',
      'count',
    ]);
  });

  it('refuses a key that is empty, and keeps the till’s own local documents apart', async () => {
    const store = openClerkLocalStore(db);
    await expect(store.set('', 1)).rejects.toThrow(/1-200/);
    await till().writeLocal('open-shift', { shift: null });
    expect(await store.get('open-shift')).toBeNull();
  });
});

type Call = { url: string; init: RequestInit };
function fakeFetch(answer: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const call = { url, init };
    calls.push(call);
    return answer(call);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const REQUEST: ClerkOrderRequest = {
  requestId: 'S001-TAB1-01JTEST',
  staffId: 'S001-E01',
  customer: { memberId: 'M0001' },
  lines: [
    {
      lineId: 'L1',
      sku: 'TEE1-W-S',
      quantity: 1,
      fulfilment: { mode: 'pickup', storeId: 'S002' },
      credits: [{ staffId: 'S001-E01', share: 10_000 }],
    },
  ],
  createdAt: '2026-03-01T10:00:00.000Z',
};

describe('[CL1] the clerk routes over HTTP', () => {
  it('sends the device token, the sync versions and the Idempotency-Key; answers the value', async () => {
    const { fetch, calls } = fakeFetch(() => json(201, { order: { id: 'O1' }, now: 'n' }));
    const server = createHttpClerkServer({ baseUrl: 'http://sync.test/', token: 'tok', fetch });
    expect(await server.placeOrder(REQUEST)).toEqual({
      ok: true,
      value: { order: { id: 'O1' }, now: 'n' },
    });
    const [call] = calls;
    expect(call!.url).toBe('http://sync.test/_clerk/orders');
    expect(call!.init.method).toBe('POST');
    const headers = call!.init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer tok');
    expect(headers['Idempotency-Key']).toBe(REQUEST.requestId);
    expect(headers['x-pos-protocol']).toBe(String(SYNC_PROTOCOL_VERSION));
    expect(headers['x-pos-schema']).toContain('products=');
    expect(JSON.parse(call!.init.body as string)).toEqual(REQUEST);
  });

  it('builds each route’s path and query', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, {}));
    const server = createHttpClerkServer({ baseUrl: 'http://sync.test', token: 't', fetch });
    await server.chainStock('TEE 1', { sku: 'TEE1-W-S', limit: 5 });
    await server.chainStock('TEE1');
    await server.order('O/1');
    await server.pay('O1');
    await server.commission('S001-E01');
    await server.findMember('ab12');
    await server.newMember({ phone: '13800138009', staffId: 'S001-E01' });
    await server.newAddress({
      memberId: 'M1',
      regionCode: '310104',
      street: 'x',
      name: 'y',
      phone: '13800138009',
    });
    await server.editCredit({
      id: 'E1',
      source: 'order:O1',
      lineId: 'L1',
      before: [],
      after: [],
      approvedBy: 'S001-E02',
      requestedBy: 'S001-E01',
      reason: 'r',
      at: 'n',
    });
    expect(calls.map((c) => `${c.init.method} ${c.url.replace('http://sync.test', '')}`)).toEqual([
      'GET /_clerk/stock?style=TEE+1&sku=TEE1-W-S&limit=5',
      'GET /_clerk/stock?style=TEE1',
      'GET /_clerk/orders/O%2F1',
      'POST /_clerk/orders/O1/pay',
      'GET /_clerk/commission?staffId=S001-E01',
      'GET /_clerk/members?phoneIndex=ab12',
      'POST /_clerk/members',
      'POST /_clerk/addresses',
      'POST /_clerk/credit-edits',
    ]);
  });

  it('a refusal carries the status, the code and the reason, with the rest as details', async () => {
    const { fetch } = fakeFetch(() =>
      json(409, { error: 'out_of_stock', reason: 'L1 has 0 left', lines: [{ lineId: 'L1' }] }),
    );
    const server = createHttpClerkServer({ baseUrl: 'http://sync.test', token: 't', fetch });
    expect(await server.placeOrder(REQUEST)).toEqual({
      ok: false,
      offline: false,
      status: 409,
      code: 'OUT_OF_STOCK',
      reason: 'L1 has 0 left',
      details: { lines: [{ lineId: 'L1' }] },
    });
    const coded = createHttpClerkServer({
      baseUrl: 'http://sync.test',
      token: 't',
      fetch: fakeFetch(() => json(409, { error: 'conflict', code: 'PRICE_CHANGED' })).fetch,
    });
    expect(await coded.placeOrder(REQUEST)).toMatchObject({
      code: 'PRICE_CHANGED',
      reason: 'the sync server answered 409',
    });
    const html = createHttpClerkServer({
      baseUrl: 'http://sync.test',
      token: 't',
      fetch: fakeFetch(() => new Response('<html>', { status: 502 })).fetch,
    });
    expect(await html.order('O1')).toMatchObject({ ok: false, offline: false, code: 'HTTP_502' });
  });

  it('a network error, a timeout or an unreadable success is offline', async () => {
    const down = createHttpClerkServer({
      baseUrl: 'http://sync.test',
      token: 't',
      fetch: fakeFetch(() => Promise.reject(new TypeError('fetch failed'))).fetch,
    });
    expect(await down.commission('S001-E01')).toEqual({
      ok: false,
      offline: true,
      reason: expect.stringContaining('could not be reached (fetch failed)'),
    });
    const slow = createHttpClerkServer({
      baseUrl: 'http://sync.test',
      token: 't',
      timeoutMs: 20,
      fetch: fakeFetch(
        ({ init }) =>
          new Promise<Response>((_, reject) =>
            init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
          ),
      ).fetch,
    });
    expect(await slow.chainStock('TEE1')).toEqual({
      ok: false,
      offline: true,
      reason: 'the sync server did not answer within 0 s',
    });
    const garbled = createHttpClerkServer({
      baseUrl: 'http://sync.test',
      token: 't',
      fetch: fakeFetch(() => new Response('{"order"', { status: 201 })).fetch,
    });
    expect(await garbled.placeOrder(REQUEST)).toMatchObject({ ok: false, offline: true });
  });
});
