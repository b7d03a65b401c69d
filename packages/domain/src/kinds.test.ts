import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { saleFactFixture } from './fixtures';
import {
  FACT_KINDS,
  LEGACY_FACT_COLLECTIONS,
  factKindOf,
  factStorageOf,
  fromFact,
  isOrderFactKind,
  isStoredFactKind,
  toFact,
  validateFact,
  validateStateDocument,
} from './kinds';
import { COLLECTIONS, validateDocument } from './collections';
import type { LedgerMovement } from './stock-ledger';

const movement: LedgerMovement = {
  id: 'S001-POS1-01JMOVE',
  location: 'S001',
  sku: 'SKU-0001',
  kind: 'receive',
  quantity: 3,
  at: '2026-01-02T03:04:05.000Z',
};

describe('documents of several kinds', () => {
  it('[DK1] one registry entry per fact kind, each naming the collection it had', () => {
    expect(Object.keys(FACT_KINDS).sort()).toEqual([
      'fulfilment',
      'orderPayment',
      'orderReturn',
      'pickup',
      'return',
      'sale',
      'shift',
      'stockMovement',
      'tryOn',
    ]);
    for (const collection of LEGACY_FACT_COLLECTIONS) {
      expect(factStorageOf(factKindOf(collection))).toBe(collection);
    }
    expect(COLLECTIONS.facts).toEqual({ direction: 'up', scope: 'store', storeField: 'storeId' });
    expect(COLLECTIONS.chain).toEqual({ direction: 'down', scope: 'chain' });
    expect(COLLECTIONS.storeState).toMatchObject({ direction: 'down', storeField: 'storeId' });
  });

  it('[DK2] a sale is the sale with kind added; a stock movement keeps its kind in movement', () => {
    const sale = saleFactFixture();
    expect(toFact('sale', sale)).toEqual({ ...sale, kind: 'sale' });
    expect(toFact('stockMovement', movement)).toEqual({
      id: movement.id,
      kind: 'stockMovement',
      movement: 'receive',
      storeId: 'S001',
      sku: 'SKU-0001',
      quantity: 3,
      at: movement.at,
    });
    expect(fromFact(toFact('stockMovement', movement))).toEqual({
      kind: 'stockMovement',
      collection: 'stockMovements',
      body: movement,
    });
    expect(fromFact({ id: 'x', kind: 'order' })).toBeNull();
  });

  it('[DK2] toFact then fromFact gives back the same document, for any movement', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            id: fc.string({ maxLength: 20 }),
            location: fc.string({ maxLength: 10 }),
            sku: fc.string({ maxLength: 10 }),
            kind: fc.constantFrom('receive', 'adjust', 'transfer-in', 'reserve' as const),
            quantity: fc.integer(),
            at: fc.string({ maxLength: 30 }),
            factId: fc.string({ maxLength: 20 }),
          },
          { requiredKeys: ['id', 'location', 'sku', 'kind', 'quantity', 'at'] },
        ),
        (m) => {
          expect(fromFact(toFact('stockMovement', m as LedgerMovement))?.body).toEqual(m);
        },
      ),
    );
  });

  it('[DK3] a fact is checked by the rules of its kind, and an unknown kind is refused', () => {
    const sale = saleFactFixture();
    expect(validateDocument('facts', toFact('sale', sale))).toEqual([]);
    expect(validateFact({ ...sale, kind: 'order' })).toContainEqual(
      expect.objectContaining({ path: '$.kind' }),
    );
    expect(validateFact(sale)).toContainEqual(expect.objectContaining({ path: '$.kind' }));
    expect(validateFact({ ...toFact('sale', sale), surprise: 1 }).length).toBeGreaterThan(0);
    expect(validateFact(toFact('sale', { ...sale, soldAt: 'yesterday' })).length).toBeGreaterThan(
      0,
    );
    expect(validateFact(toFact('sale', { ...sale, id: 'no-ulid-here' })).length).toBeGreaterThan(0);
    expect(validateFact(toFact('stockMovement', movement))).toEqual([]);
    expect(validateFact(null)).toEqual([{ path: '$', message: 'must be an object' }]);
  });

  it('[OF1] [TO4] a try-on is a kind born in facts with its own storage, checked by its own rules, not an order fact', () => {
    const tryOn = {
      id: 'S001-FIT1-01JTRYON0000000000000001',
      storeId: 'S001',
      deviceId: 'S001-FIT1',
      epc: '3034257BF7194E4000000001',
      room: 'FR1',
      openedAt: '2026-12-07T02:00:00.000Z',
      closedAt: '2026-12-07T02:03:00.000Z',
      durationMs: 180_000,
      tryOn: true,
      closedBy: 'left-room',
    };
    expect(factStorageOf('tryOn')).toBe('_tryOnFacts');
    expect(isStoredFactKind('tryOn')).toBe(true);
    expect(isOrderFactKind('tryOn')).toBe(false);
    expect(isOrderFactKind('pickup')).toBe(true);
    expect(fromFact({ ...tryOn, kind: 'tryOn' })).toEqual({
      kind: 'tryOn',
      collection: null,
      body: tryOn,
    });
    expect(validateFact({ ...tryOn, kind: 'tryOn' })).toEqual([]);
    expect(validateFact({ ...tryOn, kind: 'tryOn', durationMs: 1 })).toContainEqual(
      expect.objectContaining({ path: '$.durationMs' }),
    );
    expect(validateFact({ ...tryOn, kind: 'tryOn', orderId: 'O1' }).length).toBeGreaterThan(0);
  });

  it('[DK4] [OF2] [VG1] a chain document of a kind not in use is refused; a storeState order is checked by its kind', () => {
    expect(validateStateDocument('chain', { id: 'p', kind: 'pointsProgramme' })).toEqual([
      { path: '$.kind', message: 'must be one of style, commissionRules' },
    ]);
    expect(
      validateDocument('storeState', { id: 'o', kind: 'order', storeId: 'S001' }).length,
    ).toBeGreaterThan(0);
    expect(validateDocument('storeState', { id: 'o', kind: 'hold', storeId: 'S001' })).toEqual([
      { path: '$.kind', message: 'must be one of order, held, shipment, items, transfer' },
    ]);
  });
});
