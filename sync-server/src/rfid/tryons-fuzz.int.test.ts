/**
 * Fuzz of the try-on endpoints on both backends: any query string of the
 * `/_rfid/tryons…` and `/_rfid/suggestions` endpoints is answered 200 or a
 * 4xx with a reason, never a 500, and changes nothing ([RI13]); any
 * `tryOn` fact body is stored exactly when the domain's rules and the
 * ownership rules accept it ([RI5], [TO4]).
 */
import { validateFact } from '@pos/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionAdminToken } from '../auth';
import { DEMO_FITTING_ROOM_SERVICES } from '../demo-clerk';
import { OUTBOX_DB } from '../pii/outbox';
import { BACKENDS, startTestServer, type TestServer } from '../test-support';
import { TRY_ON_FACTS_DB } from './tryons-sql';

const [FIT] = DEMO_FITTING_ROOM_SERVICES;
const PATHS = [
  '/_rfid/tryons',
  '/_rfid/tryons/report',
  '/_rfid/tryons/not-bought',
  '/_rfid/suggestions',
];
const NAMES = ['from', 'to', 'store', 'day', 'member', 'since', 'skus', 'limit'];
const VALUES = [
  '2026-03-01T02:00:00.000Z',
  '2026-03-02T02:00:00Z',
  '2025-03-01T02:00:00.000Z',
  '2026-03-01',
  '2026-02-30',
  'S001',
  'S002',
  'S999',
  'M0001',
  'TEE-01-WH-M,TEE-01-BK-L',
  '8',
  '0',
  '-1',
  '',
  ' ',
  '%00',
  '\u0000',
  '../../etc',
  "' OR 1=1 --",
  '𝒳',
];

let n = 0;
function validFact(): Record<string, unknown> {
  n += 1;
  return {
    _id: `${FIT.deviceId}-01JFUZZ${String(n).padStart(19, '0')}`,
    kind: 'tryOn',
    storeId: FIT.storeId,
    deviceId: FIT.deviceId,
    epc: '30340D6F2C4B1D4000000001',
    room: 'FR1',
    openedAt: '2026-03-01T02:00:00.000Z',
    closedAt: '2026-03-01T02:03:00.000Z',
    durationMs: 180_000,
    tryOn: true,
    closedBy: 'left-room',
  };
}

const FIELDS = [
  '_id',
  'kind',
  'storeId',
  'deviceId',
  'epc',
  'gtin',
  'serial',
  'room',
  'openedAt',
  'closedAt',
  'durationMs',
  'tryOn',
  'closedBy',
  'memberId',
  'clerkId',
  'surprise',
];
const arbValue = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    180_000,
    '',
    'S002',
    'S001',
    'FR1',
    '2026-03-01T02:03:00.000Z',
    '2026-03-01T01:00:00.000Z',
    'soon',
    '30340D6F2C4B1D4000000001',
    '30340d6f2c4b1d4000000001',
    '06901234000012',
    '12',
    'M0001',
    'departed',
    'tryOn',
    'sale',
    `${FIT.deviceId}-01JOTHER0000000000000000`,
    'S002-FIT1-01JOTHER0000000000000000',
  ),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.object({ maxDepth: 1, maxKeys: 2 }),
);
const arbMutation = fc.array(
  fc.record({
    field: fc.constantFrom(...FIELDS),
    drop: fc.boolean(),
    value: arbValue,
  }),
  { maxLength: 3 },
);

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`try-on endpoints fuzzed on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    const seqs = () =>
      Promise.all(
        [TRY_ON_FACTS_DB, OUTBOX_DB, 'saleFacts'].map(
          async (db) => (await server.storage.dbInfo(db as never, null)).updateSeq,
        ),
      );

    beforeAll(async () => {
      server = await startTestServer(backend, {
        rateLimit: false,
        holdSweeper: false,
        tryOns: { outbox: false },
      });
      admin = (await provisionAdminToken(server.storage, 'hq')).token;
    });
    afterAll(async () => {
      await server.close();
    });

    it('[RI13] [RI6] [RI7] [RI8] [RI9] any query string: 200 or a 4xx with its reason, never a 500, nothing written', async () => {
      const before = await seqs();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...PATHS),
          fc.constantFrom(FIT.token, admin),
          fc.array(
            fc.tuple(
              fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 })),
              fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 40 })),
            ),
            { maxLength: 4 },
          ),
          async (path, token, pairs) => {
            const query = new URLSearchParams(pairs).toString();
            const res = await server.request(token, query ? `${path}?${query}` : path);
            expect([200, 400, 403, 404]).toContain(res.status);
            if (res.status !== 200) {
              expect(typeof (res.body as { reason?: unknown }).reason).toBe('string');
            }
          },
        ),
        { numRuns: 150 },
      );
      expect(await seqs()).toEqual(before);
    });

    it("[RI5] [TO4] any tryOn body: stored exactly when its kind's rules and its store and device accept it", async () => {
      await fc.assert(
        fc.asyncProperty(arbMutation, async (mutations) => {
          const doc = validFact();
          for (const m of mutations) {
            if (m.drop) delete doc[m.field];
            else doc[m.field] = m.value;
          }
          const res = await server.request(FIT.token, '/facts/_bulk_docs', {
            body: { docs: [doc] },
          });
          expect([201, 400]).toContain(res.status);
          const row = Array.isArray(res.body) ? (res.body[0] as { ok?: boolean }) : undefined;
          const { _id, ...rest } = doc;
          const fact: Record<string, unknown> = { id: _id, ...rest };
          const valid =
            typeof _id === 'string' &&
            _id.length > 0 &&
            validateFact(fact).length === 0 &&
            fact.storeId === FIT.storeId &&
            fact.deviceId === FIT.deviceId;
          if (row?.ok === true) {
            expect(valid).toBe(true);
            const stored = await server.storage.getDocs(
              TRY_ON_FACTS_DB as never,
              [_id as string],
              null,
            );
            expect(stored.get(_id as string)?.body).toMatchObject({ epc: fact.epc });
          } else if (valid) {
            // Only another fact under a recorded id may be refused when the body is valid.
            expect((res.body as { error?: string }[])[0]!.error).toBe('conflict');
          }
        }),
        { numRuns: 200 },
      );
    });
  });
}
