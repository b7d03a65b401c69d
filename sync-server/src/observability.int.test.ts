/**
 * `/healthz`, `/metrics` and the request log of a real server (PGlite always,
 * PostgreSQL with TEST_DATABASE_URL).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withCheckDigit } from '@pos/domain';
import { provisionAdminToken } from './auth';
import { seedDemo } from './demo-data';
import type { RequestLogEntry } from './json-log';
import { ServerMetrics } from './metrics';
import { createSyncServer, type SyncServer } from './server';
import type { SyncStorage } from './storage/storage';
import { BACKENDS, S001_DEVICE } from './test-support';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`observability on ${backend.name}`, () => {
    let storage: SyncStorage;
    let server: SyncServer;
    let url: string;
    let logged: RequestLogEntry[];
    let storageOpen: boolean;

    beforeEach(async () => {
      storage = await backend.open();
      storageOpen = true;
      await seedDemo(storage);
      logged = [];
      server = createSyncServer({
        storage,
        metrics: new ServerMetrics(),
        requestLog: (entry) => logged.push(entry),
        log: () => {},
      });
      url = await server.listen(0, '127.0.0.1');
    });
    afterEach(async () => {
      await server.close();
      if (storageOpen) await storage.close();
    });

    const call = (path: string, token: string | null, init: RequestInit = {}) =>
      fetch(url + path, {
        ...init,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          'content-type': 'application/json',
        },
      });

    const metricsText = async () => {
      const res = await call('/metrics', null);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      return res.text();
    };

    it('[OB1] /healthz answers 200 while the database answers, 503 when it does not', async () => {
      const ok = await call('/healthz', null);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ status: 'ok', storage: storage.kind });

      await storage.close();
      storageOpen = false;
      const down = await call('/healthz', null);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        error: 'unavailable',
        reason: 'the database does not answer',
      });
    });

    it('[OB1] /metrics counts requests by route and status, writes, refusals and waiting listeners', async () => {
      const token = S001_DEVICE.token;
      expect((await call('/products/_changes?limit=5', token)).status).toBe(200);
      expect((await call('/products/_changes?limit=5', token)).status).toBe(200);
      expect((await call('/products/SKU-0001', null)).status).toBe(401);
      expect((await call('/nothing-here/x', token)).status).toBe(404);

      // A device may not write products: a refused document, nothing written.
      const refused = await call('/products/_bulk_docs', token, {
        method: 'POST',
        body: JSON.stringify({ docs: [{ _id: 'SKU-X', name: 'x' }] }),
      });
      expect(refused.status).toBe(201);
      // An admin writes one product: one document written.
      const admin = (await provisionAdminToken(storage, 'hq-tools')).token;
      const written = await call('/products/_bulk_docs', admin, {
        method: 'POST',
        body: JSON.stringify({
          docs: [
            {
              _id: 'SKU-0900',
              name: 'Green Tea 500ml',
              gtin: `0${withCheckDigit('690999900001')}`,
              category: 'Beverages',
              taxClass: 'VAT13',
              status: 'active',
            },
          ],
        }),
      });
      expect(await written.json()).toMatchObject([{ ok: true, id: 'SKU-0900' }]);

      // A longpoll waiting for a change is a listener until it is answered.
      const controller = new AbortController();
      const waiting = call('/stock/_changes?feed=longpoll&since=now&timeout=30000', token, {
        signal: controller.signal,
      }).catch(() => null);
      await expect.poll(metricsText).toContain('pos_sync_changes_listeners 1');
      controller.abort();
      await waiting;
      await expect.poll(metricsText).toContain('pos_sync_changes_listeners 0');

      const text = await metricsText();
      expect(text).toContain(
        'pos_sync_http_requests_total{method="GET",route="/products/_changes",status="200"} 2',
      );
      expect(text).toContain(
        'pos_sync_http_requests_total{method="GET",route="/products/{id}",status="401"} 1',
      );
      expect(text).toContain(
        'pos_sync_http_requests_total{method="GET",route="other",status="404"} 1',
      );
      expect(text).toMatch(
        /pos_sync_http_request_duration_seconds_count\{route="\/products\/_changes"\} 2\n/,
      );
      expect(text).toContain(
        'pos_sync_documents_rejected_total{collection="products",error="forbidden"} 1',
      );
      expect(text).toContain('pos_sync_documents_written_total{collection="products"} 1');
    });

    it('[OB2] logs one entry per request with the device or admin, never the token', async () => {
      await call('/products/_changes?limit=1', S001_DEVICE.token);
      await call('/stock', 'not-a-token');
      await expect.poll(() => logged.length).toBe(2);
      expect(logged[0]).toMatchObject({
        method: 'GET',
        route: '/products/_changes',
        status: 200,
        deviceId: S001_DEVICE.deviceId,
        storeId: S001_DEVICE.storeId,
      });
      expect(logged[0]!.ms).toBeGreaterThanOrEqual(0);
      expect(logged[1]).toEqual({ method: 'GET', route: '/stock', status: 401, ms: logged[1]!.ms });
      expect(JSON.stringify(logged)).not.toContain(S001_DEVICE.token);
      expect(JSON.stringify(logged)).not.toContain('not-a-token');
    });
  });
}
