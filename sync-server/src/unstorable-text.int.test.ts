/**
 * [ST13] Text PostgreSQL cannot store (a NUL character, a lone UTF-16
 * surrogate) is a clear 400 or a per-document error, never a 500, and never
 * costs the valid documents of the same batch. On PGlite and PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionAdminToken } from './auth';
import {
  BACKENDS,
  S001_DEVICE,
  asPushed,
  demoSale,
  startTestServer,
  type TestServer,
} from './test-support';

/** JSON text with `\u0000` or a lone surrogate escaped in it (JSON.stringify would keep them). */
const NUL = '\\u0000';
const LONE = '\\ud800';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`unstorable text on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    beforeEach(async () => {
      server = await startTestServer(backend);
      admin = (await provisionAdminToken(server.storage, 'hq-tools')).token;
    });
    afterEach(() => server.close());

    /** Posts raw JSON text. */
    const post = (token: string, path: string, text: string) =>
      server.request(token, path, { method: 'POST', body: text });

    it('[ST13] [F1] a NUL or lone surrogate in one pushed sale is a per-document bad_request; the valid sales of the batch are stored', async () => {
      const good = asPushed(demoSale(S001_DEVICE, 1, [['SKU-0004', 1]]));
      const good2 = asPushed(demoSale(S001_DEVICE, 4, [['SKU-0004', 1]]));
      const inField = JSON.stringify(asPushed(demoSale(S001_DEVICE, 2, [['SKU-0004', 1]]))).replace(
        '"storeId":"S001"',
        `"storeId":"S001","note":"a${NUL}b"`,
      );
      const inKey = JSON.stringify(asPushed(demoSale(S001_DEVICE, 3, [['SKU-0004', 1]]))).replace(
        '"storeId":"S001"',
        `"storeId":"S001","k${LONE}":1`,
      );
      const inId = `{"_id":"S001-POS1-${NUL}x","storeId":"S001"}`;
      const text = `{"docs":[${JSON.stringify(good)},${inField},${inKey},${inId},${JSON.stringify(good2)}]}`;
      const { status, body } = await post(S001_DEVICE.token, '/saleFacts/_bulk_docs', text);
      expect(status).toBe(201);
      const rows = body as { ok?: boolean; id: string | null; error?: string; reason?: string }[];
      expect(rows).toHaveLength(5);
      expect(rows[0]).toMatchObject({ ok: true, id: good._id });
      expect(rows[4]).toMatchObject({ ok: true, id: good2._id });
      for (const row of rows.slice(1, 4)) {
        expect(row).toMatchObject({
          error: 'bad_request',
          reason: expect.stringMatching(/NUL|surrogate/),
        });
      }
      const stored = await server.request(S001_DEVICE.token, `/saleFacts/${good._id as string}`);
      expect(stored.status).toBe(200);
    });

    it('[ST13] [A7] an admin batch with a NUL in one product stores the others', async () => {
      const text = `{"docs":[{"_id":"P-NUL","name":"x${NUL}"},{"_id":"P-LONE${LONE}","name":"y"}]}`;
      const { status, body } = await post(admin, '/products/_bulk_docs', text);
      expect(status).toBe(201);
      expect(body).toMatchObject([{ error: 'bad_request' }, { error: 'bad_request' }]);
    });

    it('[ST13] read routes answer 400 or 404 for a NUL or lone surrogate, never 500', async () => {
      const device = S001_DEVICE.token;
      const answers = await Promise.all([
        server.request(device, '/products/a%00b'),
        server.request(device, '/products/a%ED%A0%80b'),
        server.request(device, '/products/_changes?since=%00'),
        server.request(device, '/products/_changes?since=0&filter=a%00'),
        server.request(device, '/products/_all_docs?keys=' + encodeURIComponent(`["a${NUL}"]`)),
        post(device, '/products/_all_docs', `{"keys":["a${NUL}","b${LONE}"]}`),
        post(device, '/products/_bulk_get', `{"docs":[{"id":"a${NUL}"}]}`),
        post(device, '/products/_bulk_get', `{"docs":[{"id":"a","rev":"1-${LONE}"}]}`),
        post(device, '/products/_revs_diff', `{"a${NUL}":["1-x"]}`),
        server.request(device, '/products/_local/a%00'),
        server.request(device, '/products/_local/cp', {
          method: 'PUT',
          body: `{"last_seq":"a${NUL}"}`,
        }),
        server.request(device, `/_members/lookup?phone=138%00`),
        post(device, '/_points/check', `{"memberId":"M${NUL}","points":1}`),
        post(device, '/_points/check', `{"memberId":"M${LONE}","points":1}`),
        server.request(admin, '/_facts/saleFacts/a%00'),
        server.request(admin, '/_exceptions?store=S%00'),
      ]);
      for (const [i, { status, body }] of answers.entries()) {
        expect([400, 404], `request ${i}: ${JSON.stringify(body)}`).toContain(status);
        expect(body).toMatchObject({ error: expect.any(String), reason: expect.any(String) });
      }
      expect(server.logged.filter((l) => l.level === 'error')).toEqual([]);
    });
  });
}
