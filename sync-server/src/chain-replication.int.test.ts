/**
 * [DM3] [VG1] The chain's documents (the demo style, the commission table)
 * reach a device: served by `_changes` and `_all_docs` to a device token, and
 * pulled by a real RxDB replica.
 */
import { SCHEMAS, styleDocId, type Style } from '@pos/domain';
import { createRxDatabase, type RxCollection, type RxJsonSchema } from 'rxdb';
import { replicateCouchDB } from 'rxdb/plugins/replication-couchdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_STYLE, DEMO_TABLETS } from './demo-clerk';
import { BACKENDS, startTestServer, type TestServer } from './test-support';

type ChainDoc = { id: string; kind: string; updatedAt?: string };
const [TABLET] = DEMO_TABLETS;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`chain documents to devices on ${backend.name}`, () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer(backend);
    });
    afterEach(async () => {
      await server.close();
    });

    it('[DM3] [VG1] _changes and _all_docs serve the style and the commission table to a tablet', async () => {
      const changes = await server.request(TABLET.token, '/chain/_changes?include_docs=true');
      expect(changes.status).toBe(200);
      const docs = (changes.body as { results: { id: string; doc: ChainDoc }[] }).results;
      expect(docs.map((r) => r.id).sort()).toEqual(['commissionRules', styleDocId('TEE-01')]);
      const all = await server.request(TABLET.token, '/chain/_all_docs', {
        body: { keys: [styleDocId('TEE-01')], include_docs: true },
      });
      const rows = (all.body as { rows: { doc: Style & { _id: string } }[] }).rows;
      expect(rows[0]!.doc).toMatchObject({ _id: DEMO_STYLE.id, variants: DEMO_STYLE.variants });
    });

    it('[DM3] [VG1] a real RxDB replica pulls the style', async () => {
      const db = await createRxDatabase<{ chain: RxCollection<ChainDoc> }>({
        name: `tablet-chain-${Math.random().toString(36).slice(2)}`,
        storage: getRxStorageMemory(),
        multiInstance: false,
      });
      try {
        await db.addCollections({
          chain: { schema: SCHEMAS.chain as unknown as RxJsonSchema<ChainDoc> },
        });
        const replication = replicateCouchDB<ChainDoc>({
          replicationIdentifier: `chain-${server.url}`,
          collection: db.chain,
          url: `${server.url}/chain/`,
          fetch: (input, init = {}) =>
            fetch(input, {
              ...init,
              headers: {
                ...(init.headers as Record<string, string>),
                authorization: `Bearer ${TABLET.token}`,
              },
            }),
          live: false,
          waitForLeadership: false,
          pull: { batchSize: 10 },
        });
        await replication.awaitInitialReplication();
        const style = await db.chain.findOne(DEMO_STYLE.id).exec();
        expect(style?.toJSON()).toMatchObject({
          kind: 'style',
          styleId: 'TEE-01',
          sizes: ['S', 'M', 'L', 'XL'],
        });
        expect(await db.chain.count().exec()).toBe(2);
        await replication.cancel();
      } finally {
        await db.close();
      }
    });
  });
}
