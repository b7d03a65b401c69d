/**
 * Provisioning, revocation, admin tokens, the version check, the rate limit
 * and the PouchDB batch endpoints, over HTTP on each storage backend.
 */
import { connect } from 'node:net';
import { formatSchemaVersions, syncVersionHeaders, withCheckDigit } from '@pos/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken, provisionAdminToken, provisionDeviceToken } from './auth';
import { DEMO_STYLE_PRODUCTS, DEMO_STYLE_STOCK } from './demo-clerk';
import { DEMO_PRODUCTS, DEMO_STOCK, DEMO_WAREHOUSE_STOCK } from './demo-data';
import { SYNC_PROTOCOL_VERSION } from './protocol';
import { createSyncServer } from './server';
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
import { SERVER_VERSIONS } from './version';

type Doc = Record<string, unknown> & { _id: string; _rev: string };
type BulkRow = { ok?: true; id: string; rev?: string; error?: string; reason?: string };

const S001 = S001_DEVICE.token;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`access on ${backend.name}`, () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer(backend);
    });
    afterEach(async () => {
      await server.close();
    });

    describe('provisioning and revocation', () => {
      it('[A5] a provisioned device gets a random token, stored only hashed, bound to its store', async () => {
        const device = { deviceId: 'S001-POS2', storeId: 'S001' };
        const { token, replaced } = await provisionDeviceToken(server.storage, device);
        expect(replaced).toBe(0);
        expect(token).toMatch(/^pos_[A-Za-z0-9_-]{43}$/);
        expect(await server.storage.findDeviceToken(hashToken(token))).toEqual(device);
        expect(await server.storage.findDeviceToken(token)).toBeNull();
        const stock = await server.request(token, '/stock');
        expect(stock.body).toMatchObject({
          doc_count: DEMO_PRODUCTS.length + DEMO_STYLE_PRODUCTS.length,
        });
        // It pushes its own store's facts.
        const sale = demoSale({ ...device }, 1, [['SKU-0001', 1]]);
        const pushed = await server.request(token, '/saleFacts/_bulk_docs', {
          body: { docs: [asPushed(sale)] },
        });
        expect(pushed.body).toEqual([{ ok: true, id: sale.id, rev: expect.any(String) }]);
        expect(await server.storage.listDevices()).toContainEqual(device);
      });

      it('[A5] provisioning again replaces the old token; an unknown store or bad id is refused', async () => {
        const device = { deviceId: 'S001-POS2', storeId: 'S001' };
        const first = await provisionDeviceToken(server.storage, device);
        const second = await provisionDeviceToken(server.storage, device);
        expect(second.replaced).toBe(1);
        expect(second.token).not.toBe(first.token);
        expect((await server.request(first.token, '/products')).status).toBe(401);
        expect((await server.request(second.token, '/products')).status).toBe(200);
        await expect(
          provisionDeviceToken(server.storage, { deviceId: 'S404-POS1', storeId: 'S404' }),
        ).rejects.toThrow(/store S404 does not exist/);
        await expect(
          provisionDeviceToken(server.storage, { deviceId: 'bad id/1', storeId: 'S001' }),
        ).rejects.toThrow(/the device id must be/);
      });

      it('[A6] revocation takes effect on the next request', async () => {
        const { token } = await provisionDeviceToken(server.storage, {
          deviceId: 'S002-POS9',
          storeId: 'S002',
        });
        expect((await server.request(token, '/stock')).status).toBe(200);
        expect(await server.storage.revokeDevice('S002-POS9')).toBe(1);
        const after = await server.request(token, '/stock');
        expect(after.status).toBe(401);
        expect(after.body).toMatchObject({ error: 'unauthorized' });
        // Other devices are unaffected.
        expect((await server.request(S002_DEVICE.token, '/stock')).status).toBe(200);
      });

      it('[A6] a waiting longpoll of a revoked device is answered 401 at once', async () => {
        const { token } = await provisionDeviceToken(server.storage, {
          deviceId: 'S001-POS9',
          storeId: 'S001',
        });
        // Long enough that only the revocation can end it within the test.
        const waiting = server.request(
          token,
          '/stock/_changes?feed=longpoll&since=now&timeout=55000',
        );
        const other = server.request(S001, '/stock/_changes?feed=longpoll&since=now&timeout=3000');
        await waitForLongpolls(server.url, 2);
        await server.storage.revokeDevice('S001-POS9');
        const answered = await waiting;
        expect(answered.status).toBe(401);
        expect(answered.body).toEqual({
          error: 'unauthorized',
          reason: 'this token has been revoked',
        });
        // Another device's longpoll keeps waiting and ends normally.
        expect(await other).toMatchObject({ status: 200, body: { results: [] } });
      });
    });

    describe('admin tokens', () => {
      it('[A7] [A8] an admin reads every store and is not a device', async () => {
        const { token } = await provisionAdminToken(server.storage, 'hq-tools');
        expect(await server.storage.findDeviceToken(hashToken(token))).toBeNull();
        // Both stores' levels and the regional warehouse's.
        expect((await server.request(token, '/stock')).body).toMatchObject({
          doc_count: DEMO_STOCK.length + DEMO_WAREHOUSE_STOCK.length + DEMO_STYLE_STOCK.length,
        });
        expect((await server.request(token, '/stock/S001:SKU-0001')).status).toBe(200);
        expect((await server.request(token, '/stock/S002:SKU-0001')).status).toBe(200);
        await server.storage.revokeAdmin('hq-tools');
        expect((await server.request(token, '/stock')).status).toBe(401);
      });

      it("[A11] a device gets no member's point ledger; an admin reads it", async () => {
        for (const path of [
          '/pointEntries',
          '/pointEntries/_changes?since=0',
          '/pointEntries/S001-POS1-X:earn',
        ]) {
          const res = await server.request(S001, path);
          expect(res).toMatchObject({ status: 403, body: { error: 'forbidden' } });
        }
        const { token } = await provisionAdminToken(server.storage, 'hq-ledger');
        expect((await server.request(token, '/pointEntries/_changes?since=0')).status).toBe(200);
      });

      it('[A7] an admin writes products, prices and stores, validated against the domain schemas', async () => {
        const { token } = await provisionAdminToken(server.storage, 'hq-tools');
        const current = (await server.request(token, '/products/SKU-0001')).body as Doc;
        const renamed = { ...current, name: '农夫山泉 550ml (new label)' };
        const newProduct = {
          _id: 'SKU-0100',
          name: 'Green Tea 500ml',
          gtin: `0${withCheckDigit('690999900001')}`,
          category: 'Beverages',
          taxClass: 'VAT13',
          status: 'active',
        };
        const before = (await server.request(S001, '/products')).body as { update_seq: number };
        const res = await server.request(token, '/products/_bulk_docs', {
          body: {
            docs: [
              renamed,
              newProduct,
              { ...newProduct, _id: 'SKU-0101', taxClass: 'NONE', extra: 1 },
              { ...current, name: 'stale', _rev: '1-0000' },
            ],
          },
        });
        expect(res.status).toBe(201);
        const rows = res.body as BulkRow[];
        expect(rows[0]).toEqual({ ok: true, id: 'SKU-0001', rev: expect.stringMatching(/^2-/) });
        expect(rows[1]).toEqual({ ok: true, id: 'SKU-0100', rev: expect.stringMatching(/^1-/) });
        expect(rows[2]).toMatchObject({ id: 'SKU-0101', error: 'forbidden' });
        expect(rows[2]!.reason).toMatch(/^invalid products: /);
        expect(rows[3]).toMatchObject({ id: 'SKU-0001', error: 'conflict' });
        // The devices see the new catalog through _changes.
        const changes = await server.request(
          S001,
          `/products/_changes?since=${before.update_seq}&include_docs=true`,
        );
        const results = (changes.body as { results: { id: string; doc: Doc }[] }).results;
        expect(results.map((r) => [r.id, r.doc.name])).toEqual([
          ['SKU-0001', renamed.name],
          ['SKU-0100', newProduct.name],
        ]);
        // Replaying the same write changes nothing.
        const replay = await server.request(token, '/products/_bulk_docs', {
          body: { docs: [{ ...newProduct }] },
        });
        expect(replay.body).toEqual([rows[1]]);
      });

      it('[A7] an admin cannot write facts or projections; [A3] a device cannot write the catalog', async () => {
        const { token } = await provisionAdminToken(server.storage, 'hq-tools');
        const stock = await server.request(token, '/stock/_bulk_docs', {
          body: { docs: [{ _id: 'S001:SKU-0001', storeId: 'S001', sku: 'SKU-0001', onHand: 1 }] },
        });
        expect((stock.body as BulkRow[])[0]).toMatchObject({ error: 'forbidden' });
        const sale = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
        const sales = await server.request(token, '/saleFacts/_bulk_docs', {
          body: { docs: [asPushed(sale)] },
        });
        expect((sales.body as BulkRow[])[0]).toMatchObject({ error: 'forbidden' });
        const product = (await server.request(S001, '/products/SKU-0002')).body as Doc;
        const device = await server.request(S001, '/products/_bulk_docs', {
          body: { docs: [{ ...product, name: 'x' }] },
        });
        expect((device.body as BulkRow[])[0]).toMatchObject({ error: 'forbidden' });
      });
    });

    describe('protocol and schema versions', () => {
      it('[VC1] a request without version headers is served; GET / names the versions', async () => {
        expect((await server.request(S001, '/products')).status).toBe(200);
        const root = await server.request(null, '/');
        expect(root.body).toMatchObject({
          protocol: SYNC_PROTOCOL_VERSION,
          minProtocol: SERVER_VERSIONS.minProtocol,
          schemas: SERVER_VERSIONS.schemas,
        });
        const current = await server.request(S001, '/products/_changes', {
          headers: syncVersionHeaders(),
        });
        expect(current.status).toBe(200);
      });

      it('[VC2] [VC3] [VC4] an out-of-date client gets a typed refusal and nothing is stored', async () => {
        const sale = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
        const old = await server.request(S001, '/saleFacts/_bulk_docs', {
          body: { docs: [asPushed(sale)] },
          headers: { 'x-pos-protocol': '0' },
        });
        expect(old.status).toBe(426);
        expect(old.body).toMatchObject({
          error: 'protocol_outdated',
          incompatibility: 'client_protocol_too_old',
          required: { protocol: SERVER_VERSIONS.minProtocol, schemas: SERVER_VERSIONS.schemas },
          reason: expect.stringMatching(/Update the app/),
        });
        const newer = await server.request(S001, '/products', {
          headers: {
            'x-pos-schema': formatSchemaVersions({
              ...SERVER_VERSIONS.schemas,
              products: SERVER_VERSIONS.schemas.products! + 1,
            }),
          },
        });
        expect(newer.status).toBe(409);
        expect(newer.body).toMatchObject({
          error: 'server_outdated',
          incompatibility: 'server_schema_too_old',
        });
        const bad = await server.request(S001, '/products', {
          headers: { 'x-pos-protocol': 'v2' },
        });
        expect(bad).toMatchObject({ status: 400, body: { error: 'bad_request' } });
        // Even without a valid token the client learns it is out of date.
        expect(
          (await server.request(null, '/products', { headers: { 'x-pos-protocol': '0' } })).status,
        ).toBe(426);
        expect((await server.request(S001, `/saleFacts/${sale.id}`)).status).toBe(404);
      });
    });

    describe('PouchDB batch endpoints', () => {
      it('[PD2] _revs_diff names the revisions the server does not hold, scoped to the device', async () => {
        const level = (await server.request(S001, '/stock/S001:SKU-0001')).body as Doc;
        const res = await server.request(S001, '/stock/_revs_diff', {
          body: {
            'S001:SKU-0001': [level._rev, '9-abc'],
            'S002:SKU-0001': ['1-abc'],
            'S001:NOPE': ['1-x'],
          },
        });
        expect(res.body).toEqual({
          'S001:SKU-0001': { missing: ['9-abc'] },
          'S002:SKU-0001': { missing: ['1-abc'] },
          'S001:NOPE': { missing: ['1-x'] },
        });
      });

      it('[PD3] _bulk_get answers the current revision with _revisions, and not_found otherwise', async () => {
        const level = (await server.request(S001, '/stock/S001:SKU-0001')).body as Doc;
        const res = await server.request(S001, '/stock/_bulk_get?revs=true&latest=true', {
          body: {
            docs: [{ id: 'S001:SKU-0001', rev: level._rev }, { id: 'S002:SKU-0001' }],
          },
        });
        const hash = level._rev.slice(2);
        expect(res.body).toEqual({
          results: [
            {
              id: 'S001:SKU-0001',
              docs: [{ ok: { ...level, _revisions: { start: 1, ids: [hash] } } }],
            },
            {
              id: 'S002:SKU-0001',
              docs: [
                {
                  error: {
                    id: 'S002:SKU-0001',
                    rev: 'undefined',
                    error: 'not_found',
                    reason: 'missing',
                  },
                },
              ],
            },
          ],
        });
        const stale = await server.request(S001, '/stock/_bulk_get', {
          body: { docs: [{ id: 'S001:SKU-0001', rev: '7-old' }] },
        });
        expect(stale.body).toMatchObject({
          results: [{ docs: [{ error: { error: 'not_found' } }] }],
        });
      });

      it('[PD1] _local documents keep a revision and refuse a stale write', async () => {
        const path = '/products/_local/checkpoint-1';
        expect((await server.request(S001, path)).status).toBe(404);
        const created = await server.request(S001, path, {
          method: 'PUT',
          body: { _id: '_local/checkpoint-1', last_seq: 5 },
        });
        expect(created).toMatchObject({
          status: 201,
          body: { ok: true, id: '_local/checkpoint-1', rev: '0-1' },
        });
        const stale = await server.request(S001, path, { method: 'PUT', body: { last_seq: 6 } });
        expect(stale).toMatchObject({ status: 409, body: { error: 'conflict' } });
        const updated = await server.request(S001, path, {
          method: 'PUT',
          body: { _rev: '0-1', last_seq: 7 },
        });
        expect(updated.body).toMatchObject({ rev: '0-2' });
        expect((await server.request(S001, path)).body).toEqual({
          _id: '_local/checkpoint-1',
          _rev: '0-2',
          last_seq: 7,
        });
        const wrongId = await server.request(S001, path, {
          method: 'PUT',
          body: { _id: '_local/other' },
        });
        expect(wrongId.status).toBe(400);
      });
    });

    describe('malformed requests', () => {
      it('[P4] a request node cannot parse gets a JSON 400, a huge header a JSON 431', async () => {
        const { port, hostname } = new URL(server.url);
        const raw = (text: string) =>
          new Promise<string>((resolve, reject) => {
            const socket = connect(Number(port), hostname, () => socket.write(text));
            let answer = '';
            socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
            socket.on('end', () => resolve(answer));
            socket.on('error', reject);
          });
        const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
        expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
        expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toEqual({
          error: 'bad_request',
          reason: 'the HTTP request is malformed',
        });
        const huge = await raw(`GET /products HTTP/1.1\r\nx-pad: ${'x'.repeat(100_000)}\r\n\r\n`);
        expect(huge).toMatch(/^HTTP\/1\.1 431 /);
        expect(huge).toContain('"error":"too_large"');
      });
    });

    describe('rate limit', () => {
      it('[RL1] [RL2] a device over its limit gets 429 with Retry-After and a JSON reason; others are unaffected', async () => {
        const limited = createSyncServer({
          storage: server.storage,
          rateLimit: { burst: 3, perSecond: 0.5 },
        });
        const url = await limited.listen(0);
        try {
          const get = (token: string) =>
            fetch(`${url}/products`, { headers: { authorization: `Bearer ${token}` } });
          for (let i = 0; i < 3; i++) expect((await get(S001)).status).toBe(200);
          const refused = await get(S001);
          expect(refused.status).toBe(429);
          expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          const body = (await refused.json()) as Record<string, unknown>;
          expect(body).toMatchObject({ error: 'rate_limited', retry_after_ms: expect.any(Number) });
          expect(body.reason).toMatch(/too many requests from this device/);
          expect((await get(S002_DEVICE.token)).status).toBe(200);
        } finally {
          await limited.close();
        }
      });
    });
  });
}
