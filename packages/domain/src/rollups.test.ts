import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommissionEntry } from './commission';
import type { Order } from './orders';
import type { ReturnFact } from './returns';
import type { SaleFact } from './sale-fact';
import {
  bopisRows,
  clerkCell,
  dayCells,
  dayOfSalesCell,
  dayStart,
  deviceSyncStatus,
  foldFacts,
  healthWriteDue,
  hourBucket,
  localDay,
  mergeDeltas,
  nearestRank,
  parseDashboardRange,
  parseDeviceReport,
  returnCell,
  saleCell,
  salesBucket,
  type RollupDelta,
  type RollupFact,
} from './rollups';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');

function sale(
  id: string,
  storeId: string,
  channel: SaleFact['channel'],
  at: number,
  lines: [number, number][],
): SaleFact {
  return {
    id,
    storeId,
    channel,
    deviceId: `${storeId}-POS1`,
    soldAt: new Date(at).toISOString(),
    lines: lines.map(([paid, quantity], i) => ({ lineId: `L${i}`, paid, quantity })),
  } as unknown as SaleFact;
}

function ret(
  id: string,
  storeId: string,
  at: number,
  refund: number,
  quantity: number,
): ReturnFact {
  return {
    id,
    saleId: 'x',
    storeId,
    deviceId: `${storeId}-POS1`,
    returnedAt: new Date(at).toISOString(),
    lines: [{ lineId: 'L0', sku: 'A', quantity, refund }],
    refund,
    tenders: [],
    points: { reversedEarn: 0, restoredRedeem: 0 },
  };
}

function entry(
  i: number,
  staffId: string,
  at: number,
  sales: number,
  commission: number,
): CommissionEntry {
  return {
    id: `e${i}`,
    staffId,
    source: `sale:s${i}`,
    lineId: 'L1',
    sku: 'A',
    reason: sales >= 0 ? 'sale' : 'refund',
    event: `s${i}`,
    sales,
    commission,
    rate: 300,
    ruleId: null,
    attributionStoreId: 'S001',
    fulfilmentStoreId: 'S001',
    at: new Date(at).toISOString(),
  };
}

const factArb: fc.Arbitrary<RollupFact> = fc.oneof(
  fc
    .record({
      n: fc.nat(1_000_000),
      store: fc.constantFrom('S001', 'S002'),
      channel: fc.constantFrom('store', 'online', 'clerk') as fc.Arbitrary<SaleFact['channel']>,
      at: fc.integer({ min: 0, max: 3 * 86_400_000 }),
      lines: fc.array(
        fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 9 })),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
    })
    .map(({ n, store, channel, at, lines }) => ({
      kind: 'sale' as const,
      sale: sale(`s${n}`, store, channel, T0 + at, lines),
    })),
  fc
    .record({
      n: fc.nat(1_000_000),
      store: fc.constantFrom('S001', 'S002'),
      at: fc.integer({ min: 0, max: 3 * 86_400_000 }),
      refund: fc.integer({ min: 0, max: 100_000 }),
      quantity: fc.integer({ min: 1, max: 5 }),
    })
    .map(({ n, store, at, refund, quantity }) => ({
      kind: 'return' as const,
      ret: ret(`r${n}`, store, T0 + at, refund, quantity),
    })),
  fc
    .record({
      n: fc.nat(1_000_000),
      staff: fc.constantFrom('E1', 'E2'),
      at: fc.integer({ min: 0, max: 3 * 86_400_000 }),
      sales: fc.integer({ min: -50_000, max: 50_000 }),
      commission: fc.integer({ min: -5_000, max: 5_000 }),
    })
    .map(({ n, staff, at, sales, commission }) => ({
      kind: 'commission' as const,
      entry: entry(n, staff, T0 + at, sales, commission),
    })),
);

function totals(delta: RollupDelta) {
  const t = { sales: 0, returns: 0, netFen: 0, units: 0, credited: 0, commission: 0, lines: 0 };
  for (const c of delta.sales.values()) {
    t.sales += c.sales;
    t.returns += c.returns;
    t.netFen += c.netFen;
    t.units += c.units;
  }
  for (const c of delta.clerks.values()) {
    t.credited += c.creditedNetFen;
    t.commission += c.commissionFen;
    t.lines += c.lines;
  }
  return t;
}

const sorted = (delta: RollupDelta) => ({
  sales: [...delta.sales.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
  clerks: [...delta.clerks.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
});

describe('rollups', () => {
  it('[RU1] buckets a moment by the hour and the day of the store time zone', () => {
    expect(hourBucket('2026-03-01T17:59:59.000Z', 480)).toBe('2026-03-01T17:00:00.000Z');
    expect(localDay('2026-03-01T16:30:00.000Z', 480)).toBe('2026-03-02');
    expect(localDay('2026-03-01T15:59:00.000Z', 480)).toBe('2026-03-01');
    expect(dayStart('2026-03-02', 480)).toBe('2026-03-01T16:00:00.000Z');
    // Half-hour zones bucket by their own local hours.
    expect(hourBucket('2026-03-01T10:10:00.000Z', 330)).toBe('2026-03-01T09:30:00.000Z');
  });

  it('[RU2] a sale adds one sale, what its lines were paid and its units to its hour', () => {
    const cell = saleCell(
      sale('s1', 'S001', 'store', T0 + 3_723_000, [
        [250, 2],
        [100, 1],
      ]),
      480,
    );
    expect(cell).toEqual({
      storeId: 'S001',
      channel: 'store',
      hour: '2026-03-01T01:00:00.000Z',
      sales: 1,
      returns: 0,
      netFen: 350,
      units: 3,
    });
  });

  it('[RU3] a return takes its refund and units off the store channel of its hour', () => {
    expect(returnCell(ret('r1', 'S002', T0, 250, 2), 480)).toMatchObject({
      storeId: 'S002',
      channel: 'store',
      sales: 0,
      returns: 1,
      netFen: -250,
      units: -2,
    });
  });

  it('[RU4] a commission entry moves its clerk at the attribution store on its local day', () => {
    expect(clerkCell(entry(1, 'E1', T0 + 17 * 3_600_000, 1000, 30), 480)).toEqual({
      storeId: 'S001',
      staffId: 'E1',
      day: '2026-03-02',
      lines: 1,
      creditedNetFen: 1000,
      commissionFen: 30,
    });
    expect(clerkCell(entry(2, 'E1', T0, -500, -15), 480).lines).toBe(0);
  });

  it('[RU5] an order for pickup is one row per pickup store, replaced by its later version', () => {
    const base = {
      id: 'O1',
      channel: 'online',
      customer: { memberId: 'M1' },
      total: 500,
      placedAt: '2026-03-01T01:00:00.000Z',
      lines: [
        {
          lineId: 'a',
          sku: 'A',
          quantity: 1,
          unitPrice: 500,
          net: 500,
          pickedUp: 0,
          fulfilment: { mode: 'pickup', storeId: 'S001' },
        },
      ],
      pickups: [],
      factIds: ['f1'],
    };
    const paid = {
      ...base,
      status: 'paid',
      paidAt: '2026-03-01T01:05:00.000Z',
      pickupDeadline: '2026-03-03T01:05:00.000Z',
    } as Order;
    expect(bopisRows(paid)).toEqual([
      expect.objectContaining({
        storeId: 'S001',
        holdOpen: true,
        ready: false,
        readyMinutes: null,
        pickedUp: false,
      }),
    ]);
    const picked = {
      ...paid,
      status: 'picked-up',
      readyAt: '2026-03-01T01:47:00.000Z',
      pickups: [{ factId: 'p1', lineId: 'a', quantity: 1, at: '2026-03-02T09:00:00.000Z' }],
    } as Order;
    expect(bopisRows(picked)[0]).toMatchObject({
      holdOpen: false,
      readyMinutes: 42,
      pickedUp: true,
      pickedUpOnTime: true,
      noShow: false,
    });
    const late = {
      ...picked,
      pickups: [{ ...picked.pickups[0]!, at: '2026-03-04T00:00:00.000Z' }],
    } as Order;
    expect(bopisRows(late)[0]!.pickedUpOnTime).toBe(false);
    const noShow = { ...paid, status: 'cancelled', factIds: ['f1', 'O1:pickup-deadline'] } as Order;
    expect(bopisRows(noShow)[0]).toMatchObject({ noShow: true, holdOpen: false, pickedUp: false });
    expect(
      bopisRows({
        ...paid,
        lines: [{ ...base.lines[0]!, fulfilment: { mode: 'ship', addressId: 'x' } }],
      } as Order),
    ).toEqual([]);
    const delta = foldFacts([
      { kind: 'order', order: paid },
      { kind: 'order', order: picked },
    ]);
    expect(delta.orders.get('O1')).toEqual(bopisRows(picked));
  });

  it('[RU6] percentiles are by nearest rank, as percentile_disc', () => {
    expect(nearestRank([], 0.5)).toBeNull();
    expect(nearestRank([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { minLength: 1 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (xs, p) => {
          const v = nearestRank(xs, p)!;
          expect(xs.filter((x) => x <= v).length / xs.length).toBeGreaterThanOrEqual(p - 1e-9);
          expect(xs.filter((x) => x < v).length / xs.length).toBeLessThan(p);
        },
      ),
    );
  });

  it('[RU7] the deltas of a page sum to the totals of its facts', () => {
    fc.assert(
      fc.property(fc.array(factArb, { maxLength: 60 }), (facts) => {
        const t = totals(foldFacts(facts));
        let sales = 0;
        let netFen = 0;
        let units = 0;
        let returns = 0;
        let credited = 0;
        let commission = 0;
        for (const f of facts) {
          if (f.kind === 'sale') {
            sales += 1;
            for (const l of f.sale.lines) {
              netFen += l.paid;
              units += l.quantity;
            }
          } else if (f.kind === 'return') {
            returns += 1;
            netFen -= f.ret.refund;
            units -= f.ret.lines[0]!.quantity;
          } else if (f.kind === 'commission') {
            credited += f.entry.sales;
            commission += f.entry.commission;
          }
        }
        expect(t).toMatchObject({ sales, returns, netFen, units, credited, commission });
      }),
    );
  });

  it('[RU7] [RU8] the order of facts does not matter, and folding pages merges associatively', () => {
    fc.assert(
      fc.property(
        fc.array(factArb, { maxLength: 40 }),
        fc.array(factArb, { maxLength: 40 }),
        fc.array(factArb, { maxLength: 40 }),
        (a, b, c) => {
          const whole = sorted(foldFacts([...a, ...b, ...c]));
          expect(sorted(foldFacts([...c, ...a, ...b]))).toEqual(whole);
          const [fa, fb, fc2] = [foldFacts(a), foldFacts(b), foldFacts(c)];
          expect(sorted(mergeDeltas(mergeDeltas(fa, fb), fc2))).toEqual(whole);
          expect(sorted(mergeDeltas(fa, mergeDeltas(fb, fc2)))).toEqual(whole);
          expect(sorted(mergeDeltas(fb, fa))).toEqual(sorted(mergeDeltas(fa, fb)));
        },
      ),
    );
  });

  it('[RU9] a device is ok within 5 minutes of its last sync, late within the hour, else silent', () => {
    const now = '2026-03-01T12:00:00.000Z';
    expect(deviceSyncStatus('2026-03-01T11:56:00.000Z', null, now)).toBe('ok');
    expect(deviceSyncStatus(null, '2026-03-01T11:30:00.000Z', now)).toBe('late');
    expect(deviceSyncStatus('2026-03-01T10:00:00.000Z', '2026-03-01T10:30:00.000Z', now)).toBe(
      'silent',
    );
    expect(deviceSyncStatus(null, null, now)).toBe('silent');
  });

  it('[RU10] health is written at most every 5 s unless an error comes, and headers are read leniently', () => {
    expect(healthWriteDue(null, 0, false)).toBe(true);
    expect(healthWriteDue(1000, 5999, false)).toBe(false);
    expect(healthWriteDue(1000, 6000, false)).toBe(true);
    expect(healthWriteDue(1000, 1001, true)).toBe(true);
    expect(parseDeviceReport('1.4.2', '17')).toEqual({ appVersion: '1.4.2', factsWaiting: 17 });
    expect(parseDeviceReport('x'.repeat(41), '-1')).toEqual({
      appVersion: null,
      factsWaiting: null,
    });
    expect(parseDeviceReport(undefined, '1e3')).toEqual({ appVersion: null, factsWaiting: null });
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), (v, w) => {
        const r = parseDeviceReport(v ?? undefined, w ?? undefined);
        expect(r.factsWaiting === null || Number.isSafeInteger(r.factsWaiting)).toBe(true);
        expect(r.appVersion === null || r.appVersion.length <= 40).toBe(true);
      }),
    );
  });

  it('[RU11] a dashboard range must be two valid instants, to after from, at most 366 days', () => {
    expect(parseDashboardRange('2026-03-01', '2026-03-02T00:00:00Z')).toEqual({
      ok: true,
      range: { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' },
    });
    expect(parseDashboardRange(null, '2026-03-02')).toMatchObject({ ok: false });
    expect(parseDashboardRange('yesterday', '2026-03-02')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('from'),
    });
    expect(parseDashboardRange('2026-02-30', '2026-03-02')).toMatchObject({ ok: false });
    expect(parseDashboardRange('2026-03-02', '2026-03-01')).toMatchObject({
      ok: false,
      reason: 'to must be after from',
    });
    expect(parseDashboardRange('2025-01-01', '2026-03-01')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('366'),
    });
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const r = parseDashboardRange(a, b);
        if (r.ok) expect(Date.parse(r.range.to)).toBeGreaterThan(Date.parse(r.range.from));
      }),
    );
  });

  it('[RU12] long ranges read days; an hour cell rolls into its local day', () => {
    expect(salesBucket({ from: '2026-03-01T00:00:00Z', to: '2026-03-08T00:00:00Z' }, null)).toBe(
      'hour',
    );
    expect(salesBucket({ from: '2026-01-01T00:00:00Z', to: '2026-03-08T00:00:00Z' }, null)).toBe(
      'day',
    );
    expect(salesBucket({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, 'day')).toBe(
      'day',
    );
    expect(
      salesBucket({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, 'week'),
    ).toBeNull();
    const cell = saleCell(
      sale('s1', 'S001', 'store', Date.parse('2026-03-01T17:20:00Z'), [[1, 1]]),
      480,
    );
    expect(dayOfSalesCell(cell, 480).hour).toBe('2026-03-01T16:00:00.000Z');
    const days = dayCells(
      [
        cell,
        { ...cell, hour: '2026-03-02T01:00:00.000Z' },
        { ...cell, hour: '2026-03-02T16:00:00.000Z' },
      ],
      480,
    );
    expect([...days.values()].map((d) => [d.hour, d.sales])).toEqual([
      ['2026-03-01T16:00:00.000Z', 2],
      ['2026-03-02T16:00:00.000Z', 1],
    ]);
  });
});
