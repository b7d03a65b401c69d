/**
 * Exception review over a real server: an oversell and a coupon redeemed
 * twice pushed by tills appear in the review with the facts behind them;
 * resolving records who, when and what; another store's manager finds
 * nothing; resolve bodies are fuzzed. One server per backend.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONSOLE_PERMISSIONS,
  type ExceptionDetail,
  type ExceptionList,
  type Resolution,
  type SaleFact,
} from '@pos/domain';
import { DEMO_STOCK } from '../demo-data';
import { DEMO_COUPONS } from '../demo-people';
import { provisionAdminToken } from '../auth';
import { SyncError } from '../protocol';
import type { PrivacyKeys } from '../pii/keyring';
import {
  asPushed,
  BACKENDS,
  demoSale,
  S001_DEVICE,
  S002_DEVICE,
  startTestServer,
  type TestServer,
} from '../test-support';
import type { ConsoleRequest, ConsoleSession } from './context';
import { serveExceptionRoutes } from './exception-routes';

const onHandOf = (id: string) => DEMO_STOCK.find((s) => s.id === id)!.onHand;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`exception review on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    let oversold: SaleFact;
    let loser: SaleFact;
    let winner: SaleFact;

    const get = async <T>(path: string) => {
      const answer = await server.request(admin, path);
      return { status: answer.status, body: answer.body as T };
    };
    const push = async (token: string, db: string, docs: Record<string, unknown>[]) =>
      (await server.request(token, `/${db}/_bulk_docs`, { body: { docs } })).body as {
        ok?: boolean;
      }[];

    /** The exception routes as a store manager of `stores` sees them (the API's own check). */
    async function asManager(
      stores: string[],
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: unknown }> {
      const session: ConsoleSession = {
        sessionId: 'test',
        userId: 'mgr',
        userName: 'mgr',
        role: 'store-manager',
        stores,
        permissions: CONSOLE_PERMISSIONS.filter((p) => p !== 'users:manage'),
      };
      const url = new URL(path, 'http://x');
      let answer = { status: 0, body: null as unknown };
      const request: ConsoleRequest = {
        storage: server.storage,
        session,
        method,
        segments: url.pathname.split('/').filter(Boolean).map(decodeURIComponent),
        query: url.searchParams,
        readJson: () => Promise.resolve(body),
        readText: () => Promise.resolve(''),
        header: () => undefined,
        send: (status, sent) => (answer = { status, body: sent }),
        sendText: () => {},
        now: () => new Date('2026-01-02T05:00:00Z'),
        log: () => {},
        privacy: {} as PrivacyKeys,
        scoped: (work) => server.storage.sqlTransaction(work),
      };
      try {
        expect(await serveExceptionRoutes(request)).toBe(true);
      } catch (error) {
        if (error instanceof SyncError) return { status: error.status, body: error.reason };
        throw error;
      }
      return answer;
    }

    beforeAll(async () => {
      server = await startTestServer(backend);
      admin = (await provisionAdminToken(server.storage, 'hq-review')).token;
      // S001 sells 2 more of SKU-0001 than it has on hand.
      const onHand = onHandOf('S001:SKU-0001');
      oversold = demoSale(S001_DEVICE, 1, [['SKU-0001', onHand + 2]]);
      // A coupon redeemed at S001, then again at S002 (offline, say).
      const coupon = { ...DEMO_COUPONS[0]!, id: 'CP-TWICE' };
      expect((await push(admin, 'coupons', [asPushed(coupon as never)]))[0]).toMatchObject({
        ok: true,
      });
      winner = { ...demoSale(S001_DEVICE, 2, [['SKU-0003', 1]]), coupons: ['CP-TWICE'] };
      loser = { ...demoSale(S002_DEVICE, 3, [['SKU-0003', 1]]), coupons: ['CP-TWICE'] };
      for (const [token, sale] of [
        [S001_DEVICE.token, oversold],
        [S001_DEVICE.token, winner],
        [S002_DEVICE.token, loser],
      ] as const) {
        expect((await push(token, 'saleFacts', [asPushed(sale)]))[0]).toMatchObject({ ok: true });
      }
    });
    afterAll(async () => {
      await server?.close();
    });

    it('[XS1] [XS3] an oversold sale is recorded with its shortfall and listed with a coupon redeemed twice', async () => {
      const stock = (await server.storage.getDocs('stock', ['S001:SKU-0001'], null)).get(
        'S001:SKU-0001',
      );
      // The sale was never refused: on hand is below 0.
      expect((stock?.body as { onHand: number }).onHand).toBe(-2);
      const { status, body } = await get<ExceptionList>('/_console/exceptions?status=open');
      expect(status).toBe(200);
      const oversell = body.exceptions.find((e) => e.kind === 'oversell');
      expect(oversell).toMatchObject({
        id: `oversell:${oversold.id}:SKU-0001`,
        group: 'oversell',
        storeId: 'S001',
        factDb: 'saleFacts',
        factId: oversold.id,
        status: 'open',
        details: { sku: 'SKU-0001', shortfall: 2, sold: onHandOf('S001:SKU-0001') + 2 },
      });
      const twice = body.exceptions.find((e) => e.group === 'coupon-twice');
      expect(twice).toMatchObject({ storeId: 'S002', factId: loser.id, status: 'open' });
      // Newest first; a group filter and a page limit.
      const received = body.exceptions.map((e) => e.receivedAt);
      expect(received).toEqual([...received].sort().reverse());
      const group = await get<ExceptionList>('/_console/exceptions?group=oversell');
      expect(group.body.exceptions.map((e) => e.kind)).toEqual(['oversell']);
      const page = await get<ExceptionList>('/_console/exceptions?status=all&limit=1');
      expect(page.body.exceptions).toHaveLength(1);
      expect(page.body.more).toBe(true);
      for (const bad of ['status=closed', 'group=x', 'limit=0', 'limit=abc', 'before=yesterday']) {
        expect((await get(`/_console/exceptions?${bad}`)).status, bad).toBe(400);
      }
    });

    it('[XS5] the detail shows the facts behind it: the other sale of a coupon redeemed twice', async () => {
      const id = `coupon-already-redeemed:${loser.id}:CP-TWICE`;
      const { status, body } = await get<ExceptionDetail>(
        `/_console/exceptions/${encodeURIComponent(id)}`,
      );
      expect(status).toBe(200);
      expect(body.exception.details).toMatchObject({ couponId: 'CP-TWICE', redeemedBy: winner.id });
      expect(body.facts.map((f) => [f.db, f.id])).toEqual([
        ['saleFacts', loser.id],
        ['saleFacts', winner.id],
      ]);
      expect(JSON.stringify(body)).not.toMatch(/(?<!\d)1\d{10}(?!\d)/);
      expect((await get('/_console/exceptions/no-such')).status).toBe(404);
    });

    it('[XS6] [XS2] a resolution records who, when and what; an escalation keeps it open', async () => {
      const id = `oversell:${oversold.id}:SKU-0001`;
      const path = `/_console/exceptions/${encodeURIComponent(id)}/resolutions`;
      const escalated = await server.request(admin, path, {
        body: { action: 'escalated', note: 'ask the store' },
      });
      expect(escalated.status).toBe(201);
      expect(escalated.body).toMatchObject({
        exceptionId: id,
        action: 'escalated',
        userId: 'hq-review',
        userName: 'hq-review',
        at: '2026-01-02T03:04:05.000Z',
      });
      const open = await get<ExceptionDetail>(`/_console/exceptions/${encodeURIComponent(id)}`);
      expect(open.body.exception.status).toBe('open');
      const corrected = await server.request(admin, path, {
        body: { action: 'corrected', note: 'recounted: 2 more were in the stockroom' },
      });
      expect(corrected.status).toBe(201);
      const after = await get<ExceptionDetail>(`/_console/exceptions/${encodeURIComponent(id)}`);
      expect(after.body.exception).toMatchObject({
        status: 'resolved',
        lastResolution: { action: 'corrected', note: 'recounted: 2 more were in the stockroom' },
      });
      expect(after.body.resolutions.map((r: Resolution) => r.action).sort()).toEqual([
        'corrected',
        'escalated',
      ]);
      const resolved = await get<ExceptionList>('/_console/exceptions?status=resolved');
      expect(resolved.body.exceptions.map((e) => e.id)).toEqual([id]);
      const stillOpen = await get<ExceptionList>('/_console/exceptions?status=open');
      expect(stillOpen.body.exceptions.map((e) => e.id)).not.toContain(id);
    });

    it('[XS4] a store manager of another store finds neither the exception nor its store', async () => {
      const id = encodeURIComponent(`oversell:${oversold.id}:SKU-0001`);
      expect((await asManager(['S002'], 'GET', `/_console/exceptions/${id}`)).status).toBe(404);
      expect(
        (
          await asManager(['S002'], 'POST', `/_console/exceptions/${id}/resolutions`, {
            action: 'accepted',
            note: '',
          })
        ).status,
      ).toBe(404);
      expect((await asManager(['S002'], 'GET', '/_console/exceptions?store=S001')).status).toBe(
        404,
      );
      const own = await asManager(['S002'], 'GET', '/_console/exceptions?status=all');
      expect((own.body as ExceptionList).exceptions.map((e) => e.storeId)).toEqual(['S002']);
      // The manager of S001 sees it.
      expect((await asManager(['S001'], 'GET', `/_console/exceptions/${id}`)).status).toBe(200);
    });

    it('[XS6] [XR3] fuzzed resolve bodies: a clear 400 or a resolution, never a 500', async () => {
      const id = `coupon-already-redeemed:${loser.id}:CP-TWICE`;
      const path = `/_console/exceptions/${encodeURIComponent(id)}/resolutions`;
      const resolutions = async () =>
        (await get<ExceptionDetail>(`/_console/exceptions/${encodeURIComponent(id)}`)).body
          .resolutions.length;
      let recorded = await resolutions();
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.jsonValue(),
            fc.record(
              {
                action: fc.oneof(
                  fc.constantFrom('accepted', 'corrected', 'escalated', 'dismissed'),
                  fc.string(),
                ),
                note: fc.oneof(fc.string({ maxLength: 600 }), fc.integer()),
              },
              { requiredKeys: [] },
            ),
            fc.string().map((text) => ({ raw: text })),
          ),
          async (body) => {
            const raw = typeof body === 'object' && body !== null && 'raw' in body;
            const answer = await server.request(admin, path, {
              body: raw ? (body as { raw: string }).raw || '{' : body,
            });
            expect([201, 400]).toContain(answer.status);
            if (answer.status === 201) recorded += 1;
            else expect(JSON.stringify(answer.body)).toMatch(/action|note|body|field|JSON|object/i);
          },
        ),
        { numRuns: 40 },
      );
      expect(await resolutions()).toBe(recorded);
    });
  });
}
