import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CodeKey } from './codes';
import { utf8 } from './hmac';
import {
  notificationKey,
  parseNotification,
  serializeNotification,
  signNotification,
  verifyNotification,
  type PaymentNotification,
} from './payment-notification';

const provider: CodeKey = { id: 'p1', secret: utf8('simulated provider key') };
const previous: CodeKey = { id: 'p0', secret: utf8('previous provider key') };
const stranger: CodeKey = { id: 'x', secret: utf8('not the provider') };
const now = '2026-12-06T10:00:00.000Z';
const ts = String(Date.parse(now) / 1000);
const nonce = 'n0nce4Test';
const paid: PaymentNotification = {
  id: 'N-1',
  orderId: 'O-1001',
  amount: 12_800,
  currency: 'CNY',
  status: 'paid',
  providerTxnId: '4200001234202612060001',
  at: '2026-12-06T09:59:58.000Z',
  nonce,
};
const body = serializeNotification(paid);
const headers = signNotification(body, provider, ts, nonce);

describe('payment notifications', () => {
  it('[PN1][PN2][PN3] a signed notification verifies and reads back', () => {
    expect(headers.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyNotification(body, headers, [provider], now)).toEqual({
      ok: true,
      notification: paid,
    });
    expect(
      verifyNotification(
        body,
        { ...headers, signature: headers.signature.toUpperCase() },
        [stranger, provider],
        now,
      ),
    ).toMatchObject({ ok: true });
  });

  it('[PN2] the signature covers timestamp, nonce and body, each line ended by \\n', () => {
    // Moving the separator between the fields must change the signature.
    const a = signNotification('x', provider, '1', 'abcdefgh').signature;
    const b = signNotification('x', provider, '1a', 'bcdefgh').signature;
    expect(a).not.toBe(b);
    expect(signNotification(body, previous, ts, nonce).signature).not.toBe(headers.signature);
  });

  it('[PN3] a notification signed with another key is refused; a previous key still counts', () => {
    const forged = signNotification(body, stranger, ts, nonce);
    expect(verifyNotification(body, forged, [provider], now)).toMatchObject({
      ok: false,
      code: 'NOTIFICATION_SIGNATURE',
    });
    const old = signNotification(body, previous, ts, nonce);
    expect(verifyNotification(body, old, [provider, previous], now)).toMatchObject({ ok: true });
  });

  it('[PN3] any change to body, timestamp or nonce fails verification', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('body', 'timestamp', 'nonce'),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (part, at, flip) => {
          const h = { ...headers };
          let b = body;
          const change = (s: string): string => {
            const i = at % s.length;
            return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ flip) + s.slice(i + 1);
          };
          if (part === 'body') b = change(b);
          if (part === 'timestamp') h.timestamp = change(h.timestamp);
          if (part === 'nonce') h.nonce = change(h.nonce);
          expect(verifyNotification(b, h, [provider], now).ok).toBe(false);
        },
      ),
    );
  });

  it('[PN3] a timestamp more than the tolerance away from now is stale', () => {
    for (const [offset, ok] of [
      [-300, true],
      [300, true],
      [-301, false],
      [301, false],
    ] as const) {
      const t = String(Number(ts) + offset);
      const h = signNotification(body, provider, t, nonce);
      const r = verifyNotification(body, h, [provider], now);
      expect(r.ok).toBe(ok);
      if (!ok) expect(r).toMatchObject({ code: 'NOTIFICATION_STALE' });
    }
    const old = signNotification(body, provider, String(Number(ts) - 3000), nonce);
    expect(
      verifyNotification(body, old, [provider], now, { toleranceSeconds: 3600 }),
    ).toMatchObject({ ok: true });
    expect(verifyNotification(body, headers, [provider], 'not a time')).toMatchObject({
      code: 'NOTIFICATION_STALE',
    });
  });

  it('[PN3] missing or malformed signature fields are refused', () => {
    for (const h of [
      null,
      'x',
      {},
      { ...headers, timestamp: '' },
      { ...headers, timestamp: '1.5' },
      { ...headers, nonce: 'short' },
      { ...headers, signature: 'zz' },
      { ...headers, signature: headers.signature.slice(2) },
    ]) {
      expect(verifyNotification(body, h, [provider], now)).toMatchObject({
        ok: false,
        code: 'NOTIFICATION_HEADERS',
      });
    }
  });

  it('[PN3][PN4] a well-signed body with bad content is refused with its reason', () => {
    const signed = (value: unknown): ReturnType<typeof verifyNotification> => {
      const b = typeof value === 'string' ? value : JSON.stringify(value);
      return verifyNotification(b, signNotification(b, provider, ts, nonce), [provider], now);
    };
    expect(signed('{')).toMatchObject({ code: 'NOTIFICATION_MALFORMED' });
    expect(signed([paid])).toMatchObject({ code: 'NOTIFICATION_MALFORMED' });
    expect(signed({ ...paid, orderId: '' })).toMatchObject({ code: 'NOTIFICATION_MALFORMED' });
    expect(signed({ ...paid, currency: 'yuan' })).toMatchObject({ code: 'NOTIFICATION_MALFORMED' });
    expect(signed({ ...paid, at: 'yesterday' })).toMatchObject({ code: 'NOTIFICATION_MALFORMED' });
    expect(signed({ ...paid, amount: 128.5 })).toMatchObject({ code: 'NOTIFICATION_AMOUNT' });
    expect(signed({ ...paid, amount: '12800' })).toMatchObject({ code: 'NOTIFICATION_AMOUNT' });
    expect(signed({ ...paid, amount: -1 })).toMatchObject({ code: 'NOTIFICATION_AMOUNT' });
    expect(signed({ ...paid, amount: 2 ** 60 })).toMatchObject({ code: 'NOTIFICATION_AMOUNT' });
    expect(signed({ ...paid, status: 'PAID' })).toMatchObject({ code: 'NOTIFICATION_STATUS' });
    expect(signed({ ...paid, nonce: 'otherNonce1' })).toMatchObject({
      code: 'NOTIFICATION_NONCE',
    });
    expect(signed({ ...paid, extra: 'ignored' })).toEqual({ ok: true, notification: paid });
    expect(verifyNotification({ body }, headers, [provider], now)).toMatchObject({
      code: 'NOTIFICATION_MALFORMED',
    });
  });

  it('[PN4] any valid notification round-trips through its body', () => {
    const id = fc.stringMatching(/^[0-9A-Za-z_-]{1,64}$/);
    fc.assert(
      fc.property(
        fc.record({
          id,
          orderId: id,
          amount: fc.nat(),
          currency: fc.constantFrom('CNY', 'HKD'),
          status: fc.constantFrom('paid', 'refunded', 'failed' as const),
          providerTxnId: id,
          at: fc
            .integer({ min: 0, max: 4_102_444_800_000 })
            .map((ms) => new Date(ms).toISOString()),
          nonce: fc.stringMatching(/^[0-9A-Za-z]{8,64}$/),
        }),
        (n) => {
          expect(parseNotification(serializeNotification(n))).toEqual({
            ok: true,
            notification: n,
          });
        },
      ),
    );
  });

  it('[PN3][PN4] reading never throws on any input', () => {
    const anyInput = fc.oneof(fc.string(), fc.json(), fc.anything());
    fc.assert(
      fc.property(anyInput, anyInput, (b, h) => {
        expect(parseNotification(b)).toHaveProperty('ok');
        expect(verifyNotification(b, h, [provider], now)).toHaveProperty('ok');
        expect(verifyNotification(body, h, [provider], now)).toHaveProperty('ok');
      }),
    );
  });

  it('[PN5] retries of the same event share a key; another status does not', () => {
    const retry = { ...paid, id: 'N-2', nonce: 'another1' };
    expect(notificationKey(retry)).toBe(notificationKey(paid));
    expect(notificationKey({ ...paid, status: 'refunded' })).not.toBe(notificationKey(paid));
  });
});
