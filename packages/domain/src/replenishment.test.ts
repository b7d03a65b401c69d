import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineMetres } from './geo';
import {
  demandStats,
  isBelowReorderPoint,
  orderSources,
  replenishmentTarget,
  roundUpToPack,
  safetyStockFromDemand,
  serviceLevelZ,
  settingsProblems,
  spareUnits,
  suggestReplenishment,
  weeksOfCover,
  type SourceStore,
} from './replenishment';

const HERE = { lat: 31.23, lng: 121.47 };

describe('safety stock from demand', () => {
  it('[RN1] mean and standard deviation count days without sales as 0', () => {
    expect(demandStats([4, 4], 4)).toEqual({ days: 4, total: 8, mean: 2, sd: 2 });
    expect(demandStats([], 7)).toEqual({ days: 7, total: 0, mean: 0, sd: 0 });
    expect(() => demandStats([1, 2], 1)).toThrow();
  });

  it('[RN3] z of a service level by the inverse normal', () => {
    expect(serviceLevelZ(9500)).toBe(1.645);
    expect(serviceLevelZ(9000)).toBe(1.282);
    expect(serviceLevelZ(9900)).toBe(2.326);
    expect(serviceLevelZ(5000)).toBe(0);
    expect(() => serviceLevelZ(10_000)).toThrow();
    expect(() => serviceLevelZ(4999)).toThrow();
  });

  it('[RN4] SS = ⌈z·σ·√L⌉, ROP = ⌈mean·L⌉ + SS, with the working in words', () => {
    const r = safetyStockFromDemand({
      stats: demandStats([4, 4], 4),
      serviceLevelBp: 9500,
      leadTimeDays: 4,
    });
    // 1.645 × 2 × 2 = 6.58 → 7; 2 × 4 = 8; 8 + 7 = 15.
    expect(r).toMatchObject({ safetyStock: 7, reorderPoint: 15 });
    expect(r.working).toHaveLength(4);
    expect(r.working[2]).toContain('= 7');
  });

  it('[RN4] whole, non-negative, and the reorder point never below the safety stock', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 50 }), { maxLength: 28 }),
        fc.integer({ min: 5000, max: 9999 }),
        fc.nat({ max: 30 }),
        (sold, bp, lead) => {
          const r = safetyStockFromDemand({
            stats: demandStats(sold, 28),
            serviceLevelBp: bp,
            leadTimeDays: lead,
          });
          expect(Number.isSafeInteger(r.safetyStock) && r.safetyStock >= 0).toBe(true);
          expect(r.reorderPoint).toBeGreaterThanOrEqual(r.safetyStock);
        },
      ),
    );
  });
});

describe('replenishment', () => {
  it('[RN2] an alert at or below the reorder point', () => {
    expect(isBelowReorderPoint(5, 5)).toBe(true);
    expect(isBelowReorderPoint(6, 5)).toBe(false);
  });

  it('[RN14] settings rows: whole, ROP ≥ SS, max ≥ ROP, pack ≥ 1', () => {
    const ok = { safetyStock: 2, reorderPoint: 5, maxStock: 20, leadTimeDays: 3, packSize: 6 };
    expect(settingsProblems(ok)).toEqual([]);
    expect(settingsProblems({ ...ok, reorderPoint: 1 })).toHaveLength(1);
    expect(settingsProblems({ ...ok, maxStock: 4 })).toHaveLength(1);
    expect(settingsProblems({ ...ok, packSize: 0 })).toHaveLength(1);
    expect(settingsProblems({ ...ok, safetyStock: 1.5 })).toHaveLength(1);
    expect(settingsProblems({ ...ok, maxStock: null })).toEqual([]);
  });

  it('[RN5] [RN6] [RN7] target by method, whole packs, weeks of cover', () => {
    const base = { safetyStock: 2, reorderPoint: 5, leadTimeDays: 3, packSize: 6 };
    expect(replenishmentTarget({ ...base, maxStock: 20 })).toMatchObject({
      method: 'min-max',
      target: 20,
    });
    expect(replenishmentTarget({ ...base, maxStock: null })).toMatchObject({
      method: 'reorder-point',
      target: 11,
    });
    expect(roundUpToPack(7, 6)).toBe(12);
    expect(roundUpToPack(0, 6)).toBe(0);
    expect(weeksOfCover(10, 5)).toBe(2);
    expect(weeksOfCover(10, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('[RN8] [RN11] [RN13] transfers first from the nearest store that can spare, then purchase', () => {
    const near: SourceStore = {
      storeId: 'S002',
      onHand: 30,
      held: 0,
      weeklySales: 2,
      safetyStock: 3,
      reorderPoint: 5,
      location: { lat: 31.24, lng: 121.48 },
    };
    const far = { ...near, storeId: 'S003', location: { lat: 39.9, lng: 116.4 } };
    const s = suggestReplenishment({
      storeId: 'S001',
      settings: { safetyStock: 2, reorderPoint: 5, maxStock: 40, leadTimeDays: 3, packSize: 6 },
      onHand: 1,
      inbound: 0,
      location: HERE,
      sources: [far, near],
      coverTargetWeeks: 4,
    });
    // need 39; S002 spares 30 − max(5, 8) = 22; S003 the same 22 → 17; purchase 0.
    expect(s.need).toBe(39);
    expect(s.transfers.map((t) => [t.fromStore, t.quantity])).toEqual([
      ['S002', 22],
      ['S003', 17],
    ]);
    expect(s.purchase).toBe(0);
    expect(s.working.length).toBe(5);
  });

  const sourceArb = fc.record({
    storeId: fc.constantFrom('S001', 'S002', 'S003', 'S004', 'S005'),
    onHand: fc.integer({ min: -5, max: 100 }),
    held: fc.nat({ max: 10 }),
    weeklySales: fc.nat({ max: 20 }),
    safetyStock: fc.nat({ max: 10 }),
    reorderPoint: fc.nat({ max: 20 }),
    location: fc.record({
      lat: fc.double({ min: 20, max: 45, noNaN: true }),
      lng: fc.double({ min: 100, max: 125, noNaN: true }),
    }),
  });

  it('[RN9] [RN10] [RN12] never below a floor, never from itself, nearest first, transfers + purchase ≥ need, purchase in packs below need + pack', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(sourceArb, { selector: (s) => s.storeId, maxLength: 5 }),
        fc.nat({ max: 30 }),
        fc.nat({ max: 30 }),
        fc.option(fc.nat({ max: 100 }), { nil: null }),
        fc.integer({ min: 1, max: 12 }),
        fc.nat({ max: 8 }),
        (sources, onHand, inbound, maxStock, packSize, coverTargetWeeks) => {
          const settings = {
            safetyStock: 2,
            reorderPoint: 6,
            maxStock: maxStock === null ? null : Math.max(maxStock, 6),
            leadTimeDays: 3,
            packSize,
          };
          const s = suggestReplenishment({
            storeId: 'S001',
            settings,
            onHand,
            inbound,
            location: HERE,
            sources,
            coverTargetWeeks,
          });
          const moved = s.transfers.reduce((t, x) => t + x.quantity, 0);
          expect(moved + s.purchase).toBeGreaterThanOrEqual(s.need);
          expect(s.purchase % packSize).toBe(0);
          expect(s.purchase).toBeLessThan(Math.max(s.need - moved, 0) + packSize);
          for (const t of s.transfers) {
            expect(t.fromStore).not.toBe('S001');
            expect(t.quantity).toBeGreaterThan(0);
            const src = sources.find((x) => x.storeId === t.fromStore)!;
            const floor = Math.max(src.safetyStock, src.reorderPoint);
            expect(src.onHand - src.held - t.quantity).toBeGreaterThanOrEqual(floor);
            expect(t.quantity).toBeLessThanOrEqual(spareUnits(src, coverTargetWeeks));
          }
          const distances = s.transfers.map((t) => t.distanceKm);
          expect([...distances].sort((a, b) => a - b)).toEqual(distances);
          const ordered = orderSources(HERE, sources);
          for (let i = 1; i < ordered.length; i++) {
            expect(ordered[i]!.distanceKm).toBeGreaterThanOrEqual(ordered[i - 1]!.distanceKm);
          }
          expect(
            ordered.every(
              (o) =>
                Math.abs(o.distanceKm - haversineMetres(HERE, o.source.location) / 1000) <= 0.051,
            ),
          ).toBe(true);
        },
      ),
    );
  });
});
