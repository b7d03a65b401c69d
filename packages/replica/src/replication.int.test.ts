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
    const replication = startReplication(db, { url: server.url, token: 'revoked-or-mistyped' });
    const status = await firstValueFrom(
      replication.status$.pipe(filter((s) => s.lastError !== null)),
    );
    expect(status.lastError).toMatch(/^The sync server answered 401 unauthorized: /);
    // Give the live longpoll loop time to see an error reply too.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await db.products.count().exec()).toBe(0);
    await replication.stop();
    await db.close();
  });
});
