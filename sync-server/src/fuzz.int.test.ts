/**
 * Random input to the endpoints that take it never makes the server fail
 * (no 500, always a JSON `{error, reason}` or a normal answer) and never
 * stores anything. [P3] [P4] [F1] [PD1]-[PD3]; the member endpoints never
 * answer with personal data to a body that does not earn it. [PK4] [PK6]
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionAdminToken } from './auth';
import { DEMO_MEMBERS } from './demo-people';
import { BACKENDS, S001_DEVICE, startTestServer, type TestServer } from './test-support';

const RUNS = 60;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`fuzzed requests on ${backend.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend);
    });
    afterAll(async () => {
      await server.close();
    });

    /** Every write-relevant counter, to prove nothing was stored. */
    async function footprint() {
      const infos = await Promise.all(
        ['saleFacts', 'stock', 'products'].map(async (db) =>
          server.request(S001_DEVICE.token, `/${db}`),
        ),
      );
      return infos.map((i) => i.body);
    }

    function expectSane(res: { status: number; body: unknown }) {
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.body).toMatchObject({ error: expect.any(String), reason: expect.any(String) });
        expect((res.body as { reason: string }).reason).not.toMatch(/\n\s+at /);
      }
    }

    const anyDoc = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          _id: fc.oneof(fc.string(), fc.constant('S001-POS1-x')),
          _rev: fc.oneof(fc.string(), fc.integer()),
          _deleted: fc.boolean(),
          storeId: fc.constantFrom('S001', 'S002', 1),
          deviceId: fc.constantFrom('S001-POS1', 'x'),
          lines: fc.jsonValue(),
          total: fc.oneof(fc.integer(), fc.double(), fc.string()),
        },
        { requiredKeys: [] },
      ),
    );

    it('[F1] [P3] _bulk_docs, _bulk_get, _revs_diff and _local bodies', async () => {
      const before = await footprint();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('saleFacts', 'stock', 'products'),
          fc.oneof(
            fc.record({ docs: fc.array(anyDoc, { maxLength: 5 }) }),
            fc.jsonValue(),
            fc.string(),
          ),
          fc.constantFrom('_bulk_docs', '_bulk_get', '_revs_diff', '_local/cp'),
          async (db, body, endpoint) => {
            const res = await server.request(S001_DEVICE.token, `/${db}/${endpoint}`, {
              method: endpoint.startsWith('_local') ? 'PUT' : 'POST',
              body: typeof body === 'string' ? body : JSON.stringify(body),
            });
            expectSane(res);
          },
        ),
        { numRuns: RUNS },
      );
      // _local documents are not documents: the feeds are untouched.
      expect(await footprint()).toEqual(before);
    });

    it('[P3] _changes and _all_docs queries', async () => {
      const param = fc.constantFrom(
        'since',
        'limit',
        'feed',
        'style',
        'include_docs',
        'heartbeat',
        'timeout',
        'keys',
        'conflicts',
        'descending',
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('_changes', '_all_docs'),
          fc.dictionary(param, fc.oneof(fc.string(), fc.nat().map(String))),
          async (endpoint, params) => {
            // A longpoll must not wait out the run.
            if (params.feed === 'longpoll') params.timeout = '1';
            const query = new URLSearchParams(params).toString();
            expectSane(await server.request(S001_DEVICE.token, `/stock/${endpoint}?${query}`));
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('[PK6] [MB1] [PT5] [PK4] member lookups, points checks, reveals and member records', async () => {
      const { token: admin } = await provisionAdminToken(server.storage, 'hq-fuzz');
      const phones = DEMO_MEMBERS.map((m) => m.phone);
      const revealBody = fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            reason: fc.oneof(fc.string(), fc.constant('checking the fuzzed address')),
            fields: fc.oneof(fc.jsonValue(), fc.constant(['phone'])),
            staffId: fc.oneof(fc.string(), fc.constant('S001-E02')),
            pin: fc.oneof(fc.string(), fc.constant('2222')),
          },
          { requiredKeys: [] },
        ),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            '/_members/M0001/reveal',
            '/_members/M9/reveal',
            '/_points/check',
            '/_members/lookup',
            '/_members/search',
            '/members/_bulk_docs',
          ),
          fc.boolean(),
          revealBody,
          fc.constantFrom('phone', 'phoneIndex', 'tail'),
          fc.oneof(fc.string(), fc.constantFrom(...DEMO_MEMBERS.map((m) => m.phone), '8001')),
          async (path, asAdmin, body, name, text) => {
            const token = asAdmin ? admin : S001_DEVICE.token;
            const res =
              path.startsWith('/_members/l') || path.startsWith('/_members/s')
                ? await server.request(token, `${path}?${new URLSearchParams({ [name]: text })}`)
                : await server.request(token, path, {
                    body: path === '/members/_bulk_docs' ? { docs: [body] } : body,
                  });
            expectSane(res);
            // A till without a manager's PIN never sees a phone in full.
            if (!asAdmin) {
              for (const phone of phones) expect(JSON.stringify(res.body)).not.toContain(phone);
            }
          },
        ),
        { numRuns: RUNS },
      );
    });
  });
}
