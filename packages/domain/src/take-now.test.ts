import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  makeCouponCode,
  makeMemberQr,
  makeReceiptCode,
  makeSignedCode,
  MAX_CODE_LENGTH,
  type CodeKey,
} from './codes';
import { DomainError } from './errors';
import { utf8 } from './hmac';
import {
  makeTakeNowCode,
  parseTakeNowCode,
  TAKE_NOW_MAX_LINES,
  takeNowStoreProblem,
  type TakeNowCart,
} from './take-now';
import { evenCredits } from './commission';

const key: CodeKey = { id: 'k1', secret: utf8('chain-secret-1') };
const oldKey: CodeKey = { id: 'k0', secret: utf8('chain-secret-0') };
const otherChain: CodeKey = { id: 'x', secret: utf8('another chain') };

const cart: TakeNowCart = {
  cartId: 'TAB1-01J9Z',
  storeId: 'S001',
  credits: [{ staffId: 'S001-E03', share: 10_000 }],
  lines: [
    { sku: 'SKU-1', quantity: 2 },
    { sku: 'TEE-RED-M', quantity: 1 },
  ],
};

const field = (max: number) => fc.stringMatching(new RegExp(`^[0-9A-Z-]{1,${max}}$`));

/** Any cart a tablet may put in a code: fields a code holds, 1-5 staff, 1-12 lines of 1-999. */
const validCart: fc.Arbitrary<TakeNowCart> = fc
  .record({
    cartId: field(24),
    storeId: field(8),
    staff: fc.uniqueArray(fc.stringMatching(/^[0-9A-Z][0-9A-Z-]{0,9}$/), {
      minLength: 1,
      maxLength: 5,
    }),
    lines: fc.array(fc.record({ sku: field(14), quantity: fc.integer({ min: 1, max: 999 }) }), {
      minLength: 1,
      maxLength: TAKE_NOW_MAX_LINES,
    }),
  })
  .map(({ cartId, storeId, staff, lines }) => ({
    cartId,
    storeId,
    credits: evenCredits(staff),
    lines,
  }));

/** Makes the code, or null when the cart is too long for one code ([TK1]). */
function codeOf(c: TakeNowCart, k: CodeKey = key): string | null {
  try {
    return makeTakeNowCode(c, k);
  } catch (error) {
    if (error instanceof DomainError && /too long/.test(error.message)) return null;
    throw error;
  }
}

describe('take-now codes', () => {
  it('[TK1][TK2] any valid cart round-trips through its code, lower case and spaces too', () => {
    fc.assert(
      fc.property(validCart, (c) => {
        const code = codeOf(c);
        if (code === null) return;
        expect(code.startsWith('T.')).toBe(true);
        expect(code.length).toBeLessThanOrEqual(MAX_CODE_LENGTH);
        expect(parseTakeNowCode(code, [key])).toEqual({ ok: true, cart: c });
        expect(parseTakeNowCode(`  ${code.toLowerCase()}\n`, [key])).toEqual({ ok: true, cart: c });
      }),
    );
  });

  it('[TK1] a cart too long for one code is refused when made, never made unreadable', () => {
    const long: TakeNowCart = {
      ...cart,
      lines: Array.from({ length: TAKE_NOW_MAX_LINES }, (_, i) => ({
        sku: `SKU-${'X'.repeat(30)}-${i}`,
        quantity: 999,
      })),
    };
    expect(() => makeTakeNowCode(long, key)).toThrow(/too long for one code/);
    // Every cart whose code is made is one a till reads.
    fc.assert(
      fc.property(validCart, (c) => {
        const code = codeOf(c);
        if (code !== null) expect(parseTakeNowCode(code, [key]).ok).toBe(true);
      }),
    );
  });

  it('[TK1] fields a code cannot carry, 0 or 13 lines, bad quantities and bad credit are refused with the reason', () => {
    const refused = (c: TakeNowCart) => {
      try {
        makeTakeNowCode(c, key);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('TAKE_NOW_INVALID');
        return (error as DomainError).message;
      }
      throw new Error('made a code of an invalid cart');
    };
    expect(refused({ ...cart, cartId: 'tab1' })).toMatch(/cart id "tab1"/);
    expect(refused({ ...cart, storeId: 'S 1' })).toMatch(/store id/);
    expect(refused({ ...cart, lines: [{ sku: 'sku_1', quantity: 1 }] })).toMatch(/SKU "sku_1"/);
    expect(refused({ ...cart, lines: [] })).toMatch(/1-12 lines/);
    expect(
      refused({
        ...cart,
        lines: Array.from({ length: 13 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })),
      }),
    ).toMatch(/1-12 lines/);
    for (const quantity of [0, 1000, 1.5, -1, NaN]) {
      expect(refused({ ...cart, lines: [{ sku: 'SKU-1', quantity }] })).toMatch(/must be 1-999/);
    }
    expect(refused({ ...cart, credits: [] })).toMatch(/at least one staff/);
    expect(refused({ ...cart, credits: [{ staffId: 'S001-E03', share: 9_999 }] })).toMatch(
      /9999 basis points/,
    );
    expect(refused({ ...cart, credits: [{ staffId: 's001.e03', share: 10_000 }] })).toMatch(
      /staff id "s001.e03" cannot go in a code/,
    );
  });

  it('[TK2] any text gives a clear error or a cart, never a throw', () => {
    const code = makeTakeNowCode(cart, key);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.string(),
          fc.stringMatching(/^T(\.[0-9A-Z-]{1,6}){1,12}\.[0-9A-Z]{9}$/),
          // The real code cut, extended or with a character changed.
          fc.tuple(fc.nat(code.length), fc.nat(code.length)).map(([a, b]) => code.slice(a, b)),
          fc
            .tuple(fc.nat(code.length - 1), fc.constantFrom(...'0123456789ABCXYZ.-'))
            .map(([i, ch]) => code.slice(0, i) + ch + code.slice(i + 1)),
        ),
        (input) => {
          const r = parseTakeNowCode(input, [key]);
          if (!r.ok) {
            expect(r.code).toMatch(/^(CODE_[A-Z_]+|TAKE_NOW_INVALID)$/);
            expect(r.message.length).toBeGreaterThan(0);
          } else {
            expect(r.cart.lines.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  it('[TK2] a tampered code is refused: a changed quantity, store or credit breaks the signature', () => {
    const code = makeTakeNowCode(cart, key);
    const tampered = [
      code.replace('.SKU-1.2.', '.SKU-1.9.'),
      code.replace('.S001.', '.S002.'),
      code.replace('.S001-E03.', '.S001-E04.'),
    ];
    for (const t of tampered) {
      expect(t).not.toBe(code);
      const r = parseTakeNowCode(t, [key]);
      expect(r.ok).toBe(false);
      // The check character catches most edits; a re-computed one still fails the signature.
      expect(['CODE_CHECK_CHARACTER', 'CODE_SIGNATURE']).toContain(r.ok ? '' : r.code);
    }
    // Signed by another chain: not this chain's code.
    const forged = parseTakeNowCode(makeTakeNowCode(cart, otherChain), [key]);
    expect(forged).toMatchObject({ ok: false, code: 'CODE_SIGNATURE' });
    // Keys rotate: a code signed with an older key still listed is read.
    expect(parseTakeNowCode(makeTakeNowCode(cart, oldKey), [key, oldKey])).toEqual({
      ok: true,
      cart,
    });
  });

  it('[TK2] receipt, coupon, member and pickup codes are not take-now codes', () => {
    for (const other of [
      makeReceiptCode('S001-T1-0001', key),
      makeCouponCode('C-1', key),
      makeMemberQr('M1', '2030-01-01T00:00:00.000Z', key),
      makeSignedCode('P', ['O-1', 'S001'], key),
    ]) {
      expect(parseTakeNowCode(other, [key])).toMatchObject({ ok: false, code: 'CODE_KIND' });
    }
  });

  it('[TK2] a signed code whose fields are not a take-now cart is TAKE_NOW_INVALID, naming why', () => {
    const signed = (...fields: string[]) =>
      parseTakeNowCode(makeSignedCode('T', fields, key), [key]);
    expect(signed('C1', 'S001', '0', 'SKU-1', '1')).toMatchObject({
      code: 'TAKE_NOW_INVALID',
      message: expect.stringMatching(/no cart, store or credit/),
    });
    expect(signed('C1', 'S001', '6', 'A', '1')).toMatchObject({ code: 'TAKE_NOW_INVALID' });
    expect(signed('C1', 'S001', '1', 'E1', '10000')).toMatchObject({
      message: expect.stringMatching(/cut short/),
    });
    expect(signed('C1', 'S001', '1', 'E1', '10000', 'SKU-1')).toMatchObject({
      message: expect.stringMatching(/cut short/),
    });
    expect(signed('C1', 'S001', '1', 'E1', '5000', 'SKU-1', '1')).toMatchObject({
      message: expect.stringMatching(/5000 basis points/),
    });
    expect(signed('C1', 'S001', '1', 'E1', 'ALL', 'SKU-1', '1')).toMatchObject({
      code: 'TAKE_NOW_INVALID',
    });
    expect(signed('C1', 'S001', '2', 'E1', '5000', 'E1', '5000', 'SKU-1', '1')).toMatchObject({
      message: expect.stringMatching(/credited twice/),
    });
    for (const quantity of ['0', '000', '1000', 'A']) {
      expect(signed('C1', 'S001', '1', 'E1', '10000', 'SKU-1', quantity)).toMatchObject({
        message: expect.stringMatching(/no quantity/),
      });
    }
    const thirteen = Array.from({ length: 13 }, (_, i) => [`S${i}`, '1']).flat();
    expect(signed('C1', 'S001', '1', 'E1', '10000', ...thirteen)).toMatchObject({
      message: expect.stringMatching(/at most 12 lines/),
    });
  });

  it('[TK3] a till takes its own store’s code only, naming both stores otherwise', () => {
    expect(takeNowStoreProblem(cart, 'S001')).toBeNull();
    expect(takeNowStoreProblem(cart, 'S002')).toBe(
      "this code is for store S001's till; this till is S002",
    );
    fc.assert(
      fc.property(validCart, field(8), (c, till) => {
        expect(takeNowStoreProblem(c, till) === null).toBe(c.storeId === till);
      }),
    );
  });
});
