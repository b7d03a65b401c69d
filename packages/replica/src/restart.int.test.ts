/**
 * A terminal restarting resumes replication from its checkpoint: the second
 * start downloads nothing it already holds, only what changed meanwhile.
 * Real parts: the sync server on PGlite over HTTP, RxDB replication-couchdb.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { merge } from 'rxjs';
import { COLLECTIONS, type Price } from '@pos/domain';
import {
  DEMO_PRICES,
  DEMO_PRODUCTS,
  DEMO_STYLE_PRODUCTS,
  startSyncServer,
  type RunningSyncServer,
} from '@pos/sync-server';
import { REPLICA_COLLECTIONS, openReplica } from './database';
import { startReplication } from './replication';

const storage = getRxStorageMemory();
const DOWN = REPLICA_COLLECTIONS.filter((name) => COLLECTIONS[name].direction === 'down');

/** One start of the terminal: opens its replica, syncs, counts documents pulled, closes. */
async function start(
  url: string,
): Promise<{ pulled: string[]; downloaded: number; products: number }> {
  const db = await openReplica({ name: 'restarting-terminal', storage });
  const replication = startReplication(db, { url, token: 'demo-s001-pos1' });
  const pulled: string[] = [];
  const subscription = merge(...DOWN.map((name) => replication.states[name].received$)).subscribe(
    (doc) => pulled.push((doc as unknown as { id: string }).id),
  );
  let downloaded = 0;
  subscription.add(replication.downloaded$.subscribe((n) => (downloaded += n)));
  await replication.awaitInitialSync();
  await replication.awaitInSync();
  subscription.unsubscribe();
  await replication.stop();
  const products = await db.products.count().exec();
  await db.close();
  return { pulled, downloaded, products };
}

describe('a terminal restarting', () => {
  let server: RunningSyncServer;
  afterAll(() => server?.close());

  it('resumes from its checkpoint instead of downloading the catalog again', async () => {
    server = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
    const first = await start(server.url);
    expect(first.products).toBe(DEMO_PRODUCTS.length + DEMO_STYLE_PRODUCTS.length);
    // [CDL1] The first start downloads the catalog in pages, below replication.
    expect(first.downloaded).toBeGreaterThanOrEqual(DEMO_PRODUCTS.length * 2);
    expect(first.pulled).toEqual([]);

    // While the terminal is off, one price changes on the server.
    const old = DEMO_PRICES[0]!;
    const [row] = (await server.storage.getDocs('prices', [old.id], null)).values();
    const changed: Price = { ...old, amount: old.amount + 100 };
    const [written] = await server.storage.bulkWrite([
      { db: 'prices', id: old.id, body: changed, storeId: null, expectedRev: row!.rev },
    ]);
    expect(written?.ok).toBe(true);

    const second = await start(server.url);
    expect(second.products).toBe(DEMO_PRODUCTS.length + DEMO_STYLE_PRODUCTS.length);
    expect(second.pulled).toEqual([old.id]);
    expect(second.downloaded).toBe(0);
  });
});
