import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyReturnToItems,
  applySaleToItems,
  compareCount,
  countAdjustments,
  ITEM_STATES,
  itemOfEpc,
  nextItemState,
  storeItemsDoc,
  storeItemsProblems,
  touchedItemDocs,
  type ItemEvent,
  type ItemRecord,
  type ItemState,
} from './item-stock';
import { encodeSgtin96 } from './sgtin';

const GTINS = ['06901234567892', '06901234567908', '06901234567915'] as const;
const SKU_OF_GTIN: Record<string, string> = {
  [GTINS[0]]: 'TEE-WH-S',
  [GTINS[1]]: 'TEE-WH-M',
  [GTINS[2]]: 'TEE-BK-S',
};
const skuOfGtin = (gtin: string) => SKU_OF_GTIN[gtin];
/** A GTIN the chain does not sell. */
const FOREIGN_GTIN = '00614141123452';

function epcOf(gtin: string, serial: number): string {
  const encoded = encodeSgtin96({ gtin, serial });
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.epc;
}

const EVENTS: ItemEvent[] = [
  'tagged',
  'enter-fitting-room',
  'leave-fitting-room',
  'sell',
  'return',
  'ship-out',
  'receive',
  'count-missing',
  'count-found',
];

function record(epc: string, state: ItemState, extra: Partial<ItemRecord> = {}): ItemRecord {
  return {
    epc,
    storeId: 'S001',
    sku: 'TEE-WH-S',
    gtin: GTINS[0],
    serial: '1',
    state,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

describe('nextItemState', () => {
  it('[IT2] a tagged item is in stock, sold, returned and sellable again', () => {
    let state = nextItemState(undefined, 'tagged');
    expect(state).toEqual({ ok: true, state: 'in-stock' });
    state = nextItemState('in-stock', 'enter-fitting-room');
    expect(state).toEqual({ ok: true, state: 'fitting-room' });
    state = nextItemState('fitting-room', 'sell');
    expect(state).toEqual({ ok: true, state: 'sold' });
    state = nextItemState('sold', 'return');
    expect(state).toEqual({ ok: true, state: 'returned' });
    expect(nextItemState('returned', 'ship-out')).toEqual({ ok: true, state: 'in-transit' });
    expect(nextItemState('in-transit', 'receive')).toEqual({ ok: true, state: 'in-stock' });
    expect(nextItemState('in-stock', 'count-missing')).toEqual({ ok: true, state: 'missing' });
    expect(nextItemState('missing', 'count-found')).toEqual({ ok: true, state: 'in-stock' });
  });

  it('[IT2] selling a sold or missing item and returning an unsold one are refused with the state', () => {
    const sold = nextItemState('sold', 'sell');
    expect(sold.ok).toBe(false);
    if (!sold.ok) expect(sold.message).toContain('sold');
    expect(nextItemState('missing', 'sell').ok).toBe(false);
    expect(nextItemState('in-stock', 'return').ok).toBe(false);
    expect(nextItemState('in-stock', 'tagged').ok).toBe(false);
  });

  it('[IT2] never throws, whatever the state and event', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...ITEM_STATES, undefined), fc.string()),
        fc.oneof(fc.constantFrom(...EVENTS), fc.string()),
        (state, event) => {
          const next = nextItemState(state as ItemState, event as ItemEvent);
          if (next.ok) expect(ITEM_STATES).toContain(next.state);
          else expect(next.code).toBe('ITEM_TRANSITION_REFUSED');
        },
      ),
    );
  });
});

describe('itemOfEpc', () => {
  it('[IT3] an EPC is the product of its GTIN; not SGTIN-96 or not ours is refused', () => {
    const epc = epcOf(GTINS[1], 42);
    expect(itemOfEpc(epc, skuOfGtin)).toEqual({
      ok: true,
      epc,
      sku: 'TEE-WH-M',
      gtin: GTINS[1],
      serial: '42',
    });
    expect(itemOfEpc(epcOf(FOREIGN_GTIN, 1), skuOfGtin)).toMatchObject({
      ok: false,
      code: 'EPC_UNKNOWN_GTIN',
    });
    expect(itemOfEpc('E280116060000204AB12CD34', skuOfGtin)).toMatchObject({
      ok: false,
      code: 'EPC_NOT_SGTIN96',
    });
  });
});

describe('sales and returns of items', () => {
  const a = epcOf(GTINS[0], 1);
  const b = epcOf(GTINS[0], 2);
  const line = { sku: 'TEE-WH-S', gtin: GTINS[0], epcs: [a, b] };
  const sale = { id: 'SALE-1', storeId: 'S001', soldAt: '2026-01-02T00:00:00.000Z', lines: [line] };

  it('[IT5] a sale marks its EPCs sold; an unknown EPC is the sale item; a replay changes nothing', () => {
    const items = new Map([[a, record(a, 'in-stock')]]);
    const { changes, soldTwice } = applySaleToItems(items, sale, '2026-01-02T00:00:01.000Z');
    expect(soldTwice).toEqual([]);
    expect(changes.map((c) => [c.epc, c.after.state, c.after.saleId])).toEqual([
      [a, 'sold', 'SALE-1'],
      [b, 'sold', 'SALE-1'],
    ]);
    const after = new Map(changes.map((c) => [c.epc, c.after]));
    expect(applySaleToItems(after, sale, 'later')).toEqual({ changes: [], soldTwice: [] });
  });

  it('[IT5] an EPC sold by another sale keeps its sale and is reported', () => {
    const items = new Map([[a, record(a, 'sold', { saleId: 'SALE-0' })]]);
    const { changes, soldTwice } = applySaleToItems(items, sale, 'now');
    expect(soldTwice).toEqual([{ epc: a, soldBy: 'SALE-0' }]);
    expect(changes.map((c) => c.epc)).toEqual([b]);
  });

  it('[IT5] a return makes its sold EPCs returned (sellable); a replay changes nothing', () => {
    const items = new Map([[a, record(a, 'sold', { saleId: 'SALE-1' })]]);
    const ret = { storeId: 'S001', lines: [{ sku: 'TEE-WH-S', epcs: [a] }] };
    const changes = applyReturnToItems(items, ret, 'now');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.after.state).toBe('returned');
    expect(changes[0]!.after.saleId).toBeUndefined();
    const after = new Map(changes.map((c) => [c.epc, c.after]));
    expect(applyReturnToItems(after, ret, 'later')).toEqual([]);
  });

  it('[IT4] the items document lists the sellable and the sold EPCs, sorted, and is valid', () => {
    const items = new Map([[a, record(a, 'in-stock')]]);
    const tagged = storeItemsDoc(
      undefined,
      { storeId: 'S001', sku: 'TEE-WH-S', gtin: GTINS[0] },
      [{ epc: a, before: undefined, after: record(a, 'in-stock') }],
      '2026-01-02T00:00:00.000Z',
    );
    expect(tagged.sellable).toEqual([a]);
    const { changes } = applySaleToItems(items, sale, '2026-01-02T00:00:01.000Z');
    expect(touchedItemDocs(changes)).toEqual([
      { storeId: 'S001', sku: 'TEE-WH-S', gtin: GTINS[0] },
    ]);
    const doc = storeItemsDoc(
      tagged,
      { storeId: 'S001', sku: 'TEE-WH-S', gtin: GTINS[0] },
      changes,
      '2026-01-02T00:00:01.000Z',
    );
    expect(doc).toMatchObject({ id: 'items:S001:TEE-WH-S', sellable: [], sold: [a, b].sort() });
    expect(storeItemsProblems(doc)).toEqual([]);
  });
});

/** A store's expected items and a read: some of them, repeats, strangers. */
const countCase = fc
  .record({
    expected: fc.uniqueArray(
      fc.record({ g: fc.integer({ min: 0, max: 2 }), serial: fc.integer({ min: 1, max: 400 }) }),
      { maxLength: 60, selector: (x) => `${x.g}:${x.serial}` },
    ),
    readMask: fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
    strangers: fc.array(
      fc.oneof(
        fc.record({
          g: fc.integer({ min: 0, max: 2 }),
          serial: fc.integer({ min: 401, max: 500 }),
        }),
        fc.constant({ g: -1, serial: 7 }),
        fc.constant({ g: -2, serial: 0 }),
      ),
      { maxLength: 10 },
    ),
    repeats: fc.integer({ min: 1, max: 3 }),
    storeScope: fc.boolean(),
  })
  .map(({ expected, readMask, strangers, repeats, storeScope }) => {
    const items = expected.map(({ g, serial }) => ({
      epc: epcOf(GTINS[g]!, serial),
      sku: SKU_OF_GTIN[GTINS[g]!]!,
    }));
    const read = items.filter((_, i) => readMask[i]).map((i) => i.epc);
    const extra = strangers.map(({ g, serial }) =>
      g === -1
        ? epcOf(FOREIGN_GTIN, serial)
        : g === -2
          ? 'E2801160600002040000000A'
          : epcOf(GTINS[g]!, serial),
    );
    const reads = Array.from({ length: repeats }, () => [...read, ...extra]).flat();
    return {
      items,
      reads,
      scope: storeScope ? ({ kind: 'store' } as const) : ({ kind: 'skus-read' } as const),
    };
  });

describe('compareCount', () => {
  it('[IT7] found and missing partition the expected; unexpected is disjoint from them; repeats count once', () => {
    fc.assert(
      fc.property(countCase, ({ items, reads, scope }) => {
        const result = compareCount(items, reads, skuOfGtin, scope);
        const found = new Set(result.found.map((i) => i.epc));
        const missing = new Set(result.missing.map((i) => i.epc));
        const unexpected = result.unexpected.map((i) => i.epc);
        const readSet = new Set(reads);
        const readSkus = new Set(
          reads.flatMap((e) => {
            const item = itemOfEpc(e, skuOfGtin);
            return item.ok ? [item.sku] : [];
          }),
        );
        const expected = items.filter((i) => scope.kind === 'store' || readSkus.has(i.sku));
        expect(found.size + missing.size).toBe(expected.length);
        for (const item of expected)
          expect(found.has(item.epc) !== missing.has(item.epc)).toBe(true);
        for (const epc of found) expect(readSet.has(epc)).toBe(true);
        for (const epc of missing) expect(readSet.has(epc)).toBe(false);
        expect(new Set(unexpected).size).toBe(unexpected.length);
        for (const epc of unexpected) expect(found.has(epc) || missing.has(epc)).toBe(false);
        expect(found.size + unexpected.length).toBe(readSet.size);
      }),
    );
  });

  it('[IT8] accuracy by unit and by SKU in basis points; lines add up', () => {
    fc.assert(
      fc.property(countCase, ({ items, reads, scope }) => {
        const result = compareCount(items, reads, skuOfGtin, scope);
        const expected = result.found.length + result.missing.length;
        expect(result.unitAccuracyBp).toBe(
          expected === 0 ? 10_000 : Math.floor((result.found.length * 10_000) / expected),
        );
        const sum = (f: (l: (typeof result.bySku)[number]) => number) =>
          result.bySku.reduce((s, l) => s + f(l), 0);
        expect(sum((l) => l.found)).toBe(result.found.length);
        expect(sum((l) => l.missing)).toBe(result.missing.length);
        expect(sum((l) => l.unexpected)).toBe(result.unexpected.filter((u) => u.sku).length);
        for (const l of result.bySku) {
          expect(l.counted).toBe(l.found + l.unexpected);
          expect(l.accuracyBp).toBeGreaterThanOrEqual(0);
          expect(l.accuracyBp).toBeLessThanOrEqual(10_000);
        }
        const exact = result.bySku.filter((l) => l.counted === l.expected).length;
        expect(result.skuAccuracyBp).toBe(
          result.bySku.length === 0 ? 10_000 : Math.floor((exact * 10_000) / result.bySku.length),
        );
      }),
    );
  });

  it('[IT7] unexpected reads name their SKU, or say unknown GTIN or not SGTIN-96', () => {
    const mine = epcOf(GTINS[0], 1);
    const result = compareCount(
      [],
      [mine, epcOf(FOREIGN_GTIN, 2), 'E2801160600002040000000A', mine],
      skuOfGtin,
      { kind: 'store' },
    );
    expect(result.unexpected.map((u) => u.reason).sort()).toEqual([
      'not-expected',
      'not-sgtin',
      'unknown-gtin',
    ]);
    expect(result.unitAccuracyBp).toBe(10_000);
  });

  it('[IT6] a zone read expects only the SKUs it read', () => {
    const items = [
      { epc: epcOf(GTINS[0], 1), sku: 'TEE-WH-S' },
      { epc: epcOf(GTINS[1], 1), sku: 'TEE-WH-M' },
    ];
    const zone = compareCount(items, [items[0]!.epc], skuOfGtin, { kind: 'skus-read' });
    expect(zone.missing).toEqual([]);
    const store = compareCount(items, [items[0]!.epc], skuOfGtin, { kind: 'store' });
    expect(store.missing).toEqual([items[1]]);
  });
});

describe('countAdjustments', () => {
  it('[IT9] adjustments are counted less on hand, none when equal, and sum to the difference', () => {
    fc.assert(
      fc.property(
        countCase,
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 3 }),
        (c, onHands) => {
          const result = compareCount(c.items, c.reads, skuOfGtin, c.scope);
          const onHand = new Map(Object.values(SKU_OF_GTIN).map((sku, i) => [sku, onHands[i]!]));
          const adjustments = countAdjustments(result, onHand);
          for (const a of adjustments) {
            expect(a.delta).not.toBe(0);
            expect(a.delta).toBe(a.counted - a.onHand);
          }
          const total = adjustments.reduce((s, a) => s + a.delta, 0);
          const expected = result.bySku.reduce(
            (s, l) => s + l.counted - (onHand.get(l.sku) ?? 0),
            0,
          );
          expect(total).toBe(expected);
        },
      ),
    );
  });
});

describe('sales folded over the items', () => {
  it('[IT5] any sequence of sales, replayed or not: each EPC keeps its first sale; every later sale of it is reported', () => {
    const pool = Array.from({ length: 8 }, (_, i) => epcOf(GTINS[0], i + 1));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sale: fc.integer({ min: 1, max: 5 }),
            epcs: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 4 }),
          }),
          { maxLength: 12 },
        ),
        (sales) => {
          let items = new Map<string, ItemRecord>();
          const firstSale = new Map<string, string>();
          const linesOf = new Map<string, string[]>();
          let reported = 0;
          let expectedReports = 0;
          for (const { sale, epcs } of sales) {
            const id = `SALE-${sale}`;
            // A sale id always names the same EPCs: a replay is the same fact.
            const named = linesOf.get(id) ?? epcs.map((i) => pool[i]!);
            linesOf.set(id, named);
            for (const epc of named) {
              const first = firstSale.get(epc);
              if (first === undefined) firstSale.set(epc, id);
              else if (first !== id) expectedReports++;
            }
            const folded = applySaleToItems(
              items,
              {
                id,
                storeId: 'S001',
                soldAt: 'now',
                lines: [{ sku: 'TEE-WH-S', gtin: GTINS[0], epcs: named }],
              },
              'now',
            );
            reported += folded.soldTwice.length;
            items = new Map([...items, ...folded.changes.map((c) => [c.epc, c.after] as const)]);
          }
          expect(reported).toBe(expectedReports);
          for (const [epc, saleId] of firstSale) {
            expect(items.get(epc)).toMatchObject({ state: 'sold', saleId });
          }
        },
      ),
    );
  });
});
