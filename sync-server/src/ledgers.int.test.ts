/**
 * The server's truth beyond stock, over real HTTP on each storage backend:
 * who may push which fact, point balances and their reversal, overdraws,
 * the online points check, phone attach, coupons redeemed once chain-wide,
 * member lookup, exceptions and receive times.
 */
import {
  closeShift,
  onHandDelta,
  planReturn,
  phoneIndex,
  shiftTotals,
  type LedgerMovement,
  type Member,
  type PointEntry,
  type ReturnFact,
  type SaleFact,
  type ShiftFact,
  type StockLevel,
} from '@pos/domain';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PRIVACY_KEYS } from './pii/keyring';
import { writeMemberRecords } from './pii/member-vault';
import { provisionAdminToken } from './auth';
import { DEMO_COUPONS } from './demo-people';
import { DEMO_STOCK } from './demo-data';
import type { FactException } from './ledgers';
import { pushDocs } from './push';
import {
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  demoSale,
  startTestServer,
  type TestServer,
} from './test-support';

/** Any fact or document, by its id. */
type Fact = { id: string; [field: string]: unknown };
type BulkRow = { ok?: true; id: string; rev?: string; error?: string; reason?: string };
type Doc = Record<string, unknown> & { _id: string; _rev: string };
type Changes = { results: { id: string; doc?: Doc }[]; last_seq: number };
type ExceptionsPage = { exceptions: (FactException & { seq: number })[]; last_seq: number };

const S001 = S001_DEVICE.token;
const S002 = S002_DEVICE.token;
const AT = '2026-01-02T03:04:05.000Z';
const initialOnHand = (id: string) => DEMO_STOCK.find((s) => s.id === id)!.onHand;

/** A document as RxDB pushes it: `_id` instead of `id`. */
function wire(doc: Fact): Record<string, unknown> {
  const { id, ...rest } = doc;
  return { _id: id, ...rest };
}

/**
 * A sale of one SKU-0003 (65元) by `device` for `member`, earning and
 * redeeming as given: redeemed points are paid as a points tender (1 point
 * = 1 fen), the rest in cash, as the sale fact requires [SF2].
 */
function memberSale(
  device: typeof S001_DEVICE | typeof S002_DEVICE,
  n: number,
  who: { memberId: string } | { memberPhone: string } | Record<string, never>,
  points: { earned: number; redeemed: number },
  coupons: string[] = [],
): SaleFact {
  const sale = demoSale(device, n, [['SKU-0003', 1]]);
  const tenders: SaleFact['tenders'] =
    points.redeemed > 0
      ? [
          { kind: 'points', amount: points.redeemed, points: points.redeemed },
          { kind: 'cash', amount: sale.due - points.redeemed },
        ]
      : sale.tenders;
  return { ...sale, ...who, tenders, points, coupons };
}

function returnOf(sale: SaleFact, n: number): ReturnFact {
  const planned = planReturn(
    sale,
    [],
    sale.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
    { id: `${sale.deviceId}-R${n}`, storeId: sale.storeId, deviceId: sale.deviceId, now: AT },
  );
  if (!planned.ok) throw new Error(planned.message);
  return planned.ret;
}

function shiftOf(device: typeof S001_DEVICE, sale: SaleFact): ShiftFact {
  const open = {
    id: `${device.deviceId}-SHIFT1`,
    storeId: device.storeId,
    deviceId: device.deviceId,
    cashierId: 'S001-E01',
    openedAt: AT,
    openingFloat: 20_000,
  };
  const totals = shiftTotals({ sales: [sale], returns: [], noSaleOpens: 0 });
  return closeShift(open, totals, 20_000 + sale.due, AT);
}

function movement(
  device: typeof S001_DEVICE | typeof S002_DEVICE,
  n: number,
  fields: Partial<LedgerMovement> & Pick<LedgerMovement, 'kind' | 'quantity'>,
): LedgerMovement {
  return {
    id: `${device.deviceId}-M${n}`,
    location: device.storeId,
    sku: 'SKU-0001',
    at: AT,
    ...fields,
  };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`ledgers and exceptions on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    beforeEach(async () => {
      server = await startTestServer(backend);
      admin = (await provisionAdminToken(server.storage, 'hq-review')).token;
    });
    afterEach(async () => {
      await server.close();
    });

    const get = <T>(token: string | null, path: string) =>
      server.request(token, path).then((r) => ({ ...r, body: r.body as T }));
    const post = <T>(token: string | null, path: string, body: unknown) =>
      server.request(token, path, { body }).then((r) => ({ ...r, body: r.body as T }));
    const push = async (token: string, db: string, docs: Fact[]) =>
      (await post<BulkRow[]>(token, `/${db}/_bulk_docs`, { docs: docs.map(wire) })).body;
    const member = async (id: string) =>
      (await server.storage.getDocs('members', [id], null)).get(id)?.body as Member | undefined;
    const entries = async (ids: string[]) =>
      [...(await server.storage.getDocs('pointEntries', ids, null)).values()].map(
        (row) => row.body as PointEntry,
      );
    const exceptions = async (query = '') =>
      (await get<ExceptionsPage>(admin, `/_exceptions${query}`)).body.exceptions;
    const stockOf = async (id: string) =>
      ((await server.storage.getDocs('stock', [id], null)).get(id)?.body as StockLevel).onHand;

    describe('what a device may push', () => {
      it("[A4] [A9] [A10] every fact kind is refused when it is another store's or device's", async () => {
        const sale = memberSale(S001_DEVICE, 1, { memberId: 'M0002' }, { earned: 65, redeemed: 0 });
        const facts: [string, Fact][] = [
          ['saleFacts', sale],
          ['returns', returnOf(sale, 1)],
          ['shifts', shiftOf(S001_DEVICE, sale)],
          ['stockMovements', movement(S001_DEVICE, 1, { kind: 'receive', quantity: 5 })],
          [
            'pointEntries',
            {
              id: `${sale.id}:earn`,
              memberId: 'M0002',
              kind: 'earn',
              points: 65,
              factId: sale.id,
              at: AT,
            },
          ],
        ];
        for (const [db, fact] of facts) {
          const [row] = await push(S002, db, [fact]);
          expect(row, db).toMatchObject({ id: fact.id, error: 'forbidden' });
          expect(row?.reason, db).toMatch(/this device's store S002|factId must be a sale/);
        }
        // Movements the server derives from facts are never pushed on their own.
        const [derived] = await push(S001, 'stockMovements', [
          movement(S001_DEVICE, 2, { kind: 'sale', quantity: 1 }),
        ]);
        expect(derived).toMatchObject({ error: 'forbidden', reason: /derived by the server/ });
        for (const db of ['saleFacts', 'returns', 'shifts', 'stockMovements', 'pointEntries']) {
          expect((await get<{ doc_count: number }>(admin, `/${db}`)).body.doc_count, db).toBe(0);
        }
      });

      it("[A2] a device reads its own store's members and stock movements only", async () => {
        expect(
          (
            await push(S001, 'stockMovements', [
              movement(S001_DEVICE, 1, { kind: 'receive', quantity: 5 }),
            ])
          )[0],
        ).toMatchObject({ ok: true });
        const ids = async (token: string, db: string) =>
          (await get<Changes>(token, `/${db}/_changes?include_docs=true`)).body.results.map(
            (r) => r.id,
          );
        expect(await ids(S001, 'members')).toEqual(['M0001', 'M0002']);
        expect(await ids(S002, 'members')).toEqual(['M0003']);
        expect(await ids(S001, 'stockMovements')).toEqual(['S001-POS1-M1']);
        expect(await ids(S002, 'stockMovements')).toEqual([]);
        expect((await get(S001, '/members/M0003')).status).toBe(404);
      });

      it('[FX1] [FX3] [F3] [F4] each fact kind: a replay is a no-op success, a changed fact is a conflict', async () => {
        const sale = memberSale(S001_DEVICE, 2, { memberId: 'M0002' }, { earned: 65, redeemed: 0 });
        const facts: [string, Fact, Fact][] = [
          ['saleFacts', sale, { ...sale, change: 0, cashierId: 'S001-E02' }],
          [
            'returns',
            returnOf(sale, 2),
            { ...returnOf(sale, 2), returnedAt: '2026-01-03T00:00:00.000Z' },
          ],
          [
            'shifts',
            shiftOf(S001_DEVICE, sale),
            { ...shiftOf(S001_DEVICE, sale), closedAt: '2026-01-03T00:00:00.000Z' },
          ],
          [
            'stockMovements',
            movement(S001_DEVICE, 3, { kind: 'receive', quantity: 5 }),
            movement(S001_DEVICE, 3, { kind: 'receive', quantity: 50 }),
          ],
        ];
        for (const [db, fact, changed] of facts) {
          const [first] = await push(S001, db, [fact]);
          expect(first, db).toMatchObject({ ok: true, id: fact.id });
          const before = await server.storage.dbInfo('stock', null);
          const memberBefore = await member('M0002');
          expect(await push(S001, db, [fact]), db).toEqual([first]);
          expect(await server.storage.dbInfo('stock', null), db).toEqual(before);
          expect(await member('M0002'), db).toEqual(memberBefore);
          const [refused] = await push(S001, db, [changed]);
          expect(refused, db).toMatchObject({ id: fact.id, error: 'conflict' });
        }
        // The sale's own entries, pushed by the device after the sale, are replays;
        // any other entry is refused: a device never creates points.
        const [earn] = await entries([`${sale.id}:earn`]);
        expect(earn).toMatchObject({ memberId: 'M0002', points: 65 });
        expect((await push(S001, 'pointEntries', [earn!]))[0]).toMatchObject({ ok: true });
        expect((await push(S001, 'pointEntries', [{ ...earn!, points: 650 }]))[0]).toMatchObject({
          error: 'forbidden',
          reason: expect.stringMatching(/derived by the server/),
        });
        expect((await member('M0002'))?.points).toBe(300);
      });
    });

    describe('stock movements', () => {
      it('[FX2] receipts, adjustments and transfers move the levels; reservations do not', async () => {
        const pushed = await push(S001, 'stockMovements', [
          movement(S001_DEVICE, 1, { kind: 'receive', quantity: 24 }),
          movement(S001_DEVICE, 2, { kind: 'adjust', quantity: -2 }),
          movement(S001_DEVICE, 3, { kind: 'transfer-out', quantity: 6, counterpart: 'S002' }),
          movement(S001_DEVICE, 4, {
            kind: 'reserve',
            quantity: 1,
            reservationId: 'RES-1',
            expiresAt: '2026-01-03T00:00:00.000Z',
          }),
        ]);
        expect(pushed.every((row) => row.ok)).toBe(true);
        await push(S002, 'stockMovements', [
          movement(S002_DEVICE, 1, { kind: 'transfer-in', quantity: 6, counterpart: 'S001' }),
        ]);
        expect(await stockOf('S001:SKU-0001')).toBe(initialOnHand('S001:SKU-0001') + 24 - 2 - 6);
        expect(await stockOf('S002:SKU-0001')).toBe(initialOnHand('S002:SKU-0001') + 6);
      });
      it('[FX2] [F3] a level moves by the deltas of its movements whatever their order; replays change nothing', async () => {
        const principal = { kind: 'device', ...S001_DEVICE } as const;
        let run = 0;
        const kinds = fc.oneof(
          fc.record({
            kind: fc.constant('receive' as const),
            quantity: fc.integer({ min: 1, max: 50 }),
          }),
          fc.record({
            kind: fc.constant('adjust' as const),
            quantity: fc.integer({ min: -20, max: 20 }).filter((q) => q !== 0),
          }),
          fc.record({
            kind: fc.constant('transfer-out' as const),
            quantity: fc.integer({ min: 1, max: 10 }),
            counterpart: fc.constant('S002'),
          }),
        );
        await fc.assert(
          fc.asyncProperty(
            fc.array(kinds, { minLength: 1, maxLength: 6 }).chain((moves) =>
              fc.tuple(
                fc.constant(moves),
                fc.shuffledSubarray(
                  moves.map((_, i) => i),
                  { minLength: moves.length },
                ),
                fc.array(fc.nat({ max: moves.length - 1 }), { maxLength: 3 }),
              ),
            ),
            async ([moves, order, replays]) => {
              run++;
              const before = await stockOf('S001:SKU-0002');
              const docs = moves.map((m, i) =>
                movement(S001_DEVICE, 100 * run + i, { ...m, sku: 'SKU-0002' }),
              );
              for (const i of [...order, ...replays]) {
                const [row] = await pushDocs(server.storage, principal, 'stockMovements', [
                  wire(docs[i]!),
                ]);
                expect(row).toMatchObject({ ok: true });
              }
              const moved = docs.reduce((sum, m) => sum + onHandDelta(m), 0);
              expect(await stockOf('S001:SKU-0002')).toBe(before + moved);
            },
          ),
          { numRuns: 10 },
        );
      });
    });

    describe('points', () => {
      it('[PT1] [PT4] a member sale writes its entries and moves the balance; a return reverses them', async () => {
        // 64 earned on the 64元 paid in cash, the 1元 paid in points earns nothing [CK10].
        const sale = memberSale(
          S001_DEVICE,
          3,
          { memberId: 'M0002' },
          { earned: 64, redeemed: 100 },
        );
        expect((await push(S001, 'saleFacts', [sale]))[0]).toMatchObject({ ok: true });
        expect(await entries([`${sale.id}:earn`, `${sale.id}:redeem`])).toEqual(
          expect.arrayContaining([
            {
              id: `${sale.id}:redeem`,
              memberId: 'M0002',
              kind: 'redeem',
              points: -100,
              factId: sale.id,
              at: sale.soldAt,
            },
            {
              id: `${sale.id}:earn`,
              memberId: 'M0002',
              kind: 'earn',
              points: 64,
              factId: sale.id,
              at: sale.soldAt,
            },
          ]),
        );
        expect((await member('M0002'))?.points).toBe(300 - 100 + 64);
        // The new balance flows down to the member's store.
        const pulled = await get<Changes>(S001, '/members/_changes?include_docs=true');
        expect(pulled.body.results.find((r) => r.id === 'M0002')?.doc).toMatchObject({
          points: 264,
        });

        const ret = returnOf(sale, 3);
        expect(ret.points).toEqual({ reversedEarn: 64, restoredRedeem: 100 });
        expect((await push(S001, 'returns', [ret]))[0]).toMatchObject({ ok: true });
        expect((await member('M0002'))?.points).toBe(300);
        expect(await exceptions()).toEqual([]);
      });

      it('[PT3] [EX2] an offline redemption beyond the balance is accepted, written off to 0, and an exception', async () => {
        const sale = memberSale(
          S001_DEVICE,
          4,
          { memberId: 'M0002' },
          { earned: 0, redeemed: 1000 },
        );
        expect((await push(S001, 'saleFacts', [sale]))[0]).toMatchObject({ ok: true });
        expect((await member('M0002'))?.points).toBe(0);
        expect(await entries([`${sale.id}:write-off`])).toEqual([
          expect.objectContaining({ kind: 'adjust', points: 700, memberId: 'M0002' }),
        ]);
        expect(await exceptions()).toEqual([
          expect.objectContaining({
            kind: 'points-overdraw',
            factDb: 'saleFacts',
            factId: sale.id,
            storeId: 'S001',
            receivedAt: AT,
            details: expect.objectContaining({
              memberId: 'M0002',
              balanceBefore: 300,
              shortfall: 700,
            }),
          }),
        ]);
      });

      it('[PT5] the online check answers the balance, and refuses a redemption beyond it', async () => {
        const check = (token: string, body: unknown) =>
          post<Record<string, unknown>>(token, '/_points/check', body);
        expect(await check(S001, { memberId: 'M0001', points: 1200 })).toMatchObject({
          status: 200,
          body: { ok: true, balance: 1200 },
        });
        // [MB4] Another store's member is identified by the phone the till was given.
        const m3 = { memberId: 'M0003', phone: '13900139003' };
        expect(await check(S001, { ...m3, points: 5001 })).toMatchObject({
          status: 409,
          body: { error: 'insufficient_points', balance: 5000, reason: expect.any(String) },
        });
        expect((await check(S001, { memberId: 'M9999', points: 1 })).status).toBe(404);
        for (const bad of [{ memberId: 'M0001' }, { memberId: 'M0001', points: -5 }, [], 'x']) {
          const answer = await check(S001, bad);
          expect(answer.status).toBe(400);
          expect(answer.body).toMatchObject({ error: 'bad_request' });
        }
        expect((await check('not-a-token', { memberId: 'M0001', points: 1 })).status).toBe(401);
      });

      it('[PT2] a sale with only a phone is attached to that member; an unknown phone is an exception', async () => {
        const known = memberSale(
          S001_DEVICE,
          5,
          { memberPhone: '13800138002' },
          // [PT7] What the demo programme gives M0002 (basic) for 65元.
          { earned: 65, redeemed: 0 },
        );
        const unknown = memberSale(
          S001_DEVICE,
          6,
          { memberPhone: '13700000000' },
          { earned: 25, redeemed: 0 },
        );
        expect(await push(S001, 'saleFacts', [known, unknown])).toMatchObject([
          { ok: true },
          { ok: true },
        ]);
        expect(await entries([`${known.id}:earn`])).toEqual([
          expect.objectContaining({ memberId: 'M0002', points: 65 }),
        ]);
        expect((await member('M0002'))?.points).toBe(365);
        expect(await exceptions()).toEqual([
          expect.objectContaining({
            kind: 'unknown-member-phone',
            factId: unknown.id,
            // [PK10] The phone's blind index, never the phone.
            details: {
              phoneIndex: phoneIndex(DEMO_PRIVACY_KEYS.indexKey, '13700000000'),
              maskedPhone: '137****0000',
              earned: 25,
              redeemed: 0,
            },
          }),
        ]);
        // A return of the attached sale finds its member through the sale's entries.
        await push(S001, 'returns', [returnOf(known, 5)]);
        expect((await member('M0002'))?.points).toBe(300);
      });

      it('[A10] HQ adjusts a balance with an admin token; one that would go below 0 is refused', async () => {
        const adjust = (id: string, points: number) => ({
          id,
          memberId: 'M0002',
          kind: 'adjust',
          points,
          factId: 'CASE-1',
          at: AT,
        });
        expect(await push(admin, 'pointEntries', [adjust('HQ-ADJ-1', 100)])).toMatchObject([
          { ok: true },
        ]);
        expect((await member('M0002'))?.points).toBe(400);
        expect(await push(admin, 'pointEntries', [adjust('HQ-ADJ-2', -401)])).toMatchObject([
          { error: 'forbidden', reason: expect.stringMatching(/insufficient points/) },
        ]);
        expect(await push(S001, 'pointEntries', [adjust('S001-POS1-ADJ', 5)])).toMatchObject([
          { error: 'forbidden', reason: expect.stringMatching(/admin token/) },
        ]);
        expect((await member('M0002'))?.points).toBe(400);
      });

      it('[PT1] [MP5] a balance is the fold of its entries whatever the order of pushes; replays change nothing', async () => {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.nat({ max: 2000 }),
            fc
              .array(fc.record({ earned: fc.nat({ max: 500 }), redeemed: fc.nat({ max: 800 }) }), {
                minLength: 1,
                maxLength: 5,
              })
              .chain((points) =>
                fc.tuple(
                  fc.constant(points),
                  // Every sale once, in any order, then some of them again.
                  fc.shuffledSubarray(
                    points.map((_, i) => i),
                    { minLength: points.length },
                  ),
                  fc.array(fc.nat({ max: points.length - 1 }), { maxLength: 4 }),
                ),
              ),
            async (opening, [points, order, replays]) => {
              run++;
              const memberId = `MP${run}`;
              await server.storage.transaction((tx) =>
                writeMemberRecords(tx, DEMO_PRIVACY_KEYS, [
                  {
                    id: memberId,
                    phone: '13600000000',
                    name: 'Prop',
                    tier: 'basic',
                    homeStoreId: 'S001',
                    points: opening,
                    status: 'active',
                  },
                ]),
              );
              const sales = points.map((p, i) =>
                memberSale(S001_DEVICE, 1000 * run + i, { memberId }, p),
              );
              const pushes = [...order, ...replays].map((i) => sales[i]!);
              const principal = { kind: 'device', ...S001_DEVICE } as const;
              for (const sale of pushes)
                await pushDocs(server.storage, principal, 'saleFacts', [wire(sale)]);
              const ids = sales.flatMap((s) => [
                `${s.id}:earn`,
                `${s.id}:redeem`,
                `${s.id}:write-off`,
              ]);
              const written = await entries(ids);
              const balance = (await member(memberId))!.points;
              expect(balance).toBe(opening + written.reduce((sum, e) => sum + e.points, 0));
              expect(balance).toBeGreaterThanOrEqual(0);
              const derived = written.filter((e) => e.kind !== 'adjust').length;
              expect(derived).toBe(
                points.reduce((n, p) => n + (p.earned > 0 ? 1 : 0) + (p.redeemed > 0 ? 1 : 0), 0),
              );
              // Replaying everything changes nothing.
              for (const sale of sales)
                await pushDocs(server.storage, principal, 'saleFacts', [wire(sale)]);
              expect((await member(memberId))!.points).toBe(balance);
            },
          ),
          { numRuns: 12 },
        );
      });
    });

    describe('coupons', () => {
      it('[CR1] [CR2] two stores redeeming the same coupon at once: one wins, the other is an exception', async () => {
        const rounds = 16;
        const coupons = Array.from({ length: rounds }, (_, i) => ({
          ...DEMO_COUPONS[0]!,
          id: `CP-RACE-${i}`,
        }));
        expect((await push(admin, 'coupons', coupons)).every((row) => row.ok)).toBe(true);
        for (let i = 0; i < rounds; i++) {
          const couponId = `CP-RACE-${i}`;
          const a = memberSale(S001_DEVICE, 100 + i, {}, { earned: 0, redeemed: 0 }, [couponId]);
          const b = memberSale(S002_DEVICE, 100 + i, {}, { earned: 0, redeemed: 0 }, [couponId]);
          const [rowsA, rowsB] = await Promise.all([
            push(S001, 'saleFacts', [a]),
            push(S002, 'saleFacts', [b]),
          ]);
          // Both sales happened: both are recorded.
          expect([rowsA[0], rowsB[0]]).toMatchObject([{ ok: true }, { ok: true }]);
          const coupon = (await server.storage.getDocs('coupons', [couponId], null)).get(couponId);
          expect(coupon?.body).toMatchObject({ status: 'redeemed' });
          const raised = (await exceptions()).filter((e) => e.details.couponId === couponId);
          expect(raised).toHaveLength(1);
          const loser = raised[0]!;
          expect(loser.kind).toBe('coupon-already-redeemed');
          const winner = loser.factId === a.id ? b : a;
          expect(loser.details).toMatchObject({
            redeemedBy: winner.id,
            redeemedAtStore: winner.storeId,
          });
        }
      });

      it('[CR2] an unknown or void coupon on a sale is an exception; the sale stands', async () => {
        const current = (await server.storage.getDocs('coupons', ['CP-0002'], null)).get(
          'CP-0002',
        )!;
        await post(admin, '/coupons/_bulk_docs', {
          docs: [{ ...wire({ ...DEMO_COUPONS[1]!, status: 'void' }), _rev: current.rev }],
        });
        const sale = memberSale(S001_DEVICE, 7, {}, { earned: 0, redeemed: 0 }, [
          'CP-0002',
          'CP-NOPE',
        ]);
        expect(await push(S001, 'saleFacts', [sale])).toMatchObject([{ ok: true }]);
        expect((await exceptions()).map((e) => [e.kind, e.details.couponId])).toEqual([
          ['coupon-void', 'CP-0002'],
          ['coupon-unknown', 'CP-NOPE'],
        ]);
      });
    });

    describe('for HQ', () => {
      it('[EX1] [EX3] exceptions are for admin tokens only, paged oldest first', async () => {
        const sales = [8, 9, 10].map((n) =>
          memberSale(S001_DEVICE, n, { memberPhone: '13700000000' }, { earned: 1, redeemed: 0 }),
        );
        await push(S001, 'saleFacts', sales);
        const first = await get<ExceptionsPage>(admin, '/_exceptions?limit=2');
        expect(first.body.exceptions.map((e) => e.factId)).toEqual([sales[0]!.id, sales[1]!.id]);
        const next = await get<ExceptionsPage>(
          admin,
          `/_exceptions?limit=2&since=${first.body.last_seq}`,
        );
        expect(next.body.exceptions.map((e) => e.factId)).toEqual([sales[2]!.id]);
        expect(
          (await get<ExceptionsPage>(admin, '/_exceptions?store=S002')).body.exceptions,
        ).toEqual([]);
        expect((await get(S001, '/_exceptions')).status).toBe(403);
        expect((await get(admin, '/_exceptions?limit=abc')).body).toMatchObject({
          error: 'bad_request',
        });
        // Never replicated: no collection answers to the name.
        expect((await get(S001, '/_exceptions/_changes')).status).toBe(404);
      });

      it('[FX4] each fact records when the server received it, beside the fact, shown to admins', async () => {
        const sale = memberSale(S001_DEVICE, 11, {}, { earned: 0, redeemed: 0 });
        await push(S001, 'saleFacts', [sale]);
        const fact = await get<Record<string, unknown>>(admin, `/_facts/saleFacts/${sale.id}`);
        expect(fact.body).toMatchObject({
          db: 'saleFacts',
          id: sale.id,
          storeId: 'S001',
          receivedAt: AT,
          doc: sale,
        });
        const onWire = await get<Doc>(S001, `/saleFacts/${sale.id}`);
        expect(onWire.body).not.toHaveProperty('receivedAt');
        expect((await get(S001, `/_facts/saleFacts/${sale.id}`)).status).toBe(403);
        expect((await get(admin, '/_facts/saleFacts/nope')).status).toBe(404);
      });
    });

    describe('member lookup', () => {
      it("[MB1] a till finds another store's member by phone online; a bad phone is a 400", async () => {
        const found = await get<Member>(S001, '/_members/lookup?phone=13900139003');
        // [PV3] What the sale needs, masked.
        expect(found).toMatchObject({
          status: 200,
          body: {
            id: 'M0003',
            maskedName: 'A*',
            maskedPhone: '139****9003',
            tier: 'gold',
            points: 5000,
          },
        });
        const typed = await get<Member>(
          S001,
          `/_members/lookup?phone=${encodeURIComponent('+86 139-0013-9003')}`,
        );
        expect(typed.body.id).toBe('M0003');
        expect(await get(S001, '/_members/lookup?phone=13700000000')).toMatchObject({
          status: 404,
          body: { error: 'not_found' },
        });
        for (const bad of ['', 'abc', '12345']) {
          const answer = await get(S001, `/_members/lookup?phone=${bad}`);
          expect(answer).toMatchObject({ status: 400, body: { error: 'bad_request' } });
        }
        expect((await get(null, '/_members/lookup?phone=13900139003')).status).toBe(401);
        expect((await post(S001, '/_members/lookup?phone=13900139003', {})).status).toBe(405);
      });
    });
  });
}
