import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstValueFrom, filter } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { startSyncServer, type RunningSyncServer } from '@pos/sync-server';
import { openReplica } from './database';
import { startReplication } from './replication';

describe('replication against a server that refuses the terminal', () => {
  let server: RunningSyncServer;
  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
  });
  afterAll(() => server?.close());

  it('reports the refusal in words and keeps retrying instead of dying', async () => {
    const db = await openReplica({ name: 'refused', storage: getRxStorageMemory() });
    // Every request the replica makes: its collection, whether it is a live pull, its status.
    const requests: { collection: string; live: boolean; status: number }[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const response = await fetch(input, init);
      requests.push({
        collection: url.pathname.split('/')[1]!,
        live: url.searchParams.get('feed') === 'normal', // the live pull, polled
        status: response.status,
      });
      return response;
    };
    const replication = startReplication(db, {
      url: server.url,
      token: 'revoked-or-mistyped',
      fetch: recordingFetch,
    });
    const status = await firstValueFrom(
      replication.status$.pipe(filter((s) => s.lastError !== null)),
    );
    expect(status.lastError).toMatch(/^The sync server answered 401 unauthorized: /);
    // The live pull loop is refused too, and asks again instead of dying.
    const retriedAfterLiveRefusal = () =>
      requests.some(
        (r, i) =>
          r.live &&
          r.status === 401 &&
          requests.slice(i + 1).some((later) => later.collection === r.collection),
      );
    await expect.poll(retriedAfterLiveRefusal, { timeout: 30_000 }).toBe(true);
    expect(await db.products.count().exec()).toBe(0);
    await replication.stop();
    await db.close();
  });
});
