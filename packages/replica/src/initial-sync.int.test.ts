import { afterAll, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  DEMO_PRODUCTS,
  DEMO_STYLE_PRODUCTS,
  DEMO_STORES,
  startSyncServer,
  type RunningSyncServer,
} from '@pos/sync-server';
import { COLLECTIONS } from '@pos/domain';
import { REPLICA_COLLECTIONS, openReplica } from './database';
import { trackInitialSync } from './initial-sync';
import { startReplication } from './replication';

describe('initial sync progress against the sync server', () => {
  let server: RunningSyncServer;
  afterAll(() => server?.close());

  it("counts up to everything the server holds for this device's store, then reports done", async () => {
    server = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
    const db = await openReplica({ name: 'initial-sync', storage: getRxStorageMemory() });
    const target = { url: server.url, token: 'demo-s001-pos1' };
    const replication = startReplication(db, target);
    const updates = await lastValueFrom(trackInitialSync(replication, target).pipe(toArray()));
    await replication.stop();
    // Everything that flows down to this terminal: the chain-wide catalog and
    // store S001's own stock, members and staff.
    let expected = 0;
    for (const name of REPLICA_COLLECTIONS.filter((n) => COLLECTIONS[n].direction === 'down'))
      expected += await db[name].count().exec();
    expect(await db.stock.count().exec()).toBe(DEMO_PRODUCTS.length + DEMO_STYLE_PRODUCTS.length);
    expect(expected).toBeGreaterThan(DEMO_STORES.length + DEMO_PRODUCTS.length * 3);
    await db.close();

    const last = updates.at(-1)!;
    expect(last).toMatchObject({ done: true, percent: 100, received: expected, total: expected });
    const percents = updates.map((u) => u.percent).filter((p): p is number => p !== null);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });
});
