/**
 * [RI13] Random bodies to the item and count endpoints never make the server
 * fail (no 500, always `{error, reason}` or a normal answer) and store
 * nothing unless the body is a whole valid request.
 */
import { encodeSgtin96 } from '@pos/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionAdminToken } from '../auth';
import { DEMO_STYLE_PRODUCTS } from '../demo-clerk';
import { demoEpcs } from '../demo-rfid';
import { BACKENDS, S001_DEVICE, startTestServer, type TestServer } from '../test-support';
import { COUNTS_DB } from './counts';
import { ITEMS_DB } from './items';

const RUNS = 60;
const TEE = DEMO_STYLE_PRODUCTS[0]!;
const fresh = (serial: number) => {
  const encoded = encodeSgtin96({ gtin: TEE.gtin, serial });
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.epc;
};

/** An EPC-ish value: real ones, near misses, anything. */
const epcLike = fc.oneof(
  fc.constantFrom(...demoEpcs('S001', TEE.id), fresh(9001)),
  fc.stringMatching(/^[0-9A-Fa-f]{20,26}$/),
  fc.jsonValue(),
);
const idLike = fc.oneof(fc.constantFrom('S001', 'S999', 'C-1', ''), fc.string(), fc.jsonValue());
const timeLike = fc.oneof(fc.constant('2026-01-02T03:00:00.000Z'), fc.string(), fc.integer());

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`fuzzed RFID requests on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    beforeAll(async () => {
      server = await startTestServer(backend, { rateLimit: false, holdSweeper: false });
      admin = (await provisionAdminToken(server.storage, 'hq-fuzz')).token;
    });
    afterAll(async () => {
      await server.close();
    });

    const seqOf = async (db: string) => (await server.storage.dbInfo(db as never, null)).updateSeq;

    function expectSane(res: { status: number; body: unknown }) {
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.body).toMatchObject({ error: expect.any(String), reason: expect.any(String) });
        expect((res.body as { reason: string }).reason).not.toMatch(/\n\s+at /);
      }
    }

    it('[RI13] tagging bodies: a 400 stores nothing', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.record(
              {
                storeId: idLike,
                epcs: fc.oneof(fc.array(epcLike, { maxLength: 6 }), fc.jsonValue()),
                at: timeLike,
              },
              { requiredKeys: [] },
            ),
            fc.jsonValue(),
            fc.string(),
          ),
          async (body) => {
            const before = await seqOf(ITEMS_DB);
            const res = await server.request(admin, '/_rfid/items', {
              body: typeof body === 'string' ? body : JSON.stringify(body),
            });
            expectSane(res);
            if (res.status !== 200) expect(await seqOf(ITEMS_DB)).toBe(before);
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('[RI13] count and approval bodies: a 400 stores nothing', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.record(
              {
                countId: idLike,
                scope: fc.oneof(
                  fc.constant({ kind: 'store' }),
                  fc.record(
                    { kind: fc.constantFrom('skus-read', 'zone'), zone: idLike },
                    { requiredKeys: [] },
                  ),
                  fc.jsonValue(),
                ),
                epcs: fc.oneof(fc.array(epcLike, { maxLength: 6 }), fc.jsonValue()),
                countedAt: timeLike,
                staffId: idLike,
              },
              { requiredKeys: [] },
            ),
            fc.jsonValue(),
            fc.string(),
          ),
          fc.option(idLike, { nil: undefined }),
          fc.record({ approverId: idLike, at: timeLike }, { requiredKeys: [] }),
          async (body, key, approval) => {
            const before = await seqOf(COUNTS_DB);
            const headers: Record<string, string> =
              typeof key === 'string' && /^[\x21-\x7e]*$/.test(key) && key !== ''
                ? { 'idempotency-key': key }
                : {};
            const res = await server.request(S001_DEVICE.token, '/_rfid/counts', {
              body: typeof body === 'string' ? body : JSON.stringify(body),
              headers,
            });
            expectSane(res);
            if (res.status >= 300) expect(await seqOf(COUNTS_DB)).toBe(before);
            const id = typeof key === 'string' ? encodeURIComponent(key) : 'C-1';
            const approve = await server.request(S001_DEVICE.token, `/_rfid/counts/${id}/approve`, {
              body: JSON.stringify(approval),
            });
            expectSane(approve);
            const item = await server.request(S001_DEVICE.token, `/_rfid/items/${id}`);
            expectSane(item);
          },
        ),
        { numRuns: RUNS },
      );
    });
  });
}
