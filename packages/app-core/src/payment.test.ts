import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundCash, type CashRounding } from '@pos/domain';
import { addPaymentTender, amountDue } from './payment';

const moLing: CashRounding = { step: 10, mode: 'floor' };

describe('payment', () => {
  it('[PY1] shows the amount due after cash rounding (抹零) for cash, not for card', () => {
    expect(amountDue(1234, [], 'cash', moLing)).toEqual({
      remaining: 1234,
      due: 1230,
      rounding: -4,
    });
    expect(amountDue(1234, [], 'card', moLing)).toEqual({
      remaining: 1234,
      due: 1234,
      rounding: 0,
    });
    const card = { kind: 'card', amount: 1000, reference: 'T-1' } as const;
    expect(amountDue(1234, [card], 'cash', moLing)).toMatchObject({ remaining: 234, due: 230 });
  });

  it('[PY2] takes an exact cash payment of the rounded total, which the old dialog refused', () => {
    const paid = addPaymentTender(1234, [], { kind: 'cash', amount: 1230 }, moLing);
    expect(paid).toMatchObject({ ok: true, value: { complete: true } });
    const short = addPaymentTender(1234, [], { kind: 'cash', amount: 1220 }, moLing);
    expect(short).toMatchObject({ ok: false, code: 'CASH_SHORT', params: { amount: '12.30' } });
  });

  it('[PY2] never lets card, mobile or points pay more than is due, and splits the rest', () => {
    const over = addPaymentTender(1000, [], { kind: 'card', amount: 1001, reference: 'T' });
    expect(over).toMatchObject({ ok: false, code: 'TENDER_OVER', params: { amount: '10.00' } });
    const part = addPaymentTender(1000, [], { kind: 'card', amount: 400, reference: 'T' });
    expect(part).toMatchObject({ ok: true, value: { complete: false, due: { due: 600 } } });
    expect(addPaymentTender(1000, [], { kind: 'cash', amount: 0 })).toMatchObject({
      ok: false,
      code: 'AMOUNT_INVALID',
    });
  });

  it('[PY1] [PY2] cash of exactly the amount shown as due always completes; below both it and the unrounded amount never does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.constantFrom<CashRounding>(
          { step: 1, mode: 'floor' },
          { step: 10, mode: 'floor' },
          { step: 100, mode: 'floor' },
          { step: 10, mode: 'half-up' },
          { step: 100, mode: 'half-up' },
        ),
        (total, cardPart, rounding) => {
          const card = Math.min(cardPart, total - 1);
          const tenders = card > 0 ? [{ kind: 'card' as const, amount: card, reference: 'T' }] : [];
          const { due, remaining } = amountDue(total, tenders, 'cash', rounding);
          expect(due).toBe(roundCash(remaining, rounding).due);
          if (due <= 0) return;
          const exact = addPaymentTender(total, tenders, { kind: 'cash', amount: due }, rounding);
          expect(exact.ok && exact.value.complete).toBe(true);
          const short = Math.min(due, remaining) - 1;
          if (short > 0) {
            const less = addPaymentTender(
              total,
              tenders,
              { kind: 'cash', amount: short },
              rounding,
            );
            expect(less.ok).toBe(false);
          }
        },
      ),
    );
  });
});
