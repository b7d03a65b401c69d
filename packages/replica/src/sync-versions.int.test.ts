import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  CURRENT_VERSIONS,
  SCHEMA_VERSIONS,
  SYNC_PROTOCOL_VERSION,
  formatSchemaVersions,
  toFact,
} from '@pos/domain';
import { INDEX_KEY_FIXTURE, saleFactFixture } from '@pos/domain/fixtures';
import { startSyncServer, type RunningSyncServer } from '@pos/sync-server';
import { REPLICA_COLLECTIONS, openReplica } from './database';
import { findMember } from './members';
import { startReplication, type SyncTarget } from './replication';

const TOKEN = 'demo-s001-pos1';

/** A target whose every request is recorded, to see what the replica sends. */
function recordingTarget(url: string): { target: SyncTarget; sent: Headers[]; urls: string[] } {
  const sent: Headers[] = [];
  const urls: string[] = [];
  const target: SyncTarget = {
    url,
    token: TOKEN,
    fetch: async (input, init) => {
      sent.push(new Headers(init?.headers));
      urls.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    },
  };
  return { target, sent, urls };
}

describe('the replica speaks the sync contract', () => {
  let server: RunningSyncServer;
  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
  });
  afterAll(() => server?.close());

  it('[VC5] sends the protocol and every collection version on every request, and syncs with a matching server', async () => {
    const db = await openReplica({ name: 'versions-match', storage: getRxStorageMemory() });
    const { target, sent, urls } = recordingTarget(server.url);
    const replication = startReplication(db, target);
    await replication.awaitInitialSync();
    expect(await db.products.count().exec()).toBeGreaterThan(0);
    const lookup = await findMember(
      db,
      target,
      { by: 'phone', phone: '13900000000' },
      INDEX_KEY_FIXTURE,
    );
    expect(lookup.status).not.toBe('unknown');
    expect(urls.some((url) => url.includes('/_members/lookup'))).toBe(true);
    expect(sent.length).toBeGreaterThan(13);
    for (const headers of sent) {
      expect(headers.get('x-pos-protocol')).toBe(String(SYNC_PROTOCOL_VERSION));
      // [DS1] The versions of the collections the replica opened, as the domain defines them.
      expect(headers.get('x-pos-schema')).toBe(
        formatSchemaVersions(
          Object.fromEntries(REPLICA_COLLECTIONS.map((name) => [name, SCHEMA_VERSIONS[name]])),
        ),
      );
    }
    const status = await firstValueFrom(replication.status$);
    expect(status.incompatibility ?? null).toBeNull();
    await replication.stop();
    await db.close();
  });

  it('[RM8] reports its app version on every request and the facts not yet pushed', async () => {
    const db = await openReplica({ name: 'device-report', storage: getRxStorageMemory() });
    const { target, sent, urls } = recordingTarget(server.url);
    const replication = startReplication(db, { ...target, appVersion: '9.8.7' });
    await replication.awaitInitialSync();
    const sale = saleFactFixture({ id: 'S001-POS1-01JREPORT0000000000000001' });
    await db.facts.insert(toFact('sale', sale));
    await replication.awaitInSync();
    expect(sent.every((h) => h.get('x-pos-app-version') === '9.8.7')).toBe(true);
    const pushes = sent.filter((_, i) => urls[i]!.includes('/facts/_bulk_docs'));
    // The push of the sale went while it was still waiting; nothing waits after it.
    expect(pushes.map((h) => h.get('x-pos-facts-waiting'))).toContain('1');
    expect(sent.every((h) => /^\d+$/.test(h.get('x-pos-facts-waiting') ?? ''))).toBe(true);
    await replication.stop();
    await db.close();
  });

  it('[VC4] [VC5] a replica with a newer collection version is refused and says the server must be updated', async () => {
    const db = await openReplica({ name: 'versions-newer', storage: getRxStorageMemory() });
    // A build whose domain raised the products schema: its versions are these.
    const schemaVersions = { ...SCHEMA_VERSIONS, products: SCHEMA_VERSIONS.products + 1 };
    const replication = startReplication(db, { url: server.url, token: TOKEN, schemaVersions });
    const status = await firstValueFrom(
      replication.status$.pipe(filter((s) => Boolean(s.incompatibility))),
    );
    expect(status.incompatibility).toMatchObject({
      error: 'server_outdated',
      incompatibility: 'server_schema_too_old',
      collections: [
        {
          collection: 'products',
          client: SCHEMA_VERSIONS.products + 1,
          server: SCHEMA_VERSIONS.products,
        },
      ],
    });
    expect(status.lastError).toMatch(/^The sync server is older than this app/);
    expect(status.lastError).toMatch(/products: this device 1, the server 0/);
    expect(status.lastError).toMatch(/Update the server/);
    expect(await db.products.count().exec()).toBe(0);
    await replication.stop();
    await db.close();
  });

  describe('against a server whose products schema is newer', () => {
    let newer: RunningSyncServer;
    beforeAll(async () => {
      newer = await startSyncServer({
        port: 0,
        dataDir: 'memory://',
        seedDemo: true,
        versions: {
          ...CURRENT_VERSIONS,
          schemas: { ...CURRENT_VERSIONS.schemas, products: SCHEMA_VERSIONS.products + 1 },
        },
      });
    });
    afterAll(() => newer?.close());

    it('[VC3] [VC5] an older replica is refused with 426 and says the app must be updated', async () => {
      const db = await openReplica({ name: 'versions-older', storage: getRxStorageMemory() });
      const { target, urls } = recordingTarget(newer.url);
      const replication = startReplication(db, target);
      const status = await firstValueFrom(
        replication.status$.pipe(filter((s) => Boolean(s.incompatibility))),
      );
      expect(status.incompatibility).toMatchObject({
        error: 'protocol_outdated',
        incompatibility: 'client_schema_too_old',
        collections: [{ collection: 'products', client: 0, server: 1 }],
      });
      expect(status.lastError).toMatch(/^This app is too old for the sync server/);
      expect(status.lastError).toMatch(/Update the app; sales stay on this device/);
      const answer = await fetch(urls[0]!, {
        headers: { authorization: `Bearer ${TOKEN}`, 'x-pos-schema': 'products=0' },
      });
      expect(answer.status).toBe(426);
      // A third-party CouchDB tool that sends no versions still reads ([VC1]).
      const plain = await fetch(`${newer.url}/products`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(plain.status).toBe(200);
      expect(await db.products.count().exec()).toBe(0);
      await replication.stop();
      await db.close();
    });
  });
});
