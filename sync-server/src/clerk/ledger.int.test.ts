/**
 * [TB8] The commission ledger through real events on both backends: a
 * till's take-now sale with credited lines and its returns, and a clerk
 * order paid then cancelled at its pickup deadline.
 */
import {
  heldByStaff,
  planReturn,
  type ClerkOrderAnswer,
  type ClerkPayment,
  type CommissionEntry,
  type SaleFact,
} from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_STYLE_PRODUCTS, DEMO_TABLETS } from '../demo-clerk';
import { sweepPickupDeadlines } from '../orders/deadlines';
import { BACKENDS, S001_DEVICE, startTestServer, type TestServer } from '../test-support';
import { COMMISSION_ENTRIES_DB, CREDITED_LINES_DB } from './ledger';

const [TABLET] = DEMO_TABLETS;
const CLERK = 'S001-E03';
const CASHIER = 'S001-E01';
const SPLIT = [
  { staffId: CLERK, share: 6_000 },
  { staffId: CASHIER, share: 4_000 },
];
const AT = '2026-01-02T03:00:00.000Z';
const TEE = DEMO_STYLE_PRODUCTS.find((p) => p.id === 'TEE-01-WH-M')!;

/** [TK4] A till's sale of a take-now code: two tees, credited 60/40. */
function takeNowSale(): SaleFact {
  const sale = saleFactFixture({
    id: `${S001_DEVICE.deviceId}-01JTAKENOW000000000000001`,
    deviceId: S001_DEVICE.deviceId,
    storeId: 'S001',
    soldAt: AT,
    lines: [[TEE, 9_900, 2]],
  });
  return {
    ...sale,
    takeNowCartId: `${TABLET.deviceId}-01JCART0000000000000000001`,
    lines: sale.lines.map((l) => ({ ...l, credits: SPLIT })),
  };
}

const wire = (doc: { id: string }) => {
  const { id, ...rest } = doc;
  return { _id: id, ...rest };
};

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`commission ledger on ${backend.name}`, () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer(backend, { rateLimit: false, holdSweeper: false });
    });
    afterEach(async () => {
      await server.close();
    });

    const entriesOf = async (source: string) =>
      (await server.storage.findDocs(COMMISSION_ENTRIES_DB, { fields: { source } })).map(
        (r) => r.body as unknown as CommissionEntry,
      );
    const push = async (db: string, docs: { id: string }[]) => {
      const res = await server.request(S001_DEVICE.token, `/${db}/_bulk_docs`, {
        body: { docs: docs.map(wire) },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(docs.map((d) => expect.objectContaining({ ok: true, id: d.id })));
    };

    it('[TB8] [TK4] [CM6] [CM7] a credited sale writes entries once; returns reverse them to zero', async () => {
      const sale = takeNowSale();
      await push('saleFacts', [sale]);
      const source = `sale:${sale.id}`;
      const sold = await entriesOf(source);
      // [CM4] Apparel 3 % of 198.00 = 5.94, shared 60/40.
      expect(sold.map((e) => [e.staffId, e.sales, e.commission]).sort()).toEqual([
        [CASHIER, 7_920, 238],
        [CLERK, 11_880, 356],
      ]);
      expect(sold.every((e) => e.attributionStoreId === 'S001' && e.ruleId === 'APPAREL-3')).toBe(
        true,
      );
      await push('saleFacts', [sale]);
      expect(await entriesOf(source)).toHaveLength(2);

      const first = planReturn(sale, [], [{ lineId: 'L1', quantity: 1 }], {
        id: `${S001_DEVICE.deviceId}-01JRETURN00000000000000001`,
        storeId: 'S001',
        deviceId: S001_DEVICE.deviceId,
        now: '2026-01-02T04:00:00.000Z',
      });
      if (!first.ok) throw new Error(first.message);
      await push('returns', [first.ret]);
      await push('returns', [first.ret]);
      const half = heldByStaff(await entriesOf(source));
      expect(half.get(CLERK)).toEqual({ sales: 5_940, commission: 178 });
      expect(half.get(CASHIER)).toEqual({ sales: 3_960, commission: 119 });
      const second = planReturn(sale, [first.ret], [{ lineId: 'L1', quantity: 1 }], {
        id: `${S001_DEVICE.deviceId}-01JRETURN00000000000000002`,
        storeId: 'S001',
        deviceId: S001_DEVICE.deviceId,
        now: '2026-01-02T05:00:00.000Z',
      });
      if (!second.ok) throw new Error(second.message);
      await push('returns', [second.ret]);
      const none = heldByStaff(await entriesOf(source));
      expect([...none.values()]).toEqual([
        { sales: 0, commission: 0 },
        { sales: 0, commission: 0 },
      ]);
      expect(await entriesOf(source)).toHaveLength(6);
    });

    it('[TB8] [CM7] a clerk order paid then cancelled at its deadline leaves everyone at zero', async () => {
      const requestId = `${TABLET.deviceId}-01JORDER0000000000000001`;
      const placed = await server.request(TABLET.token, '/_clerk/orders', {
        headers: { 'idempotency-key': requestId },
        body: {
          requestId,
          staffId: CLERK,
          customer: { memberId: 'M0001' },
          lines: [
            {
              lineId: 'L1',
              sku: TEE.id,
              quantity: 2,
              fulfilment: { mode: 'pickup', storeId: 'S001' },
              credits: SPLIT,
            },
          ],
          createdAt: AT,
        },
      });
      expect(placed.status).toBe(201);
      const id = (placed.body as ClerkOrderAnswer).order.id;
      const pay = await server.request(TABLET.token, `/_clerk/orders/${id}/pay`, {
        method: 'POST',
      });
      const { payUrl } = pay.body as ClerkPayment;
      expect((await fetch(payUrl, { method: 'POST' })).status).toBe(200);
      const source = `order:${id}`;
      await vi.waitFor(async () => expect(await entriesOf(source)).toHaveLength(2));
      const line = (await server.storage.getDocs(CREDITED_LINES_DB, [`${source}:L1`], null)).get(
        `${source}:L1`,
      )!.body;
      // Priced by the till's engine: 满100减10 takes 10.00 off.
      expect(line).toMatchObject({ net: 18_800, remainingNet: 18_800, rate: 300 });
      const swept = await sweepPickupDeadlines(server.storage, '2026-03-01T00:00:00.000Z');
      expect(swept.cancelled.map((o) => o.id)).toContain(id);
      const none = heldByStaff(await entriesOf(source));
      expect([...none.values()]).toEqual([
        { sales: 0, commission: 0 },
        { sales: 0, commission: 0 },
      ]);
      // Sweeping again changes nothing.
      await sweepPickupDeadlines(server.storage, '2026-03-01T00:00:00.000Z');
      expect(await entriesOf(source)).toHaveLength(4);
    });
  });
}
