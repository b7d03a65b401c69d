import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkCharacter,
  makeCouponCode,
  makeMemberQr,
  makeReceiptCode,
  makeSignedCode,
  parseCouponCode,
  parseMemberQr,
  parseReceiptCode,
  parseSignedCode,
  type CodeKey,
} from './codes';
import { utf8 } from './hmac';

const key: CodeKey = { id: 'k1', secret: utf8('chain-secret-1') };
const oldKey: CodeKey = { id: 'k0', secret: utf8('chain-secret-0') };
const otherChain: CodeKey = { id: 'x', secret: utf8('another chain') };
const now = '2026-11-22T03:00:00.000Z';
const field = fc.stringMatching(/^[0-9A-Z-]{1,30}$/);

describe('codes', () => {
  it('[K2] the check character catches every single substitution and neighbour swap', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9A-Z]{2,20}$/),
        fc.nat(),
        fc.nat(34),
        (body, at, shift) => {
          const alnum = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
          const check = checkCharacter(body);
          const i = at % body.length;
          const changed = alnum[(alnum.indexOf(body[i]!) + shift + 1) % 36]!;
          const typo = body.slice(0, i) + changed + body.slice(i + 1);
          expect(checkCharacter(typo)).not.toBe(check);
          if (i + 1 < body.length && body[i] !== body[i + 1]) {
            const swapped = body.slice(0, i) + body[i + 1] + body[i] + body.slice(i + 2);
            const a = alnum.indexOf(body[i]!);
            const b = alnum.indexOf(body[i + 1]!);
            // Luhn mod N misses only the swap of the pair whose doubled values wrap identically.
            if (a + b !== 35) expect(checkCharacter(swapped)).not.toBe(check);
          }
        },
      ),
    );
  });

  it('[K3][K4] signed codes round-trip, lower case and spaces included', () => {
    fc.assert(
      fc.property(
        fc.array(field, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('R', 'M', 'C' as const),
        (fields, kind) => {
          const code = makeSignedCode(kind, fields, key);
          expect(parseSignedCode(` ${code.toLowerCase()}\n`, [key])).toEqual({
            ok: true,
            kind,
            fields,
          });
        },
      ),
    );
    expect(() => makeSignedCode('C', ['has.dot'], key)).toThrow(
      expect.objectContaining({ code: 'CODE_FIELD_INVALID' }),
    );
  });

  it('[K4] a typo is a check-character error, a forgery a signature error', () => {
    const code = makeCouponCode('CP-2026-000123', key);
    const typo = code.replace('2026', '2027');
    expect(parseCouponCode(typo, [key])).toMatchObject({ ok: false, code: 'CODE_CHECK_CHARACTER' });
    const forged = makeCouponCode('CP-2026-000123', otherChain);
    expect(parseCouponCode(forged, [key])).toMatchObject({ ok: false, code: 'CODE_SIGNATURE' });
    // A forger who knows the check algorithm but not the key still fails.
    const body = code.slice(0, -1).replace('000123', '999999');
    expect(parseCouponCode(body + checkCharacter(body), [key])).toMatchObject({
      ok: false,
      code: 'CODE_SIGNATURE',
    });
    // Key rotation: codes signed with the previous key still verify while it is listed.
    expect(parseCouponCode(makeCouponCode('CP-1', oldKey), [key, oldKey])).toMatchObject({
      ok: true,
    });
  });

  it('[K4] never throws on arbitrary input: every failure is typed', () => {
    const valid = makeReceiptCode('S001-POS1-01J0000000000000000000000', key);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.string({ maxLength: 400 }),
          fc.stringMatching(/^[RMC](\.[0-9A-Za-z-]{0,10}){1,4}$/),
          fc
            .tuple(fc.nat(valid.length - 1), fc.string({ minLength: 1, maxLength: 1 }))
            .map(([i, c]) => valid.slice(0, i) + c + valid.slice(i + 1)),
        ),
        (input) => {
          for (const r of [
            parseReceiptCode(input, [key]),
            parseCouponCode(input, [key]),
            parseMemberQr(input, [key], '2026-11-22T03:00:00.000Z'),
          ]) {
            if (!r.ok) {
              expect([
                'CODE_FORMAT',
                'CODE_CHECK_CHARACTER',
                'CODE_SIGNATURE',
                'CODE_KIND',
                'CODE_EXPIRED',
              ]).toContain(r.code);
              expect(r.message.length).toBeGreaterThan(0);
            }
          }
        },
      ),
    );
  });

  it('[K5] receipt and coupon codes carry their ids and are not interchangeable', () => {
    const receipt = makeReceiptCode('S001-POS1-01J0000000000000000000000', key);
    expect(parseReceiptCode(receipt, [key])).toEqual({
      ok: true,
      saleId: 'S001-POS1-01J0000000000000000000000',
    });
    expect(parseCouponCode(receipt, [key])).toMatchObject({ ok: false, code: 'CODE_KIND' });
    expect(parseCouponCode(makeCouponCode('CP-7', key), [key])).toEqual({
      ok: true,
      couponId: 'CP-7',
    });
  });

  it('[K6] a member QR works until it expires', () => {
    const qr = makeMemberQr('M-000042', '2026-11-22T03:05:00.000Z', key);
    expect(parseMemberQr(qr, [key], '2026-11-22T03:04:59.000Z')).toEqual({
      ok: true,
      memberId: 'M-000042',
      expiresAt: '2026-11-22T03:05:00.000Z',
    });
    expect(parseMemberQr(qr, [key], '2026-11-22T03:05:01.000Z')).toMatchObject({
      ok: false,
      code: 'CODE_EXPIRED',
    });
    expect(parseMemberQr(qr, [key], 'garbage')).toMatchObject({ ok: false, code: 'CODE_EXPIRED' });
    // A signed payload whose expiry is past what a Date can hold is refused, not thrown.
    expect(parseMemberQr(makeSignedCode('M', ['M-1', 'ZZZZZZZZ'], key), [key], now)).toMatchObject({
      ok: false,
      code: 'CODE_FORMAT',
    });
  });
});
