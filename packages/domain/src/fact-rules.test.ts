import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateDocument } from './collections';
import {
  addReturned,
  isIsoInstant,
  isOwnFactId,
  isWellFormedSku,
  NOTHING_RETURNED,
  returnAgainstSaleProblems,
} from './fact-rules';
import { PRODUCT_FIXTURE, saleFactFixture } from './fixtures';
import { planReturn, type ReturnFact } from './returns';
import type { ShiftFact } from './shift';

const ULID = '01J0000000000000000000000A';

describe('fact rules', () => {
  it('[D4] a fact id belongs to exactly one device, even when device ids share a prefix', () => {
    expect(isOwnFactId('S001-POS1', `S001-POS1-${ULID}`)).toBe(true);
    expect(isOwnFactId('S001-POS1-B', `S001-POS1-B-${ULID}`)).toBe(true);
    expect(isOwnFactId('S001-POS1', `S001-POS1-B-${ULID}`)).toBe(false);
    expect(isOwnFactId('S001-POS1-B', `S001-POS1-${ULID}`)).toBe(false);
    expect(isOwnFactId('S001-POS1', 'S001-POS1-')).toBe(false);
    expect(isOwnFactId('S001-POS1', `S001-POS1-${ULID}:x`)).toBe(false);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/),
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/),
        fc.stringMatching(/^[A-Za-z0-9]{1,30}$/),
        (a, b, suffix) => {
          fc.pre(a !== b);
          expect(isOwnFactId(a, `${a}-${suffix}`) && isOwnFactId(b, `${a}-${suffix}`)).toBe(false);
        },
      ),
    );
  });

  it('[D4] a sale whose id another device of a shared prefix would mint is refused', () => {
    const sale = saleFactFixture({ deviceId: 'S001-POS1', id: `S001-POS1-B-${ULID}` });
    expect(validateDocument('saleFacts', sale).map((p) => p.path)).toContain('$.id');
  });

  it('[FT1] a fact time is a real ISO-8601 UTC instant', () => {
    for (const ok of [
      '2026-11-22T03:04:05.000Z',
      '2026-11-22T03:04:05Z',
      '2024-02-29T23:59:59.9Z',
    ]) {
      expect(isIsoInstant(ok)).toBe(true);
    }
    for (const bad of [
      'NaN',
      '',
      '2026-11-22',
      '2026-11-22T03:04:05',
      '2026-11-22T03:04:05+08:00',
      '2026-02-30T00:00:00.000Z',
      '2026-11-22T24:00:00.000Z',
      '+020000-01-01T00:00:00.000Z',
      42,
    ]) {
      expect(isIsoInstant(bad)).toBe(false);
    }
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date('9999-12-31'), noInvalidDate: true }),
        (d) => {
          expect(isIsoInstant(d.toISOString())).toBe(true);
        },
      ),
    );
    const sale = { ...saleFactFixture(), soldAt: 'NaN' };
    expect(validateDocument('saleFacts', sale).map((p) => p.path)).toContain('$.soldAt');
  });

  it('[FT1] shift, movement and point entry times are instants', () => {
    const movement = {
      id: `S001-POS1-${ULID}`,
      location: 'S001',
      sku: 'SKU-1',
      kind: 'receive',
      quantity: 1,
      at: 'NaN',
    };
    expect(validateDocument('stockMovements', movement)).not.toEqual([]);
    expect(
      validateDocument('stockMovements', { ...movement, at: '2026-01-02T03:04:05.000Z' }),
    ).toEqual([]);
    const entry = {
      id: 'x:adjust',
      memberId: 'M1',
      kind: 'adjust',
      points: 5,
      factId: 'x',
      at: 'yesterday',
    };
    expect(validateDocument('pointEntries', entry)).not.toEqual([]);
    const shift: Partial<ShiftFact> = { openedAt: 'NaN' };
    expect(validateDocument('shifts', shift)).not.toEqual([]);
  });

  it('[SK4] a SKU that is not well formed makes a sale, a movement or a product malformed', () => {
    for (const bad of ['', '<script>', 'a:b', ' SKU', 'SKU 1', '-SKU', 'x'.repeat(65)]) {
      expect(isWellFormedSku(bad)).toBe(false);
    }
    expect(isWellFormedSku('SKU-0001')).toBe(true);
    const sale = saleFactFixture();
    const forged = { ...sale, lines: sale.lines.map((l) => ({ ...l, sku: '<script>' })) };
    expect(validateDocument('saleFacts', forged).map((p) => p.path)).toContain('$.lines[0].sku');
    const empty = { ...sale, lines: sale.lines.map((l) => ({ ...l, sku: '' })) };
    expect(validateDocument('saleFacts', empty)).not.toEqual([]);
    expect(validateDocument('products', { ...PRODUCT_FIXTURE, id: 'a:b' })).not.toEqual([]);
    expect(validateDocument('products', PRODUCT_FIXTURE)).toEqual([]);
  });

  it('[SF2] a sale in a currency the domain does not know is refused', () => {
    expect(
      validateDocument('saleFacts', { ...saleFactFixture(), currency: 'XXX' }).map((p) => p.path),
    ).toContain('$.currency');
  });

  const sale = saleFactFixture();
  const line = sale.lines[0]!;
  const ret: ReturnFact = {
    id: `S001-POS1-${ULID}`,
    saleId: sale.id,
    storeId: 'S001',
    deviceId: 'S001-POS1',
    returnedAt: '2026-11-22T05:00:00.000Z',
    lines: [{ lineId: line.lineId, sku: line.sku, quantity: 1, refund: 100 }],
    refund: 100,
    tenders: [{ kind: 'cash', amount: 100 }],
    points: { reversedEarn: 0, restoredRedeem: 0 },
  };

  it('[RT7] a return with a negative or inconsistent refund, a bad id or time is malformed', () => {
    expect(validateDocument('returns', ret)).toEqual([]);
    const negative = {
      ...ret,
      lines: [{ ...ret.lines[0]!, refund: -100 }],
      refund: -100,
      tenders: [{ kind: 'cash', amount: -100 }],
    };
    expect(validateDocument('returns', negative)).not.toEqual([]);
    expect(validateDocument('returns', { ...ret, refund: 99 })).not.toEqual([]);
    expect(validateDocument('returns', { ...ret, tenders: [] })).not.toEqual([]);
    expect(validateDocument('returns', { ...ret, returnedAt: 'NaN' })).not.toEqual([]);
    expect(validateDocument('returns', { ...ret, id: `S001-POS1-B-${ULID}` })).not.toEqual([]);
    expect(
      validateDocument('returns', { ...ret, lines: [{ ...ret.lines[0]!, sku: 'S:' }] }),
    ).not.toEqual([]);
  });

  it('[RT7] [RT8] every return a till plans passes the rules, visit after visit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 99_999 }), fc.integer({ min: 1, max: 6 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        (items, picks) => {
          const sold = saleFactFixture({
            lines: items.map(([price, quantity]) => [PRODUCT_FIXTURE, price, quantity]),
          });
          const earlier: ReturnFact[] = [];
          let returned = NOTHING_RETURNED;
          picks.forEach((pick, visit) => {
            const line = sold.lines[pick % sold.lines.length]!;
            const left =
              line.quantity -
              earlier
                .flatMap((r) => r.lines)
                .filter((l) => l.lineId === line.lineId)
                .reduce((a, l) => a + l.quantity, 0);
            if (left < 1) return;
            const planned = planReturn(
              sold,
              earlier,
              [{ lineId: line.lineId, quantity: 1 + (pick % left) }],
              {
                id: `S001-POS1-R${visit}`,
                storeId: 'S001',
                deviceId: 'S001-POS1',
                now: '2026-11-22T05:00:00.000Z',
              },
            );
            if (!planned.ok) throw new Error(planned.message);
            expect(validateDocument('returns', planned.ret)).toEqual([]);
            expect(returnAgainstSaleProblems(sold, returned, planned.ret)).toEqual([]);
            returned = addReturned(returned, planned.ret);
            earlier.push(planned.ret);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('[RT8] a return applies only to lines of its sale, never beyond what was sold or due', () => {
    expect(returnAgainstSaleProblems(sale, NOTHING_RETURNED, ret)).toEqual([]);
    const all = { ...ret, lines: [{ ...ret.lines[0]!, quantity: line.quantity }] };
    const after = addReturned(NOTHING_RETURNED, all);
    expect(after.lines[line.lineId]).toBe(line.quantity);
    expect(returnAgainstSaleProblems(sale, after, ret)).not.toEqual([]);
    expect(
      returnAgainstSaleProblems(sale, NOTHING_RETURNED, {
        ...ret,
        lines: [{ ...ret.lines[0]!, lineId: 'NOPE' }],
      }),
    ).not.toEqual([]);
    expect(
      returnAgainstSaleProblems(sale, NOTHING_RETURNED, {
        ...ret,
        lines: [{ ...ret.lines[0]!, sku: 'SKU-OTHER' }],
      }),
    ).not.toEqual([]);
    expect(
      returnAgainstSaleProblems(sale, NOTHING_RETURNED, { ...ret, refund: sale.due + 1 }),
    ).not.toEqual([]);
    expect(
      returnAgainstSaleProblems(sale, NOTHING_RETURNED, { ...ret, saleId: 'OTHER' }),
    ).not.toEqual([]);
    const restoring = { ...ret, points: { reversedEarn: 0, restoredRedeem: 1_000_000 } };
    expect(returnAgainstSaleProblems(sale, NOTHING_RETURNED, restoring)).not.toEqual([]);
  });
});
