/**
 * Forged and invalid facts over real HTTP on each storage backend: a device
 * never creates points, inherited names and oversized documents are refused
 * per document, facts no till can produce are refused, genuine sales that
 * cannot be applied are kept and raise exceptions, and fact ids belong to
 * exactly one device.
 */
import {
  planReturn,
  type Member,
  type PointEntry,
  type ReturnFact,
  type SaleFact,
  type StockLevel,
} from '@pos/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionAdminToken, provisionDevice } from './auth';
import { DEMO_STOCK } from './demo-data';
import type { FactException } from './ledgers';
import { BACKENDS, S001_DEVICE, demoSale, startTestServer, type TestServer } from './test-support';

type Fact = { id: string; [field: string]: unknown };
type BulkRow = { ok?: true; id: string | null; rev?: string; error?: string; reason?: string };
type ExceptionsPage = { exceptions: (FactException & { seq: number })[]; last_seq: number };

const S001 = S001_DEVICE.token;
const AT = '2026-01-02T03:04:05.000Z';
const ULID = '01J0000000000000000000000B';
const initialOnHand = (id: string) => DEMO_STOCK.find((s) => s.id === id)!.onHand;

function wire(doc: Fact): Record<string, unknown> {
  const { id, ...rest } = doc;
  return { _id: id, ...rest };
}

function returnOf(sale: SaleFact, n: number, quantity?: number): ReturnFact {
  const planned = planReturn(
    sale,
    [],
    sale.lines.map((l) => ({ lineId: l.lineId, quantity: quantity ?? l.quantity })),
    { id: `${sale.deviceId}-R${n}`, storeId: sale.storeId, deviceId: sale.deviceId, now: AT },
  );
  if (!planned.ok) throw new Error(planned.message);
  return planned.ret;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`forged and invalid facts on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    beforeEach(async () => {
      server = await startTestServer(backend);
      admin = (await provisionAdminToken(server.storage, 'hq-review')).token;
    });
    afterEach(async () => {
      await server.close();
    });

    const pushRaw = async (token: string, db: string, docs: unknown[]) => {
      const answer = await server.request(token, `/${db}/_bulk_docs`, { body: { docs } });
      expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(201);
      return answer.body as BulkRow[];
    };
    const push = (token: string, db: string, docs: Fact[]) => pushRaw(token, db, docs.map(wire));
    const member = async (id: string) =>
      (await server.storage.getDocs('members', [id], null)).get(id)?.body as Member | undefined;
    const stockOf = async (id: string) =>
      ((await server.storage.getDocs('stock', [id], null)).get(id)?.body as StockLevel | undefined)
        ?.onHand;
    const exceptions = async () =>
      ((await server.request(admin, '/_exceptions')).body as ExceptionsPage).exceptions;
    const count = async (db: string) =>
      ((await server.request(admin, `/${db}`)).body as { doc_count: number }).doc_count;

    describe('points for anyone', () => {
      it('[FX3] [A10] a forged point entry is refused and moves no balance, of any member', async () => {
        const before = [await member('M0001'), await member('M0003')];
        const forged = (memberId: string, factId: string, points: number): PointEntry => ({
          id: `${factId}:earn`,
          memberId,
          kind: 'earn',
          points,
          factId,
          at: AT,
        });
        const rows = await push(S001, 'pointEntries', [
          // A fact id of this device that exists nowhere.
          forged('M0001', `S001-POS1-${ULID}`, 1_000_000),
          // Another store's member.
          forged('M0003', `S001-POS1-${ULID.replace('B', 'C')}`, 5),
        ]);
        expect(rows).toMatchObject([
          { error: 'forbidden', reason: expect.stringMatching(/derived by the server/) },
          { error: 'forbidden', reason: expect.stringMatching(/derived by the server/) },
        ]);
        expect([await member('M0001'), await member('M0003')]).toEqual(before);
        expect(await count('pointEntries')).toBe(0);
      });

      it('[FX3] an entry unequal to what the stored sale gave is refused; the derived one is a replay', async () => {
        const sale = {
          ...demoSale(S001_DEVICE, 1, [['SKU-0003', 1]]),
          memberId: 'M0002',
          points: { earned: 65, redeemed: 0 },
        };
        expect((await push(S001, 'saleFacts', [sale]))[0]).toMatchObject({ ok: true });
        const earn: PointEntry = {
          id: `${sale.id}:earn`,
          memberId: 'M0002',
          kind: 'earn',
          points: 65,
          factId: sale.id,
          at: sale.soldAt,
        };
        expect((await push(S001, 'pointEntries', [earn]))[0]).toMatchObject({ ok: true });
        for (const changed of [
          { ...earn, points: 6500 },
          { ...earn, memberId: 'M0001' },
          { ...earn, id: `${sale.id}:redeem`, kind: 'redeem', points: -1 },
        ]) {
          expect((await push(S001, 'pointEntries', [changed]))[0]).toMatchObject({
            error: 'forbidden',
          });
        }
        expect((await member('M0002'))?.points).toBe(300 + 65);
        expect((await member('M0001'))?.points).toBe(1200);
      });

      it('[SF2] a sale paying in points that claims no redemption is refused; the balance does not move', async () => {
        const base = { ...demoSale(S001_DEVICE, 1, [['SKU-0003', 1]]), memberId: 'M0002' };
        const paid = (points: number): SaleFact['tenders'] => [
          { kind: 'points', amount: points, points },
          { kind: 'cash', amount: base.due - points },
        ];
        // ¥49 of a ¥65 sale paid with 4,900 points, claiming none redeemed.
        const forged = { ...base, tenders: paid(4_900), points: { earned: 0, redeemed: 0 } };
        // A points tender naming no points.
        const [pts, cash] = paid(4_900) as [SaleFact['tenders'][0], SaleFact['tenders'][0]];
        const { points: _points, ...unnamed } = pts as { points: number };
        const nameless = {
          ...base,
          id: `S001-POS1-${ULID}`,
          tenders: [unnamed, cash],
          points: { earned: 0, redeemed: 0 },
        };
        // Points redeemed for nobody.
        const { memberId: _member, ...anonymous } = {
          ...base,
          id: `S001-POS1-${ULID.replace('B', 'C')}`,
          tenders: paid(200),
          points: { earned: 0, redeemed: 200 },
        };
        expect(await push(S001, 'saleFacts', [forged, nameless, anonymous])).toMatchObject([
          { error: 'forbidden', reason: expect.stringMatching(/redeemed/) },
          { error: 'forbidden', reason: expect.stringMatching(/points/) },
          { error: 'forbidden', reason: expect.stringMatching(/member/) },
        ]);
        expect((await member('M0002'))?.points).toBe(300);
        expect(await count('saleFacts')).toBe(0);
        expect(await count('pointEntries')).toBe(0);
        expect(await exceptions()).toEqual([]);

        // The genuine sale, naming what it redeemed, moves the balance by it.
        const genuine = { ...base, tenders: paid(200), points: { earned: 0, redeemed: 200 } };
        expect((await push(S001, 'saleFacts', [genuine]))[0]).toMatchObject({ ok: true });
        expect((await member('M0002'))?.points).toBe(100);
      });
    });

    describe('inherited names and limits', () => {
      const inherited = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];

      it('[V2] [F1] a sale carrying an inherited name at any depth is refused per document', async () => {
        const good = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
        const text = JSON.stringify(wire(good));
        let n = 10;
        for (const key of inherited) {
          const sale = demoSale(S001_DEVICE, n++, [['SKU-0001', 1]]);
          const body = JSON.stringify(wire(sale));
          const docs = [
            body.replace('"lineId"', `"${key}":"x","lineId"`),
            body.replace('"earned"', `"${key}":{"a":1},"earned"`),
            ...(key === '__proto__' ? [] : [body.replace('"storeId"', `"${key}":1,"storeId"`)]),
          ];
          // Sent as text: JSON.parse keeps `__proto__` as an own key, as the server reads it.
          const rows = await server.request(S001, '/saleFacts/_bulk_docs', {
            body: `{"docs":[${docs.join(',')}]}`,
          });
          expect(rows.status).toBe(201);
          expect(rows.body, key).toHaveLength(docs.length);
          for (const row of rows.body as BulkRow[]) {
            expect(row, key).toMatchObject({ error: 'forbidden' });
          }
        }
        // `__proto__` as JSON text (JSON.stringify drops it from objects).
        const protoText = text.replace('"lineId"', '"__proto__":{"x":1},"lineId"');
        const answer = await server.request(S001, '/saleFacts/_bulk_docs', {
          body: `{"docs":[${protoText}]}`,
        });
        expect(answer.body).toMatchObject([{ error: 'forbidden' }]);
        expect(await count('saleFacts')).toBe(0);
        expect(await stockOf('S001:SKU-0001')).toBe(initialOnHand('S001:SKU-0001'));
      });

      it('[V2] [A7] an HQ product write with a constructor key is refused', async () => {
        const product = {
          _id: 'SKU-NEW',
          name: 'New',
          gtin: '00000000000017',
          category: 'misc',
          taxClass: 'VAT13',
          status: 'active',
        };
        for (const key of ['constructor', 'toString', 'valueOf']) {
          expect(await pushRaw(admin, 'products', [{ ...product, [key]: 'x' }])).toMatchObject([
            { error: 'forbidden' },
          ]);
        }
        expect((await server.request(admin, '/products/SKU-NEW')).status).toBe(404);
      });

      it('[V3] a 9.9 MB string or arrays nested 10,000 deep are per-document errors; the rest is stored', async () => {
        const good = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
        const huge = {
          ...wire(demoSale(S001_DEVICE, 2, [['SKU-0001', 1]])),
          toString: 'x'.repeat(9_900_000),
        };
        const hugeAnswer = await server.request(S001, '/saleFacts/_bulk_docs', {
          body: { docs: [huge] },
        });
        expect(hugeAnswer.status).toBe(201);
        expect(hugeAnswer.body).toMatchObject([{ error: 'forbidden' }]);
        const deep = '['.repeat(10_000) + ']'.repeat(10_000);
        const deepSale = JSON.stringify(wire(demoSale(S001_DEVICE, 3, [['SKU-0001', 1]]))).replace(
          '"storeId"',
          `"constructor":${deep},"storeId"`,
        );
        const deepLine = JSON.stringify(wire(demoSale(S001_DEVICE, 4, [['SKU-0001', 1]]))).replace(
          '"lineId"',
          `"grams":${deep},"lineId"`,
        );
        const answer = await server.request(S001, '/saleFacts/_bulk_docs', {
          body: `{"docs":[${deepSale},${JSON.stringify(wire(good))},${deepLine}]}`,
        });
        expect(answer.status).toBe(201);
        expect(answer.body).toMatchObject([
          { error: 'forbidden', reason: expect.stringMatching(/constructor is not allowed/) },
          { ok: true, id: good.id },
          { error: 'forbidden' },
        ]);
        expect(await count('saleFacts')).toBe(1);
        expect((await server.request(S001, '/')).status).toBe(200);
      });
    });

    describe('facts the business cannot have', () => {
      it('[FT1] a sale, return or movement time that is not an instant is refused', async () => {
        const sale = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
        for (const soldAt of ['NaN', '2026-01-02', '2026-01-02T03:04:05+08:00', 'yesterday']) {
          expect((await push(S001, 'saleFacts', [{ ...sale, soldAt }]))[0]).toMatchObject({
            error: 'forbidden',
            reason: expect.stringMatching(/ISO-8601/),
          });
        }
        const move = {
          id: `S001-POS1-${ULID}`,
          location: 'S001',
          sku: 'SKU-0001',
          kind: 'receive',
          quantity: 5,
          at: 'NaN',
        };
        expect((await push(S001, 'stockMovements', [move]))[0]).toMatchObject({
          error: 'forbidden',
        });
        expect(await count('saleFacts')).toBe(0);
        expect(await stockOf('S001:SKU-0001')).toBe(initialOnHand('S001:SKU-0001'));
      });

      it('[SK4] a sale line whose SKU is not well formed is refused and creates no stock level', async () => {
        const sale = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
        for (const sku of ['<script>', '', 'S:1']) {
          const forged = { ...sale, lines: sale.lines.map((l) => ({ ...l, sku })) };
          expect((await push(S001, 'saleFacts', [forged]))[0]).toMatchObject({
            error: 'forbidden',
          });
          expect(await stockOf(`S001:${sku}`)).toBeUndefined();
        }
      });

      it('[FX5] [EX2] a well-formed unknown SKU is a stored sale that moves no stock for that line, and an exception', async () => {
        const sale = demoSale(S001_DEVICE, 1, [
          ['SKU-0001', 2],
          ['SKU-0002', 1],
        ]);
        const lines = sale.lines.map((l, i) => (i === 1 ? { ...l, sku: 'SKU-GHOST' } : l));
        const unknown = { ...sale, lines };
        expect((await push(S001, 'saleFacts', [unknown]))[0]).toMatchObject({ ok: true });
        expect(await stockOf('S001:SKU-0001')).toBe(initialOnHand('S001:SKU-0001') - 2);
        expect(await stockOf('S001:SKU-GHOST')).toBeUndefined();
        expect(await exceptions()).toEqual([
          expect.objectContaining({
            kind: 'unknown-sku',
            factDb: 'saleFacts',
            factId: sale.id,
            details: { sku: 'SKU-GHOST', lineId: lines[1]!.lineId, quantity: 1 },
          }),
        ]);
      });

      it('[FX6] [EX2] a sale in another currency than its store is stored, moves nothing, and is an exception', async () => {
        const sale = {
          ...demoSale(S001_DEVICE, 1, [['SKU-0003', 1]]),
          currency: 'USD',
          memberId: 'M0002',
          points: { earned: 65, redeemed: 0 },
        };
        expect((await push(S001, 'saleFacts', [sale]))[0]).toMatchObject({ ok: true });
        expect(await stockOf('S001:SKU-0003')).toBe(initialOnHand('S001:SKU-0003'));
        expect((await member('M0002'))?.points).toBe(300);
        expect(await exceptions()).toEqual([
          expect.objectContaining({
            kind: 'sale-currency-mismatch',
            factId: sale.id,
            details: { saleId: sale.id, currency: 'USD', storeCurrency: 'CNY' },
          }),
        ]);
        // Its return moves nothing either.
        expect((await push(S001, 'returns', [returnOf(sale, 1)]))[0]).toMatchObject({ ok: true });
        expect(await stockOf('S001:SKU-0003')).toBe(initialOnHand('S001:SKU-0003'));
        expect((await member('M0002'))?.points).toBe(300);
      });

      it('[RT7] a return with a negative or inconsistent refund is refused and moves nothing', async () => {
        const sale = demoSale(S001_DEVICE, 1, [['SKU-0003', 1]]);
        expect((await push(S001, 'saleFacts', [sale]))[0]).toMatchObject({ ok: true });
        const ret = returnOf(sale, 1);
        const line = ret.lines[0]!;
        const bad: ReturnFact[] = [
          {
            ...ret,
            lines: [{ ...line, refund: -line.refund }],
            refund: -ret.refund,
            tenders: [{ kind: 'cash', amount: -ret.refund }],
          },
          { ...ret, refund: ret.refund + 1 },
          { ...ret, returnedAt: 'NaN' },
        ];
        for (const r of bad) {
          expect((await push(S001, 'returns', [r]))[0]).toMatchObject({ error: 'forbidden' });
        }
        expect(await count('returns')).toBe(0);
        expect(await stockOf('S001:SKU-0003')).toBe(initialOnHand('S001:SKU-0003') - 1);
      });

      it('[RT8] [EX2] a return beyond what its sale sold is kept, moves nothing, and is an exception', async () => {
        const sale = demoSale(S001_DEVICE, 1, [['SKU-0003', 2]]);
        expect((await push(S001, 'saleFacts', [sale]))[0]).toMatchObject({ ok: true });
        const all = returnOf(sale, 1);
        expect((await push(S001, 'returns', [all]))[0]).toMatchObject({ ok: true });
        expect(await stockOf('S001:SKU-0003')).toBe(initialOnHand('S001:SKU-0003'));
        // The same units again, under another id: the sale has nothing left to return.
        const again = { ...all, id: 'S001-POS1-R2' };
        expect((await push(S001, 'returns', [again]))[0]).toMatchObject({ ok: true });
        expect(await stockOf('S001:SKU-0003')).toBe(initialOnHand('S001:SKU-0003'));
        // A return naming a line the sale does not have.
        const ghost = {
          ...all,
          id: 'S001-POS1-R3',
          lines: all.lines.map((l) => ({ ...l, lineId: 'NOPE' })),
        };
        expect((await push(S001, 'returns', [ghost]))[0]).toMatchObject({ ok: true });
        expect(await stockOf('S001:SKU-0003')).toBe(initialOnHand('S001:SKU-0003'));
        expect((await exceptions()).map((e) => [e.kind, e.factId])).toEqual([
          ['return-not-applicable', 'S001-POS1-R2'],
          ['return-not-applicable', 'S001-POS1-R3'],
        ]);
      });

      it('[RT9] a return that arrives before its sale waits and is applied once when the sale arrives', async () => {
        const sale = {
          ...demoSale(S001_DEVICE, 1, [['SKU-0003', 2]]),
          memberId: 'M0002',
          points: { earned: 130, redeemed: 0 },
        };
        const ret = returnOf(sale, 1, 1);
        expect((await push(S001, 'returns', [ret]))[0]).toMatchObject({ ok: true });
        expect(await stockOf('S001:SKU-0003')).toBe(initialOnHand('S001:SKU-0003'));
        expect((await member('M0002'))?.points).toBe(300);
        // A return of a sale that never arrives moves nothing.
        const orphan = { ...ret, id: 'S001-POS1-R9', saleId: `S001-POS1-${ULID}` };
        expect((await push(S001, 'returns', [orphan]))[0]).toMatchObject({ ok: true });
        expect(await stockOf('S001:SKU-0003')).toBe(initialOnHand('S001:SKU-0003'));

        expect((await push(S001, 'saleFacts', [sale]))[0]).toMatchObject({ ok: true });
        expect(await stockOf('S001:SKU-0003')).toBe(initialOnHand('S001:SKU-0003') - 2 + 1);
        expect((await member('M0002'))?.points).toBe(300 + 130 - ret.points.reversedEarn);
        // Replays of either change nothing.
        await push(S001, 'saleFacts', [sale]);
        await push(S001, 'returns', [ret]);
        expect(await stockOf('S001:SKU-0003')).toBe(initialOnHand('S001:SKU-0003') - 1);
        expect((await member('M0002'))?.points).toBe(300 + 130 - ret.points.reversedEarn);
        expect(await exceptions()).toEqual([]);
      });

      it('[FX5] a stock movement of an unknown SKU is stored, moves nothing, and is an exception', async () => {
        const move = {
          id: `S001-POS1-${ULID}`,
          location: 'S001',
          sku: 'SKU-GHOST',
          kind: 'receive',
          quantity: 5,
          at: AT,
        };
        expect((await push(S001, 'stockMovements', [move]))[0]).toMatchObject({ ok: true });
        expect(await stockOf('S001:SKU-GHOST')).toBeUndefined();
        expect((await exceptions()).map((e) => e.kind)).toEqual(['unknown-sku']);
        const bad = { ...move, id: `S001-POS1-${ULID.replace('B', 'D')}`, sku: '<b>' };
        expect((await push(S001, 'stockMovements', [bad]))[0]).toMatchObject({
          error: 'forbidden',
        });
      });
    });

    describe('device id prefixes', () => {
      it('[D4] a device whose id prefixes another cannot write in its namespace nor block its sales', async () => {
        const pos1b = { token: 'pos_test_S001-POS1-B', deviceId: 'S001-POS1-B', storeId: 'S001' };
        await provisionDevice(server.storage, pos1b.token, pos1b);
        const theirs = demoSale(pos1b, 1, [['SKU-0001', 1]]);
        const squatted = { ...theirs, deviceId: 'S001-POS1' };
        expect((await push(S001, 'saleFacts', [squatted]))[0]).toMatchObject({
          error: 'forbidden',
        });
        const move = {
          id: `S001-POS1-B-${ULID}`,
          location: 'S001',
          sku: 'SKU-0001',
          kind: 'receive',
          quantity: 1,
          at: AT,
        };
        expect((await push(S001, 'stockMovements', [move]))[0]).toMatchObject({
          error: 'forbidden',
        });
        const shortId = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
        expect(
          (await push(pos1b.token, 'saleFacts', [{ ...shortId, deviceId: 'S001-POS1-B' }]))[0],
        ).toMatchObject({ error: 'forbidden' });
        // Each device's own facts are stored.
        expect((await push(pos1b.token, 'saleFacts', [theirs]))[0]).toMatchObject({ ok: true });
        expect((await push(pos1b.token, 'stockMovements', [move]))[0]).toMatchObject({ ok: true });
        expect((await push(S001, 'saleFacts', [shortId]))[0]).toMatchObject({ ok: true });
      });
    });
  });
}
