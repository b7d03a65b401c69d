/**
 * [P8] A longpoll whose heartbeats already sent 200 and then fails is cut
 * off, so real clients see a failed request, never a 200 with an error body:
 * RxDB's CouchDB replication and PouchDB 9 retry, a revoked token's retry
 * gets 401 and is reported, and after a passing server error they continue.
 */
import { SCHEMAS, type Product } from '@pos/domain';
import PouchDB, { type PouchDatabase } from 'pouchdb-core';
import httpAdapter from 'pouchdb-adapter-http';
import memoryAdapter from 'pouchdb-adapter-memory';
import replication from 'pouchdb-replication';
import { createRxDatabase, type RxCollection, type RxJsonSchema } from 'rxdb';
import { replicateCouchDB } from 'rxdb/plugins/replication-couchdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionDeviceToken } from './auth';
import { StorageUnavailableError, type SyncStorage } from './storage/storage';
import { BACKENDS, startTestServer, type TestServer } from './test-support';

const Pouch = PouchDB.plugin(httpAdapter).plugin(memoryAdapter).plugin(replication);

const backend = BACKENDS[0]!; // how the HTTP shell ends a response, whatever the database

let dbCounter = 0;

describe('errors after a heartbeat', () => {
  let server: TestServer;
  let token: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeEach(async () => {
    server = await startTestServer(backend);
    token = (await provisionDeviceToken(server.storage, { deviceId: 'S001-POS9', storeId: 'S001' }))
      .token;
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server.close();
  });

  /** A live RxDB pull of products with 1 s heartbeats; `headers` fires when a longpoll's status arrived. */
  async function rxdbPull(onLongpollHeaders: () => void) {
    const db = await createRxDatabase<{ products: RxCollection<Product> }>({
      name: `heartbeat${++dbCounter}`,
      storage: getRxStorageMemory(),
      multiInstance: false,
    });
    await db.addCollections({
      products: { schema: SCHEMAS.products as unknown as RxJsonSchema<Product> },
    });
    // As the POS replica does: an error status is a failed request, retried.
    const authorizedFetch: typeof fetch = async (input, init = {}) => {
      const response = await fetch(input, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      });
      if (!response.ok) throw new Error(`the sync server answered ${response.status}`);
      if (String(input).includes('feed=longpoll')) onLongpollHeaders();
      return response;
    };
    const state = replicateCouchDB<Product>({
      replicationIdentifier: `products-${server.url}-${dbCounter}`,
      collection: db.products,
      url: `${server.url}/products/`,
      fetch: authorizedFetch,
      live: true,
      waitForLeadership: false,
      retryTime: 100,
      pull: { batchSize: 50, heartbeat: 1000 },
    });
    const errors: string[] = [];
    state.error$.subscribe((error) => errors.push(JSON.stringify(error)));
    return { db, state, errors };
  }

  it('[P8] [A6] RxDB: a token revoked while its longpoll waits is cut off, and the retry gets 401, reported as an error', async () => {
    let headers!: () => void;
    const longpollStarted = new Promise<void>((resolve) => (headers = resolve));
    const { db, state, errors } = await rxdbPull(() => headers());
    try {
      await state.awaitInitialReplication();
      await longpollStarted; // a heartbeat has sent 200
      const reported = firstValueFrom(
        state.error$.pipe(filter((error) => JSON.stringify(error).includes('answered 401'))),
      );
      await server.storage.revokeDevice('S001-POS9');
      await reported;
      expect(errors.some((e) => e.includes('answered 401'))).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      await state.cancel();
      await db.close();
    }
  });

  it('[P8] [ST12] RxDB: a server error after a heartbeat is retried and the pull continues', async () => {
    // Longpolls whose status has arrived, and who waits for the next one.
    let longpolls = 0;
    let nextLongpoll = () => {};
    const longpollNumber = (n: number) =>
      new Promise<void>((resolve) => {
        if (longpolls >= n) resolve();
        else nextLongpoll = () => longpolls >= n && resolve();
      });
    const { db, state, errors } = await rxdbPull(() => {
      longpolls++;
      nextLongpoll();
    });
    const storage = server.storage as SyncStorage;
    const [product] = (await storage.getDocs('products', ['SKU-0004'], null)).values();
    const writeProduct = async (id: string) => {
      const arrived = firstValueFrom(db.products.findOne(id).$.pipe(filter((doc) => doc !== null)));
      const written = await storage.bulkWrite([
        { db: 'products', id, body: { ...product!.body, id }, storeId: null, expectedRev: null },
      ]);
      expect(written[0]?.ok).toBe(true);
      await arrived;
    };
    try {
      await state.awaitInitialReplication();
      await longpollNumber(1);
      // A change the live pull receives, so its next longpoll reads from a sequence number.
      await writeProduct('P-ONE');
      await longpollNumber(2); // its heartbeat has sent 200
      // The next read of the changes fails once, as when the database connection drops.
      const changesJson = storage.changesJson.bind(storage);
      let failing = true;
      storage.changesJson = (...args) => {
        if (!failing) return changesJson(...args);
        failing = false;
        return Promise.reject(new StorageUnavailableError(new Error('Connection terminated')));
      };
      await writeProduct('P-NEW');
      expect(failing).toBe(false);
      expect(errors.length).toBeGreaterThan(0);
      expect(unhandled).toEqual([]);
    } finally {
      await state.cancel();
      await db.close();
    }
  });

  /** A live PouchDB 9 pull of products with 1 s heartbeats, retrying; `onLongpollHeaders` as for RxDB. */
  function pouchPull(onLongpollHeaders: () => void) {
    const remote: PouchDatabase = new Pouch(`${server.url}/products`, {
      fetch: async (url, init = {}) => {
        const headers = new Headers(init.headers);
        headers.set('authorization', `Bearer ${token}`);
        const href = typeof url === 'string' ? url : url.url;
        const response = await Pouch.fetch(href, { ...init, headers });
        if (href.includes('feed=longpoll') && response.ok) onLongpollHeaders();
        return response;
      },
    });
    const local: PouchDatabase = new Pouch(`heartbeat-pouch-${++dbCounter}`, { adapter: 'memory' });
    const received = new Set<string>();
    let wanted: { id: string; resolve: () => void } | null = null;
    const live = local.replicate.from(remote, {
      live: true,
      retry: true,
      heartbeat: 1000,
      back_off_function: () => 100,
    });
    live.on('change', (info) => {
      for (const doc of info.docs) received.add(doc._id);
      if (wanted && received.has(wanted.id)) wanted.resolve();
    });
    return {
      live,
      arrived: (id: string) =>
        new Promise<void>((resolve) => {
          if (received.has(id)) resolve();
          else wanted = { id, resolve };
        }),
      async close() {
        live.cancel();
        await local.destroy();
        await remote.close();
      },
    };
  }

  it('[P8] [A6] PouchDB 9: a token revoked while its longpoll waits is cut off; the retry gets 401 and replication stops with the error', async () => {
    let headers!: () => void;
    const longpollStarted = new Promise<void>((resolve) => (headers = resolve));
    const pull = pouchPull(() => headers());
    try {
      const failed = new Promise<unknown>((resolve) => pull.live.on('error', resolve));
      await longpollStarted;
      await server.storage.revokeDevice('S001-POS9');
      expect(await failed).toMatchObject({ status: 401 });
    } finally {
      await pull.close();
    }
  });

  it('[P8] [ST12] PouchDB 9: a server error after a heartbeat is retried and the pull continues', async () => {
    let longpolls = 0;
    let nextLongpoll = () => {};
    const longpollNumber = (n: number) =>
      new Promise<void>((resolve) => {
        if (longpolls >= n) resolve();
        else nextLongpoll = () => longpolls >= n && resolve();
      });
    const pull = pouchPull(() => {
      longpolls++;
      nextLongpoll();
    });
    const storage = server.storage as SyncStorage;
    const [product] = (await storage.getDocs('products', ['SKU-0004'], null)).values();
    const writeProduct = async (id: string) => {
      const arrived = pull.arrived(id);
      const written = await storage.bulkWrite([
        { db: 'products', id, body: { ...product!.body, id }, storeId: null, expectedRev: null },
      ]);
      expect(written[0]?.ok).toBe(true);
      await arrived;
    };
    try {
      await longpollNumber(1);
      await writeProduct('P-ONE');
      await longpollNumber(longpolls + 1); // a longpoll from P-ONE's sequence number, its 200 sent
      const changesJson = storage.changesJson.bind(storage);
      let failing = true;
      storage.changesJson = (...args) => {
        if (!failing || !args[1].since) return changesJson(...args);
        failing = false;
        return Promise.reject(new StorageUnavailableError(new Error('Connection terminated')));
      };
      await writeProduct('P-NEW');
      expect(failing).toBe(false);
      expect(unhandled).toEqual([]);
    } finally {
      await pull.close();
    }
  });

  it('[P8] a raw client sees the connection cut, never a 200 with an error body', async () => {
    const longpoll = fetch(
      `${server.url}/products/_changes?feed=longpoll&since=now&heartbeat=1000&timeout=60000`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    const response = await longpoll; // the heartbeat sent the status
    expect(response.status).toBe(200);
    const body = response.text();
    await server.storage.revokeDevice('S001-POS9');
    await expect(body).rejects.toThrow();
    const retry = await fetch(
      `${server.url}/products/_changes?feed=longpoll&since=now&heartbeat=1000`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(retry.status).toBe(401);
  });
});
