import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  encodeSgtin96,
  storeItemsDocId,
  validateSaleFact,
  type Price,
  type Product,
  type ReturnFact,
  type SaleFact,
  type StoreItemsDoc,
} from '@pos/domain';
import { staffFixture } from '@pos/domain/fixtures';
import type { Outbox, ReplicaDatabase } from '@pos/replica';
import { createCheckout } from './checkout';
import type { Outcome } from './outcome';
import { createReturnsDesk } from './returns';
import { counterReads, type TillTagRead } from './rfid-checkout';
import { createStateStore, initialTillState, type StateStore, type TillState } from './state';
import { openTestReplica, testPorts } from './till.fixture';

const product = (id: string, name: string, gtin: string): Product => ({
  id,
  name,
  gtin,
  category: 'apparel',
  taxClass: 'VAT13',
  status: 'active',
});
const WH_M = product('TEE-01-WH-M', 'T恤 白 M', '06904322000028');
const BK_L = product('TEE-01-BK-L', 'T恤 黑 L', '06914322000072');
const price = (p: Product, amount: number): Price => ({
  id: `CN-LIST:${p.id}`,
  priceList: 'CN-LIST',
  sku: p.id,
  amount,
  currency: 'CNY',
});
const epc = (p: Product, serial: number): string => {
  const encoded = encodeSgtin96({ gtin: p.gtin, serial });
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.epc;
};
const COUNTER = 'rfid-counter';
const read = (e: string, source = COUNTER, antenna = 1): TillTagRead => ({
  epc: e,
  source,
  antenna,
});

let db: ReplicaDatabase;
let outbox: Outbox;
let state: StateStore<TillState>;
beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  state = createStateStore(initialTillState('CNY'));
  await db.products.bulkInsert([WH_M, BK_L]);
  await db.prices.bulkInsert([price(WH_M, 9900), price(BK_L, 12900)]);
  await db.staff.insert(staffFixture({ id: 'S001-E02', name: '王芳', roles: ['supervisor'] }));
});
afterEach(() => db.close());

let ids = 0;
let ticks = 0;
function till(
  options: {
    storeId?: string;
    reader?: string | null;
    counterReader?: () => string | undefined;
  } = {},
) {
  const storeId = options.storeId ?? 'S001';
  const deviceId = `${storeId}-POS1`;
  const ports = testPorts(db, outbox, {
    state,
    config: {
      storeId,
      deviceId,
      ...(options.reader === null ? {} : { rfidCheckoutReader: options.reader ?? COUNTER }),
    },
    // A clock that moves on at every reading: sales and returns in order.
    clock: () => new Date(Date.UTC(2026, 11, 7, 3) + ticks++),
    newId: () => `${deviceId}-01JRFID${String(ids++).padStart(10, '0')}`,
  });
  const checkout = createCheckout({
    ...ports,
    ...(options.counterReader ? { counterReader: options.counterReader } : {}),
  });
  return { checkout, returns: createReturnsDesk({ ...ports, codeKeys: [] }) };
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome.value;
}
const lines = () => state.get().cart.lines.map((l) => [l.sku, l.quantity, l.epcs]);

async function storeItems(storeId: string, sku: string, over: Partial<StoreItemsDoc>) {
  const doc: StoreItemsDoc = {
    id: storeItemsDocId(storeId, sku),
    kind: 'items',
    storeId,
    sku,
    gtin: sku === WH_M.id ? WH_M.gtin : BK_L.gtin,
    sellable: [],
    sold: [],
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...over,
  };
  await db.storeState.upsert(doc as never);
}

describe('RFID checkout at the till', () => {
  it('[RK1] [RC1] [RC5] the counter reader’s tags become one unit per EPC; the sale carries them, stored and valid', async () => {
    const { checkout } = till();
    const [a, b, c] = [epc(WH_M, 1), epc(WH_M, 2), epc(BK_L, 3)];
    const outcome = await checkout.tagReads([read(a), read(b, COUNTER, 2), read(a), read(c)]);
    expect(outcome).toMatchObject({
      ok: true,
      value: {
        added: [
          { sku: WH_M.id, epcs: [a, b] },
          { sku: BK_L.id, epcs: [c] },
        ],
        ignored: 0,
      },
      notices: [{ tone: 'info', code: 'RFID_ADDED', params: { units: '3' } }],
    });
    expect(lines()).toEqual([
      [WH_M.id, 2, [a, b]],
      [BK_L.id, 1, [c]],
    ]);
    // Read again and again while they lie on the counter: nothing more, nothing said.
    const again = value(await checkout.tagReads(read(b)));
    expect(again.refused.map((r) => r.reason)).toEqual(['in-cart']);
    expect(state.get().pricing?.total).toBe(2 * 9900 + 12900);
    const sale = value(await checkout.payCash(50_000));
    expect(sale.lines.map((l) => l.epcs)).toEqual([[a, b], [c]]);
    const stored = (await db.facts.findOne(sale.id).exec())?.toJSON() as unknown as SaleFact;
    expect(stored.lines.map((l) => l.epcs)).toEqual([[a, b], [c]]);
    expect(validateSaleFact(sale)).toEqual([]);
  });

  it('[RK1] reads of another reader, or of any reader when no counter reader is known, are ignored', async () => {
    const { checkout } = till();
    const outcome = value(await checkout.tagReads([read(epc(WH_M, 1), 'rfid-floor')]));
    expect(outcome).toEqual({ added: [], refused: [], ignored: 1 });
    expect(state.get().cart.lines).toEqual([]);
    const unnamed = till({ reader: null }).checkout;
    expect(value(await unnamed.tagReads(read(epc(WH_M, 1)))).ignored).toBe(1);
    // The host's counter reader when the configuration names none; a reader#antenna names one antenna.
    const hosted = till({ reader: null, counterReader: () => COUNTER }).checkout;
    expect(value(await hosted.tagReads(read(epc(WH_M, 1)))).added).toHaveLength(1);
    expect(counterReads([read('A', 'R', 1), read('B', 'R', 2)], 'R#2').counter).toEqual([
      read('B', 'R', 2),
    ]);
  });

  it('[RC2] [IT4] an EPC the store lists sold is refused, named in words; the others are added', async () => {
    const { checkout } = till();
    const sold = epc(WH_M, 7);
    await storeItems('S001', WH_M.id, { sold: [sold] });
    const outcome = await checkout.tagReads([read(sold), read(epc(WH_M, 8))]);
    expect(outcome).toMatchObject({
      ok: true,
      value: { refused: [{ epc: sold, reason: 'sold-at-store', sku: WH_M.id }] },
      notices: [
        { code: 'RFID_ADDED', params: { units: '1' } },
        {
          tone: 'error',
          code: 'RFID_SOLD',
          params: { items: 'T恤 白 M #7', epcs: sold },
          text: 'Already sold: T恤 白 M #7',
        },
      ],
    });
    expect(lines()).toEqual([[WH_M.id, 1, [epc(WH_M, 8)]]]);
    const junk = await checkout.tagReads([
      read('E2801160600002054A0C9B1F'),
      read(epc(product('X', 'X', '06954322000085'), 1)),
    ]);
    expect(junk).toMatchObject({
      notices: [{ code: 'RFID_NOT_TRADE_ITEM' }, { code: 'RFID_UNKNOWN_PRODUCT' }],
    });
  });

  it('[RK2] [RK3] an EPC this till sold is refused (quietly while the sale just paid is on the counter), and sold again once returned here', async () => {
    const { checkout, returns } = till();
    const a = epc(WH_M, 1);
    await checkout.tagReads(read(a));
    const sale = value(await checkout.payCash(10_000));
    const quiet = await checkout.tagReads(read(a));
    expect(quiet).toMatchObject({
      ok: true,
      value: { refused: [{ reason: 'sold-here' }] },
      notices: [],
    });
    await checkout.tagReads(read(epc(BK_L, 1)));
    const told = await checkout.tagReads(read(a));
    expect(told).toMatchObject({ notices: [{ code: 'RFID_SOLD' }] });
    // A till restarted reads its own sales.
    const restarted = till().checkout;
    expect(value(await restarted.tagReads(read(a))).refused).toMatchObject([
      { reason: 'sold-here' },
    ]);
    const ret = value(
      await returns.complete({ sale, previous: [] }, [
        { lineId: sale.lines[0]!.lineId, quantity: 1, epcs: [a] },
      ]),
    );
    expect(ret.lines[0]!.epcs).toEqual([a]);
    expect(value(await checkout.tagReads(read(a))).added).toMatchObject([{ epcs: [a] }]);
  });

  it('[RC3] lowering an RFID line drops its EPCs so they may be read again; raising it is refused', async () => {
    const { checkout } = till();
    const [a, b] = [epc(WH_M, 1), epc(WH_M, 2)];
    await checkout.tagReads([read(a), read(b)]);
    const lineId = state.get().cart.lines[0]!.lineId;
    expect(await checkout.setQuantity(lineId, 3)).toMatchObject({
      ok: false,
      code: 'QUANTITY_INVALID',
    });
    value(await checkout.setQuantity(lineId, 1));
    expect(lines()).toEqual([[WH_M.id, 1, [a]]]);
    await checkout.tagReads(read(b));
    expect(lines()).toEqual([[WH_M.id, 2, [a, b]]]);
  });

  it('[RK5] a cart put aside comes back without the tags sold here meanwhile, and a payment never sells a tag twice', async () => {
    const { checkout } = till();
    const [a, b] = [epc(WH_M, 1), epc(WH_M, 2)];
    await checkout.tagReads([read(a), read(b)]);
    const aside = state.get().cart;
    value(await checkout.replaceCart({ ...aside, lines: [] }, null));
    await checkout.tagReads(read(a));
    const first = value(await checkout.payCash(10_000));
    const resumed = await checkout.replaceCart(aside, null);
    expect(resumed).toMatchObject({
      ok: true,
      notices: [{ code: 'RFID_SOLD', params: { items: 'T恤 白 M #1' } }],
    });
    expect(lines()).toEqual([[WH_M.id, 1, [b]]]);
    // The cart as it was, past the resume check: the payment refuses and stores nothing.
    state.set({ cart: aside });
    expect(await checkout.payCash(30_000)).toMatchObject({
      ok: false,
      code: 'RFID_SOLD',
      params: { items: 'T恤 白 M' },
    });
    const sales = await db.facts.find({ selector: { kind: 'sale' } }).exec();
    expect(sales.map((d) => d.id)).toEqual([first.id]);
  });

  it('[RK4] a read that arrives while a payment is stored goes to the next cart', async () => {
    const { checkout } = till();
    const [a, b] = [epc(WH_M, 1), epc(BK_L, 2)];
    await checkout.tagReads(read(a));
    const paying = checkout.payCash(10_000);
    const during = checkout.tagReads([read(a), read(b)]);
    const sale = value(await paying);
    expect(sale.lines.map((l) => l.epcs)).toEqual([[a]]);
    expect(value(await during).refused.map((r) => r.reason)).toEqual(['sold-here']);
    expect(lines()).toEqual([[BK_L.id, 1, [b]]]);
  });

  it('[RK1] [RK2] [RC1] [RC2] 1,000 runs over the real checkout and replica: zero double counts, no EPC sold twice without a return between', async () => {
    const products = [WH_M, BK_L];
    const tag = fc
      .record({ p: fc.integer({ min: 0, max: 1 }), s: fc.integer({ min: 1, max: 6 }) })
      .map(({ p, s }) => epc(products[p]!, s));
    const aRead = fc.record({
      epc: fc.oneof(
        { weight: 9, arbitrary: tag },
        { weight: 1, arbitrary: fc.constant('E2801160600002054A0C9B1F') },
      ),
      source: fc.constantFrom(COUNTER, COUNTER, 'rfid-floor'),
      antenna: fc.integer({ min: 1, max: 4 }),
    });
    const step = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .array(aRead, { minLength: 1, maxLength: 6 })
          .map((reads) => ({ kind: 'reads' as const, reads })),
      },
      { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'void' as const, n })) },
      { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'lower' as const, n })) },
      { weight: 2, arbitrary: fc.constant({ kind: 'pay' as const }) },
      { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'return' as const, n })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'suspend' as const }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'resume' as const }) },
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 16 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 2 }),
        async (steps, storeSoldSerials) => {
          // Each run is another store's till on the same replica: its own facts and items documents.
          const storeId = `T${run++}`;
          const storeSold = storeSoldSerials.map((s) => epc(WH_M, s));
          await storeItems(storeId, WH_M.id, { sold: storeSold });
          state.set(initialTillState('CNY'));
          let { checkout, returns } = till({ storeId });
          const sales: SaleFact[] = [];
          const returned: ReturnFact[] = [];
          let aside: TillState['cart'] | null = null;
          const supervisor = staffFixture({ id: 'S001-E02', name: '王芳', roles: ['supervisor'] });
          for (const s of steps) {
            const cart = state.get().cart;
            if (s.kind === 'reads') {
              await checkout.tagReads(s.reads);
            } else if (s.kind === 'void' && cart.lines.length) {
              value(
                await checkout.voidLine(cart.lines[s.n % cart.lines.length]!.lineId, supervisor),
              );
            } else if (s.kind === 'lower' && cart.lines.length) {
              const line = cart.lines[s.n % cart.lines.length]!;
              if (line.quantity > 1)
                value(await checkout.setQuantity(line.lineId, line.quantity - 1));
            } else if (s.kind === 'pay' && cart.lines.length) {
              const sale = value(await checkout.payCash(1_000_000));
              expect(validateSaleFact(sale)).toEqual([]);
              sales.push(sale);
            } else if (s.kind === 'return' && sales.length) {
              const sale = sales[s.n % sales.length]!;
              const previous = returned.filter((r) => r.saleId === sale.id);
              const line = sale.lines[0]!;
              const back = previous.reduce((n, r) => n + (r.lines[0]?.quantity ?? 0), 0);
              if (back < line.quantity) {
                returned.push(
                  value(
                    await returns.complete({ sale, previous }, [
                      { lineId: line.lineId, quantity: line.quantity - back },
                    ]),
                  ),
                );
              }
            } else if (s.kind === 'suspend' && !aside && cart.lines.length) {
              aside = cart;
              value(await checkout.replaceCart({ ...cart, lines: [] }, null));
            } else if (s.kind === 'resume' && aside && cart.lines.length === 0) {
              value(await checkout.replaceCart(aside, null));
              aside = null;
            } else if (s.kind === 'restart') {
              ({ checkout, returns } = till({ storeId }));
            }
            const all = state.get().cart.lines.flatMap((l) => l.epcs ?? []);
            expect(new Set(all).size).toBe(all.length);
            for (const l of state.get().cart.lines) expect(l.quantity).toBe(l.epcs?.length);
            for (const e of all) expect(storeSold).not.toContain(e);
          }
          // Per EPC, sales and returns alternate: never sold twice without coming back between.
          const events = [
            ...sales.map((x) => ({
              at: x.soldAt,
              n: +1,
              epcs: x.lines.flatMap((l) => l.epcs ?? []),
            })),
            ...returned.map((x) => ({
              at: x.returnedAt,
              n: -1,
              epcs: x.lines.flatMap((l) => l.epcs ?? []),
            })),
          ].sort((x, y) => x.at.localeCompare(y.at) || y.n - x.n);
          const out = new Map<string, number>();
          for (const event of events) {
            for (const e of event.epcs) {
              out.set(e, (out.get(e) ?? 0) + event.n);
              expect([0, 1]).toContain(out.get(e));
            }
          }
        },
      ),
      {
        numRuns: 1_000,
        // A tag read into a cart put aside, sold in another cart, then the first resumed and paid.
        examples: [
          [
            [
              { kind: 'reads', reads: [{ epc: epc(WH_M, 1), source: COUNTER, antenna: 1 }] },
              { kind: 'suspend' },
              { kind: 'reads', reads: [{ epc: epc(WH_M, 1), source: COUNTER, antenna: 1 }] },
              { kind: 'pay' },
              { kind: 'resume' },
              { kind: 'pay' },
            ],
            [],
          ],
        ],
      },
    );
  }, 240_000);
});
