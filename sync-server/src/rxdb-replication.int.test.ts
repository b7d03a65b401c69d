/**
 * A real RxDB 17 client (memory storage, the CouchDB replication plugin)
 * against the server: pull catalog and stock, push a sale, and see the
 * server's stock projection flow back down.
 */
import { SCHEMAS, type Product, type SaleFact, type StockLevel } from '@pos/domain';
import { createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { replicateCouchDB, type RxCouchDBReplicationState } from 'rxdb/plugins/replication-couchdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_STOCK } from './demo-data';
import { BACKENDS, S001_DEVICE, demoSale, startTestServer, type TestServer } from './test-support';

type Collections = {
  products: RxCollection<Product>;
  stock: RxCollection<StockLevel>;
  saleFacts: RxCollection<SaleFact>;
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
    saleFacts: { schema: SCHEMAS.saleFacts as unknown as RxJsonSchema<SaleFact> },
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
    replicate(db.saleFacts, 'push'),
  ] as RxCouchDBReplicationState<unknown>[];
  const [products, stock, sales] = replications as [
    RxCouchDBReplicationState<Product>,
    RxCouchDBReplicationState<StockLevel>,
    RxCouchDBReplicationState<SaleFact>,
  ];
  return {
    db,
    errors,
    replication: { products, stock, saleFacts: sales },
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

      expect(await db.products.count().exec()).toBe(28);
      const levels = await db.stock.find().exec();
      expect(levels).toHaveLength(28);
      expect(levels.every((level) => level.storeId === 'S001')).toBe(true);
      const rice = (await db.products.findOne('SKU-0005').exec())!;
      expect(rice.toJSON()).not.toHaveProperty('_id');
      const before = DEMO_STOCK.find((s) => s.id === 'S001:SKU-0005')!.onHand;
      expect((await db.stock.findOne('S001:SKU-0005').exec())?.onHand).toBe(before);

      // The POS sells two bags of rice from the replicated catalog.
      const sale = demoSale(S001_DEVICE, 1, [['SKU-0005', 2]]);
      expect(sale.lines[0]).toMatchObject({ name: (rice.toJSON() as Product).name, quantity: 2 });
      await db.saleFacts.insert(sale);
      await replication.saleFacts.awaitInSync();

      const serverLevel = await server.request(S001_DEVICE.token, '/stock/S001:SKU-0005');
      expect(serverLevel.body).toMatchObject({ onHand: before - 2 });
      const serverSale = await server.request(S001_DEVICE.token, `/saleFacts/${sale.id}`);
      expect(serverSale.body).toMatchObject({
        _id: sale.id,
        due: sale.due,
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
      const sale = demoSale(S001_DEVICE, 2, [['SKU-0001', 3]]);
      const before = DEMO_STOCK.find((s) => s.id === 'S001:SKU-0001')!.onHand;
      for (let attempt = 0; attempt < 2; attempt++) {
        // A fresh local database each time: no checkpoint, no assumed master state.
        const device = await openDevice(server.url, S001_DEVICE.token);
        devices.push(device);
        await device.db.saleFacts.insert(sale);
        await device.replication.saleFacts.awaitInSync();
        await localOnHand(device.db, 'S001:SKU-0001', before - 3);
        expect(device.errors).toEqual([]);
        const local = await device.db.saleFacts.findOne(sale.id).exec();
        expect(local?.toJSON()).toEqual(sale);
      }
      const level = await server.request(S001_DEVICE.token, '/stock/S001:SKU-0001');
      expect(level.body).toMatchObject({ onHand: before - 3 });
    });

    it('[F4] a sale changed on the device after its push is refused, and RxDB restores the recorded fact', async () => {
      const device = await openDevice(server.url, S001_DEVICE.token);
      devices.push(device);
      await waitForProduct(device.db, 'SKU-0008');
      const sale = demoSale(S001_DEVICE, 3, [['SKU-0008', 1]]);
      const doc = await device.db.saleFacts.insert(sale);
      await device.replication.saleFacts.awaitInSync();
      // Facts must not change; a buggy device changes one anyway.
      await doc.incrementalPatch({ soldAt: '2030-01-01T00:00:00.000Z' });
      await device.replication.saleFacts.awaitInSync();
      // The server answered "conflict"; RxDB fetched the recorded sale and kept it.
      const local = await firstValueFrom(
        device.db.saleFacts.findOne(sale.id).$.pipe(
          filter((d) => d?.soldAt === sale.soldAt),
          timeout(15_000),
        ),
      );
      expect(local?.toJSON()).toEqual(sale);
      const stored = await server.request(S001_DEVICE.token, `/saleFacts/${sale.id}`);
      expect(stored.body).toMatchObject({
        _rev: expect.stringMatching(/^1-/),
        soldAt: sale.soldAt,
      });
      expect(device.errors).toEqual([]);
    });
  });
}
