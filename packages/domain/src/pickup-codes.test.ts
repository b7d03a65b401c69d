import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeCouponCode, makeReceiptCode, type CodeKey } from './codes';
import { utf8 } from './hmac';
import {
  DEFAULT_PICKUP_ATTEMPT_POLICY,
  NO_PICKUP_ATTEMPTS,
  makePickupQr,
  matchPickupCode,
  normalisePickupCode,
  parsePickupQr,
  pickupAttemptsAllowed,
  pickupCode,
  readOrderQr,
  recordPickupAttempt,
  type PickupAttemptState,
} from './pickup-codes';

const store1: CodeKey = { id: 's1', secret: utf8('store S001 pickup key') };
const store1Old: CodeKey = { id: 's0', secret: utf8('store S001 old key') };
const store2: CodeKey = { id: 's2', secret: utf8('store S002 pickup key') };
const chain: CodeKey = { id: 'k1', secret: utf8('chain-secret-1') };
const orderId = fc.stringMatching(/^[0-9A-Z-]{1,40}$/);
const fullWidth = (digits: string): string =>
  [...digits].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');

describe('pickup codes', () => {
  it('[PU1] a code is 6 digits, the same on every device, and differs between stores', () => {
    expect(pickupCode('O-1001', store1)).toMatch(/^[0-9]{6}$/);
    expect(pickupCode('O-1001', store1)).toBe(pickupCode('O-1001', { ...store1 }));
    expect(pickupCode('O-1001', store1)).not.toBe(pickupCode('O-1001', store2));
    expect(pickupCode('O-1001', store1)).not.toBe(pickupCode('O-1002', store1));
  });

  it('[PU1][PU3] a code always finds its order with its store key', () => {
    fc.assert(
      fc.property(fc.uniqueArray(orderId, { minLength: 1, maxLength: 30 }), fc.nat(), (ids, i) => {
        const id = ids[i % ids.length]!;
        const r = matchPickupCode(pickupCode(id, store1), ids, store1);
        // Two open orders sharing a code are refused, never confused.
        if (r.ok) expect(r.orderId).toBe(id);
        else expect(r.code).toBe('PICKUP_CODE_AMBIGUOUS');
      }),
    );
  });

  it('[PU1][PU3] another store key does not find the order (but for a 10^-6 collision)', () => {
    let found = 0;
    fc.assert(
      fc.property(orderId, (id) => {
        if (matchPickupCode(pickupCode(id, store1), [id], store2).ok) found++;
      }),
      { numRuns: 500 },
    );
    expect(found).toBeLessThanOrEqual(1);
  });

  it('[PU2] typed codes are read with spaces, hyphens and full-width digits', () => {
    expect(normalisePickupCode(' 123 456\n')).toEqual({ ok: true, code: '123456' });
    expect(normalisePickupCode('123-456')).toEqual({ ok: true, code: '123456' });
    expect(normalisePickupCode(fullWidth('123456'))).toEqual({ ok: true, code: '123456' });
    expect(normalisePickupCode('１２３　４５６')).toEqual({ ok: true, code: '123456' });
    for (const bad of ['12345', '1234567', '12a456', '', null, 123456, 'x'.repeat(1000)]) {
      expect(normalisePickupCode(bad)).toMatchObject({ ok: false, code: 'PICKUP_CODE_FORMAT' });
    }
    const code = pickupCode('O-7', store1);
    expect(matchPickupCode(fullWidth(code), ['O-7'], store1)).toEqual({ ok: true, orderId: 'O-7' });
  });

  it('[PU2][PU3][PU4] reading never throws on any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.anything()), (input) => {
        const r = normalisePickupCode(input);
        if (r.ok) expect(r.code).toMatch(/^[0-9]{6}$/);
        matchPickupCode(input, ['O-1', 'O-2'], [store1, store2]);
        parsePickupQr(input, [chain], 'S001');
        readOrderQr(input, [chain]);
      }),
    );
  });

  it('[PU2] six digits typed in any spacing and width read as themselves', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{6}$/),
        fc.array(fc.constantFrom(' ', '\u3000', '-', '\t'), { minLength: 7, maxLength: 7 }),
        fc.boolean(),
        (digits, gaps, wide) => {
          const shown = wide ? fullWidth(digits) : digits;
          const typed = [...shown].map((d, i) => gaps[i] + d).join('') + gaps[6];
          expect(normalisePickupCode(typed)).toEqual({ ok: true, code: digits });
        },
      ),
    );
  });

  it('[PU3] unknown and ambiguous codes are refused; old store keys still count', () => {
    const code = pickupCode('O-1', store1);
    const other = code === '000000' ? '000001' : '000000';
    expect(matchPickupCode(other, ['O-1'], store1)).toMatchObject({
      ok: false,
      code: 'PICKUP_CODE_UNKNOWN',
    });
    expect(matchPickupCode(code, ['O-1', 'O-1'], store1)).toEqual({ ok: true, orderId: 'O-1' });
    expect(matchPickupCode(pickupCode('O-1', store1Old), ['O-1'], [store1, store1Old])).toEqual({
      ok: true,
      orderId: 'O-1',
    });
    // Find two orders that share a code under this key, then type it.
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const id = `O-${i}`;
      const c = pickupCode(id, store1);
      const prior = seen.get(c);
      if (prior) pair = [prior, id];
      seen.set(c, id);
    }
    expect(matchPickupCode(pickupCode(pair[0], store1), pair, store1)).toMatchObject({
      ok: false,
      code: 'PICKUP_CODE_AMBIGUOUS',
    });
  });

  it('[PU4] the pickup QR carries order and store and is verified with the chain keys', () => {
    fc.assert(
      fc.property(orderId, fc.stringMatching(/^S[0-9]{3}$/), (id, storeId) => {
        const qr = makePickupQr(id, storeId, chain);
        expect(parsePickupQr(` ${qr.toLowerCase()} `, [chain], storeId)).toEqual({
          ok: true,
          orderId: id,
        });
        expect(readOrderQr(qr, [chain])).toEqual({ ok: true, orderId: id, storeId });
      }),
    );
    const qr = makePickupQr('O-1', 'S001', chain);
    expect(parsePickupQr(qr, [chain], 'S002')).toMatchObject({
      ok: false,
      code: 'PICKUP_WRONG_STORE',
    });
    expect(parsePickupQr(qr, [store1], 'S001')).toMatchObject({
      ok: false,
      code: 'CODE_SIGNATURE',
    });
    expect(parsePickupQr(makeReceiptCode('O-1', chain), [chain], 'S001')).toMatchObject({
      ok: false,
      code: 'CODE_KIND',
    });
    expect(parsePickupQr(makeCouponCode('O-1', chain), [chain], 'S001')).toMatchObject({
      ok: false,
      code: 'CODE_KIND',
    });
  });

  it('[PU5] five wrong codes lock the desk for 15 minutes, then it starts again', () => {
    const t = (minute: number, second = 0): string =>
      new Date(Date.UTC(2026, 11, 6, 10, minute, second)).toISOString();
    let s: PickupAttemptState = NO_PICKUP_ATTEMPTS;
    expect(pickupAttemptsAllowed(s, t(0))).toEqual({ allowed: true, remaining: 5 });
    for (let i = 0; i < 4; i++) s = recordPickupAttempt(s, t(0, i), false);
    expect(pickupAttemptsAllowed(s, t(1))).toEqual({ allowed: true, remaining: 1 });
    // A right code does not buy more guesses.
    s = recordPickupAttempt(s, t(1), true);
    expect(pickupAttemptsAllowed(s, t(1))).toEqual({ allowed: true, remaining: 1 });
    s = recordPickupAttempt(s, t(2), false);
    expect(pickupAttemptsAllowed(s, t(2))).toEqual({ allowed: false, lockedUntil: t(17) });
    expect(recordPickupAttempt(s, t(3), false)).toBe(s);
    expect(pickupAttemptsAllowed(s, t(16, 59))).toMatchObject({ allowed: false });
    expect(pickupAttemptsAllowed(s, t(17))).toEqual({ allowed: true, remaining: 5 });
  });

  it('[PU5] wrong codes older than the window stop counting; the policy is configurable', () => {
    const policy = { maxWrong: 3, windowMinutes: 10, lockMinutes: 60 };
    const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
    let s = recordPickupAttempt(NO_PICKUP_ATTEMPTS, at(0), false, policy);
    s = recordPickupAttempt(s, at(5), false, policy);
    expect(pickupAttemptsAllowed(s, at(9), policy)).toEqual({ allowed: true, remaining: 1 });
    expect(pickupAttemptsAllowed(s, at(10), policy)).toEqual({ allowed: true, remaining: 2 });
    s = recordPickupAttempt(s, at(11), false, policy);
    expect(pickupAttemptsAllowed(s, at(11), policy)).toEqual({ allowed: true, remaining: 1 });
    s = recordPickupAttempt(s, at(12), false, policy);
    expect(pickupAttemptsAllowed(s, at(12), policy)).toEqual({
      allowed: false,
      lockedUntil: at(72),
    });
    expect(() => recordPickupAttempt(s, 'soon', false)).toThrow(/not an ISO time/);
    expect(() => pickupAttemptsAllowed(s, at(0), { ...policy, maxWrong: 0 })).toThrow(/policy/);
  });

  it('[PU5] no sequence of tries gets more than maxWrong wrong codes into any lock period', () => {
    const { maxWrong, lockMinutes, windowMinutes } = DEFAULT_PICKUP_ATTEMPT_POLICY;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(120), fc.boolean()), { maxLength: 60 }), (steps) => {
        let s = NO_PICKUP_ATTEMPTS;
        let ms = Date.UTC(2026, 0, 1);
        const wrongTaken: number[] = [];
        for (const [gapSeconds, ok] of steps) {
          ms += gapSeconds * 1000;
          const now = new Date(ms).toISOString();
          if (!pickupAttemptsAllowed(s, now).allowed) continue;
          if (!ok) wrongTaken.push(ms);
          s = recordPickupAttempt(s, now, ok);
        }
        const span = Math.min(lockMinutes, windowMinutes) * 60_000;
        for (const start of wrongTaken) {
          const inSpan = wrongTaken.filter((w) => w >= start && w - start < span).length;
          expect(inSpan).toBeLessThanOrEqual(maxWrong);
        }
      }),
    );
  });
});
