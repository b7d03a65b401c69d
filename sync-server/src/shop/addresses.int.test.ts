/**
 * The customer's address book and delivery options over HTTP, on both
 * backends: addresses sealed at rest, their own customer's only, bad input
 * refused with nothing stored, and the quote for express, same-city and
 * pickup from the demo chain's stock.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionAdminToken } from '../auth';
import { ADDRESSES_DB } from '../orders/addresses';
import { ORDERS_DB } from '../orders/holds';
import { DEMO_PRIVACY_KEYS } from '../pii/keyring';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS, requestAs, shopSignIn, startTestServer, type TestServer } from '../test-support';
import { sealedAddressBook, type AddressView } from './addresses';
import type { DeliveryQuote } from './delivery';

const ZHANG = '13800138001'; // M0001, a member
const STRANGER = '13700137000'; // no member
const JINGAN = '310106'; // Jing'an, Shanghai: near the demo stores
const XIHU = '330106'; // Xihu, Hangzhou: no store within the same-city radius

describe.each(BACKENDS)('the address book and delivery options on $name', (backend) => {
  let storage: SyncStorage;
  let server: TestServer;
  let url: string;
  let admin: string;
  const clock = new Date('2026-03-01T04:00:00.000Z'); // 12:00 in Shanghai

  const signIn = (phone: string) => shopSignIn(url, admin, phone);
  const stored = async () =>
    (await storage.findDocs(ADDRESSES_DB, {})).map((row) => `${row.id}@${row.rev}`).sort();
  const add = (token: string, body: unknown) => requestAs(url, token, '/_shop/addresses', { body });

  beforeEach(async (context) => {
    if (backend.skip) return context.skip();
    server = await startTestServer(backend, {
      now: () => clock,
      holdSweeper: false,
      rateLimit: false,
      log: () => {},
    });
    ({ storage, url } = server);
    admin = (await provisionAdminToken(storage, 'hq-tools')).token;
  });
  afterEach(async () => {
    await server?.close();
  });

  it('[SHP14] [SHP16] an address is sealed at rest; the customer sees it masked; routing gets the waybill', async () => {
    const zhang = await signIn(ZHANG);
    const answer = await add(zhang, {
      regionCode: JINGAN,
      detail: '南京西路 1266 号 12 楼',
      name: '张伟',
      phone: '139 1234 5678',
    });
    expect(answer.status).toBe(201);
    const address = (answer.body as { address: AddressView }).address;
    expect(address).toMatchObject({
      regionCode: JINGAN,
      region: { zh: '上海市静安区', en: "Jing'an District, Shanghai" },
      maskedName: '张*',
      maskedPhone: '139****5678',
      detail: '南京西路 1266 号 12 楼',
    });
    const list = await requestAs(url, zhang, '/_shop/addresses');
    expect((list.body as { addresses: AddressView[] }).addresses).toEqual([address]);

    // At rest: routing fields in the clear, nothing personal readable.
    const row = (await storage.getDocs(ADDRESSES_DB, [address.id], null)).get(address.id)!;
    const raw = JSON.stringify(row.body);
    for (const secret of ['张伟', '13912345678', '5678', '南京西路', '1266']) {
      expect(raw).not.toContain(secret);
    }
    expect(row.body).toMatchObject({ customerKey: 'M0001', regionCode: JINGAN });

    const ship = await sealedAddressBook(DEMO_PRIVACY_KEYS.kms).forRouting(
      { getDocs: (db, ids) => storage.getDocs(db, ids, null) },
      address.id,
    );
    expect(ship).toEqual({
      id: address.id,
      customerKey: 'M0001',
      regionCode: JINGAN,
      point: { lat: 31.229, lng: 121.448 },
      shipTo: {
        name: '张*',
        phone: '139****5678',
        region: '上海市静安区',
        detail: '南京西路 1266 号 12 楼',
      },
    });
  });

  it("[SHP15] another customer's address is refused like none; a removed one routes nowhere", async () => {
    const zhang = await signIn(ZHANG);
    const stranger = await signIn(STRANGER);
    const { address } = (
      await add(zhang, { regionCode: XIHU, detail: '文三路 1 号', name: '张伟', phone: ZHANG })
    ).body as { address: AddressView };
    expect((await requestAs(url, stranger, '/_shop/addresses')).body).toEqual({ addresses: [] });
    const theirs = await requestAs(url, stranger, `/_shop/addresses/${address.id}`, {
      method: 'DELETE',
    });
    expect(theirs.status).toBe(404);
    const quote = await requestAs(
      url,
      stranger,
      `/_shop/delivery-options?addressId=${address.id}&lines=SKU-0002:1`,
    );
    expect(quote.status).toBe(404);

    const removed = await requestAs(url, zhang, `/_shop/addresses/${address.id}`, {
      method: 'DELETE',
    });
    expect(removed.status).toBe(200);
    expect((await requestAs(url, zhang, '/_shop/addresses')).body).toEqual({ addresses: [] });
    const book = sealedAddressBook(DEMO_PRIVACY_KEYS.kms);
    const reader = {
      getDocs: (db: never, ids: readonly string[]) => storage.getDocs(db, ids, null),
    };
    expect(await book.forRouting(reader, address.id)).toBeNull();
    const row = (await storage.getDocs(ADDRESSES_DB, [address.id], null)).get(address.id)!;
    expect(Object.keys(row.body).sort()).toEqual(['customerKey', 'id', 'removedAt']);
  });

  it('[SHP14] bad input is a 400 naming the field, and stores nothing (fuzzed)', async () => {
    const zhang = await signIn(ZHANG);
    const valid = { regionCode: JINGAN, detail: '南京西路 1 号', name: '张伟', phone: ZHANG };
    for (const [field, value] of [
      ['regionCode', '310000'], // a municipality has districts: name one
      ['regionCode', '330100'],
      ['regionCode', '999999'],
      ['detail', ''],
      ['detail', 'x'.repeat(121)],
      ['name', ' '],
      ['name', '名'.repeat(41)],
      ['phone', '12345678901'],
      ['phone', '0215555555'],
    ] as const) {
      const answer = await add(zhang, { ...valid, [field]: value });
      expect(answer.status, `${field}=${value}`).toBe(400);
      expect(answer.text).toContain(field);
    }
    const before = await stored();
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          regionCode: fc.oneof(fc.constantFrom(JINGAN, '310000', '441900', ''), fc.string()),
          detail: fc.oneof(fc.string({ maxLength: 130 }), fc.integer()),
          name: fc.oneof(fc.string({ maxLength: 45 }), fc.constant(null)),
          phone: fc.oneof(fc.constantFrom(ZHANG, '1380013800', '+86 138 0013 8001'), fc.string()),
        },
        { requiredKeys: [] },
      ),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const answer = await add(zhang, b);
        expect(answer.status, answer.text).toBeLessThan(500);
        if (answer.status === 201) accepted += 1;
        else expect(answer.status).toBe(400);
      }),
      { numRuns: 60, seed: 15 },
    );
    expect((await stored()).length).toBe(before.length + accepted);
    for (const q of ['lines=SKU-0002:1', 'addressId=nope', 'addressId=nope&lines=SKU-0002:0']) {
      const answer = await requestAs(url, zhang, `/_shop/delivery-options?${q}`);
      expect([400, 404]).toContain(answer.status);
    }
  });

  it('[SHP17] delivery options: express and same-city near the stores, pickup at the nearest that have it, nothing held', async () => {
    const zhang = await signIn(ZHANG);
    const near = (
      (
        await add(zhang, {
          regionCode: JINGAN,
          detail: '南京西路 1 号',
          name: '张伟',
          phone: ZHANG,
        })
      ).body as { address: AddressView }
    ).address;
    const far = (
      (await add(zhang, { regionCode: XIHU, detail: '文三路 1 号', name: '张伟', phone: ZHANG }))
        .body as { address: AddressView }
    ).address;
    const stockBefore = await storage.findDocs('stock', {});
    const quote = async (addressId: string, lines: string) => {
      const answer = await requestAs(
        url,
        zhang,
        `/_shop/delivery-options?addressId=${addressId}&lines=${lines}`,
      );
      expect(answer.status, answer.text).toBe(200);
      return answer.body as DeliveryQuote;
    };
    const here = await quote(near.id, 'SKU-0001:1');
    expect(here.ship).toMatchObject({ available: true, promiseDays: { min: 1, max: 2 } });
    expect(here.ship.parcels[0]?.distanceMetres).toBeLessThan(10_000);
    expect(here.sameCity.available).toBe(true);
    expect(here.sameCity.window).toEqual({
      from: '2026-03-01T04:30:00.000Z',
      to: '2026-03-01T05:30:00.000Z',
    });
    expect(here.pickup.stores.length).toBeGreaterThan(0);
    expect(here.pickup.stores[0]!.distanceMetres).toBeLessThan(
      here.pickup.stores.at(-1)!.distanceMetres! + 1,
    );

    const there = await quote(far.id, 'SKU-0001:1');
    expect(there.ship.available).toBe(true);
    expect(there.sameCity).toMatchObject({ available: false, parcels: [] });

    const tooMany = await quote(near.id, 'SKU-0001:99');
    expect(tooMany.ship.available).toBe(false);
    expect(tooMany.ship.short[0]).toMatchObject({ sku: 'SKU-0001', requested: 99 });
    expect(tooMany.pickup.stores).toEqual([]);
    // A quote holds nothing.
    expect(await storage.findDocs('stock', {})).toEqual(stockBefore);
  });
  it("[SHP18] [SHP19] an order for express delivery to the customer's address: routed, paid, its parcel shown; NOT_ROUTABLE charges nothing", async () => {
    const zhang = await signIn(ZHANG);
    const stranger = await signIn(STRANGER);
    const { address } = (
      await add(zhang, { regionCode: JINGAN, detail: '南京西路 1 号', name: '张伟', phone: ZHANG })
    ).body as { address: AddressView };
    const place = (token: string, body: unknown, key: string) =>
      requestAs(url, token, '/_shop/orders', { body, headers: { 'idempotency-key': key } });
    const ship = { mode: 'ship', addressId: address.id };

    // Another's address is none; pickup and delivery together are refused.
    expect(
      (await place(stranger, { delivery: ship, lines: [{ sku: 'SKU-0002', quantity: 1 }] }, 'a'))
        .status,
    ).toBe(404);
    expect(
      (
        await place(
          zhang,
          { storeId: 'S001', delivery: ship, lines: [{ sku: 'SKU-0002', quantity: 1 }] },
          'b',
        )
      ).status,
    ).toBe(400);

    const orders = async () => (await storage.findDocs(ORDERS_DB, {})).length;
    const before = await orders();
    const short = await place(
      zhang,
      { delivery: ship, lines: [{ sku: 'SKU-0001', quantity: 99 }] },
      'c',
    );
    expect(short.status).toBe(409);
    expect(short.body).toMatchObject({
      code: 'NOT_ROUTABLE',
      short: [{ mode: 'ship', sku: 'SKU-0001', requested: 99 }],
    });
    expect(await orders()).toBe(before);

    const placed = await place(
      zhang,
      { delivery: ship, lines: [{ sku: 'SKU-0001', quantity: 1 }] },
      'd',
    );
    expect(placed.status, placed.text).toBe(201);
    const id = (placed.body as { order: { id: string } }).order.id;
    expect(placed.body).toMatchObject({
      order: {
        status: 'held',
        delivery: { mode: 'ship', region: { zh: '上海市静安区' }, detail: '南京西路 1 号' },
        parcels: [],
        pickup: [],
      },
    });
    const paying = await requestAs(url, zhang, `/_shop/orders/${id}/pay`, { method: 'POST' });
    expect(paying.body).toMatchObject({ notified: true });
    const read = await requestAs(url, zhang, `/_shop/orders/${id}`);
    const order = (read.body as { order: { status: string; parcels: unknown[] } }).order;
    expect(order.status).toBe('paid');
    expect(order.parcels).toEqual([
      expect.objectContaining({
        mode: 'ship',
        status: 'open',
        trackingNo: expect.stringMatching(/^SF\d{13}$/),
        store: { id: 'S001', name: expect.any(String), distanceMetres: expect.any(Number) },
        why: { eligible: expect.any(Number), decidedBy: expect.any(String) },
        lines: [expect.objectContaining({ sku: 'SKU-0001', quantity: 1 })],
      }),
    ]);
    expect(JSON.stringify(order.parcels)).not.toContain('张');
  });
});
