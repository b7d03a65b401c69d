/**
 * The points a sale earns are the server's to derive, over real HTTP on each
 * storage backend: a forged claim credits only what the programme gives and
 * is an exception, a genuine till sale credits exactly its claim, returns
 * reverse only what was credited, and only an admin sets the programme.
 */
import {
  planReturn,
  type Member,
  type PaymentTender,
  type PointEntry,
  type Product,
  type ReturnFact,
  type SaleFact,
} from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionAdminToken } from './auth';
import { DEMO_PRICES, DEMO_PRODUCTS } from './demo-data';
import { DEMO_EARN_RULES, DEMO_MEMBER_VIEWS, DEMO_POINTS_PROGRAMME } from './demo-people';
import type { FactException } from './ledgers';
import { BACKENDS, S001_DEVICE, startTestServer, type TestServer } from './test-support';

type BulkRow = { ok?: true; id: string; rev?: string; error?: string; reason?: string };
type ExceptionsPage = { exceptions: (FactException & { seq: number })[]; last_seq: number };

const S001 = S001_DEVICE.token;
const AT = '2026-01-02T03:04:05.000Z';
const PROGRAMME = '/_admin/points-programme';

function wire(doc: { id: string }): Record<string, unknown> {
  const { id, ...rest } = doc;
  return { _id: id, ...rest };
}

const demoMember = (id: string) => DEMO_MEMBER_VIEWS.find((m) => m.id === id)!;

/** A sale as the demo till's checkout makes it: demo prices, the member, the demo earn rules. */
function tillSale(
  n: number,
  memberId: string,
  items: [sku: string, quantity: number][],
  tenders?: (due: number) => PaymentTender[],
): SaleFact {
  const lines = items.map(([sku, quantity]): [Product, number, number] => [
    DEMO_PRODUCTS.find((p) => p.id === sku)!,
    DEMO_PRICES.find((p) => p.sku === sku)!.amount,
    quantity,
  ]);
  const options = {
    id: `${S001_DEVICE.deviceId}-01JEARN${String(n).padStart(19, '0')}`,
    storeId: S001_DEVICE.storeId,
    deviceId: S001_DEVICE.deviceId,
    soldAt: AT,
    lines,
    member: demoMember(memberId),
    earnRules: DEMO_EARN_RULES,
  };
  const due = saleFactFixture(options).due;
  return saleFactFixture({ ...options, ...(tenders ? { tenders: tenders(due) } : {}) });
}

function returnOf(sale: SaleFact, n: number, lineId: string, quantity: number): ReturnFact {
  const planned = planReturn(sale, [], [{ lineId, quantity }], {
    id: `${sale.deviceId}-R${n}`,
    storeId: sale.storeId,
    deviceId: sale.deviceId,
    now: AT,
  });
  if (!planned.ok) throw new Error(planned.message);
  return planned.ret;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`points a sale earns on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    beforeEach(async () => {
      server = await startTestServer(backend);
      admin = (await provisionAdminToken(server.storage, 'hq-points')).token;
    });
    afterEach(async () => {
      await server.close();
    });

    const push = async (db: string, docs: { id: string }[]) => {
      const answer = await server.request(S001, `/${db}/_bulk_docs`, {
        body: { docs: docs.map(wire) },
      });
      expect(answer.status).toBe(201);
      return answer.body as BulkRow[];
    };
    const balance = async (id: string) =>
      ((await server.storage.getDocs('members', [id], null)).get(id)?.body as Member).points;
    const entry = async (id: string) =>
      (await server.storage.getDocs('pointEntries', [id], null)).get(id)?.body as
        PointEntry | undefined;
    const mismatches = async () =>
      ((await server.request(admin, '/_exceptions')).body as ExceptionsPage).exceptions.filter(
        (e) => e.kind === 'points-earn-mismatch',
      );
    const putProgramme = (token: string, body: unknown) =>
      server.request(token, PROGRAMME, { method: 'PUT', body });

    it('[PT7] [MP8] [MP9] a forged sale claiming a million points credits only what the rules give, and is an exception', async () => {
      const genuine = tillSale(1, 'M0002', [['SKU-0003', 1]]);
      expect(genuine.points.earned).toBe(65);
      const forged = { ...genuine, points: { earned: 1_000_000, redeemed: 0 } };
      expect(await push('saleFacts', [forged])).toMatchObject([{ ok: true, id: forged.id }]);
      // The sale is stored as pushed: a genuine sale is never lost.
      expect((await server.request(admin, `/_facts/saleFacts/${forged.id}`)).body).toMatchObject({
        doc: forged,
      });
      expect(await balance('M0002')).toBe(300 + 65);
      expect(await entry(`${forged.id}:earn`)).toMatchObject({ kind: 'earn', points: 65 });
      expect(await mismatches()).toEqual([
        expect.objectContaining({
          id: `points-earn-mismatch:${forged.id}`,
          factDb: 'saleFacts',
          factId: forged.id,
          storeId: 'S001',
          details: {
            memberId: 'M0002',
            tier: 'basic',
            claimed: 1_000_000,
            derived: 65,
            credited: 65,
            programme: 'set',
          },
        }),
      ]);
      // A replay changes nothing.
      expect(await push('saleFacts', [forged])).toMatchObject([{ ok: true }]);
      expect(await balance('M0002')).toBe(365);
    });

    it('[PT7] [MP8] a genuine till sale credits exactly what it claims, with no exception', async () => {
      // Gold earns 2 per 100 on what was paid in money; 300 points pay 3元.
      const sale = tillSale(
        2,
        'M0001',
        [
          ['SKU-0003', 1],
          ['SKU-0001', 3],
          ['SKU-0007', 2],
        ],
        (due) => [
          { kind: 'points', amount: 300, points: 300 },
          { kind: 'cash', amount: due - 300 },
        ],
      );
      expect(sale.points.earned).toBeGreaterThan(0);
      expect(await push('saleFacts', [sale])).toMatchObject([{ ok: true }]);
      expect(await entry(`${sale.id}:earn`)).toMatchObject({ points: sale.points.earned });
      expect(await balance('M0001')).toBe(1200 - 300 + sale.points.earned);
      expect(await mismatches()).toEqual([]);
    });

    it('[PT7] [MP8] checkout-built sales credit what the checkout computed with the same rules', async () => {
      let n = 10;
      let expected = { M0001: 1200, M0002: 300 };
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('M0001' as const, 'M0002' as const),
          fc.uniqueArray(
            fc.tuple(
              fc.constantFrom(...DEMO_PRODUCTS.map((p) => p.id)),
              fc.integer({ min: 1, max: 4 }),
            ),
            { minLength: 1, maxLength: 4, selector: ([sku]) => sku },
          ),
          fc.boolean(),
          async (memberId, items, withPoints) => {
            const redeem = withPoints && memberId === 'M0001' ? 100 : 0;
            const sale = tillSale(n++, memberId, items, (due) => [
              ...(redeem ? [{ kind: 'points' as const, amount: redeem, points: redeem }] : []),
              { kind: 'cash', amount: due - redeem },
            ]);
            expect(await push('saleFacts', [sale])).toMatchObject([{ ok: true }]);
            expected = {
              ...expected,
              [memberId]: expected[memberId] + sale.points.earned - redeem,
            };
            expect(await balance(memberId)).toBe(expected[memberId]);
          },
        ),
        { numRuns: 12 },
      );
      expect(await mismatches()).toEqual([]);
    });

    it('[PT7] [MP9] returns after a forged claim reverse only what was credited', async () => {
      const genuine = tillSale(3, 'M0002', [['SKU-0003', 2]]);
      expect(genuine.points.earned).toBe(130);
      const forged = { ...genuine, points: { earned: 1_000_000, redeemed: 0 } };
      await push('saleFacts', [forged]);
      expect(await balance('M0002')).toBe(300 + 130);
      const lineId = forged.lines[0]!.lineId;
      // The till plans the returns from the sale as stored: half the claim each.
      const first = returnOf(forged, 1, lineId, 1);
      expect(first.points.reversedEarn).toBe(500_000);
      expect(await push('returns', [first])).toMatchObject([{ ok: true }]);
      expect(await entry(`${first.id}:reverse-earn`)).toMatchObject({ points: -65 });
      expect(await balance('M0002')).toBe(300 + 65);
      const second = planReturn(forged, [first], [{ lineId, quantity: 1 }], {
        id: `${forged.deviceId}-R2`,
        storeId: forged.storeId,
        deviceId: forged.deviceId,
        now: AT,
      });
      if (!second.ok) throw new Error(second.message);
      expect(await push('returns', [second.ret])).toMatchObject([{ ok: true }]);
      expect(await balance('M0002')).toBe(300);
      // Nothing was written off: the returns took back exactly what was given.
      const overdraws = ((await server.request(admin, '/_exceptions')).body as ExceptionsPage)
        .exceptions;
      expect(overdraws.filter((e) => e.kind === 'points-overdraw')).toEqual([]);
    });

    it('[PT3] [PT7] [MP9] a return restores redeemed points only as far as the sale took them', async () => {
      // A redemption of a million points the member never had: 999 665 are written off.
      const sale = tillSale(6, 'M0002', [['SKU-0003', 1]], (due) => [
        { kind: 'points', amount: 3_000, points: 1_000_000 },
        { kind: 'cash', amount: due - 3_000 },
      ]);
      expect(sale.points).toEqual({ earned: 35, redeemed: 1_000_000 });
      expect(await push('saleFacts', [sale])).toMatchObject([{ ok: true }]);
      expect(await balance('M0002')).toBe(0);
      expect(await entry(`${sale.id}:write-off`)).toMatchObject({ points: 1_000_000 - 35 - 300 });
      const ret = returnOf(sale, 3, sale.lines[0]!.lineId, 1);
      expect(ret.points).toEqual({ reversedEarn: 35, restoredRedeem: 1_000_000 });
      expect(await push('returns', [ret])).toMatchObject([{ ok: true }]);
      // Back where the member started: 300 taken plus the 35 earned, given back; no more.
      expect(await entry(`${ret.id}:reverse-redeem`)).toMatchObject({ points: 335 });
      expect(await balance('M0002')).toBe(300);
    });

    it('[PT6] [MP7] only an admin sets the programme; a bad one changes nothing; sales earn by the one in force', async () => {
      expect((await server.request(admin, PROGRAMME)).body).toEqual({
        programme: DEMO_POINTS_PROGRAMME,
      });
      expect((await server.request(S001, PROGRAMME)).status).toBe(403);
      expect((await putProgramme(S001, { earnRules: [] })).status).toBe(403);
      const bad = await putProgramme(admin, {
        earnRules: [{ tier: 'gold', points: -1, per: 100 }],
        extra: 1,
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({
        error: 'bad_request',
        reason: expect.stringMatching(/unknown field "extra".*points must be a whole number/),
      });
      expect((await putProgramme(admin, '{"earnRules": [')).status).toBe(400);
      expect((await server.request(admin, PROGRAMME, { method: 'POST', body: {} })).status).toBe(
        405,
      );
      expect((await server.request(admin, PROGRAMME)).body).toEqual({
        programme: DEMO_POINTS_PROGRAMME,
      });

      // Drinks earn 5 per 100 for basic members; the rest nothing.
      const drinks = DEMO_PRODUCTS.find((p) => p.category === DEMO_PRODUCTS[0]!.category)!;
      const programme = {
        earnRules: [{ tier: 'basic', category: drinks.category, points: 5, per: 100 }],
      };
      expect((await putProgramme(admin, programme)).body).toEqual({
        ok: true,
        changed: true,
        programme,
      });
      expect((await putProgramme(admin, programme)).body).toMatchObject({ changed: false });
      expect(server.logged).toContainEqual({ level: 'info', message: 'points programme set' });
      expect((await server.request(admin, PROGRAMME)).body).toEqual({ programme });

      // A till still on the demo rules claims 1 per 100; the server gives what the programme says.
      const sale = tillSale(4, 'M0002', [[drinks.id, 1]]);
      const price = DEMO_PRICES.find((p) => p.sku === drinks.id)!.amount;
      await push('saleFacts', [sale]);
      const derived = Math.floor((price * 5) / 100);
      expect(await mismatches()).toEqual([
        expect.objectContaining({
          details: expect.objectContaining({
            claimed: sale.points.earned,
            derived,
            credited: Math.min(derived, sale.points.earned),
          }),
        }),
      ]);
      expect(await balance('M0002')).toBe(300 + Math.min(derived, sale.points.earned));
    });

    it('[PT7] a programme without rules for the tier credits nothing: no rule, no value', async () => {
      await putProgramme(admin, { earnRules: [] });
      const sale = tillSale(5, 'M0001', [['SKU-0003', 1]]);
      expect(await push('saleFacts', [sale])).toMatchObject([{ ok: true }]);
      expect(await entry(`${sale.id}:earn`)).toBeUndefined();
      expect(await balance('M0001')).toBe(1200);
      expect(await mismatches()).toEqual([
        expect.objectContaining({
          details: expect.objectContaining({ claimed: 130, derived: 0, credited: 0 }),
        }),
      ]);
    });
  });
}
