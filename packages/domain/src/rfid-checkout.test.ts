import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addTender,
  buildSaleFact,
  newCheckout,
  priceCheckout,
  setQuantity,
  settleCheckout,
  voidLine,
  addItem,
  type CheckoutCart,
} from './checkout';
import type { Price, Product } from './documents';
import { planReturn } from './returns';
import {
  addTaggedItems,
  epcsInCart,
  epcsSoldNotReturned,
  isVariableMeasureGtin,
  planTagReads,
  type CounterTagRead,
  type RfidCatalogEntry,
  type TagReadContext,
} from './rfid-checkout';
import { saleEpcProblems, validateSaleFact, type SaleFact } from './sale-fact';
import { encodeSgtin96 } from './sgtin';

const product = (
  id: string,
  name: string,
  gtin: string,
  status: Product['status'] = 'active',
): Product => ({
  id,
  name,
  gtin,
  category: 'apparel',
  taxClass: 'VAT13',
  status,
});
const TEE_WH_M = product('TEE-01-WH-M', 'T恤 白 M', '06904322000028');
const TEE_BK_L = product('TEE-01-BK-L', 'T恤 黑 L', '06914322000072');
const OLD_TEE = product('TEE-00-RD-S', 'T恤 红 S (停售)', '06924322000019', 'discontinued');
const CHEESE = product('CHEESE-KG', '奶酪 (称重)', '06934322000094');
const NO_PRICE = product('SOCK-01', '袜子', '06944322000048');
const price = (p: Product, amount: number): Price => ({
  id: `L:${p.id}`,
  priceList: 'L',
  sku: p.id,
  amount,
  currency: 'CNY',
});
const CATALOG = new Map<string, RfidCatalogEntry>([
  [TEE_WH_M.gtin, { product: TEE_WH_M, price: price(TEE_WH_M, 9900) }],
  [TEE_BK_L.gtin, { product: TEE_BK_L, price: price(TEE_BK_L, 12900) }],
  [OLD_TEE.gtin, { product: OLD_TEE, price: price(OLD_TEE, 5900) }],
  [CHEESE.gtin, { product: CHEESE, price: price(CHEESE, 8800), measure: true }],
  [NO_PRICE.gtin, { product: NO_PRICE, price: undefined }],
]);
const UNKNOWN_GTIN = '06954322000085';

const epc = (gtin: string, serial: number): string => {
  const encoded = encodeSgtin96({ gtin, serial });
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.epc;
};

const context = (over: Partial<TagReadContext> = {}): TagReadContext => ({
  productsByGtin: CATALOG,
  storeItemsBySku: new Map(),
  soldHere: new Map(),
  ...over,
});

let ids = 0;
const lineId = () => `L${ids++}`;

function ring(cart: CheckoutCart, reads: CounterTagRead[], ctx = context()) {
  return addTaggedItems(cart, planTagReads(cart, reads, ctx), lineId);
}

function pay(cart: CheckoutCart, soldAt: string, id: string): SaleFact {
  const ctx = { storeId: 'S001', channel: 'store' as const, now: soldAt, utcOffsetMinutes: 480 };
  const pricing = priceCheckout(cart, { ...ctx, promotions: [] });
  const paid = addTender(cart, { kind: 'cash', amount: pricing.total });
  return buildSaleFact(paid, pricing, settleCheckout(paid, pricing), {
    id,
    storeId: 'S001',
    deviceId: 'S001-POS1',
    channel: 'store',
    now: soldAt,
  });
}

describe('RFID checkout', () => {
  it('[RC1] each EPC once, one unit per EPC, same SKU joined, whatever the repeats, antennas and readers', () => {
    const a = epc(TEE_WH_M.gtin, 1);
    const b = epc(TEE_WH_M.gtin, 2);
    const c = epc(TEE_BK_L.gtin, 7);
    const reads = [a, b, a, c, a.toLowerCase(), b].map((e, i) => ({
      epc: e,
      antenna: (i % 4) + 1,
      source: i % 2 ? 'R2' : 'R1',
    }));
    const { cart, added } = ring(newCheckout(), reads);
    expect(cart.lines.map((l) => [l.sku, l.quantity, l.epcs])).toEqual([
      [TEE_WH_M.id, 2, [a, b]],
      [TEE_BK_L.id, 1, [c]],
    ]);
    expect(added.map((x) => x.epcs.length)).toEqual([2, 1]);
    // Read again later: joined to its line, never a second unit of the same tag.
    const d = epc(TEE_WH_M.gtin, 3);
    const again = ring(cart, [{ epc: a }, { epc: d }]);
    expect(again.cart.lines[0]!.epcs).toEqual([a, b, d]);
    expect(again.cart.lines[0]!.quantity).toBe(3);
    expect(again.refusals).toEqual([expect.objectContaining({ epc: a, reason: 'in-cart' })]);
  });

  it('[RC1] a scanned unit never joins an RFID line, and an RFID unit never a scanned one', () => {
    let cart = addItem(newCheckout(), {
      lineId: 'S1',
      product: TEE_WH_M,
      price: price(TEE_WH_M, 9900),
    });
    cart = ring(cart, [{ epc: epc(TEE_WH_M.gtin, 1) }]).cart;
    cart = addItem(cart, { lineId: 'S2', product: TEE_WH_M, price: price(TEE_WH_M, 9900) });
    expect(cart.lines.map((l) => [l.lineId, l.quantity, l.epcs?.length])).toEqual([
      ['S1', 2, undefined],
      [expect.any(String), 1, 1],
    ]);
  });

  it('[RC2] refuses non-SGTIN tags, unknown GTINs, tags in the cart, sold at the store or by this till, each with its reason', () => {
    const inCart = epc(TEE_WH_M.gtin, 1);
    const soldStore = epc(TEE_WH_M.gtin, 2);
    const soldHere = epc(TEE_BK_L.gtin, 3);
    const fine = epc(TEE_BK_L.gtin, 4);
    const start = ring(newCheckout(), [{ epc: inCart }]).cart;
    const ctx = context({
      storeItemsBySku: new Map([
        [TEE_WH_M.id, { sold: [soldStore], sellable: [inCart], updatedAt: '2026-12-01T00:00:00Z' }],
      ]),
      soldHere: new Map([[soldHere, '2026-12-01T00:00:00Z']]),
    });
    const plan = planTagReads(
      start,
      [
        { epc: 'E2801160600002054A0C9B1F' },
        { epc: 'not hex' },
        { epc: epc(UNKNOWN_GTIN, 5) },
        { epc: inCart },
        { epc: soldStore },
        { epc: soldHere },
        { epc: fine },
        { epc: soldStore },
      ],
      ctx,
    );
    expect(plan.refusals.map((r) => r.reason)).toEqual([
      'not-sgtin',
      'not-sgtin',
      'unknown-product',
      'in-cart',
      'sold-at-store',
      'sold-here',
    ]);
    expect(plan.refusals[4]).toMatchObject({ sku: TEE_WH_M.id, name: TEE_WH_M.name });
    expect(plan.refusals[4]!.message).toMatch(/already sold/);
    expect(plan.additions.map((a) => a.epcs)).toEqual([[fine]]);
  });

  it('[RC2] an EPC this till sold that the store lists sellable since (returned at another till) may be sold again', () => {
    const e = epc(TEE_WH_M.gtin, 9);
    const items = (updatedAt: string) =>
      new Map([[TEE_WH_M.id, { sold: [], sellable: [e], updatedAt }]]);
    const soldHere = new Map([[e, '2026-12-01T10:00:00.000Z']]);
    const before = planTagReads(newCheckout(), [{ epc: e }], {
      ...context({ soldHere, storeItemsBySku: items('2026-12-01T09:00:00.000Z') }),
    });
    expect(before.refusals.map((r) => r.reason)).toEqual(['sold-here']);
    const after = planTagReads(newCheckout(), [{ epc: e }], {
      ...context({ soldHere, storeItemsBySku: items('2026-12-01T11:00:00.000Z') }),
    });
    expect(after.additions.map((a) => a.epcs)).toEqual([[e]]);
  });

  it('[RC2] a product that cannot be sold (discontinued, no price) is refused in the domain words; the rest are added', () => {
    const r = ring(newCheckout(), [
      { epc: epc(OLD_TEE.gtin, 1) },
      { epc: epc(NO_PRICE.gtin, 1) },
      { epc: epc(TEE_WH_M.gtin, 1) },
    ]);
    expect(r.cart.lines.map((l) => l.sku)).toEqual([TEE_WH_M.id]);
    expect(r.refusals.map((x) => [x.reason, x.sku])).toEqual([
      ['not-sellable', OLD_TEE.id],
      ['not-sellable', NO_PRICE.id],
    ]);
    expect(r.refusals[0]!.message).toMatch(/discontinued/);
  });

  it('[RC3] lowering an RFID line drops its last-read EPCs, which may be read again; raising it is refused; a void frees them all', () => {
    const [a, b, c] = [1, 2, 3].map((s) => epc(TEE_WH_M.gtin, s)) as [string, string, string];
    const cart = ring(newCheckout(), [{ epc: a }, { epc: b }, { epc: c }]).cart;
    const id = cart.lines[0]!.lineId;
    const lowered = setQuantity(cart, id, 1);
    expect(lowered.lines[0]).toMatchObject({ quantity: 1, epcs: [a] });
    expect(() => setQuantity(cart, id, 4)).toThrow(/read the tag/);
    const reread = ring(lowered, [{ epc: c }]).cart;
    expect(reread.lines[0]).toMatchObject({ quantity: 2, epcs: [a, c] });
    const voided = voidLine(reread, id);
    expect(epcsInCart(voided).size).toBe(0);
    expect(ring(voided, [{ epc: a }]).cart.lines[0]!.epcs).toEqual([a]);
  });

  it('[RC4] weighed and variable-measure products are never rung up by RFID', () => {
    expect(isVariableMeasureGtin('02012345000013')).toBe(true);
    expect(isVariableMeasureGtin('90614141000019')).toBe(true);
    expect(isVariableMeasureGtin('06904322000028')).toBe(false);
    const r = ring(newCheckout(), [{ epc: epc(CHEESE.gtin, 1) }]);
    expect(r.cart.lines).toEqual([]);
    expect(r.refusals.map((x) => x.reason)).toEqual(['weighed']);
  });

  it('[RC5] the sale fact carries each RFID line’s EPCs and passes validation', () => {
    const a = epc(TEE_WH_M.gtin, 1);
    const b = epc(TEE_BK_L.gtin, 2);
    const sale = pay(
      ring(newCheckout(), [{ epc: a }, { epc: b }]).cart,
      '2026-12-07T03:00:00.000Z',
      'S001-POS1-01JRFID0000000000000000001',
    );
    expect(sale.lines.map((l) => l.epcs)).toEqual([[a], [b]]);
    expect(validateSaleFact(sale)).toEqual([]);
  });

  it('[RC5] a sale whose EPCs do not match the units, repeat, are not SGTIN-96 or name another GTIN is refused', () => {
    const a = epc(TEE_WH_M.gtin, 1);
    const sale = pay(
      ring(newCheckout(), [{ epc: a }, { epc: epc(TEE_BK_L.gtin, 2) }]).cart,
      '2026-12-07T03:00:00.000Z',
      'S001-POS1-01JRFID0000000000000000002',
    );
    const withEpcs = (...lists: string[][]): SaleFact => ({
      ...sale,
      lines: sale.lines.map((l, i) => ({ ...l, epcs: lists[i]! })),
    });
    expect(
      saleEpcProblems(withEpcs([a, a], [epc(TEE_BK_L.gtin, 2)])).map((p) => p.message),
    ).toEqual([
      'must hold one EPC per unit (as many as the quantity)',
      `EPC ${a} is in the sale more than once`,
    ]);
    expect(saleEpcProblems(withEpcs([a], [a])).map((p) => p.message)).toEqual([
      `EPC ${a} is in the sale more than once`,
      `names GTIN ${TEE_WH_M.gtin}, not the line's ${TEE_BK_L.gtin}`,
    ]);
    expect(
      validateSaleFact(withEpcs(['E2801160600002054A0C9B1F'], [epc(TEE_BK_L.gtin, 2)])),
    ).toEqual([
      expect.objectContaining({
        path: '$.lines[0].epcs[0]',
        message: expect.stringMatching(/not an SGTIN-96/),
      }),
    ]);
  });

  it('[RC6] a return names the EPCs returned: those named (each sold on the line, once), or all left when every unit left comes back', () => {
    const [a, b, c] = [1, 2, 3].map((s) => epc(TEE_WH_M.gtin, s)) as [string, string, string];
    const sale = pay(
      ring(newCheckout(), [{ epc: a }, { epc: b }, { epc: c }]).cart,
      '2026-12-07T03:00:00.000Z',
      'S001-POS1-01JRFID0000000000000000003',
    );
    const lineId = sale.lines[0]!.lineId;
    const ctx = (n: number) => ({
      id: `S001-POS1-01JRET${n}`,
      storeId: 'S001',
      deviceId: 'S001-POS1',
      now: '2026-12-07T04:00:00.000Z',
    });
    const first = planReturn(sale, [], [{ lineId, quantity: 1, epcs: [b.toLowerCase()] }], ctx(1));
    if (!first.ok) throw new Error(first.message);
    expect(first.ret.lines[0]!.epcs).toEqual([b]);
    const refused = [
      planReturn(sale, [first.ret], [{ lineId, quantity: 1, epcs: [b] }], ctx(2)),
      planReturn(
        sale,
        [first.ret],
        [{ lineId, quantity: 1, epcs: [epc(TEE_BK_L.gtin, 9)] }],
        ctx(2),
      ),
      planReturn(sale, [first.ret], [{ lineId, quantity: 1, epcs: [a, c] }], ctx(2)),
      planReturn(sale, [first.ret], [{ lineId, quantity: 2, epcs: [a, a] }], ctx(2)),
    ];
    expect(refused.map((r) => (r.ok ? 'ok' : r.code))).toEqual(Array(4).fill('RETURN_EPC_INVALID'));
    const rest = planReturn(sale, [first.ret], [{ lineId, quantity: 2 }], ctx(3));
    if (!rest.ok) throw new Error(rest.message);
    expect(rest.ret.lines[0]!.epcs).toEqual([a, c]);
    // Part of the units, none named: none named on the return ("at most").
    const part = planReturn(sale, [], [{ lineId, quantity: 1 }], ctx(4));
    expect(part.ok && part.ret.lines[0]!.epcs).toBeUndefined();
    expect(epcsSoldNotReturned([sale], [first.ret])).toEqual(
      new Map([
        [a, sale.soldAt],
        [c, sale.soldAt],
      ]),
    );
  });

  it('[RC1] [RC2] [RC3] 1,000 runs: any interleaving of reads over carts paid one after another on one till — zero double counts, no sold EPC sold again', () => {
    const known = [TEE_WH_M, TEE_BK_L, CHEESE];
    const tag = fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .record({
            p: fc.integer({ min: 0, max: known.length - 1 }),
            s: fc.integer({ min: 1, max: 12 }),
          })
          .map(({ p, s }) => epc(known[p]!.gtin, s)),
      },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((s) => epc(UNKNOWN_GTIN, s)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('E2801160600002054A0C9B1F', '', 'zz', '3014'.padEnd(24, 'F')),
      },
    );
    const read = fc.record({
      epc: tag,
      antenna: fc.integer({ min: 1, max: 4 }),
      source: fc.constantFrom('R1', 'R2'),
    });
    const step = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .array(read, { maxLength: 12 })
          .map((reads) => ({ kind: 'reads' as const, reads })),
      },
      { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'void' as const, n })) },
      {
        weight: 1,
        arbitrary: fc
          .record({ n: fc.nat(), q: fc.integer({ min: 1, max: 3 }) })
          .map((x) => ({ kind: 'lower' as const, ...x })),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'pay' as const }) },
    );
    const storeSold = fc
      .uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 3 })
      .map((s) => s.map((n) => epc(TEE_WH_M.gtin, n)));
    fc.assert(
      fc.property(storeSold, fc.array(step, { maxLength: 25 }), (soldAtStore, steps) => {
        const sales: SaleFact[] = [];
        let cart = newCheckout();
        const storeItemsBySku = new Map([
          [TEE_WH_M.id, { sold: soldAtStore, sellable: [], updatedAt: '2026-12-01T00:00:00.000Z' }],
        ]);
        for (const [i, s] of steps.entries()) {
          if (s.kind === 'reads') {
            const ctx = context({ storeItemsBySku, soldHere: epcsSoldNotReturned(sales, []) });
            const before = epcsInCart(cart);
            const r = ring(cart, s.reads, ctx);
            cart = r.cart;
            // Every read is in the cart or refused: nothing silently lost.
            const now = epcsInCart(cart);
            for (const rd of s.reads) {
              const e = rd.epc.trim().toUpperCase();
              expect(now.has(e) || r.refusals.some((x) => x.epc === e), e).toBe(true);
            }
            for (const e of before) expect(now.has(e)).toBe(true);
          } else if (s.kind === 'void' && cart.lines.length) {
            cart = voidLine(cart, cart.lines[s.n % cart.lines.length]!.lineId);
          } else if (s.kind === 'lower' && cart.lines.length) {
            const line = cart.lines[s.n % cart.lines.length]!;
            cart = setQuantity(cart, line.lineId, Math.min(s.q, line.quantity));
          } else if (s.kind === 'pay' && cart.lines.length) {
            const at = new Date(Date.UTC(2026, 11, 7, 3, 0, i)).toISOString();
            const sale = pay(cart, at, `S001-POS1-01JRFID${String(i).padStart(16, '0')}`);
            expect(validateSaleFact(sale)).toEqual([]);
            sales.push(sale);
            cart = newCheckout();
          }
          // Zero double counts: each EPC once in the cart, each line's quantity its EPCs.
          const all = cart.lines.flatMap((l) => l.epcs ?? []);
          expect(new Set(all).size).toBe(all.length);
          for (const l of cart.lines) expect(l.quantity).toBe(l.epcs?.length);
          // Never weighed, never sold at the store, never sold already on this till.
          const soldBefore = new Set(sales.flatMap((x) => x.lines.flatMap((l) => l.epcs ?? [])));
          for (const e of all) {
            expect(soldAtStore.includes(e) || soldBefore.has(e)).toBe(false);
          }
          expect(cart.lines.some((l) => l.sku === CHEESE.id)).toBe(false);
        }
        // No sold EPC sold again, across every sale of the till.
        const sold = sales.flatMap((x) => x.lines.flatMap((l) => l.epcs ?? []));
        expect(new Set(sold).size).toBe(sold.length);
      }),
      { numRuns: 1_000 },
    );
  });
});
