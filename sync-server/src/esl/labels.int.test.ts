/**
 * [SV1]-[SV12] Shelf labels on the server, on PGlite and PostgreSQL: a
 * future price change waits for its instant (the till's price document
 * too), acks are recorded once, a store's service sees only its store, and
 * bad bodies are 400 and change nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelList, LabelPushView, LabelWork, Price, PriceChangeAnswer } from '@pos/domain';
import { provisionAdminToken } from '../auth';
import { BACKENDS, S002_DEVICE, startTestServer, type TestServer } from '../test-support';
import { DEMO_SHELF_LABEL_SERVICES } from './demo';
import { provisionDevice } from '../auth';
import { startPriceChangeSweep } from './sweep';

const [SERVICE] = DEMO_SHELF_LABEL_SERVICES;
const T0 = Date.parse('2026-12-07T02:00:00.000Z'); // 10:00 in the store (UTC+8)

describe.each(BACKENDS)('shelf labels on $name', (backend) => {
  let server: TestServer;
  let admin: string;
  let clock = T0;
  const as = async <T>(token: string, path: string, body?: unknown) => {
    const r = await server.request(token, path, body === undefined ? {} : { body });
    return { status: r.status, body: r.body as T };
  };
  const priceOf = async (sku: string) =>
    (
      (await server.storage.getDocs('prices', [`CN-LIST:${sku}`], null)).get(`CN-LIST:${sku}`)
        ?.body as Price | undefined
    )?.amount;

  beforeAll(async () => {
    if (backend.skip) return;
    server = await startTestServer(backend, {
      now: () => new Date(clock),
      rateLimit: false,
      holdSweeper: false,
    });
    admin = (await provisionAdminToken(server.storage, 'hq-test')).token;
    await provisionDevice(server.storage, SERVICE.token, SERVICE);
  }, 60_000);
  afterAll(async () => {
    if (!backend.skip) await server.close();
  });

  it.skipIf(backend.skip)(
    '[SV5] [SV6] [EL6] a future price change changes the till price and the labels at its instant, not before',
    async () => {
      const bind = await as<{ bound: number; labelsToPush: number }>(
        admin,
        '/_console/labels/bindings',
        {
          storeId: 'S001',
          bindings: ['A1', 'A2', 'A3'].map((labelId) => ({ labelId, sku: 'SKU-0002' })),
        },
      );
      expect(bind.body).toEqual({ bound: 3, labelsToPush: 3 });
      const first = await as<LabelWork>(SERVICE.token, '/_esl/work');
      expect(first.body.items.map((i) => i.labelId)).toEqual(['A1', 'A2', 'A3']);
      const before = await priceOf('SKU-0002');

      // 11:00 store-local time: one hour ahead.
      const change = await as<PriceChangeAnswer>(admin, '/_console/prices', {
        priceList: 'CN-LIST',
        sku: 'SKU-0002',
        amountFen: 999,
        effectiveAt: '2026-12-07T11:00',
      });
      expect(change.body).toEqual({
        priceId: 'CN-LIST:SKU-0002',
        effectiveAt: '2026-12-07T03:00:00.000Z',
        labelsToPush: 3,
      });
      clock = T0 + 59 * 60_000;
      const early = await as<LabelWork>(SERVICE.token, '/_esl/work');
      expect(early.body.items.map((i) => i.pushId)).toEqual(first.body.items.map((i) => i.pushId));
      expect(await priceOf('SKU-0002')).toBe(before);

      clock = T0 + 60 * 60_000;
      const due = await as<LabelWork>(SERVICE.token, '/_esl/work');
      expect(await priceOf('SKU-0002')).toBe(999);
      expect(due.body.items.every((i) => i.content.priceFen === 999)).toBe(true);
      const pushes = await as<{ pushes: LabelPushView[] }>(
        admin,
        '/_console/labels/pushes?store=S001',
      );
      expect(pushes.body.pushes[0]).toMatchObject({
        labels: 3,
        effectiveAt: '2026-12-07T03:00:00.000Z',
        reason: 'scheduled price change',
      });

      // [SV7] Acks are recorded once; a replay changes nothing.
      const at = new Date(clock).toISOString();
      const acks = due.body.items.map((i) => ({
        labelId: i.labelId,
        hash: i.hash,
        pushId: i.pushId,
        status: 'acked',
        at,
        batteryPct: 80,
      }));
      expect((await as(SERVICE.token, '/_esl/acks', { acks })).body).toEqual({
        recorded: 3,
        ignored: 0,
      });
      expect((await as(SERVICE.token, '/_esl/acks', { acks })).body).toEqual({
        recorded: 0,
        ignored: 0,
      });
      const list = await as<LabelList>(admin, '/_console/labels?store=S001');
      expect(list.body.counts).toMatchObject({ acked: 3, pending: 0 });
      expect(list.body.labels[0]).toMatchObject({
        shownPriceFen: 999,
        batteryPct: 80,
        status: 'acked',
      });
      expect(
        (await as<{ pushes: LabelPushView[] }>(admin, '/_console/labels/pushes?store=S001')).body
          .pushes[0],
      ).toMatchObject({ acked: 3, ack95At: at });

      // [SV6] A promotion written through the admin path is pushed at the next fetch.
      await server.storage.transaction(async (tx) => {
        await tx.put({
          db: 'promotions',
          id: 'P-LABELS',
          body: {
            id: 'P-LABELS',
            name: '九折 10% off',
            priority: 1,
            target: { skus: ['SKU-0002'] },
            rule: { kind: 'percent-off', bp: 1000 },
          },
          storeId: null,
          expectedRev: null,
        });
      });
      const promoted = await as<LabelWork>(SERVICE.token, '/_esl/work');
      expect(
        promoted.body.items.map((i) => [i.labelId, i.content.priceFen, i.content.wasFen]),
      ).toEqual([
        ['A1', 899, 999],
        ['A2', 899, 999],
        ['A3', 899, 999],
      ]);
      // [SV6] Another store's device sees nothing of S001 and cannot ack its labels.
      expect((await as<LabelWork>(S002_DEVICE.token, '/_esl/work')).body.items).toEqual([]);
      expect((await as(S002_DEVICE.token, '/_esl/acks', { acks })).body).toEqual({
        recorded: 0,
        ignored: 3,
      });
      expect((await as(admin, '/_esl/work')).status).toBe(403);
      expect((await as(admin, '/_console/labels?store=NOPE')).status).toBe(404);
      // [SV10] The shelves show 999 while the till charges 899: in flight, then past the grace period a mismatch.
      expect(
        (await as<{ mismatches: [] }>(admin, '/_console/labels/integrity')).body.mismatches,
      ).toEqual([]);
      clock += 11 * 60_000;
      const integrity = await as<{ mismatches: { labelId: string; reason: string }[] }>(
        admin,
        '/_console/labels/integrity?store=S001',
      );
      expect(integrity.body.mismatches).toEqual(
        ['A1', 'A2', 'A3'].map((labelId) =>
          expect.objectContaining({
            labelId,
            reason: 'not-acknowledged',
            shelfFen: 999,
            tillFen: 899,
          }),
        ),
      );
    },
  );

  it.skipIf(backend.skip)(
    '[SV5] the sweep applies a due price change with no label request',
    async () => {
      const answer = await as<PriceChangeAnswer>(admin, '/_console/prices', {
        priceList: 'CN-LIST',
        sku: 'SKU-0004',
        amountFen: 4321,
        effectiveAt: new Date(clock + 60_000).toISOString(),
      });
      expect(answer.status).toBe(200);
      expect(await priceOf('SKU-0004')).not.toBe(4321);
      clock += 60_000;
      const sweep = startPriceChangeSweep(server.storage, {
        now: () => new Date(clock),
        log: () => {},
        intervalMs: 5,
      });
      try {
        for (let i = 0; i < 400 && (await priceOf('SKU-0004')) !== 4321; i++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } finally {
        await sweep.stop();
      }
      expect(await priceOf('SKU-0004')).toBe(4321);
    },
  );

  it.skipIf(backend.skip)(
    '[SV7] [SV11] [SV12] bad bodies are 400 and change nothing, never 500',
    async () => {
      const counts = async () =>
        (await as<LabelList>(admin, '/_console/labels?store=S001')).body.counts;
      const before = await counts();
      const anyJson = fc.oneof(
        fc.jsonValue(),
        fc.record({
          acks: fc.array(
            fc.dictionary(
              fc.constantFrom('labelId', 'hash', 'pushId', 'status', 'at', 'error', 'batteryPct'),
              fc.jsonValue(),
            ),
          ),
        }),
        fc.record({
          storeId: fc.constantFrom('S001', 'S9', 3),
          bindings: fc.array(fc.dictionary(fc.constantFrom('labelId', 'sku'), fc.jsonValue())),
        }),
        fc.record({
          priceList: fc.constantFrom('CN-LIST', '', 5),
          sku: fc.constantFrom('SKU-0003', 'nope', null),
          amountFen: fc.oneof(fc.integer(), fc.double()),
          effectiveAt: fc.oneof(fc.string(), fc.constant('2026-13-01T00:00')),
        }),
      );
      await fc.assert(
        fc.asyncProperty(
          anyJson,
          fc.constantFrom('/_esl/acks', '/_console/labels/bindings', '/_console/prices'),
          async (body, path) => {
            const token = path === '/_esl/acks' ? SERVICE.token : admin;
            const r = await server.request(token, path, { body: JSON.stringify(body) });
            expect(r.status).toBeLessThan(500);
          },
        ),
        { numRuns: 40 },
      );
      const bad = await as<{ reason: string }>(SERVICE.token, '/_esl/acks', {
        acks: [{ labelId: 'A1', hash: 'h', pushId: 'p', status: 'maybe', at: 'x' }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.reason).toMatch(/status/);
      expect(await counts()).toEqual(before);
    },
  );
});
