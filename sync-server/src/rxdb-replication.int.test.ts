/**
 * A real RxDB 17 client (memory storage, the CouchDB replication plugin)
 * against the server: pull catalog and stock, push a sale, and see the
 * server's stock projection flow back down.
 */
import {
  SCHEMAS,
  addProduct,
  buildCashSale,
  emptyCart,
  type Product,
  type Sale,
  type StockLevel,
} from '@pos/domain';
import { createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { replicateCouchDB, type RxCouchDBReplicationState } from 'rxdb/plugins/replication-couchdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PRICES, DEMO_STOCK } from './demo-data';
import { BACKENDS, S001_DEVICE, startTestServer, type TestServer } from './test-support';

type Collections = {
  products: RxCollection<Product>;
  stock: RxCollection<StockLevel>;
  sales: RxCollection<Sale>;
};

let dbCounter = 0;

/** A device's local replica: the collections the POS needs, replicating to `serverUrl`. */
async function openDevice(serverUrl: string, token: string) {
  const db: RxDatabase<Collections> = await createRxDatabase<Collections>({
    name: `device${++dbCounter}`,
    storage: getRxStorageMemory(),
    multiInstance: false,
  });
  await db.addCollections({
    products: { schema: SCHEMAS.products as unknown as RxJsonSchema<Product> },
    stock: { schema: SCHEMAS.stock as unknown as RxJsonSchema<StockLevel> },
    sales: { schema: SCHEMAS.sales as unknown as RxJsonSchema<Sale> },
  });
  const authorizedFetch: typeof fetch = (input, init = {}) =>
    fetch(input, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
  const errors: unknown[] = [];
  const replicate = <T>(collection: RxCollection<T>, direction: 'pull' | 'push') => {
    const state = replicateCouchDB<T>({
      replicationIdentifier: `${collection.name}-${serverUrl}`,
      collection,
      url: `${serverUrl}/${collection.name}/`,
      fetch: authorizedFetch,
      live: true,
      waitForLeadership: false,
      retryTime: 500,
      ...(direction === 'pull' ? { pull: { batchSize: 7 } } : { push: { batchSize: 10 } }),
    });
    state.error$.subscribe((error) => errors.push(error));
    return state;
  };
  const replications: RxCouchDBReplicationState<unknown>[] = [
    replicate(db.products, 'pull'),
    replicate(db.stock, 'pull'),
    replicate(db.sales, 'push'),
  ] as RxCouchDBReplicationState<unknown>[];
  const [products, stock, sales] = replications as [
    RxCouchDBReplicationState<Product>,
    RxCouchDBReplicationState<StockLevel>,
    RxCouchDBReplicationState<Sale>,
  ];
  return {
    db,
    errors,
    replication: { products, stock, sales },
    async close() {
      await Promise.all(replications.map((r) => r.cancel()));
      await db.close();
    },
  };
}

/** Resolves when the local stock level `id` has `onHand`; fails after 15 s. */
function localOnHand(db: RxDatabase<Collections>, id: string, onHand: number) {
  return firstValueFrom(
    db.stock.findOne(id).$.pipe(
      filter((doc) => doc?.onHand === onHand),
      timeout(15_000),
    ),
  );
}

/** The replicated product `sku`, once it has been pulled. */
async function waitForProduct(db: RxDatabase<Collections>, sku: string) {
  const doc = await firstValueFrom(
    db.products.findOne(sku).$.pipe(
      filter((d) => d !== null),
      timeout(15_000),
    ),
  );
  return doc!.toJSON();
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`RxDB 17 replication on ${backend.name}`, () => {
    let server: TestServer;
    const devices: { close(): Promise<void> }[] = [];
    beforeEach(async () => {
      server = await startTestServer(backend);
    });
    afterEach(async () => {
      for (const device of devices.splice(0)) await device.close();
      await server.close();
    });

    it('[F2] pulls products and stock, pushes a sale, and the lowered stock flows back', async () => {
      const device = await openDevice(server.url, S001_DEVICE.token);
      devices.push(device);
      const { db, replication } = device;
      await Promise.all(Object.values(replication).map((r) => r.awaitInSync()));

      expect(await db.products.count().exec()).toBe(20);
      const levels = await db.stock.find().exec();
      expect(levels).toHaveLength(20);
      expect(levels.every((level) => level.storeId === 'S001')).toBe(true);
      const rice = (await db.products.findOne('SKU-0005').exec())!;
      expect(rice.toJSON()).not.toHaveProperty('_id');
      const before = DEMO_STOCK.find((s) => s.id === 'S001:SKU-0005')!.onHand;
      expect((await db.stock.findOne('S001:SKU-0005').exec())?.onHand).toBe(before);

      // The POS sells two bags of rice from the replicated catalog.
      const cart = addProduct(
        emptyCart('CNY'),
        rice.toJSON() as Product,
        DEMO_PRICES.find((p) => p.sku === 'SKU-0005'),
        2,
      );
      const sale = buildCashSale(cart, 20_000, {
        id: 'S001-POS1-01JRXDB0000000000000000001',
        storeId: 'S001',
        deviceId: 'S001-POS1',
        now: '2026-01-02T03:04:05.000Z',
      });
      await db.sales.insert(sale);
      await replication.sales.awaitInSync();

      const serverLevel = await server.request(S001_DEVICE.token, '/stock/S001:SKU-0005');
      expect(serverLevel.body).toMatchObject({ onHand: before - 2 });
      const serverSale = await server.request(S001_DEVICE.token, `/sales/${sale.id}`);
      expect(serverSale.body).toMatchObject({
        _id: sale.id,
        total: sale.total,
        change: sale.change,
      });

      // The live longpoll brings the server's new stock level down.
      const local = await localOnHand(db, 'S001:SKU-0005', before - 2);
      expect(local?.toJSON()).toEqual({
        id: 'S001:SKU-0005',
        storeId: 'S001',
        sku: 'SKU-0005',
        onHand: before - 2,
      });
      expect(device.errors).toEqual([]);
    });

    it('[F3] a device that lost its replication state pushes the same sale again: no error, no second movement', async () => {
      const sale = buildCashSale(
        addProduct(
          emptyCart('CNY'),
          {
            id: 'SKU-0001',
            name: '农夫山泉 550ml',
            gtin: '06904321000012',
            category: 'Beverages',
            taxClass: 'VAT13',
            status: 'active',
          },
          DEMO_PRICES[0],
          3,
        ),
        600,
        {
          id: 'S001-POS1-01JRXDB0000000000000000002',
          storeId: 'S001',
          deviceId: 'S001-POS1',
          now: '2026-01-02T03:04:05.000Z',
        },
      );
      const before = DEMO_STOCK.find((s) => s.id === 'S001:SKU-0001')!.onHand;
      for (let attempt = 0; attempt < 2; attempt++) {
        // A fresh local database each time: no checkpoint, no assumed master state.
        const device = await openDevice(server.url, S001_DEVICE.token);
        devices.push(device);
        await device.db.sales.insert(sale);
        await device.replication.sales.awaitInSync();
        await localOnHand(device.db, 'S001:SKU-0001', before - 3);
        expect(device.errors).toEqual([]);
        const local = await device.db.sales.findOne(sale.id).exec();
        expect(local?.toJSON()).toEqual(sale);
      }
      const level = await server.request(S001_DEVICE.token, '/stock/S001:SKU-0001');
      expect(level.body).toMatchObject({ onHand: before - 3 });
    });

    it('[F4] a sale changed on the device after its push is refused, and RxDB restores the recorded fact', async () => {
      const device = await openDevice(server.url, S001_DEVICE.token);
      devices.push(device);
      const sale = buildCashSale(
        addProduct(
          emptyCart('CNY'),
          (await waitForProduct(device.db, 'SKU-0008')) as Product,
          DEMO_PRICES[7],
          1,
        ),
        1000,
        {
          id: 'S001-POS1-01JRXDB0000000000000000003',
          storeId: 'S001',
          deviceId: 'S001-POS1',
          now: '2026-01-02T03:04:05.000Z',
        },
      );
      const doc = await device.db.sales.insert(sale);
      await device.replication.sales.awaitInSync();
      // Facts must not change; a buggy device changes one anyway.
      await doc.incrementalPatch({ soldAt: '2030-01-01T00:00:00.000Z' });
      await device.replication.sales.awaitInSync();
      // The server answered "conflict"; RxDB fetched the recorded sale and kept it.
      const local = await firstValueFrom(
        device.db.sales.findOne(sale.id).$.pipe(
          filter((d) => d?.soldAt === sale.soldAt),
          timeout(15_000),
        ),
      );
      expect(local?.toJSON()).toEqual(sale);
      const stored = await server.request(S001_DEVICE.token, `/sales/${sale.id}`);
      expect(stored.body).toMatchObject({
        _rev: expect.stringMatching(/^1-/),
        soldAt: sale.soldAt,
      });
      expect(device.errors).toEqual([]);
    });
  });
}
