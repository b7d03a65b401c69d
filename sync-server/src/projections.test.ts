import { pointEntryProblems, type Member, type PointEntry } from '@pos/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPointEntries, stockWritesForMovements } from './projections';

describe('stock projection', () => {
  it('[PJ1] moves existing levels by the signed quantities, keeping their revision to check', () => {
    const current = new Map([
      [
        'S001:SKU-0001',
        { rev: '3-x', body: { id: 'S001:SKU-0001', storeId: 'S001', sku: 'SKU-0001', onHand: 10 } },
      ],
    ]);
    const writes = stockWritesForMovements(current, [
      { location: 'S001', sku: 'SKU-0001', kind: 'sale', quantity: 2 },
      { location: 'S001', sku: 'SKU-0001', kind: 'sale', quantity: 1 },
      { location: 'S001', sku: 'SKU-0009', kind: 'sale', quantity: 4 },
      { location: 'S001', sku: 'SKU-0009', kind: 'reserve', quantity: 9 },
    ]);
    expect(writes).toEqual([
      {
        db: 'stock',
        id: 'S001:SKU-0001',
        body: { id: 'S001:SKU-0001', storeId: 'S001', sku: 'SKU-0001', onHand: 7 },
        storeId: 'S001',
        expectedRev: '3-x',
      },
      {
        db: 'stock',
        id: 'S001:SKU-0009',
        body: { id: 'S001:SKU-0009', storeId: 'S001', sku: 'SKU-0009', onHand: -4 },
        storeId: 'S001',
        expectedRev: null,
      },
    ]);
  });
});

describe('points projection', () => {
  const member: Member = {
    id: 'M1',
    maskedName: '张*',
    maskedPhone: '138****8000',
    tier: 'basic',
    homeStoreId: 'S001',
    points: 300,
    status: 'active',
  };
  const entry = (id: string, points: number): PointEntry => ({
    id,
    memberId: 'M1',
    kind: points > 0 ? 'earn' : 'redeem',
    points,
    factId: id.split(':')[0]!,
    at: '2026-01-02T03:04:05.000Z',
  });
  const trigger = { id: 'S001-POS1-1', factId: 'S001-POS1-1', at: '2026-01-02T03:04:06.000Z' };

  it('[PT1] moves the balance by the sum of the entries', () => {
    const applied = applyPointEntries(
      member,
      [entry('S001-POS1-1:redeem', -200), entry('S001-POS1-1:earn', 35)],
      trigger,
    );
    expect(applied).toEqual({ member: { ...member, points: 135 }, writeOff: null, shortfall: 0 });
  });

  it('[PT3] writes off what an offline redemption took beyond the balance, to 0', () => {
    const applied = applyPointEntries(member, [entry('S001-POS1-1:redeem', -500)], trigger);
    expect(applied.member.points).toBe(0);
    expect(applied.shortfall).toBe(200);
    expect(applied.writeOff).toEqual({
      id: 'S001-POS1-1:write-off',
      memberId: 'M1',
      kind: 'adjust',
      points: 200,
      factId: 'S001-POS1-1',
      at: '2026-01-02T03:04:06.000Z',
    });
  });

  it('[PT1] [PT3] the balance is the opening balance plus the fold of every entry written, never below 0', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.array(
          fc.integer({ min: -5_000, max: 5_000 }).filter((p) => p !== 0),
          {
            maxLength: 6,
          },
        ),
        (opening, points) => {
          const entries = points.map((p, i) => entry(`S001-POS1-${i}:e`, p));
          const applied = applyPointEntries({ ...member, points: opening }, entries, trigger);
          const written = [...entries, ...(applied.writeOff ? [applied.writeOff] : [])];
          expect(applied.member.points).toBe(opening + written.reduce((s, e) => s + e.points, 0));
          expect(applied.member.points).toBeGreaterThanOrEqual(0);
          expect(pointEntryProblems(applied.writeOff ?? entries[0] ?? entry('x', 1))).toEqual([]);
        },
      ),
    );
  });
});
