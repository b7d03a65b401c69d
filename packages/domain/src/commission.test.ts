import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  clerkSummary,
  commissionRuleProblems,
  commissionRulesProblems,
  creditEditEntries,
  creditProblems,
  defaultCredits,
  evenCredits,
  FULL_SHARE,
  heldByStaff,
  lineDue,
  refundEntries,
  ruleFor,
  saleEntries,
  sameCredits,
  type CommissionEntry,
  type CommissionProduct,
  type CommissionRule,
  type CreditedLine,
  type CreditEdit,
  type LineCredit,
} from './commission';
import { percentOf } from './rounding';

const staffId = fc.stringMatching(/^[A-Z][A-Z0-9-]{0,7}$/);

/** 1-5 distinct staff with positive shares summing to 10,000. */
const credits: fc.Arbitrary<LineCredit[]> = fc
  .uniqueArray(staffId, { minLength: 1, maxLength: 5 })
  .chain((ids) =>
    fc
      .uniqueArray(fc.integer({ min: 1, max: FULL_SHARE - 1 }), {
        minLength: ids.length - 1,
        maxLength: ids.length - 1,
      })
      .map((cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), FULL_SHARE];
        return ids.map((id, i) => ({ staffId: id, share: points[i + 1]! - points[i]! }));
      }),
  );

const net = fc.integer({ min: 0, max: 100_000_000 });
const rate = fc.integer({ min: 0, max: FULL_SHARE });

function lineOf(over: Partial<CreditedLine> = {}): CreditedLine {
  return {
    source: 'sale:S001-T1-0001',
    lineId: 'L1',
    sku: 'TEE-RED-M',
    net: 19_900,
    credits: [{ staffId: 'S001-E03', share: FULL_SHARE }],
    rate: 500,
    ruleId: 'apparel',
    attributionStoreId: 'S001',
    fulfilmentStoreId: 'S002',
    soldAt: '2026-11-22T03:00:00.000Z',
    ...over,
  };
}

const sumOf = (entries: readonly { sales: number; commission: number }[]) => ({
  sales: entries.reduce((s, e) => s + e.sales, 0),
  commission: entries.reduce((s, e) => s + e.commission, 0),
});

/** What the entries hold per staff member, as a plain object without zero rows. */
function holding(entries: readonly CommissionEntry[]): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const [id, h] of heldByStaff(entries)) {
    if (h.sales !== 0 || h.commission !== 0) out[id] = [h.sales, h.commission];
  }
  return out;
}
const dueAsHolding = (due: ReturnType<typeof lineDue>) =>
  Object.fromEntries(
    due
      .filter((d) => d.sales !== 0 || d.commission !== 0)
      .map((d) => [d.staffId, [d.sales, d.commission]]),
  );

describe('clerk credit', () => {
  it('[CM1] credit validation never throws on any input and says what is wrong', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true }), (value) => {
        const problems = creditProblems(value);
        expect(Array.isArray(problems)).toBe(true);
        for (const p of problems) expect(typeof p).toBe('string');
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ staffId: fc.anything(), share: fc.anything() }), { maxLength: 7 }),
        (value) => {
          expect(() => creditProblems(value)).not.toThrow();
        },
      ),
    );
  });

  it('[CM1] valid credit is 1-5 staff, each once, whole shares above 0 summing to 10,000', () => {
    fc.assert(
      fc.property(credits, (c) => {
        expect(creditProblems(c)).toEqual([]);
      }),
    );
    expect(creditProblems([])).toEqual(['a line is credited to at least one staff member']);
    expect(creditProblems('E1')).toEqual(['credits must be a list of { staffId, share }']);
    const six = evenCredits(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(creditProblems(six)).toEqual(['a line is credited to at most 5 staff members']);
    expect(
      creditProblems([
        { staffId: 'A', share: 5000 },
        { staffId: 'A', share: 5000 },
      ]),
    ).toEqual(['A is credited twice on one line']);
    expect(creditProblems([{ staffId: 'A', share: 9999 }])).toEqual([
      'the shares add up to 9999 basis points, not 10000 (100 %)',
    ]);
    for (const share of [0, -1, 1.5, 10_001, '10000', NaN]) {
      expect(creditProblems([{ staffId: 'A', share }])).toEqual([
        'credits[0].share must be a whole number of basis points from 1 to 10000',
      ]);
    }
    expect(creditProblems([{ staffId: '', share: 10_000 }])).toEqual([
      'credits[0].staffId is not a staff id',
    ]);
    expect(creditProblems([null])).toEqual(['credits[0] must be { staffId, share }']);
  });

  it('[CM2] the default credit is the whole line to the clerk; an even split gives the leftover to the first', () => {
    expect(defaultCredits('S001-E03')).toEqual([{ staffId: 'S001-E03', share: 10_000 }]);
    expect(evenCredits(['A', 'B', 'C'])).toEqual([
      { staffId: 'A', share: 3334 },
      { staffId: 'B', share: 3333 },
      { staffId: 'C', share: 3333 },
    ]);
    fc.assert(
      fc.property(fc.uniqueArray(staffId, { minLength: 1, maxLength: 5 }), (ids) => {
        const split = evenCredits(ids);
        expect(creditProblems(split)).toEqual([]);
        const shares = split.map((c) => c.share);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        // Larger shares come first.
        expect([...shares].sort((a, b) => b - a)).toEqual(shares);
      }),
    );
  });

  it('[CM8] the same split in another order is the same credit', () => {
    fc.assert(
      fc.property(credits, (c) => {
        expect(sameCredits(c, [...c].reverse())).toBe(true);
        if (c.length > 1) {
          const moved = c.map((x, i) =>
            i === 0 ? { ...x, share: x.share + 1 } : i === 1 ? { ...x, share: x.share - 1 } : x,
          );
          expect(sameCredits(c, moved)).toBe(false);
        }
      }),
    );
  });
});

describe('the commission table', () => {
  const at = '2026-11-22T03:00:00.000Z';
  const tee: CommissionProduct = { sku: 'TEE-RED-M', brand: 'Uniqlo', category: 'apparel' };

  it('[CM3] table validation never throws and names each bad rule', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withNullPrototype: true }),
          fc.record({
            id: fc.constant('commissionRules'),
            kind: fc.constant('commissionRules'),
            rules: fc.array(
              fc.record({
                id: fc.oneof(fc.string(), fc.anything()),
                rate: fc.anything(),
                match: fc.anything({ withNullPrototype: true }),
                from: fc.anything({ withNullPrototype: true }),
                until: fc.anything({ withNullPrototype: true }),
              }),
              { maxLength: 4 },
            ),
          }),
        ),
        (value) => {
          const problems = commissionRulesProblems(value);
          for (const p of problems) expect(typeof p.message).toBe('string');
        },
      ),
    );
    expect(
      commissionRulesProblems({
        id: 'commissionRules',
        kind: 'commissionRules',
        rules: [
          { id: 'a', match: { all: true }, rate: 100 },
          { id: 'a', match: { sku: 'X' }, rate: 100 },
        ],
      }),
    ).toEqual([{ path: '$.rules[1].id', message: 'is used twice' }]);
    expect(commissionRuleProblems({ id: 'a', match: { sku: 'X', brand: 'Y' }, rate: 1 })).toEqual([
      'match must be one of { sku }, { brand }, { category } or { all: true }',
    ]);
    expect(
      commissionRuleProblems({
        id: 'a',
        match: { all: true },
        rate: 10_001,
        from: at,
        until: at,
      }),
    ).toEqual(['rate must be whole basis points from 0 to 10000', 'from must be before until']);
  });

  it('[CM4] the most specific rule in force wins: SKU, brand, category, all', () => {
    const rules: CommissionRule[] = [
      { id: 'all', match: { all: true }, rate: 100 },
      { id: 'cat', match: { category: 'apparel' }, rate: 200 },
      { id: 'brand', match: { brand: 'Uniqlo' }, rate: 300 },
      { id: 'sku', match: { sku: 'TEE-RED-M' }, rate: 400 },
    ];
    expect(ruleFor(tee, rules, at)?.id).toBe('sku');
    expect(ruleFor({ ...tee, sku: 'OTHER' }, rules, at)?.id).toBe('brand');
    expect(ruleFor({ sku: 'OTHER', category: 'apparel' }, rules, at)?.id).toBe('cat');
    expect(ruleFor({ sku: 'OTHER', category: 'food' }, rules, at)?.id).toBe('all');
    expect(ruleFor(tee, [], at)).toBeNull();
    // A rule not yet or no longer in force does not count; `until` is exclusive.
    const timed: CommissionRule[] = [
      { id: 'old', match: { sku: 'TEE-RED-M' }, rate: 900, until: at },
      { id: 'new', match: { sku: 'TEE-RED-M' }, rate: 800, from: '2026-11-22T03:00:00.001Z' },
      { id: 'cat', match: { category: 'apparel' }, rate: 200 },
    ];
    expect(ruleFor(tee, timed, at)?.id).toBe('cat');
    expect(ruleFor(tee, timed, '2026-11-22T02:59:59.999Z')?.id).toBe('old');
  });

  it('[CM4] for any table, the rule is the brute-force choice: level, then latest start, then smaller id', () => {
    const instant = fc
      .integer({ min: 0, max: 10 })
      .map((h) => `2026-11-22T${String(h).padStart(2, '0')}:00:00.000Z`);
    const rule: fc.Arbitrary<CommissionRule> = fc.record(
      {
        id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5'),
        match: fc.oneof(
          fc.constantFrom({ sku: 'A' }, { sku: 'B' }),
          fc.constantFrom({ brand: 'X' }, { brand: 'Y' }),
          fc.constantFrom({ category: 'c1' }, { category: 'c2' }),
          fc.constant({ all: true as const }),
        ),
        rate: rate,
        from: instant,
        until: instant,
      },
      { requiredKeys: ['id', 'match', 'rate'] },
    );
    const product: fc.Arbitrary<CommissionProduct> = fc.record(
      {
        sku: fc.constantFrom('A', 'B', 'C'),
        brand: fc.constantFrom('X', 'Y'),
        category: fc.constantFrom('c1', 'c2'),
      },
      { requiredKeys: ['sku', 'category'] },
    );
    fc.assert(
      fc.property(
        product,
        fc.uniqueArray(rule, { selector: (r) => r.id, maxLength: 5 }),
        instant,
        (p, rules, when) => {
          const level = (r: CommissionRule) => {
            const m = r.match;
            if ('sku' in m) return m.sku === p.sku ? 4 : 0;
            if ('brand' in m) return p.brand !== undefined && m.brand === p.brand ? 3 : 0;
            if ('category' in m) return m.category === p.category ? 2 : 0;
            return 1;
          };
          const t = Date.parse(when);
          const start = (r: CommissionRule) => (r.from ? Date.parse(r.from) : -Infinity);
          const inForce = rules.filter(
            (r) => level(r) > 0 && start(r) <= t && t < (r.until ? Date.parse(r.until) : Infinity),
          );
          inForce.sort(
            (a, b) =>
              level(b) - level(a) ||
              (start(a) === start(b) ? 0 : start(b) > start(a) ? 1 : -1) ||
              (a.id < b.id ? -1 : 1),
          );
          expect(ruleFor(p, rules, when)).toBe(inForce[0] ?? null);
        },
      ),
    );
  });
});

describe('the commission ledger', () => {
  it('[CM5] sales and commission sum exactly for any net, shares and rate', () => {
    fc.assert(
      fc.property(net, credits, rate, (n, c, r) => {
        const due = lineDue(n, c, r);
        expect(due.map((d) => d.staffId)).toEqual(c.map((x) => x.staffId));
        expect(sumOf(due)).toEqual({ sales: n, commission: percentOf(n, r) });
        for (const d of due) {
          expect(Number.isSafeInteger(d.sales) && d.sales >= 0).toBe(true);
          expect(Number.isSafeInteger(d.commission) && d.commission >= 0).toBe(true);
        }
        // Each share is within one fen of its exact part.
        due.forEach((d, i) => {
          expect(Math.abs(d.sales - (n * c[i]!.share) / FULL_SHARE)).toBeLessThan(1);
        });
      }),
    );
    // Rounded half up once: 5 % of 19,910 fen is 995.5, so 996, shared 3334 / 3333 / 3333.
    expect(lineDue(19_910, evenCredits(['A', 'B', 'C']), 500)).toEqual([
      { staffId: 'A', sales: 6638, commission: 332 },
      { staffId: 'B', sales: 6636, commission: 332 },
      { staffId: 'C', sales: 6636, commission: 332 },
    ]);
  });

  it('[CM5] the entries keep the attribution store apart from the fulfilling store', () => {
    const [entry] = saleEntries(lineOf());
    expect(entry).toMatchObject({
      id: 'sale:S001-T1-0001:L1:sale:S001-E03',
      reason: 'sale',
      sales: 19_900,
      commission: 995,
      attributionStoreId: 'S001',
      fulfilmentStoreId: 'S002',
      rate: 500,
      ruleId: 'apparel',
    });
  });

  it('[CM6] a sale writes one entry per staff member with figures; a replayed event writes nothing', () => {
    fc.assert(
      fc.property(net, credits, rate, fc.integer({ min: 0, max: 100 }), (n, c, r, pct) => {
        const line = lineOf({ net: n, credits: c, rate: r });
        const sale = saleEntries(line);
        expect(new Set(sale.map((e) => e.id)).size).toBe(sale.length);
        expect(sale.every((e) => e.sales !== 0 || e.commission !== 0)).toBe(true);
        expect(holding(sale)).toEqual(dueAsHolding(lineDue(n, c, r)));
        // The sale replayed makes the same entries with the same ids: stored by id, nothing new.
        expect(saleEntries(line)).toEqual(sale);
        // An edit that changes nothing writes nothing.
        expect(creditEditEntries(line, sale, n, edit(c, c))).toEqual({ ok: true, entries: [] });
        const remaining = Math.floor((n * pct) / 100);
        const refund = refundEntries(line, sale, remaining, 'RF1', '2026-11-23T00:00:00.000Z');
        if (!refund.ok) throw new Error(refund.message);
        const again = refundEntries(
          line,
          [...sale, ...refund.entries],
          remaining,
          'RF1',
          '2026-11-23T00:00:00.000Z',
        );
        expect(again).toEqual({ ok: true, entries: [] });
      }),
    );
  });

  it('[CM6] entries of other lines are not counted', () => {
    const line = lineOf();
    const other = saleEntries(lineOf({ lineId: 'L2' }));
    expect(holding(saleEntries(line))).toEqual({ 'S001-E03': [19_900, 995] });
    const r = refundEntries(line, [...other, ...saleEntries(line)], 0, 'RF1', line.soldAt);
    expect(r.ok && holding([...saleEntries(line), ...r.entries])).toEqual({});
  });

  it('[CM7] after any sequence of refunds the entries equal what the remaining net owes; in full, zero for everyone', () => {
    fc.assert(
      fc.property(
        net,
        credits,
        rate,
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 6 }),
        fc.boolean(),
        (n, c, r, cuts, full) => {
          const line = lineOf({ net: n, credits: c, rate: r });
          let entries = saleEntries(line);
          let remaining = n;
          const steps = [
            ...cuts.map((k) => Math.floor((remaining * k) / 1000)),
            ...(full ? [0] : []),
          ];
          steps.forEach((next, i) => {
            remaining = Math.min(remaining, next);
            const refund = refundEntries(
              line,
              entries,
              remaining,
              `RF${i}`,
              '2026-11-23T00:00:00.000Z',
            );
            if (!refund.ok) throw new Error(refund.message);
            for (const e of refund.entries) {
              expect(e.reason).toBe('refund');
              // A refund only takes back.
              expect(e.sales).toBeLessThanOrEqual(0);
            }
            entries = [...entries, ...refund.entries];
            expect(holding(entries)).toEqual(dueAsHolding(lineDue(remaining, c, r)));
          });
          if (full) expect(holding(entries)).toEqual({});
        },
      ),
    );
  });

  it('[CM7] a refund leaving more than the net or a negative remainder is refused', () => {
    const line = lineOf();
    for (const bad of [-1, 19_901, 1.5, NaN]) {
      expect(refundEntries(line, saleEntries(line), bad, 'RF1', line.soldAt)).toMatchObject({
        ok: false,
        code: 'COMMISSION_REFUND_INVALID',
      });
    }
  });

  const edit = (
    before: LineCredit[],
    after: LineCredit[],
    over: Partial<CreditEdit> = {},
  ): CreditEdit => ({
    id: 'TAB1-01J9Z',
    source: 'sale:S001-T1-0001',
    lineId: 'L1',
    before,
    after,
    approvedBy: 'S001-E02',
    requestedBy: 'S001-E03',
    reason: 'sold together',
    at: '2026-11-22T05:00:00.000Z',
    ...over,
  });

  it('[CM8] a credit edit moves the remaining sales and commission to the new split, totals unchanged', () => {
    fc.assert(
      fc.property(
        net,
        credits,
        credits,
        rate,
        fc.integer({ min: 0, max: 100 }),
        (n, before, after, r, pct) => {
          const line = lineOf({ net: n, credits: before, rate: r });
          let entries = saleEntries(line);
          const remaining = Math.floor((n * pct) / 100);
          const refund = refundEntries(line, entries, remaining, 'RF1', '2026-11-23T00:00:00.000Z');
          if (!refund.ok) throw new Error(refund.message);
          entries = [...entries, ...refund.entries];
          const moved = creditEditEntries(line, entries, remaining, edit(before, after));
          if (!moved.ok) throw new Error(moved.message);
          expect(sumOf(moved.entries)).toEqual({ sales: 0, commission: 0 });
          for (const e of moved.entries) {
            expect(e.reason).toBe('credit-edit');
            expect(e.at).toBe('2026-11-22T05:00:00.000Z');
          }
          entries = [...entries, ...moved.entries];
          expect(holding(entries)).toEqual(dueAsHolding(lineDue(remaining, after, r)));
          // The store keeps the new credit on the line; the same edit again writes nothing.
          const now = { ...line, credits: after };
          expect(creditEditEntries(now, entries, remaining, edit(after, after))).toEqual({
            ok: true,
            entries: [],
          });
        },
      ),
    );
  });

  it('[CM8] a stale, invalid or unexplained edit is refused', () => {
    const line = lineOf();
    const was = line.credits;
    const split = evenCredits(['S001-E03', 'S001-E04']);
    expect(creditEditEntries(line, saleEntries(line), line.net, edit(split, was))).toMatchObject({
      ok: false,
      code: 'CREDIT_STALE',
    });
    expect(
      creditEditEntries(line, saleEntries(line), line.net, edit(was, [{ staffId: 'A', share: 1 }])),
    ).toMatchObject({ ok: false, code: 'CREDIT_INVALID' });
    expect(
      creditEditEntries(line, saleEntries(line), line.net, edit(was, split, { reason: '  ' })),
    ).toMatchObject({ ok: false, code: 'CREDIT_NO_REASON' });
    // Order of the credit listed does not make an edit stale.
    const two = lineOf({ credits: split });
    expect(
      creditEditEntries(two, saleEntries(two), two.net, edit([...split].reverse(), was)).ok,
    ).toBe(true);
  });
});

describe("a clerk's day and month", () => {
  const entry = (at: string, over: Partial<CommissionEntry> = {}): CommissionEntry => ({
    ...saleEntries(lineOf({ soldAt: at }))[0]!,
    at,
    ...over,
  });

  it('[CM9] entries count in the store’s local day and month: just before and after local midnight', () => {
    // China is UTC+8: local midnight of 1 December is 16:00 UTC on 30 November.
    const beforeMidnight = entry('2026-11-30T15:59:59.999Z', { lineId: 'L1' });
    const afterMidnight = entry('2026-11-30T16:00:00.000Z', { lineId: 'L2' });
    const now = '2026-12-01T02:00:00.000Z'; // 10:00 on 1 December in Shanghai
    const summary = clerkSummary([beforeMidnight, afterMidnight], 'S001-E03', now, 480);
    expect(summary.day).toEqual({ sales: 19_900, commission: 995, lines: 1 });
    expect(summary.month).toEqual({ sales: 19_900, commission: 995, lines: 1 });
    // On 30 November local time both count for the month of November... only the first does.
    const nov = clerkSummary(
      [beforeMidnight, afterMidnight],
      'S001-E03',
      '2026-11-30T15:00:00.000Z',
      480,
    );
    expect(nov.day).toEqual({ sales: 19_900, commission: 995, lines: 1 });
    expect(nov.month).toEqual({ sales: 19_900, commission: 995, lines: 1 });
    // In UTC the same entries are both on 30 November.
    const utc = clerkSummary(
      [beforeMidnight, afterMidnight],
      'S001-E03',
      '2026-11-30T17:00:00.000Z',
      0,
    );
    expect(utc.day).toEqual({ sales: 39_800, commission: 1990, lines: 2 });
  });

  it('[CM9] only the clerk’s own entries count; refunds lower the figures but not the lines', () => {
    const at = '2026-11-22T03:00:00.000Z';
    const line = lineOf({ credits: evenCredits(['S001-E03', 'S001-E04']) });
    const sale = saleEntries(line);
    const refund = refundEntries(line, sale, 0, 'RF1', '2026-11-22T04:00:00.000Z');
    if (!refund.ok) throw new Error(refund.message);
    const mine = clerkSummary(sale, 'S001-E03', at, 480);
    expect(mine.day).toEqual({ sales: 9950, commission: 498, lines: 1 });
    const after = clerkSummary([...sale, ...refund.entries], 'S001-E03', at, 480);
    expect(after.day).toEqual({ sales: 0, commission: 0, lines: 1 });
    expect(clerkSummary(sale, 'S001-E09', at, 480).month).toEqual({
      sales: 0,
      commission: 0,
      lines: 0,
    });
  });

  it('[CM9] for any entries, the day is part of the month and the figures are their sums', () => {
    const when = fc
      .integer({ min: Date.parse('2026-10-15T00:00:00Z'), max: Date.parse('2026-12-15T00:00:00Z') })
      .map((ms) => new Date(ms).toISOString());
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            when,
            fc.constantFrom('S001-E03', 'S001-E04'),
            fc.integer({ min: -500, max: 5000 }),
          ),
          {
            maxLength: 20,
          },
        ),
        when,
        fc.constantFrom(0, 480, -300),
        (rows, now, offset) => {
          const entries = rows.map(([at, staff, amount], i) =>
            entry(at, {
              staffId: staff,
              lineId: `L${i}`,
              sales: amount,
              commission: Math.floor(amount / 10),
            }),
          );
          const s = clerkSummary(entries, 'S001-E03', now, offset);
          const local = (iso: string) => new Date(Date.parse(iso) + offset * 60_000).toISOString();
          const mine = entries.filter((e) => e.staffId === 'S001-E03');
          const inMonth = mine.filter((e) => local(e.at).slice(0, 7) === local(now).slice(0, 7));
          const inDay = mine.filter((e) => local(e.at).slice(0, 10) === local(now).slice(0, 10));
          expect(s.month).toEqual({ ...sumOf(inMonth), lines: inMonth.length });
          expect(s.day).toEqual({ ...sumOf(inDay), lines: inDay.length });
        },
      ),
    );
  });
});
