import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ledgerMovementsForSale,
  movementProblems,
  stockPosition,
  stockPositions,
  transfer,
  type LedgerMovement,
} from './stock-ledger';
import { saleFactFixture } from './fixtures';

const now = '2026-11-22T03:00:00.000Z';
const m = (
  id: string,
  kind: LedgerMovement['kind'],
  quantity: number,
  extra: Partial<LedgerMovement> = {},
): LedgerMovement => ({
  id,
  location: 'S001',
  sku: 'SKU-1',
  kind,
  quantity,
  at: now,
  ...extra,
});

describe('stock ledger', () => {
  it('[SL1] malformed movements are named', () => {
    expect(movementProblems(m('1', 'receive', 5))).toEqual([]);
    expect(movementProblems(m('1', 'adjust', -2))).toEqual([]);
    expect(movementProblems(m('1', 'sale', -1))).toHaveLength(1);
    expect(movementProblems(m('1', 'receive', 1.5))).toHaveLength(1);
    expect(movementProblems(m('1', 'reserve', 1))).toHaveLength(2);
    expect(movementProblems(m('1', 'transfer-in', 1))).toHaveLength(1);
  });

  it('[SL2] on hand is the fold of the movements; available subtracts reservations', () => {
    const ms = [
      m('1', 'receive', 10),
      m('2', 'sale', 3),
      m('3', 'return', 1),
      m('4', 'adjust', -2),
      m('5', 'reserve', 4, { reservationId: 'R1', expiresAt: '2026-11-23T00:00:00.000Z' }),
      m('6', 'reserve', 1, { reservationId: 'R2', expiresAt: '2026-11-23T00:00:00.000Z' }),
      m('7', 'release', 1, { reservationId: 'R2' }),
      m('8', 'receive', 99, { location: 'S002' }),
    ];
    expect(stockPosition(ms, 'S001', 'SKU-1', now)).toEqual({
      location: 'S001',
      sku: 'SKU-1',
      onHand: 6,
      reserved: 4,
      available: 2,
    });
    // Picking up a reserved order: the sale ends the reservation.
    const picked = [...ms, m('9', 'sale', 4, { reservationId: 'R1' })];
    expect(stockPosition(picked, 'S001', 'SKU-1', now)).toMatchObject({
      onHand: 2,
      reserved: 0,
      available: 2,
    });
    expect(stockPositions(ms, now).get('S002:SKU-1')).toMatchObject({ onHand: 99 });
  });

  it('[SL3] any order and any replay of the movements give the same level', () => {
    const kinds = [
      'sale',
      'return',
      'receive',
      'adjust',
      'transfer-out',
      'transfer-in',
      'reserve',
      'release',
    ] as const;
    const arb = fc.uniqueArray(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 3 }),
        kind: fc.constantFrom(...kinds),
        quantity: fc.integer({ min: 1, max: 50 }),
        r: fc.constantFrom('R1', 'R2', 'R3'),
        exp: fc.constantFrom('2026-11-22T02:00:00.000Z', '2026-11-23T00:00:00.000Z'),
      }),
      { selector: (x) => x.id, maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, fc.func(fc.integer()), (rows, order) => {
        const ms = rows.map((r) =>
          m(r.id, r.kind, r.quantity, {
            reservationId: r.r,
            counterpart: 'W1',
            ...(r.kind === 'reserve' ? { expiresAt: r.exp } : {}),
          }),
        );
        const a = stockPosition(ms, 'S001', 'SKU-1', now);
        const shuffled = [...ms].sort((x, y) => order(x.id) - order(y.id));
        expect(stockPosition([...shuffled, ...ms], 'S001', 'SKU-1', now)).toEqual(a);
        expect(a.available).toBe(a.onHand - a.reserved);
      }),
    );
  });

  it('[SL4] a reservation lapses at its expiry', () => {
    const ms = [
      m('1', 'receive', 5),
      m('2', 'reserve', 2, { reservationId: 'R', expiresAt: '2026-11-22T04:00:00.000Z' }),
    ];
    expect(stockPosition(ms, 'S001', 'SKU-1', '2026-11-22T03:59:59.000Z').available).toBe(3);
    expect(stockPosition(ms, 'S001', 'SKU-1', '2026-11-22T04:00:00.000Z').available).toBe(5);
  });

  it('[SL5] a transfer moves stock between locations and keeps the chain total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), (q) => {
        const ms = [
          m('r', 'receive', 100, { location: 'W1' }),
          ...transfer({ id: 'T1', sku: 'SKU-1', quantity: q, from: 'W1', to: 'S001', at: now }),
        ];
        expect(ms.flatMap(movementProblems)).toEqual([]);
        const w = stockPosition(ms, 'W1', 'SKU-1', now).onHand;
        const s = stockPosition(ms, 'S001', 'SKU-1', now).onHand;
        expect([w, s, w + s]).toEqual([100 - q, q, 100]);
      }),
    );
  });

  it('[SL6] a sale becomes one movement per SKU with a replay-safe id', () => {
    const sale = saleFactFixture();
    expect(ledgerMovementsForSale(sale)).toEqual([
      {
        id: `${sale.id}:SKU-1`,
        location: 'S001',
        sku: 'SKU-1',
        kind: 'sale',
        quantity: 1,
        at: sale.soldAt,
        factId: sale.id,
      },
    ]);
  });
});
