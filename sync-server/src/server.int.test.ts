/**
 * The HTTP server on a free port over each storage backend: protocol
 * endpoints, auth scoping, and pushing sales.
 */
import { DEMO_STYLE_PRODUCTS } from './demo-clerk';
import type { StockLevel } from '@pos/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS, DEMO_STOCK } from './demo-data';
import { pushDocs } from './push';
import { createSyncServer } from './server';
import type { SyncStorage } from './storage/storage';
import {
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  asPushed,
  demoSale,
  startTestServer,
  waitForLongpolls,
  type TestServer,
} from './test-support';

type Doc = Record<string, unknown> & { _id: string; _rev: string };
type Changes = {
  results: { seq: number; id: string; changes: { rev: string }[]; doc?: Doc }[];
  last_seq: number;
};
type AllDocs = {
  total_rows: number;
  rows: (
    { id: string; key: string; value: { rev: string }; doc?: Doc } | { key: string; error: string }
  )[];
};
type BulkRow = { ok?: true; id: string; rev?: string; error?: string; reason?: string };
type DbInfo = { db_name: string; doc_count: number; update_seq: number };

const S001 = S001_DEVICE.token;
const S002 = S002_DEVICE.token;
const initialOnHand = (id: string) => DEMO_STOCK.find((s) => s.id === id)!.onHand;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`sync server on ${backend.name}`, () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer(backend);
    });
    afterEach(async () => {
      await server.close();
    });

    const get = <T>(token: string | null, path: string) =>
      server.request(token, path).then((r) => ({ ...r, body: r.body as T }));
    const post = <T>(token: string | null, path: string, body: unknown) =>
      server.request(token, path, { body }).then((r) => ({ ...r, body: r.body as T }));
    const stockOf = async (token: string, id: string) =>
      (await get<Doc & StockLevel>(token, `/stock/${encodeURIComponent(id)}`)).body.onHand;

    describe('protocol', () => {
      it('[P4] GET / names the protocol version, without a token', async () => {
        const res = await get<Record<string, unknown>>(null, '/');
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ couchdb: 'Welcome', protocol: 1 });
      });

      it('[P6] allows any origin with Authorization and answers preflight', async () => {
        const pre = await server.request(null, '/stock/_changes', {
          method: 'OPTIONS',
          headers: {
            origin: 'http://localhost:5173',
            'access-control-request-headers': 'authorization',
          },
        });
        expect(pre.status).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe('*');
        expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
        expect(pre.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
        // [RM8] The headers a browser's replica sends on every request (a preflight refusing
        // them stops the till's replication altogether).
        expect(pre.headers.get('access-control-allow-headers')).toMatch(/X-Pos-App-Version/i);
        expect(pre.headers.get('access-control-allow-headers')).toMatch(/X-Pos-Facts-Waiting/i);
        expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/);
        const res = await server.request(S001, '/products');
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
      });

      it('[P4] answers errors as {error, reason} with their status, never a stack trace', async () => {
        const cases: [
          string | null,
          string,
          { method?: string; body?: unknown },
          number,
          string,
        ][] = [
          [S001, '/orders', {}, 404, 'not_found'],
          [S001, '/products/_design/x', {}, 404, 'not_found'],
          [S001, '/products/SKU-9999', {}, 404, 'not_found'],
          [S001, '/products/_local/abc', {}, 404, 'not_found'],
          [S001, '/products/_bulk_get', { body: { docs: [{ rev: 1 }] } }, 400, 'bad_request'],
          [null, '/products', {}, 401, 'unauthorized'],
          ['not-a-token', '/products/_changes', {}, 401, 'unauthorized'],
          [S001, '/products/_changes?feed=continuous', {}, 400, 'bad_request'],
          [S001, '/products/_changes?since=abc', {}, 400, 'bad_request'],
          [S001, '/products/_bulk_docs', { body: '{"docs": [' }, 400, 'bad_request'],
          [S001, '/products/_bulk_docs', { body: { docs: 'x' } }, 400, 'bad_request'],
          [S001, '/products/_all_docs', { body: {} }, 400, 'bad_request'],
          [S001, '/products/_bulk_docs', { method: 'GET' }, 405, 'method_not_allowed'],
          [S001, '/products/%E0%A4%A', {}, 400, 'bad_request'],
        ];
        for (const [token, path, init, status, error] of cases) {
          const res = await server.request(token, path, init);
          expect([path, res.status, res.body]).toMatchObject([path, status, { error }]);
          const reason = (res.body as { reason: string }).reason;
          expect(reason.length).toBeGreaterThan(3);
          expect(reason).not.toMatch(/\n\s+at /);
        }
        const unauthorized = await server.request(null, '/stock');
        expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');
      });

      it('[P7] refuses a body over 10 MB with 413', async () => {
        const res = await server.request(S001, '/saleFacts/_bulk_docs', {
          body: JSON.stringify({ docs: [], pad: 'x'.repeat(10 * 1024 * 1024) }),
        });
        expect(res.status).toBe(413);
        expect(res.body).toMatchObject({ error: 'too_large' });
      });

      it('[P4] a storage failure is a 500 with a plain reason, and is logged', async () => {
        const broken = {
          findDeviceToken: () => Promise.reject(new Error('disk on fire')),
          listen: () => () => {},
          observe: () => () => {},
        } as Partial<SyncStorage> as SyncStorage;
        const logged: string[] = [];
        const other = createSyncServer({
          storage: broken,
          log: (_l, m, f) => logged.push(m + JSON.stringify(f)),
        });
        const url = await other.listen(0);
        try {
          const res = await fetch(`${url}/products`, {
            headers: { authorization: `Bearer ${S001}` },
          });
          expect(res.status).toBe(500);
          expect(await res.json()).toEqual({
            error: 'internal_server_error',
            reason: 'the server failed to answer; see its log',
          });
          expect(logged.join()).toMatch(/disk on fire/);
        } finally {
          await other.close();
        }
      });

      it('[P1] GET /{db} and GET /{db}/{id} answer like CouchDB', async () => {
        const info = await get<DbInfo>(S001, '/products');
        expect(info.body).toMatchObject({ db_name: 'products', doc_count: 28 });
        expect(info.body.update_seq).toBeGreaterThan(0);
        const doc = await get<Doc>(S001, '/products/SKU-0001');
        expect(doc.body).toEqual({
          _id: 'SKU-0001',
          _rev: expect.stringMatching(/^1-[0-9a-f]{32}$/),
          name: '农夫山泉 550ml',
          gtin: DEMO_PRODUCTS[0]!.gtin,
          category: 'Beverages',
          taxClass: 'VAT13',
          status: 'active',
        });
      });

      it('[P5] _changes pages with since and limit, in seq order, with docs as RxDB asks', async () => {
        const page1 = await get<Changes>(
          S001,
          '/products/_changes?style=all_docs&feed=normal&include_docs=true&since=0&heartbeat=60000&limit=15&seq_interval=15',
        );
        expect(page1.status).toBe(200);
        expect(page1.body.results).toHaveLength(15);
        const first = page1.body.results[0]!;
        expect(first).toMatchObject({ id: 'SKU-0001', changes: [{ rev: first.doc!._rev }] });
        expect(first.doc).toMatchObject({ _id: 'SKU-0001', name: '农夫山泉 550ml' });
        expect(first.doc).not.toHaveProperty('id');
        expect(page1.body.last_seq).toBe(page1.body.results[14]!.seq);
        const page2 = await get<Changes>(
          S001,
          `/products/_changes?since=${page1.body.last_seq}&limit=15`,
        );
        expect(page2.body.results.map((r) => r.id)).toEqual(
          // [DM3] The demo style's SKUs are seeded after the 20 products.
          [...DEMO_PRODUCTS, ...DEMO_STYLE_PRODUCTS].slice(15).map((p) => p.id),
        );
        expect(page2.body.results[0]).not.toHaveProperty('doc');
        const seqs = [...page1.body.results, ...page2.body.results].map((r) => r.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        const info = await get<DbInfo>(S001, '/products');
        expect(page2.body.last_seq).toBe(info.body.update_seq);
        const now = await get<Changes>(S001, '/products/_changes?since=now');
        expect(now.body).toEqual({ results: [], last_seq: info.body.update_seq });
      });

      it('[P5] a longpoll waits for the next change and wakes on it', async () => {
        const { update_seq } = (await get<DbInfo>(S001, '/stock')).body;
        const waiting = get<Changes>(
          S001,
          '/stock/_changes?style=all_docs&feed=longpoll&since=now&include_docs=true&heartbeat=60000&limit=20',
        );
        await waitForLongpolls(server.url, 1);
        // Another store's change does not wake S001's longpoll with rows.
        await post(S002, '/saleFacts/_bulk_docs', {
          docs: [asPushed(demoSale(S002_DEVICE, 1, [['SKU-0002', 1]]))],
        });
        await post(S001, '/saleFacts/_bulk_docs', {
          docs: [asPushed(demoSale(S001_DEVICE, 1, [['SKU-0003', 2]]))],
        });
        const res = await waiting;
        expect(res.status).toBe(200);
        expect(res.body.results.map((r) => [r.id, r.doc?.onHand])).toEqual([
          ['S001:SKU-0003', initialOnHand('S001:SKU-0003') - 2],
        ]);
        expect(res.body.last_seq).toBeGreaterThan(update_seq);
      });

      it('[P5] a longpoll with nothing new answers empty at its timeout, heartbeats tolerated', async () => {
        const since = (await get<DbInfo>(S001, '/products')).body.update_seq;
        const res = await server.request(
          S001,
          `/products/_changes?feed=longpoll&since=${since}&timeout=1500&heartbeat=1000`,
        );
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ results: [], last_seq: since });
      });

      it('[P5] _all_docs answers keys by POST (RxDB push) and GET (RxDB conflicts)', async () => {
        const posted = await post<AllDocs>(S001, '/products/_all_docs', {
          keys: ['SKU-0002', 'NOPE'],
          include_docs: true,
          deleted: 'ok',
        });
        expect(posted.status).toBe(200);
        expect(posted.body.total_rows).toBe(28);
        expect(posted.body.rows).toEqual([
          {
            id: 'SKU-0002',
            key: 'SKU-0002',
            value: { rev: expect.stringMatching(/^1-/) },
            doc: expect.objectContaining({ _id: 'SKU-0002' }),
          },
          { key: 'NOPE', error: 'not_found' },
        ]);
        const got = await get<AllDocs>(
          S001,
          '/products/_all_docs?include_docs=true&keys=["SKU-0002"]',
        );
        expect(got.body.rows).toEqual([posted.body.rows[0]]);
      });
    });

    describe('auth scoping', () => {
      it("[A2] a device reads chain-wide data fully but only its own store's stock", async () => {
        // 20 products and the 8 SKUs of the demo style ([DM3]).
        expect((await get<DbInfo>(S002, '/products')).body.doc_count).toBe(28);
        const stock = await get<Changes>(S002, '/stock/_changes?include_docs=true');
        expect(stock.body.results).toHaveLength(28);
        expect(stock.body.results.every((r) => r.doc?.storeId === 'S002')).toBe(true);
        expect((await get<DbInfo>(S002, '/stock')).body.doc_count).toBe(28);
        expect((await server.request(S002, '/stock/S001:SKU-0001')).status).toBe(404);
        expect((await server.request(S002, '/stock/S002:SKU-0001')).status).toBe(200);
        const all = await post<AllDocs>(S002, '/stock/_all_docs', {
          keys: ['S001:SKU-0001', 'S002:SKU-0001'],
          include_docs: true,
        });
        expect(all.body.rows.map((r) => ('error' in r ? r.error : r.id))).toEqual([
          'not_found',
          'S002:SKU-0001',
        ]);
      });

      it("[A2] a device reads only its own store's sales", async () => {
        const sale = demoSale(S001_DEVICE, 7, [['SKU-0001', 1]]);
        await post(S001, '/saleFacts/_bulk_docs', { docs: [asPushed(sale)] });
        expect((await get<Changes>(S002, '/saleFacts/_changes')).body.results).toEqual([]);
        expect((await server.request(S002, `/saleFacts/${sale.id}`)).status).toBe(404);
        expect(
          (await get<Changes>(S001, '/saleFacts/_changes')).body.results.map((r) => r.id),
        ).toEqual([sale.id]);
      });

      it("[A4] a device cannot push another store's sale; [A3] nor write what flows down", async () => {
        const s001Sale = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
        const res = await post<BulkRow[]>(S002, '/saleFacts/_bulk_docs', {
          docs: [asPushed(s001Sale)],
        });
        expect(res.status).toBe(201);
        expect(res.body).toEqual([
          {
            id: s001Sale.id,
            error: 'forbidden',
            reason: "storeId must be this device's store S002",
          },
        ]);
        const stock = await post<BulkRow[]>(S001, '/stock/_bulk_docs', {
          docs: [
            { _id: 'S001:SKU-0001', _rev: 'x', storeId: 'S001', sku: 'SKU-0001', onHand: 1000 },
          ],
        });
        expect(stock.body).toEqual([
          {
            id: 'S001:SKU-0001',
            error: 'forbidden',
            reason: 'stock is owned by the server and flows down only; devices cannot write it',
          },
        ]);
        const prices = await post<BulkRow[]>(S001, '/prices/_bulk_docs', {
          docs: [
            {
              _id: 'CN-LIST:SKU-0001',
              priceList: 'CN-LIST',
              sku: 'SKU-0001',
              amount: 1,
              currency: 'CNY',
            },
          ],
        });
        expect(prices.body[0]).toMatchObject({ error: 'forbidden' });
        expect(await stockOf(S001, 'S001:SKU-0001')).toBe(initialOnHand('S001:SKU-0001'));
        expect((await get<DbInfo>(S001, '/saleFacts')).body.doc_count).toBe(0);
      });
    });

    describe('pushing sales', () => {
      it('[F2] stores the sale and lowers stock, and the new stock flows back through _changes', async () => {
        const before = (await get<DbInfo>(S001, '/stock')).body.update_seq;
        const sale = demoSale(S001_DEVICE, 1, [
          ['SKU-0001', 3],
          ['SKU-0014', 1],
        ]);
        const res = await post<BulkRow[]>(S001, '/saleFacts/_bulk_docs', {
          docs: [asPushed(sale)],
        });
        expect(res.status).toBe(201);
        expect(res.body).toEqual([{ ok: true, id: sale.id, rev: expect.stringMatching(/^1-/) }]);

        const stored = await get<Doc>(S001, `/saleFacts/${sale.id}`);
        const { id: _id, ...fields } = sale;
        expect(stored.body).toEqual({ _id: sale.id, _rev: res.body[0]!.rev, ...fields });

        const changes = await get<Changes>(
          S001,
          `/stock/_changes?since=${before}&include_docs=true`,
        );
        expect(
          changes.body.results.map((r) => [r.id, r.doc?.onHand, r.changes[0]!.rev.slice(0, 2)]),
        ).toEqual([
          ['S001:SKU-0001', initialOnHand('S001:SKU-0001') - 3, '2-'],
          ['S001:SKU-0014', initialOnHand('S001:SKU-0014') - 1, '2-'],
        ]);
        // Other stores' stock is untouched.
        expect(await stockOf(S002, 'S002:SKU-0001')).toBe(initialOnHand('S002:SKU-0001'));
      });

      it('[F2] the sale and its stock movements commit together or not at all', async () => {
        const real = server.storage;
        const failing: SyncStorage = Object.assign(Object.create(real) as SyncStorage, {
          transaction: <T>(work: Parameters<SyncStorage['transaction']>[0]) =>
            real.transaction((tx) =>
              work({
                getDocs: (db, ids) => tx.getDocs(db, ids),
                prefetch: (reads) => tx.prefetch(reads),
                membersByPhoneIndex: (index) => tx.membersByPhoneIndex(index),
                findDocs: (db, match) => tx.findDocs(db, match),
                put: (write) =>
                  write.db === 'stock'
                    ? Promise.reject(new Error('stock write failed'))
                    : tx.put(write),
                putMany: (writes) =>
                  writes.some((write) => write.db === 'stock')
                    ? Promise.reject(new Error('stock write failed'))
                    : tx.putMany(writes),
              }),
            ) as Promise<T>,
        });
        const sale = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
        const principal = { kind: 'device', ...S001_DEVICE } as const;
        await expect(pushDocs(failing, principal, 'saleFacts', [asPushed(sale)])).rejects.toThrow(
          'stock write failed',
        );
        expect((await get<DbInfo>(S001, '/saleFacts')).body.doc_count).toBe(0);
        expect(await stockOf(S001, 'S001:SKU-0001')).toBe(initialOnHand('S001:SKU-0001'));
      });

      it('[F3] replaying the same sale, with any _rev or none, is a no-op success', async () => {
        const sale = demoSale(S001_DEVICE, 1, [['SKU-0005', 2]]);
        const first = await post<BulkRow[]>(S001, '/saleFacts/_bulk_docs', {
          docs: [asPushed(sale)],
        });
        const stockSeq = (await get<DbInfo>(S001, '/stock')).body.update_seq;
        const salesSeq = (await get<DbInfo>(S001, '/saleFacts')).body.update_seq;
        // Keys in another order, with the server's rev, a stale rev, and as a second copy in one batch.
        const reordered = Object.fromEntries(Object.entries(asPushed(sale)).reverse());
        const replay = await post<BulkRow[]>(S001, '/saleFacts/_bulk_docs', {
          docs: [
            reordered,
            asPushed(sale, first.body[0]!.rev),
            asPushed(sale, '7-stale'),
            asPushed(sale),
          ],
        });
        expect(replay.body).toEqual(
          Array(4).fill({ ok: true, id: sale.id, rev: first.body[0]!.rev }),
        );
        expect(await stockOf(S001, 'S001:SKU-0005')).toBe(initialOnHand('S001:SKU-0005') - 2);
        expect((await get<DbInfo>(S001, '/stock')).body.update_seq).toBe(stockSeq);
        expect((await get<DbInfo>(S001, '/saleFacts')).body.update_seq).toBe(salesSeq);
      });

      it('[F4] a changed sale under a recorded id is refused and the fact stays', async () => {
        const sale = demoSale(S001_DEVICE, 1, [['SKU-0005', 2]]);
        const first = await post<BulkRow[]>(S001, '/saleFacts/_bulk_docs', {
          docs: [asPushed(sale)],
        });
        const changed = { ...sale, soldAt: '2026-01-03T00:00:00.000Z' };
        const res = await post<BulkRow[]>(S001, '/saleFacts/_bulk_docs', {
          docs: [asPushed(changed, first.body[0]!.rev)],
        });
        expect(res.body).toEqual([
          {
            id: sale.id,
            error: 'conflict',
            reason:
              'saleFacts are immutable facts: a different one with this id is already recorded',
          },
        ]);
        expect((await get<Doc>(S001, `/saleFacts/${sale.id}`)).body).toMatchObject({
          _rev: first.body[0]!.rev,
          soldAt: sale.soldAt,
        });
        expect(await stockOf(S001, 'S001:SKU-0005')).toBe(initialOnHand('S001:SKU-0005') - 2);
      });

      it('[F1] an invalid sale gets a per-document error and nothing of it is stored', async () => {
        const good = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
        const bad = demoSale(S001_DEVICE, 2, [['SKU-0002', 4]]);
        const wrong = { ...bad, lines: bad.lines.map((l) => ({ ...l, amount: l.amount - 1 })) };
        const res = await post<BulkRow[]>(S001, '/saleFacts/_bulk_docs', {
          docs: [asPushed(wrong), asPushed(good), { _id: '', total: 1 }],
        });
        expect(res.body).toEqual([
          {
            id: bad.id,
            error: 'forbidden',
            reason: expect.stringMatching(
              /^invalid saleFacts: \$\.lines\[0\]\.amount must equal unitPrice × quantity; /,
            ) as unknown as string,
          },
          { ok: true, id: good.id, rev: expect.stringMatching(/^1-/) },
          { id: null, error: 'bad_request', reason: '_id must be a non-empty string' },
        ]);
        expect((await server.request(S001, `/saleFacts/${bad.id}`)).status).toBe(404);
        expect(await stockOf(S001, 'S001:SKU-0002')).toBe(initialOnHand('S001:SKU-0002'));
        expect(await stockOf(S001, 'S001:SKU-0001')).toBe(initialOnHand('S001:SKU-0001') - 1);
      });

      it('[PJ1] a sale of a SKU without a stock level creates it at 0 - quantity', async () => {
        const missing = 'S001:SKU-0020';
        await server.storage.transaction(async (tx) => {
          // Simulate a store that never stocked the product by moving the level away.
          const level = (await tx.getDocs('stock', [missing])).get(missing)!;
          await tx.put({
            db: 'stock',
            id: missing,
            body: { ...level.body, onHand: 0 },
            storeId: 'S001',
            expectedRev: level.rev,
          });
        });
        await post(S001, '/saleFacts/_bulk_docs', {
          docs: [asPushed(demoSale(S001_DEVICE, 3, [['SKU-0020', 2]]))],
        });
        expect(await stockOf(S001, missing)).toBe(-2);
      });

      it('[ST1] parallel pushes while a follower reads _changes: every sale once, in seq order', async () => {
        const perDevice = 30;
        const expected = new Set<string>();
        const seen: { id: string; seq: number }[] = [];
        let since = 0;
        let done = false;
        const follower = (async () => {
          for (let reads = 0; reads < 20_000 && seen.length < perDevice; reads++) {
            const writersFinished = done;
            const page = await get<Changes>(S001, `/saleFacts/_changes?since=${since}&limit=4`);
            for (const row of page.body.results) seen.push({ id: row.id, seq: row.seq });
            since = page.body.last_seq;
            if (writersFinished && page.body.results.length === 0) break;
          }
        })();
        const pushes: Promise<unknown>[] = [];
        for (let n = 0; n < perDevice; n++) {
          const s1 = demoSale(S001_DEVICE, n, [['SKU-0010', 1]]);
          const s2 = demoSale(S002_DEVICE, n, [['SKU-0010', 1]]);
          expected.add(s1.id);
          pushes.push(post(S001, '/saleFacts/_bulk_docs', { docs: [asPushed(s1)] }));
          pushes.push(post(S002, '/saleFacts/_bulk_docs', { docs: [asPushed(s2)] }));
        }
        await Promise.all(pushes);
        done = true;
        await follower;
        expect(seen.map((s) => s.id).sort()).toEqual([...expected].sort());
        for (let i = 1; i < seen.length; i++)
          expect(seen[i]!.seq).toBeGreaterThan(seen[i - 1]!.seq);
        expect(await stockOf(S001, 'S001:SKU-0010')).toBe(
          initialOnHand('S001:SKU-0010') - perDevice,
        );
        expect(await stockOf(S002, 'S002:SKU-0010')).toBe(
          initialOnHand('S002:SKU-0010') - perDevice,
        );
      });
    });
  });
}
