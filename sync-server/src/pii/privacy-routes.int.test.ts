/**
 * Random input to the consent, outbox and data-request endpoints never makes
 * the server fail and never records anything; and the storage's `findDocs`
 * those endpoints rest on. [P3] [P4] [CS2] [DQ1] [ST15]
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, S001_DEVICE } from '../test-support';
import { CONSENTS_DB } from './consent-check';
import { DATA_REQUESTS_DB } from './data-requests';
import { OUTBOX_DB } from './outbox';
import { startPrivacyServer, tokenOf, type PrivacyTestServer } from './privacy-routes-test-support';

const RUNS = 40;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`privacy endpoints on ${backend.name}`, () => {
    let server: PrivacyTestServer;
    let pagePath: string;
    beforeAll(async () => {
      server = await startPrivacyServer(backend);
      const res = await server.request(S001_DEVICE.token, '/_consent/invitations', {
        body: { memberId: 'M1' },
      });
      pagePath = `/consent/${tokenOf((res.body as { url: string }).url)}`;
    });
    afterAll(async () => {
      await server.close();
    });

    async function footprint() {
      const dbs = [CONSENTS_DB, OUTBOX_DB, DATA_REQUESTS_DB];
      return Promise.all(dbs.map((db) => server.storage.dbInfo(db, null)));
    }

    function expectSane(res: { status: number; body: unknown; headers: Headers }) {
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400 && res.headers.get('content-type')?.startsWith('application/json')) {
        expect(res.body).toMatchObject({ error: expect.any(String), reason: expect.any(String) });
      }
    }

    it('[P3] [P4] [DQ1] JSON bodies to the admin and device endpoints', async () => {
      const before = await footprint();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            ['/_admin/data-requests', server.adminToken],
            ['/_consent/invitations', S001_DEVICE.token],
            ['/_admin/outbox/x/sent', server.adminToken],
            ['/_admin/data-requests/x/complete', server.adminToken],
          ),
          fc.oneof(
            fc.jsonValue(),
            fc.record(
              {
                memberId: fc.oneof(fc.string(), fc.constant('M9'), fc.integer()),
                kind: fc.oneof(fc.constantFrom('access', 'deletion'), fc.string()),
                channel: fc.oneof(fc.constant('store'), fc.string()),
                note: fc.oneof(fc.string(), fc.integer()),
              },
              { requiredKeys: [] },
            ),
          ),
          async ([path, token], body) => {
            expectSane(await server.request(token, path, { body: JSON.stringify(body) }));
          },
        ),
        { numRuns: RUNS },
      );
      expect(await footprint()).toEqual(before);
    });

    it('[P3] [CS2] query strings and answers to the page', async () => {
      const before = await footprint();
      await fc.assert(
        fc.asyncProperty(
          fc.string(),
          fc.constantFrom(
            'application/x-www-form-urlencoded',
            'application/json',
            'text/plain',
            'multipart/form-data',
          ),
          fc.oneof(fc.string(), fc.json(), fc.constant('tryon-suggestions=yes&membership=no')),
          async (query, type, body) => {
            const q = `?${new URLSearchParams({ lang: query, status: query, limit: query })}`;
            expectSane(await server.request(null, `${pagePath}${q}`));
            expectSane(await server.request(server.adminToken, `/_admin/outbox${q}`));
            expectSane(await server.request(server.adminToken, `/_admin/data-requests${q}`));
            expectSane(
              await server.request(null, pagePath, { body, headers: { 'content-type': type } }),
            );
          },
        ),
        { numRuns: RUNS },
      );
      expect(await footprint()).toEqual(before);
    });

    it('[ST15] findDocs finds by member and fields, in seq order, and sees its own transaction’s writes', async () => {
      const db = '_findDocsTest' as typeof CONSENTS_DB;
      const put = (id: string, body: Record<string, unknown>) => ({
        db,
        id,
        body: { id, ...body },
        storeId: null,
        expectedRev: null,
      });
      await server.storage.bulkWrite([
        put('a', { memberId: 'M1', status: 'pending' }),
        put('b', { memberId: 'M2', status: 'pending' }),
        put('c', { memberId: 'M1', status: 'sent' }),
        put('d', { status: 'pending' }),
      ]);
      const ids = async (match: Parameters<typeof server.storage.findDocs>[1]) =>
        (await server.storage.findDocs(db, match)).map((row) => row.id);
      expect(await ids({ memberId: 'M1' })).toEqual(['a', 'c']);
      expect(await ids({ fields: { status: 'pending' } })).toEqual(['a', 'b', 'd']);
      expect(await ids({ memberId: 'M1', fields: { status: 'pending' } })).toEqual(['a']);
      expect(await ids({ fields: { status: 'pending' }, limit: 2 })).toEqual(['a', 'b']);
      expect(await ids({ memberId: "M1' OR '1'='1" })).toEqual([]);
      const inside = await server.storage.transaction(async (tx) => {
        await tx.put(put('e', { memberId: 'M1', status: 'pending' }));
        const row = (await tx.getDocs(db, ['a'])).get('a')!;
        await tx.put({ ...put('a', { memberId: 'M1', status: 'sent' }), expectedRev: row.rev });
        return (await tx.findDocs(db, { memberId: 'M1', fields: { status: 'pending' } })).map(
          (r) => r.id,
        );
      });
      expect(inside).toEqual(['e']);
      expect(await ids({ memberId: 'M1', fields: { status: 'pending' } })).toEqual(['e']);
    });
  });
}
