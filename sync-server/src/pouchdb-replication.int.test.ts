/**
 * A real PouchDB 9 (memory adapter) pulls a one-way copy from the server
 * with a device token, as a chain's own CouchDB/PouchDB tooling would, and a
 * second pull resumes from its checkpoint. [PD1]-[PD4]
 */
import PouchDB, { type PouchDatabase, type PouchDoc } from 'pouchdb-core';
import httpAdapter from 'pouchdb-adapter-http';
import memoryAdapter from 'pouchdb-adapter-memory';
import replication from 'pouchdb-replication';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  asPushed,
  demoSale,
  startTestServer,
  type TestServer,
} from './test-support';

const Pouch = PouchDB.plugin(httpAdapter).plugin(memoryAdapter).plugin(replication);

type Changes = { results: { id: string; doc: PouchDoc }[]; last_seq: number };

let counter = 0;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`PouchDB 9 one-way pull on ${backend.name}`, () => {
    let server: TestServer;
    const locals: PouchDatabase[] = [];
    const remotes: PouchDatabase[] = [];
    beforeEach(async () => {
      server = await startTestServer(backend);
    });
    afterEach(async () => {
      for (const db of locals.splice(0)) await db.destroy();
      for (const db of remotes.splice(0)) await db.close();
      await server.close();
    });

    /** The server database `name` as PouchDB sees it with `token`, logging each request. */
    function remote(name: string, token: string, requests: string[]) {
      const db = new Pouch(`${server.url}/${name}`, {
        fetch: (url, init = {}) => {
          const headers = new Headers(init.headers);
          headers.set('authorization', `Bearer ${token}`);
          const href = typeof url === 'string' ? url : url.url;
          requests.push(`${init.method ?? 'GET'} ${href.slice(server.url.length)}`);
          return Pouch.fetch(href, { ...init, headers });
        },
      });
      remotes.push(db);
      return db;
    }

    function local() {
      const db = new Pouch(`pull-${++counter}`, { adapter: 'memory' });
      locals.push(db);
      return db;
    }

    /** What the server holds for this device, as CouchDB documents, by id. */
    async function serverDocs(name: string, token: string) {
      const res = await server.request(token, `/${name}/_changes?include_docs=true`);
      const docs = (res.body as Changes).results.map((r) => r.doc);
      return docs.sort((a, b) => a._id.localeCompare(b._id));
    }

    async function localDocs(db: PouchDatabase) {
      const all = await db.allDocs({ include_docs: true });
      return all.rows.map((r) => r.doc!).sort((a, b) => a._id.localeCompare(b._id));
    }

    it('[PD1] [PD2] [PD3] pulls a full copy of the catalog and its store stock', async () => {
      for (const name of ['products', 'stock']) {
        const requests: string[] = [];
        const copy = local();
        const result = await copy.replicate.from(remote(name, S001_DEVICE.token, requests), {
          batch_size: 7,
        });
        expect(result).toMatchObject({ ok: true, doc_write_failures: 0 });
        const expected = await serverDocs(name, S001_DEVICE.token);
        expect(expected).toHaveLength(28);
        expect(await localDocs(copy)).toEqual(expected);
        // It used the batch endpoints and kept its checkpoint on the server too.
        expect(requests).toContainEqual(expect.stringMatching(/^POST \/\w+\/_bulk_get\?/));
        expect(requests).toContainEqual(expect.stringMatching(/^PUT \/\w+\/_local\//));
        expect(requests.filter((r) => /^GET \/\w+\/[^_]/.test(r))).toEqual([]);
      }
    });

    it('[PD1] [PD4] a second pull resumes from the checkpoint and copies only what changed', async () => {
      const copy = local();
      const first = await copy.replicate.from(remote('stock', S001_DEVICE.token, []));
      expect(first.docs_written).toBe(28);

      const sale = demoSale(S001_DEVICE, 1, [
        ['SKU-0001', 2],
        ['SKU-0007', 1],
      ]);
      const pushed = await server.request(S001_DEVICE.token, '/saleFacts/_bulk_docs', {
        body: { docs: [asPushed(sale)] },
      });
      expect(pushed.status).toBe(201);

      const requests: string[] = [];
      const second = await copy.replicate.from(remote('stock', S001_DEVICE.token, requests));
      expect(second).toMatchObject({ ok: true, docs_read: 2, docs_written: 2 });
      const changesRequest = requests.find((r) => r.includes('/_changes?'))!;
      expect(changesRequest).toContain(`since=${first.last_seq}`);
      expect(await localDocs(copy)).toEqual(await serverDocs('stock', S001_DEVICE.token));
      const level = (await localDocs(copy)).find((d) => d._id === 'S001:SKU-0001');
      expect(level?._rev).toMatch(/^2-/);
    });

    it('[PD1] checkpoints are per principal: another device cannot read or overwrite them', async () => {
      const requests: string[] = [];
      await local().replicate.from(remote('products', S001_DEVICE.token, requests));
      const put = requests.find((r) => r.startsWith('PUT /products/_local/'))!;
      const path = put.slice('PUT '.length);
      const mine = await server.request(S001_DEVICE.token, path);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ _id: expect.stringMatching(/^_local\//), _rev: '0-1' });
      expect((mine.body as { last_seq: unknown }).last_seq).toBeDefined();
      expect((await server.request(S002_DEVICE.token, path)).status).toBe(404);
      // The other device's write lands in its own namespace.
      const theirs = await server.request(S002_DEVICE.token, path, {
        method: 'PUT',
        body: { last_seq: 0 },
      });
      expect(theirs).toMatchObject({ status: 201, body: { ok: true, rev: '0-1' } });
      expect((await server.request(S001_DEVICE.token, path)).body).toEqual(mine.body);
    });
  });
}
