import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeMemberQr, type CodeKey } from './codes';
import { utf8 } from './hmac';
import {
  earnPoints,
  memberLookup,
  normalisePhone,
  pointEntriesForSale,
  pointEntryProblems,
  pointsBalance,
  redeemPoints,
  type EarnRule,
  type PointEntry,
} from './points';

const key: CodeKey = { id: 'k', secret: utf8('members') };
const now = '2026-11-22T03:00:00.000Z';
const rule = { pointsPerStep: 100, stepValue: 100, minPoints: 500, maxShareBp: 5000 };

describe('members and points', () => {
  it('[MP1] finds members by mobile number or QR; anything else is a typed error', () => {
    expect(normalisePhone('+86 138-0013-8000')).toEqual({ ok: true, phone: '13800138000' });
    expect(normalisePhone('12800138000')).toMatchObject({ ok: false, code: 'PHONE_INVALID' });
    expect(memberLookup('13800138000', [key], now)).toEqual({
      ok: true,
      by: 'phone',
      phone: '13800138000',
    });
    const qr = makeMemberQr('M-42', '2026-11-22T03:05:00.000Z', key);
    expect(memberLookup(qr, [key], now)).toEqual({ ok: true, by: 'id', memberId: 'M-42' });
    expect(memberLookup(qr, [key], '2026-11-22T04:00:00.000Z')).toMatchObject({
      code: 'CODE_EXPIRED',
    });
    expect(memberLookup('hello', [key], now)).toMatchObject({ code: 'MEMBER_NOT_RECOGNISED' });
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string({ maxLength: 50 })), (input) => {
        const r = memberLookup(input, [key], now);
        if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
      }),
    );
  });

  it('[MP2] earns by tier and category, the category rule first, rounded down', () => {
    const rules: EarnRule[] = [
      { tier: 'gold', points: 2, per: 100 },
      { tier: 'gold', category: 'tobacco', points: 0, per: 100 },
      { tier: 'basic', points: 1, per: 100 },
    ];
    const lines = [
      { category: 'food', net: 1299 },
      { category: 'tobacco', net: 5000 },
    ];
    expect(earnPoints(lines, 'gold', rules)).toEqual({ perLine: [25, 0], total: 25 });
    expect(earnPoints(lines, 'basic', rules)).toEqual({ perLine: [12, 50], total: 62 });
    expect(earnPoints(lines, 'none', rules).total).toBe(0);
  });

  it('[MP3] redemption: whole steps, a minimum, the balance and a share of the sale', () => {
    expect(redeemPoints(1000, 5000, 10_000, rule)).toEqual({
      ok: true,
      tender: { kind: 'points', amount: 1000, points: 1000 },
    });
    expect(redeemPoints(150, 5000, 10_000, rule)).toMatchObject({ code: 'POINTS_INVALID' });
    expect(redeemPoints(400, 5000, 10_000, rule)).toMatchObject({ code: 'POINTS_BELOW_MINIMUM' });
    expect(redeemPoints(6000, 5000, 100_000, rule)).toMatchObject({ code: 'POINTS_INSUFFICIENT' });
    expect(redeemPoints(5100, 9000, 10_000, rule)).toMatchObject({ code: 'POINTS_OVER_LIMIT' });
  });

  it('[MP4] entry signs match their kinds', () => {
    const e: PointEntry = { id: 'x', memberId: 'M', kind: 'earn', points: 5, factId: 'S', at: now };
    expect(pointEntryProblems(e)).toEqual([]);
    expect(pointEntryProblems({ ...e, points: -5 })).toHaveLength(1);
    expect(pointEntryProblems({ ...e, kind: 'redeem' })).toHaveLength(1);
    expect(pointEntryProblems({ ...e, points: 0.5 })).toHaveLength(1);
  });

  it('[MP5] the balance is the fold of the entries, in any order, replays counted once', () => {
    const entry = fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      memberId: fc.constantFrom('M1', 'M2'),
      kind: fc.constantFrom('earn', 'redeem', 'reverse-earn', 'reverse-redeem', 'adjust' as const),
      points: fc.integer({ min: -1000, max: 1000 }),
      factId: fc.constant('S'),
      at: fc.constant(now),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { selector: (e) => e.id, maxLength: 30 }),
        fc.nat(),
        (entries, seed) => {
          const expected = entries
            .filter((e) => e.memberId === 'M1')
            .reduce((s, e) => s + e.points, 0);
          const shuffled = [...entries].sort(
            (a, b) => ((a.id.charCodeAt(0) * seed) % 7) - ((b.id.charCodeAt(0) * seed) % 7),
          );
          expect(pointsBalance(shuffled, 'M1')).toBe(expected);
          expect(pointsBalance([...entries, ...entries], 'M1')).toBe(expected);
        },
      ),
    );
  });

  it('[MP6] a sale writes its earn and redeem entries with deterministic ids', () => {
    const entries = pointEntriesForSale({
      id: 'S001-POS1-X',
      memberId: 'M',
      at: now,
      earned: 25,
      redeemed: 1000,
    });
    expect(entries.map((e) => [e.id, e.points])).toEqual([
      ['S001-POS1-X:redeem', -1000],
      ['S001-POS1-X:earn', 25],
    ]);
    expect(entries.flatMap(pointEntryProblems)).toEqual([]);
  });
});
