import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settle, type PaymentTender } from './tender';

const moling = { step: 10, mode: 'floor' } as const;

describe('tenders', () => {
  it('[TN1] tenders must be positive whole amounts with their references', () => {
    expect(settle(100, [{ kind: 'cash', amount: 0 }])).toMatchObject({ code: 'TENDER_INVALID' });
    expect(settle(100, [{ kind: 'card', amount: 100, reference: '' }])).toMatchObject({
      code: 'TENDER_INVALID',
    });
    expect(settle(100, [{ kind: 'points', amount: 100, points: 0 }])).toMatchObject({
      code: 'TENDER_INVALID',
    });
    expect(settle(-1, [])).toMatchObject({ code: 'TOTAL_INVALID' });
  });

  it('[TN2] card, mobile and points never exceed the amount due', () => {
    expect(settle(1000, [{ kind: 'card', amount: 1001, reference: 'T1' }])).toMatchObject({
      code: 'TENDER_OVER',
    });
    expect(
      settle(1000, [
        { kind: 'mobile', amount: 600, reference: 'WX1', provider: 'wechat' },
        { kind: 'points', amount: 400, points: 40_000 },
      ]),
    ).toMatchObject({ ok: true, paid: true, change: 0 });
  });

  it('[TN3] 抹零 rounds only what cash completes, never an electronic payment', () => {
    expect(settle(1287, [{ kind: 'cash', amount: 2000 }], moling)).toMatchObject({
      rounding: -7,
      due: 1280,
      change: 720,
      paid: true,
    });
    expect(settle(1287, [{ kind: 'card', amount: 1287, reference: 'T1' }], moling)).toMatchObject({
      rounding: 0,
      due: 1287,
      paid: true,
    });
    // Split: 1000 by card, the rest (287 → 280) in cash.
    expect(
      settle(
        1287,
        [
          { kind: 'card', amount: 1000, reference: 'T1' },
          { kind: 'cash', amount: 300 },
        ],
        moling,
      ),
    ).toMatchObject({ rounding: -7, change: 20, paid: true });
    // Cash that does not complete the payment is not rounded: the rest may go on a card.
    expect(settle(1287, [{ kind: 'cash', amount: 500 }], moling)).toMatchObject({
      rounding: 0,
      remaining: 787,
      paid: false,
    });
  });

  it('[TN4][TN5] change is cash only; short payments leave the remainder', () => {
    fc.assert(
      fc.property(
        fc.nat(1_000_000),
        fc.array(
          fc.oneof(
            fc
              .integer({ min: 1, max: 200_000 })
              .map((amount): PaymentTender => ({ kind: 'cash', amount })),
            fc
              .integer({ min: 1, max: 200_000 })
              .map((amount): PaymentTender => ({ kind: 'card', amount, reference: 'R' })),
          ),
          { maxLength: 4 },
        ),
        fc.constantFrom(1 as const, 10 as const, 100 as const),
        (total, tenders, step) => {
          const r = settle(total, tenders, { step, mode: 'floor' });
          if (!r.ok) {
            expect(r.code).toBe('TENDER_OVER');
            return;
          }
          const cash = tenders.filter((t) => t.kind === 'cash').reduce((s, t) => s + t.amount, 0);
          expect(r.change).toBeGreaterThanOrEqual(0);
          expect(r.change).toBeLessThanOrEqual(cash);
          expect(r.due).toBeGreaterThanOrEqual(0);
          expect(r.rounding).toBeLessThanOrEqual(0);
          expect(r.rounding).toBeGreaterThan(-step);
          if (r.paid) expect(r.tendered - r.change).toBe(r.due);
          else expect(r.tendered + r.remaining).toBe(r.due);
        },
      ),
    );
  });
});
