import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addItem, newCheckout, priceCheckout } from './checkout';
import type { Price, Product } from './documents';
import type { Promotion } from './promotion-types';
import {
  ackedShareAt,
  effectiveInstant,
  foldLedger,
  integrityCheck,
  labelContent,
  labelContentHash,
  labelIdRefusal,
  labelsToPush,
  type IntegrityLabel,
  type LedgerEntry,
} from './shelf-labels';

const product: Product = {
  id: 'SKU-1',
  name: '纯棉T恤 Cotton tee',
  gtin: '06901234567892',
  category: 'tops',
  brand: 'B1',
  taxClass: 'VAT13',
  status: 'active',
};
const price = (amount: number): Price => ({
  id: `CN-LIST:${product.id}`,
  priceList: 'CN-LIST',
  sku: product.id,
  amount,
  currency: 'CNY',
});
const ctx = { storeId: 'S001', at: '2026-12-07T03:00:00.000Z', utcOffsetMinutes: 480 };
const promo = (extra: Partial<Promotion>): Promotion => ({
  id: 'P1',
  name: '九折 10% off',
  priority: 1,
  target: { skus: [product.id] },
  rule: { kind: 'percent-off', bp: 1000 },
  ...extra,
});

/** What the till charges for one unit, through its own checkout. */
function tillPrice(amount: number, promotions: Promotion[]): number {
  const cart = addItem(newCheckout('CNY', 'inclusive'), {
    lineId: 'L1',
    product,
    price: price(amount),
    quantity: 1,
  });
  return priceCheckout(cart, {
    storeId: ctx.storeId,
    channel: 'store',
    now: ctx.at,
    utcOffsetMinutes: ctx.utcOffsetMinutes,
    promotions,
  }).total;
}

describe('label content', () => {
  it('[EL1] shows the price the till charges a walk-in customer for one unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (amount, bp) => {
          const promotions = [promo({ rule: { kind: 'percent-off', bp } })];
          expect(labelContent(product, price(amount), promotions, ctx).priceFen).toBe(
            tillPrice(amount, promotions),
          );
        },
      ),
    );
  });

  it('[EL2] a promotion that lowers the price shows the regular price struck through and its text', () => {
    const c = labelContent(product, price(9900), [promo({})], ctx);
    expect(c).toMatchObject({ priceFen: 8910, wasFen: 9900, promo: '九折 10% off' });
    const plain = labelContent(product, price(9900), [], ctx);
    expect(plain).toMatchObject({ priceFen: 9900, wasFen: null, promo: null, online: null });
  });

  it('[EL2] a multi-unit offer is shown as text without a "was" price; an inactive one is not', () => {
    const half = promo({
      name: '第二件半价 2nd half price',
      rule: { kind: 'buy-x-get-y', buy: 1, get: 1, bp: 5000 },
    });
    expect(labelContent(product, price(9900), [half], ctx)).toMatchObject({
      priceFen: 9900,
      wasFen: null,
      promo: '第二件半价 2nd half price',
    });
    const later = { ...half, window: { from: '2027-01-01T00:00:00Z' } };
    expect(labelContent(product, price(9900), [later], ctx).promo).toBeNull();
  });

  it('[EL3] an online line when the online channel sells one unit at another price', () => {
    const online = promo({ channels: ['online'], name: '线上专享' });
    const c = labelContent(product, price(10000), [online], ctx);
    expect(c).toMatchObject({ priceFen: 10000, wasFen: null, online: '线上 ¥90.00 online' });
    expect(labelContent(product, price(10000), [online], ctx, { online: false }).online).toBeNull();
  });

  it('[EL4] the hash is stable, and changes with any field', () => {
    const a = labelContent(product, price(100), [], ctx);
    expect(labelContentHash(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(labelContentHash({ ...a })).toBe(labelContentHash(a));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (x, y) => {
        fc.pre(x !== y);
        expect(labelContentHash({ ...a, priceFen: x })).not.toBe(
          labelContentHash({ ...a, priceFen: y }),
        );
      }),
    );
    expect(labelContentHash({ ...a, promo: 'x' })).not.toBe(labelContentHash(a));
    expect(labelContentHash({ ...a, unit: '件' })).not.toBe(labelContentHash(a));
  });
});

describe('labels to push', () => {
  it('[EL5] only the labels whose content changed, and those shown nothing yet', () => {
    const c1 = labelContent(product, price(100), [], ctx);
    const h1 = labelContentHash(c1);
    const desired = new Map([['SKU-1', { content: c1, hash: h1 }]]);
    const bindings = [
      { labelId: 'L1', sku: 'SKU-1' },
      { labelId: 'L2', sku: 'SKU-1' },
      { labelId: 'L3', sku: 'SKU-1' },
      { labelId: 'L4', sku: 'NO-PRICE' },
    ];
    const shown = new Map<string, string | null>([
      ['L1', h1],
      ['L2', 'old'],
    ]);
    expect(labelsToPush(bindings, desired, shown).map((l) => l.labelId)).toEqual(['L2', 'L3']);
  });
});

describe('effective time', () => {
  it('[EL6] a local time is read in the store offset; a zoned instant as written; absent is now', () => {
    expect(effectiveInstant('2026-12-08T14:00', 480, 'n')).toEqual({
      ok: true,
      at: '2026-12-08T06:00:00.000Z',
    });
    expect(effectiveInstant('2026-12-08T00:30:00', 480, 'n')).toEqual({
      ok: true,
      at: '2026-12-07T16:30:00.000Z',
    });
    expect(effectiveInstant('2026-12-08T14:00:00+08:00', 0, 'n')).toEqual({
      ok: true,
      at: '2026-12-08T06:00:00.000Z',
    });
    expect(effectiveInstant(undefined, 480, '2026-01-01T00:00:00.000Z')).toEqual({
      ok: true,
      at: '2026-01-01T00:00:00.000Z',
    });
    for (const bad of ['2026-02-30T10:00', 'tomorrow', '2026-12-08 14:00', '2026-12-08T25:00']) {
      expect(effectiveInstant(bad, 480, 'n').ok).toBe(false);
    }
  });

  it('[EL6] never throws on any text', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: -720, max: 840 }), (s, off) => {
        const r = effectiveInstant(s, off, 'n');
        if (r.ok) expect(Number.isNaN(Date.parse(r.at))).toBe(false);
      }),
    );
  });
});

describe('acknowledgement ledger', () => {
  const entry = (e: Partial<LedgerEntry>): LedgerEntry => ({
    labelId: 'L1',
    pushId: 'P1',
    hash: 'h1',
    status: 'pending',
    at: '2026-12-07T03:00:00.000Z',
    ...e,
  });

  it('[EL7] pending then acked; a failure then a successful retry is acked with one retry', () => {
    const s = foldLedger([
      entry({}),
      entry({ status: 'failed', error: 'timeout', at: '2026-12-07T03:00:10.000Z' }),
      entry({ status: 'acked', at: '2026-12-07T03:00:20.000Z', priceFen: 990, batteryPct: 80 }),
    ]).get('L1');
    expect(s).toMatchObject({ status: 'acked', retries: 1, shownHash: 'h1', shownPriceFen: 990 });
    expect(s?.batteryPct).toBe(80);
  });

  it('[EL7] the latest push wins; what the label shows stays its last acknowledgement', () => {
    const s = foldLedger([
      entry({ status: 'acked', at: '2026-12-07T03:00:20.000Z', priceFen: 990 }),
      entry({ pushId: 'P2', hash: 'h2', at: '2026-12-07T04:00:00.000Z' }),
      entry({ pushId: 'P2', hash: 'h2', status: 'failed', at: '2026-12-07T04:00:30.000Z' }),
    ]).get('L1');
    expect(s).toMatchObject({
      pushId: 'P2',
      status: 'failed',
      shownHash: 'h1',
      shownPriceFen: 990,
    });
  });

  it('[EL7] order and replays do not change the fold', () => {
    const statuses = fc.constantFrom<LedgerEntry['status']>('pending', 'acked', 'failed');
    const arb = fc.array(
      fc.record({
        labelId: fc.constantFrom('L1', 'L2'),
        pushId: fc.constantFrom('P1', 'P2', 'P3'),
        status: statuses,
        at: fc.integer({ min: 0, max: 100 }).map((n) => new Date(n * 1000).toISOString()),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, fc.integer(), (raw, seed) => {
        const entries = raw.map((r) => entry({ ...r, hash: `h-${r.pushId}` }));
        const shuffled = [...entries, ...entries.slice(0, 3)].sort(
          (a, b) => ((a.at.length * seed) % 7) - ((b.at.length * seed) % 7) || 0,
        );
        expect(foldLedger(shuffled)).toEqual(foldLedger(entries));
      }),
    );
  });
});

describe('integrity', () => {
  const label = (l: Partial<IntegrityLabel>): IntegrityLabel => ({
    storeId: 'S001',
    labelId: 'L1',
    sku: 'A',
    status: 'acked',
    shownHash: 'hA',
    shownPriceFen: 100,
    since: '2026-12-07T03:00:00.000Z',
    lastAckAt: '2026-12-07T03:00:10.000Z',
    ...l,
  });
  const till = new Map([
    ['A', { priceFen: 100, hash: 'hA' }],
    ['B', { priceFen: 200, hash: 'hB' }],
  ]);
  const now = '2026-12-07T03:05:00.000Z';

  it('[EL8] [EL9] [EL10] names failed pushes, old pending ones and acked content that differs', () => {
    const report = integrityCheck(
      [
        label({}),
        label({ labelId: 'L2', status: 'failed' }),
        label({ labelId: 'L3', status: 'pending', since: '2026-12-07T03:04:00.000Z' }),
        label({ labelId: 'L4', status: 'pending', since: '2026-12-07T02:00:00.000Z' }),
        label({ labelId: 'L5', sku: 'B' }),
        label({ labelId: 'L6', sku: 'NONE' }),
      ],
      till,
      now,
    );
    expect(report.checked).toBe(5);
    expect(report.mismatches.map((m) => [m.labelId, m.reason])).toEqual([
      ['L2', 'push-failed'],
      ['L4', 'not-acknowledged'],
      ['L5', 'content-differs'],
    ]);
    expect(report.mismatches[2]).toMatchObject({ shelfFen: 100, tillFen: 200 });
  });

  it('[EL10] an acked label showing the till content is never a mismatch', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e6 }), { maxLength: 20 }), (prices) => {
        const t = new Map(prices.map((p, i) => [`S${i}`, { priceFen: p, hash: `h${p}` }]));
        const labels = prices.map((p, i) =>
          label({ labelId: `L${i}`, sku: `S${i}`, shownHash: `h${p}`, shownPriceFen: p }),
        );
        const r = integrityCheck(labels, t, now);
        expect(r).toEqual({ checked: prices.length, mismatches: [] });
      }),
    );
  });

  it('[EL11] 95 % acknowledged: the k-th earliest acknowledgement', () => {
    const at = Array.from({ length: 20 }, (_, i) => new Date(i * 1000).toISOString());
    expect(ackedShareAt(at, 20)).toBe(at[18]);
    expect(ackedShareAt(at.slice(0, 18), 20)).toBeNull();
    expect(ackedShareAt([], 0)).toBeNull();
  });

  it('[EL12] label ids are short and printable', () => {
    expect(labelIdRefusal('L0417')).toBeNull();
    expect(labelIdRefusal('18bc5a63:01')).toBeNull();
    for (const bad of ['', '-x', 'a b', 'x'.repeat(65), 3])
      expect(labelIdRefusal(bad)).not.toBeNull();
  });
});
