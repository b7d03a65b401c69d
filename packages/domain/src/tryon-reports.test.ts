import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConsentEntry } from './consent';
import {
  conversionReport,
  localDayBounds,
  mayMessage,
  outfitSuggestions,
  rateBp,
  triedNotBought,
  tryOnVisits,
} from './tryon-reports';
import {
  CONVERSION_DIMENSIONS,
  DEFAULT_FITTING_ROOM_POLICY,
  type EpcSale,
  type TryOnForReport,
} from './tryons';

const T0 = Date.parse('2026-03-01T02:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const POLICY = DEFAULT_FITTING_ROOM_POLICY;
const PERIOD = { from: at(-600), to: at(600) };

function tryOn(id: string, epc: string, closedMin: number, more: Partial<TryOnForReport> = {}) {
  return {
    id,
    storeId: 'S001',
    epc,
    sku: 'TEE-01-WH-M',
    styleId: 'TEE-01',
    colour: 'WH',
    size: 'M',
    clerkId: null,
    memberId: null,
    openedAt: at(closedMin - 5),
    closedAt: at(closedMin),
    ...more,
  } satisfies TryOnForReport;
}
const sale = (epc: string, minutes: number, saleId = `sale-${epc}-${minutes}`): EpcSale => ({
  epc,
  saleId,
  soldAt: at(minutes),
  storeId: 'S001',
});

const EPCS = ['E1', 'E2', 'E3', 'E4', 'E5'];
const arbTryOns = fc
  .array(
    fc.record({
      epc: fc.constantFrom(...EPCS),
      closedMin: fc.integer({ min: -700, max: 700 }),
      length: fc.integer({ min: 0, max: 90 }),
      styleId: fc.constantFrom('TEE-01', 'POLO-02', null),
      colour: fc.constantFrom('WH', 'BK', null),
      size: fc.constantFrom('S', 'M', 'L', null),
      clerkId: fc.constantFrom('E1', 'E2', null),
      storeId: fc.constantFrom('S001', 'S002'),
    }),
    { maxLength: 40 },
  )
  .map((list) =>
    list.map((t, i) =>
      tryOn(`T${i}`, t.epc, t.closedMin, {
        openedAt: at(t.closedMin - t.length),
        styleId: t.styleId,
        colour: t.colour,
        size: t.size,
        clerkId: t.clerkId,
        storeId: t.storeId,
      }),
    ),
  );
const arbSales = fc
  .array(
    fc.record({ epc: fc.constantFrom(...EPCS), minutes: fc.integer({ min: -900, max: 1200 }) }),
    { maxLength: 15 },
  )
  .map((list) => list.map((s, i) => sale(s.epc, s.minutes, `S${i}`)));

describe('try-on conversion', () => {
  it('[TO8] a sale of the EPC within 4 hours after the session closed, or while it was open, converts; later or earlier does not', () => {
    const tryOns = [
      tryOn('a', 'E1', 0),
      tryOn('b', 'E2', 0),
      tryOn('c', 'E3', 0),
      tryOn('d', 'E4', 0),
      tryOn('e', 'E5', 0),
    ];
    const sales = [
      sale('E1', 60), // an hour after: converts
      sale('E2', 241), // 4 h 1 min after: does not
      sale('E3', -2), // while the session was open: converts
      sale('E4', -30), // before it opened: does not
      sale('E5', 240), // exactly at the window's end: converts
    ];
    const report = conversionReport(tryOns, sales, POLICY, PERIOD);
    expect(report).toMatchObject({ tryOns: 5, converted: 3, rateBp: 6000 });
  });

  it('[TO8] one sale converts every try-on of its EPC in the window; each try-on converts at most once', () => {
    const tryOns = [tryOn('a', 'E1', 0), tryOn('b', 'E1', 30), tryOn('c', 'E1', -300)];
    const sales = [sale('E1', 60), sale('E1', 61, 'again')];
    const report = conversionReport(tryOns, sales, POLICY, PERIOD);
    expect(report).toMatchObject({ tryOns: 3, converted: 2 });
  });

  it('[TO9] rows by each dimension add up to the totals, unknown values in a null row; rate in basis points', () => {
    fc.assert(
      fc.property(arbTryOns, arbSales, (tryOns, sales) => {
        const report = conversionReport(tryOns, sales, POLICY, PERIOD);
        const inPeriod = tryOns.filter(
          (t) => t.closedAt >= PERIOD.from && t.closedAt < PERIOD.to,
        ).length;
        expect(report.tryOns).toBe(inPeriod);
        expect(report.converted).toBeLessThanOrEqual(report.tryOns);
        expect(report.rateBp).toBe(rateBp(report.converted, report.tryOns));
        for (const dimension of CONVERSION_DIMENSIONS) {
          const rows = report.by[dimension];
          expect(rows.reduce((s, r) => s + r.tryOns, 0)).toBe(report.tryOns);
          expect(rows.reduce((s, r) => s + r.converted, 0)).toBe(report.converted);
          expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
          for (const row of rows) {
            expect(row.converted).toBeLessThanOrEqual(row.tryOns);
            expect(Number.isInteger(row.rateBp)).toBe(true);
            expect(row.rateBp).toBeGreaterThanOrEqual(0);
            expect(row.rateBp).toBeLessThanOrEqual(10_000);
          }
        }
      }),
    );
  });

  it('[TO8] a sale outside the window never converts: moving every sale past it converts nothing', () => {
    fc.assert(
      fc.property(arbTryOns, arbSales, (tryOns, sales) => {
        const late = sales.map((s) => ({ ...s, soldAt: at(5000) }));
        expect(conversionReport(tryOns, late, POLICY, PERIOD).converted).toBe(0);
        const early = sales.map((s) => ({ ...s, soldAt: at(-5000) }));
        expect(conversionReport(tryOns, early, POLICY, PERIOD).converted).toBe(0);
      }),
    );
  });

  it('[TO9] the rate is 0 with no try-ons and rounds half up', () => {
    expect(rateBp(0, 0)).toBe(0);
    expect(rateBp(1, 3)).toBe(3333);
    expect(rateBp(2, 3)).toBe(6667);
    expect(rateBp(3, 3)).toBe(10_000);
    expect(conversionReport([], [], POLICY, PERIOD).by.style).toEqual([]);
  });
});

describe('tried and not bought', () => {
  it("[TO10] the day in the store's time zone: tried that day, not sold within the window, most tried first", () => {
    // T0 is 10:00 in Shanghai on 2026-03-01; -660 minutes is 23:00 on 02-28.
    const tryOns = [
      tryOn('a', 'E1', 0),
      tryOn('b', 'E1', 30),
      tryOn('c', 'E2', 10),
      tryOn('d', 'E3', 20),
      tryOn('e', 'E4', -660),
    ];
    const items = triedNotBought(tryOns, [sale('E3', 60)], POLICY, {
      day: '2026-03-01',
      utcOffsetMinutes: 480,
    });
    expect(items.map((i) => [i.epc, i.tryOns, i.lastClosedAt])).toEqual([
      ['E1', 2, at(30)],
      ['E2', 1, at(10)],
    ]);
    expect(
      triedNotBought(tryOns, [], POLICY, { day: '2026-02-28', utcOffsetMinutes: 480 }).map(
        (i) => i.epc,
      ),
    ).toEqual(['E4']);
    expect(
      triedNotBought(tryOns, [], POLICY, { day: '2026-02-30', utcOffsetMinutes: 480 }),
    ).toEqual([]);
  });

  it('[TO10] a day is a real date; its bounds are 24 hours from local midnight', () => {
    expect(localDayBounds('2026-03-01', 480)).toEqual({
      from: '2026-02-28T16:00:00.000Z',
      to: '2026-03-01T16:00:00.000Z',
    });
    for (const bad of ['2026-13-01', '2026-02-29', '26-03-01', '2026-03-01T00:00', '']) {
      expect(localDayBounds(bad, 480)).toBeNull();
    }
  });

  it('[TO10] every EPC listed was tried that day and none of its try-ons converted', () => {
    fc.assert(
      fc.property(arbTryOns, arbSales, (tryOns, sales) => {
        const day = { day: '2026-03-01', utcOffsetMinutes: 480 };
        const items = triedNotBought(tryOns, sales, POLICY, day);
        const report = conversionReport(tryOns, sales, POLICY, localDayBounds(day.day, 480)!);
        const listed = items.reduce((s, i) => s + i.tryOns, 0);
        expect(listed).toBeLessThanOrEqual(report.tryOns - report.converted);
        expect(new Set(items.map((i) => `${i.storeId}:${i.epc}`)).size).toBe(items.length);
        for (let i = 1; i < items.length; i++) {
          expect(items[i - 1]!.tryOns).toBeGreaterThanOrEqual(items[i]!.tryOns);
        }
      }),
    );
  });
});

describe('outfit suggestions', () => {
  const style = {
    variants: ['WH-S', 'WH-M', 'WH-L', 'BK-S', 'BK-M', 'BK-L'].map((v) => ({ sku: `T-${v}` })),
  };
  const styleOf = (sku: string) => (sku.startsWith('T-') ? style : null);

  it('[TO11] other variants in stock, nearest first, then what was bought together; never the tried SKU', () => {
    const suggestions = outfitSuggestions({
      triedSkus: ['T-WH-M'],
      styleOf,
      stock: [
        { storeId: 'S002', distanceKm: 3.2, atp: { 'T-WH-L': 2, 'T-BK-M': 1 } },
        { storeId: 'S001', distanceKm: 0, atp: { 'T-WH-M': 4, 'T-WH-S': 1, 'T-WH-L': 0 } },
      ],
      boughtTogether: [
        { sku: 'T-WH-M', other: 'JEANS-1', together: 3 },
        { sku: 'T-WH-M', other: 'T-WH-S', together: 9 },
        { sku: 'T-WH-M', other: 'CAP-1', together: 5 },
      ],
      limit: 10,
    });
    expect(suggestions).toEqual([
      {
        kind: 'other-variant',
        triedSku: 'T-WH-M',
        sku: 'T-WH-S',
        storeId: 'S001',
        distanceKm: 0,
        atp: 1,
      },
      {
        kind: 'other-variant',
        triedSku: 'T-WH-M',
        sku: 'T-WH-L',
        storeId: 'S002',
        distanceKm: 3.2,
        atp: 2,
      },
      {
        kind: 'other-variant',
        triedSku: 'T-WH-M',
        sku: 'T-BK-M',
        storeId: 'S002',
        distanceKm: 3.2,
        atp: 1,
      },
      { kind: 'bought-together', triedSku: 'T-WH-M', sku: 'CAP-1', together: 5 },
      { kind: 'bought-together', triedSku: 'T-WH-M', sku: 'JEANS-1', together: 3 },
    ]);
  });

  it('[TO11] never a tried or excluded SKU, never twice the same SKU, at most the limit', () => {
    const sku = fc.constantFrom(...style.variants.map((v) => v.sku), 'CAP-1', 'JEANS-1', 'SOCK-1');
    fc.assert(
      fc.property(
        fc.array(sku, { maxLength: 4 }),
        fc.array(sku, { maxLength: 2 }),
        fc.array(
          fc.record({
            storeId: fc.constantFrom('S001', 'S002', 'S003'),
            distanceKm: fc.integer({ min: 0, max: 50 }),
            atp: fc.dictionary(sku, fc.integer({ min: 0, max: 5 })),
          }),
          { maxLength: 3 },
        ),
        fc.array(fc.record({ sku, other: sku, together: fc.integer({ min: 0, max: 9 }) }), {
          maxLength: 10,
        }),
        fc.integer({ min: 0, max: 8 }),
        (triedSkus, exclude, stock, boughtTogether, limit) => {
          const out = outfitSuggestions({
            triedSkus,
            styleOf,
            stock,
            boughtTogether,
            exclude,
            limit,
          });
          expect(out.length).toBeLessThanOrEqual(limit);
          const skus = out.map((s) => s.sku);
          expect(new Set(skus).size).toBe(skus.length);
          for (const s of out) {
            expect(triedSkus).not.toContain(s.sku);
            expect(exclude).not.toContain(s.sku);
            expect(triedSkus).toContain(s.triedSku);
            if (s.kind === 'other-variant') expect(s.atp).toBeGreaterThan(0);
            else expect(s.together).toBeGreaterThan(0);
          }
          const kinds = out.map((s) => s.kind);
          expect(kinds).toEqual(
            [...kinds].sort((a, b) => (a === b ? 0 : a === 'other-variant' ? -1 : 1)),
          );
        },
      ),
    );
  });
});

describe('messages and visits', () => {
  const entry = (id: string, granted: boolean, minutes: number, memberId = 'M1'): ConsentEntry => ({
    id,
    memberId,
    purpose: 'tryon-suggestions',
    granted,
    policyVersion: '2026-12',
    channel: 'customer-web',
    at: at(minutes),
  });

  it('[TO12] a member may be sent try-on suggestions only while their latest answer grants it', () => {
    expect(mayMessage([], 'M1')).toBe(false);
    expect(mayMessage([entry('1', true, 0)], 'M1')).toBe(true);
    expect(mayMessage([entry('1', true, 0), entry('2', false, 5)], 'M1')).toBe(false);
    expect(mayMessage([entry('1', true, 0, 'M2')], 'M1')).toBe(false);
    expect(mayMessage([{ ...entry('1', true, 0), purpose: 'marketing-messages' }], 'M1')).toBe(
      false,
    );
  });

  it('[RI10] sessions of a member at a store make one visit while each opens within the gap', () => {
    const s = (
      id: string,
      openedMin: number,
      closedMin: number,
      memberId = 'M1',
      storeId = 'S001',
    ) => ({
      id,
      memberId,
      storeId,
      openedAt: at(openedMin),
      closedAt: at(closedMin),
    });
    const visits = tryOnVisits(
      [
        s('c', 100, 110),
        s('a', 0, 10),
        s('b', 5, 30),
        s('d', 400, 405),
        s('e', 0, 3, 'M2'),
        s('f', 1, 3, 'M1', 'S002'),
        s('a', 0, 10),
      ],
      120 * 60_000,
    );
    expect(visits.map((v) => [v.id, v.sessionIds, v.lastClosedAt])).toEqual([
      ['tryon-visit:M1:S001:a', ['a', 'b', 'c'], at(110)],
      ['tryon-visit:M1:S001:d', ['d'], at(405)],
      ['tryon-visit:M2:S001:e', ['e'], at(3)],
      ['tryon-visit:M1:S002:f', ['f'], at(3)],
    ]);
  });
});
