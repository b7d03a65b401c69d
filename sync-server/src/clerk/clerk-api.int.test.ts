/**
 * The clerk API ([TB1]-[TB8]) on both backends, over HTTP with a tablet's
 * device token: chain stock, clerk orders (shown in the customer's shop
 * order list), the pay page of the simulated provider, members, addresses,
 * and the commission ledger through real events.
 */
import {
  phoneIndex,
  type ChainStockAnswer,
  type ClerkCommissionAnswer,
  type ClerkMemberAnswer,
  type ClerkOrderAnswer,
  type ClerkOrderRequest,
  type ClerkPayment,
  type CommissionEntry,
} from '@pos/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { provisionAdminToken } from '../auth';
import { DEMO_MISSING_SKU, DEMO_TABLETS } from '../demo-clerk';
import { DEMO_PRIVACY_KEYS } from '../pii/keyring';
import { BACKENDS, shopSignIn, startTestServer, type TestServer } from '../test-support';
import { COMMISSION_ENTRIES_DB, CREDITED_LINES_DB } from './ledger';
import { ORDERS_DB } from '../orders/store-orders';

const [TABLET, TABLET2] = DEMO_TABLETS;
const CLERK = 'S001-E03';
const SUPERVISOR = 'S001-E02';
const FULL = [{ staffId: CLERK, share: 10_000 }];
let n = 0;

function clerkOrder(overrides: Partial<ClerkOrderRequest> = {}): ClerkOrderRequest {
  n += 1;
  return {
    requestId: `${TABLET.deviceId}-01JTEST${String(n).padStart(19, '0')}`,
    staffId: CLERK,
    customer: { memberId: 'M0001' },
    lines: [
      {
        lineId: 'L1',
        sku: DEMO_MISSING_SKU,
        quantity: 1,
        fulfilment: { mode: 'pickup', storeId: 'S002' },
        credits: FULL,
      },
    ],
    createdAt: '2026-01-02T03:04:00.000Z',
    ...overrides,
  };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`clerk API on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    const as = (token: string, path: string, init?: Parameters<TestServer['request']>[2]) =>
      server.request(token, path, init);
    const place = (order: ClerkOrderRequest, token = TABLET.token) =>
      as(token, '/_clerk/orders', {
        body: order,
        headers: { 'idempotency-key': order.requestId },
      });
    const counts = async () =>
      Promise.all(
        [ORDERS_DB, 'members', COMMISSION_ENTRIES_DB, CREDITED_LINES_DB, 'storeState'].map(
          async (db) => (await server.storage.dbInfo(db as never, null)).updateSeq,
        ),
      );

    beforeAll(async () => {
      server = await startTestServer(backend, { rateLimit: false, holdSweeper: false });
      admin = (await provisionAdminToken(server.storage, 'hq')).token;
    });
    afterAll(async () => {
      await server.close();
    });

    it('[TB1] [VG4] answers the style at this store and the others nearest first', async () => {
      const res = await as(TABLET.token, '/_clerk/stock?style=TEE-01');
      expect(res.status).toBe(200);
      const answer = res.body as ChainStockAnswer;
      expect(answer.here.storeId).toBe('S001');
      expect(answer.here.atp[DEMO_MISSING_SKU]).toBe(0);
      expect(Object.keys(answer.here.atp)).toHaveLength(8);
      expect(answer.stores.map((s) => s.storeId)).toEqual(['S002']);
      expect(answer.stores[0]).toMatchObject({ name: '徐汇店 Xuhui', asOf: answer.asOf });
      expect(answer.stores[0]!.atp[DEMO_MISSING_SKU]).toBe(4);
      expect(answer.stores[0]!.distanceMetres).toBeGreaterThan(1000);
      const bySku = await as(TABLET2.token, `/_clerk/stock?style=TEE-01&sku=${DEMO_MISSING_SKU}`);
      expect((bySku.body as ChainStockAnswer).stores).toEqual([]);
      expect((await as(TABLET.token, '/_clerk/stock?style=NOPE')).status).toBe(404);
      expect((await as(TABLET.token, '/_clerk/stock?style=TEE-01&limit=0')).status).toBe(400);
      expect((await as(TABLET.token, '/_clerk/stock?style=TEE-01&sku=SKU-0001')).status).toBe(400);
      expect((await as(admin, '/_clerk/stock?style=TEE-01')).status).toBe(403);
      expect((await server.request(null, '/_clerk/stock?style=TEE-01')).status).toBe(401);
    });

    it('[TB2] [OD17] places a credited pickup order held at the other store; a retry is the same order', async () => {
      const order = clerkOrder({ expectedTotal: 9_900 });
      const res = await place(order);
      expect(res.status).toBe(201);
      const { order: view } = res.body as ClerkOrderAnswer;
      expect(view).toMatchObject({
        status: 'held',
        total: 9_900,
        attributionStoreId: 'S001',
        lines: [{ lineId: 'L1', where: '徐汇店 Xuhui', credits: FULL, net: 9_900 }],
      });
      expect(view.number).toHaveLength(8);
      const stored = (await server.storage.getDocs(ORDERS_DB, [view.id], null)).get(view.id)!;
      expect(stored.body).toMatchObject({
        channel: 'tablet',
        clerk: { staffId: CLERK, deviceId: TABLET.deviceId, attributionStoreId: 'S001' },
      });
      const again = await place(order);
      expect(again.status).toBe(200);
      expect((again.body as ClerkOrderAnswer).order.id).toBe(view.id);
      const read = await as(TABLET.token, `/_clerk/orders/${view.id}`);
      expect((read.body as ClerkOrderAnswer).order.id).toBe(view.id);
      // Another store's tablet does not see it.
      expect((await as(TABLET2.token, `/_clerk/orders/${view.id}`)).status).toBe(404);
      const stock = (await as(TABLET.token, '/_clerk/stock?style=TEE-01')).body as ChainStockAnswer;
      expect(stock.stores[0]!.atp[DEMO_MISSING_SKU]).toBe(3);
    });

    it('[TB2] [SHP6] the order shows in the member’s order list in the shop', async () => {
      const res = await place(clerkOrder());
      const id = (res.body as ClerkOrderAnswer).order.id;
      const session = await shopSignIn(server.url, admin, '13800138001');
      const listed = await server.request(session, '/_shop/orders');
      const ids = (listed.body as { orders: { id: string }[] }).orders.map((o) => o.id);
      expect(ids).toContain(id);
    });

    it('[TB2] refuses a changed price, a lack of stock and bad input, changing nothing', async () => {
      const before = await counts();
      const priced = await place(clerkOrder({ expectedTotal: 100 }));
      expect(priced.status).toBe(409);
      expect(priced.body).toMatchObject({ code: 'PRICE_CHANGED', total: 9_900 });
      const short = await place(
        clerkOrder({
          lines: [
            {
              lineId: 'L1',
              sku: DEMO_MISSING_SKU,
              quantity: 1,
              fulfilment: { mode: 'pickup', storeId: 'S001' },
              credits: FULL,
            },
          ],
        }),
      );
      expect(short.status).toBe(409);
      expect(short.body).toMatchObject({ error: 'out_of_stock' });
      const noKey = await as(TABLET.token, '/_clerk/orders', { body: clerkOrder() });
      expect(noKey.status).toBe(400);
      const unknownStaff = await place(
        clerkOrder({
          lines: [{ ...clerkOrder().lines[0]!, credits: [{ staffId: 'NOBODY', share: 10_000 }] }],
        }),
      );
      expect(unknownStaff.status).toBe(400);
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              requestId: fc.oneof(fc.string(), fc.constant('k1')),
              staffId: fc.oneof(fc.string(), fc.constant(CLERK)),
              customer: fc.oneof(
                fc.anything(),
                fc.constant({ memberId: 'M0001' }),
                fc.constant({ memberId: 'M0001', phoneIndex: 'ab' }),
              ),
              lines: fc.oneof(
                fc.anything(),
                fc.array(
                  fc.record({
                    lineId: fc.oneof(fc.string(), fc.constant('L1')),
                    sku: fc.oneof(fc.string(), fc.constant(DEMO_MISSING_SKU)),
                    quantity: fc.oneof(fc.integer(), fc.double(), fc.constant(1)),
                    fulfilment: fc.oneof(
                      fc.anything(),
                      fc.constant({ mode: 'take-now' }),
                      fc.constant({ mode: 'pickup', storeId: 'S002' }),
                    ),
                    credits: fc.oneof(
                      fc.anything(),
                      fc.constant(FULL),
                      fc.constant([{ staffId: CLERK, share: 5_000 }]),
                    ),
                  }),
                  { maxLength: 3 },
                ),
              ),
              // Always present and never the order's total: a body whose other fields all
              // happen to be right (a pickup of the SKU S002 holds) is still refused.
              expectedTotal: fc.oneof(
                fc.anything().filter((value) => value !== undefined),
                fc.constant(1),
              ),
              createdAt: fc.oneof(fc.string(), fc.constant('2026-01-02T03:04:00.000Z')),
            },
            { requiredKeys: ['expectedTotal'] },
          ),
          async (body) => {
            const key = typeof body.requestId === 'string' && body.requestId ? body.requestId : 'k';
            const res = await as(TABLET.token, '/_clerk/orders', {
              body,
              headers: /^[\x21-\x7e]+$/.test(key) ? { 'idempotency-key': key } : {},
            });
            // Every fuzzed body is wrong somewhere (a bad field, a half credit, a wrong price).
            expect([400, 409]).toContain(res.status);
          },
        ),
        { numRuns: 60 },
      );
      expect(await counts()).toEqual(before);
    });

    it('[TB3] [TB8] [CM6] [CM7] the customer pays on the pay page; commission is written, refunded, never twice', async () => {
      const res = await place(clerkOrder());
      const id = (res.body as ClerkOrderAnswer).order.id;
      const pay = await as(TABLET.token, `/_clerk/orders/${id}/pay`, { method: 'POST' });
      expect(pay.status).toBe(201);
      const payment = pay.body as ClerkPayment;
      expect(payment.payUrl).toBe(`${server.url}/_payments/sim/${payment.providerTxnId}`);
      expect(payment.qrPayload).toBe(payment.payUrl);
      const page = await fetch(payment.payUrl);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await page.text();
      expect(html).toContain('¥99.00');
      expect(html).toContain('支付 Pay');
      expect((await fetch(`${server.url}/_payments/sim/sim-nope`)).status).toBe(404);
      const paid = await fetch(payment.payUrl, { method: 'POST' });
      expect(paid.status).toBe(200);
      expect(await paid.text()).toContain('已支付 Paid');
      await vi.waitFor(async () => {
        const read = await as(TABLET.token, `/_clerk/orders/${id}`);
        expect((read.body as ClerkOrderAnswer).order.status).toBe('paid');
      });
      // [CM4] Black L's own rule: 8 % of 99.00.
      const entries = (
        await server.storage.findDocs(COMMISSION_ENTRIES_DB, { fields: { source: `order:${id}` } })
      ).map((r) => r.body as unknown as CommissionEntry);
      expect(entries).toEqual([
        expect.objectContaining({ staffId: CLERK, reason: 'sale', sales: 9_900, commission: 792 }),
      ]);
      const mine = await as(TABLET.token, `/_clerk/commission?staffId=${CLERK}`);
      expect(mine.status).toBe(200);
      const summary = mine.body as ClerkCommissionAnswer;
      expect(summary.day.commission).toBeGreaterThanOrEqual(792);
      expect(summary.lines.map((l) => l.source)).toContain(`order:${id}`);
      // A second paid notification of the same payment writes nothing new.
      await fetch(payment.payUrl, { method: 'POST' });
      expect(
        await server.storage.findDocs(COMMISSION_ENTRIES_DB, { fields: { source: `order:${id}` } }),
      ).toHaveLength(1);

      // [TB5] [CM8] A supervisor splits the credit; a stale edit changes nothing.
      const edit = {
        id: `${TABLET.deviceId}-EDIT${n}`,
        source: `order:${id}`,
        lineId: 'L1',
        before: FULL,
        after: [
          { staffId: CLERK, share: 5_000 },
          { staffId: 'S001-E01', share: 5_000 },
        ],
        approvedBy: SUPERVISOR,
        requestedBy: CLERK,
        reason: '一起接待 served together',
        at: '2026-01-02T03:05:00.000Z',
      };
      const edited = await as(TABLET.token, '/_clerk/credit-edits', { body: edit });
      expect(edited.status).toBe(200);
      const moved = (edited.body as { entries: CommissionEntry[] }).entries;
      expect(moved.reduce((s, e) => s + e.commission, 0)).toBe(0);
      expect(moved.reduce((s, e) => s + e.sales, 0)).toBe(0);
      const before = await counts();
      const stale = await as(TABLET.token, '/_clerk/credit-edits', {
        body: { ...edit, id: `${edit.id}-2` },
      });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'CREDIT_STALE' });
      const unapproved = await as(TABLET.token, '/_clerk/credit-edits', {
        body: { ...edit, id: `${edit.id}-3`, before: edit.after, approvedBy: CLERK },
      });
      expect(unapproved.status).toBe(400);
      expect(
        (await as(TABLET2.token, '/_clerk/credit-edits', { body: { ...edit, id: `${edit.id}-4` } }))
          .status,
      ).toBe(404);
      expect(await counts()).toEqual(before);
      // The same edit again is answered, and writes nothing.
      expect((await as(TABLET.token, '/_clerk/credit-edits', { body: edit })).status).toBe(200);
      expect(await counts()).toEqual(before);
    });

    it('[TB6] creates a sealed member with a consent invitation; the same phone answers that member', async () => {
      const before = (await server.storage.dbInfo('members', null)).docCount;
      const res = await as(TABLET.token, '/_clerk/members', {
        body: { phone: '13700137001', name: '钱多多', staffId: CLERK },
      });
      expect(res.status).toBe(201);
      const member = res.body as ClerkMemberAnswer;
      expect(member).toMatchObject({
        maskedPhone: '137****7001',
        maskedName: '钱*',
        existing: false,
      });
      expect(member.consentUrl).toMatch(new RegExp(`^${server.url}/consent/[A-Za-z0-9_-]{22}$`));
      expect(JSON.stringify(res.body)).not.toContain('13700137001');
      const stored = (await server.storage.getDocs('members', [member.memberId], null)).get(
        member.memberId,
      )!;
      expect(JSON.stringify(stored.body)).not.toContain('13700137001');
      expect(JSON.stringify(stored.body)).not.toContain('钱多多');
      expect((await fetch(member.consentUrl!)).status).toBe(200);
      const again = await as(TABLET.token, '/_clerk/members', {
        body: { phone: '137 0013 7001', staffId: CLERK },
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ memberId: member.memberId, existing: true });
      const found = await as(
        TABLET2.token,
        `/_clerk/members?phoneIndex=${phoneIndex(DEMO_PRIVACY_KEYS.indexKey, '13700137001')}`,
      );
      expect(found.body).toMatchObject({ memberId: member.memberId, maskedPhone: '137****7001' });
      expect((await as(TABLET.token, `/_clerk/members?phoneIndex=${'0'.repeat(64)}`)).status).toBe(
        404,
      );
      for (const body of [
        {},
        { phone: '123', staffId: CLERK },
        { phone: '13700137002', staffId: 'NOBODY' },
        { phone: '13700137002', staffId: CLERK, name: '' },
      ]) {
        expect((await as(TABLET.token, '/_clerk/members', { body })).status).toBe(400);
      }
      expect((await server.storage.dbInfo('members', null)).docCount).toBe(before + 1);
    });

    it('[TB5] [TB6] [TB7] fuzzed bodies of members, addresses and credit edits are refused and change nothing', async () => {
      const before = await counts();
      const field = fc.oneof(fc.anything(), fc.string(), fc.constant(CLERK), fc.constant('M0001'));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/_clerk/members', '/_clerk/addresses', '/_clerk/credit-edits'),
          fc.oneof(
            fc.anything(),
            fc.record(
              {
                phone: fc.oneof(fc.string(), fc.constant('12345')),
                staffId: fc.oneof(fc.string(), fc.constant('NOBODY')),
                memberId: field,
                regionCode: field,
                id: field,
                source: fc.oneof(fc.string(), fc.constant('order:ORD-NOPE')),
                lineId: field,
                before: fc.oneof(fc.anything(), fc.constant(FULL)),
                after: fc.oneof(fc.anything(), fc.constant([{ staffId: CLERK, share: 1 }])),
                reason: field,
                at: field,
              },
              { requiredKeys: [] },
            ),
          ),
          async (path, body) => {
            const res = await as(TABLET.token, path, { body: JSON.stringify(body ?? null) });
            expect([400, 404]).toContain(res.status);
          },
        ),
        { numRuns: 60 },
      );
      expect(await counts()).toEqual(before);
    });

    it('[TB7] seals a delivery address for a member; a clerk order ships to it', async () => {
      const res = await as(TABLET.token, '/_clerk/addresses', {
        body: {
          memberId: 'M0001',
          regionCode: '310104',
          street: '漕溪北路 88 号 88 North Caoxi Rd',
          name: '张伟',
          phone: '13800138001',
        },
      });
      expect(res.status).toBe(201);
      const { addressId, label } = res.body as { addressId: string; label: string };
      expect(label).toContain('张*');
      expect(label).not.toContain('13800138001');
      const order = await place(
        clerkOrder({
          lines: [
            {
              lineId: 'L1',
              sku: 'TEE-01-WH-M',
              quantity: 1,
              fulfilment: { mode: 'ship', addressId },
              credits: FULL,
            },
          ],
        }),
      );
      expect(order.status).toBe(201);
      expect((order.body as ClerkOrderAnswer).order.lines[0]!.where).not.toBe('');
      // Another customer's order cannot ship to this address.
      const other = await place(
        clerkOrder({
          customer: { memberId: 'M0002' },
          lines: [
            {
              lineId: 'L1',
              sku: 'TEE-01-WH-M',
              quantity: 1,
              fulfilment: { mode: 'ship', addressId },
              credits: FULL,
            },
          ],
        }),
      );
      expect(other.status).toBe(400);
      for (const body of [
        {},
        { memberId: 'M0001', regionCode: 'x', street: 'a', name: 'b', phone: '13800138001' },
      ]) {
        expect((await as(TABLET.token, '/_clerk/addresses', { body })).status).toBe(400);
      }
      expect(
        (
          await as(TABLET.token, '/_clerk/addresses', {
            body: {
              memberId: 'M9999',
              regionCode: '310104',
              street: 'a',
              name: 'b',
              phone: '13800138001',
            },
          })
        ).status,
      ).toBe(404);
    });
  });
}
