/**
 * Documents for the fuzz suite: valid ones built with the domain's own
 * checkout, returns planner, ledger and fixtures (so a realistic share is
 * accepted), and mutations of them that an attacker or a careless client
 * would send. fast-check draws a recipe; `buildCase` turns it into a request
 * body against what the model knows was accepted so far (an accepted sale to
 * return, an entry to replay). [RB1]
 */
import fc from 'fast-check';
import {
  FACT_COLLECTIONS,
  addCoupon,
  addItem,
  addTender,
  attachMember,
  buildSaleFact,
  closeShift,
  factKindOf,
  LEGACY_FACT_COLLECTIONS,
  toFact,
  type LegacyFactCollection,
  ledgerMovementsForSale,
  newCheckout,
  planReturn,
  pointEntriesForSale,
  priceCheckout,
  redeemPoints,
  settleCheckout,
  shiftTotals,
  withCheckDigit,
  phoneIndex,
  type CollectionName,
  type Coupon,
  type LedgerMovement,
  type PaymentTender,
  type PointEntry,
  type SaleFact,
  checkOrderReturn,
  ORDER_FACT_SCHEMAS,
  type OrderFactKind,
  unitsToPick,
} from '@pos/domain';
import { staffFixture } from '@pos/domain/fixtures';
import { DEMO_PRICES, DEMO_PRODUCTS, DEMO_STORES } from '../demo-data';
import {
  DEMO_COUPONS,
  DEMO_EARN_RULES,
  DEMO_MEMBER_VIEWS,
  DEMO_MEMBERS,
  DEMO_PROMOTIONS,
  DEMO_REDEMPTION,
} from '../demo-people';
import { DEMO_PRIVACY_KEYS } from '../pii/keyring';
import type { FuzzModel } from './model';

/** Who pushes: the demo tills, a till whose id begins with another's, and HQ. */
export type FuzzDevice = { deviceId: string; storeId: string; token: string };
export const FUZZ_DEVICES: FuzzDevice[] = [
  { deviceId: 'S001-POS1', storeId: 'S001', token: 'demo-s001-pos1' },
  { deviceId: 'S002-POS1', storeId: 'S002', token: 'demo-s002-pos1' },
  // Its id begins with S001-POS1's: fact-id ownership must be exact.
  { deviceId: 'S001-POS1-B', storeId: 'S001', token: 'fuzz-s001-pos1-b' },
];

/** Collections a device pushes and collections HQ writes ([A3], [A7], [A10]). */
export const DEVICE_COLLECTIONS = FACT_COLLECTIONS;
export const ADMIN_COLLECTIONS = [
  'stores',
  'products',
  'prices',
  'staff',
  'promotions',
  'coupons',
  'pointEntries',
] as const satisfies readonly CollectionName[];

/** Names every plain object answers through its prototype. */
export const INHERITED_NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
] as const;

export type Mutation =
  | { kind: 'none' }
  | { kind: 'inherited-key'; name: string; at: number; value: Value }
  | { kind: 'nul-or-surrogate'; at: number; text: string; inKey: boolean }
  | { kind: 'foreign-currency'; currency: string }
  | { kind: 'unknown-sku'; sku: string }
  | { kind: 'number'; at: number; value: Value }
  | { kind: 'wrong-type'; at: number; value: Value }
  | { kind: 'drop-field'; at: number }
  | { kind: 'forged-owner'; field: 'store' | 'device' | 'id-prefix' | 'member' | 'fact' }
  | { kind: 'bad-time'; time: string }
  | { kind: 'bad-refund'; how: 'negative' | 'unequal' | 'unknown-sale' }
  | { kind: 'forged-points'; points: number };

/** A value to put somewhere: JSON, a huge string or a deeply nested array (sent as raw JSON). */
export type Value =
  | { kind: 'json'; json: unknown }
  | { kind: 'huge-string'; length: number }
  | { kind: 'deep'; depth: number; open: '[' | '{"a":' };

export type DocRecipe = { picks: number[]; mutation: Mutation };
export type CaseRecipe = {
  /** Index into FUZZ_DEVICES, or -1 for the HQ admin token. */
  principal: number;
  collection: CollectionName;
  docs: DocRecipe[];
};

export type FuzzScale = { hugeStrings: boolean };

const valueArb = (scale: FuzzScale): fc.Arbitrary<Value> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => ({ kind: 'json', json }) as const),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          ...(scale.hugeStrings ? [1_000, 200_000, 2_000_000, 9_900_000] : [1_000, 50_000]),
        )
        .map((length) => ({ kind: 'huge-string', length }) as const),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('deep' as const),
        depth: fc.constantFrom(50, 1_000, 10_000),
        open: fc.constantFrom('[' as const, '{"a":' as const),
      }),
    },
  );

const numberArb: fc.Arbitrary<Value> = fc
  .oneof(
    fc.constantFrom(-1, -0, 0.5, -1e13, 1e308, Number.MAX_SAFE_INTEGER + 2, -2147483649),
    fc.constantFrom('NaN', 'Infinity', '12', '', null),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  )
  .map((json) => ({ kind: 'json', json }) as const);

const nastyText = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\udc00y',
  '\ud83d',
  '\u0000\ud800',
);

export const mutationArb = (scale: FuzzScale): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { weight: 14, arbitrary: fc.constant({ kind: 'none' } as const) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('inherited-key' as const),
        name: fc.constantFrom(...INHERITED_NAMES),
        at: fc.nat(),
        value: valueArb(scale),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('nul-or-surrogate' as const),
        at: fc.nat(),
        text: nastyText,
        inKey: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('foreign-currency' as const),
        currency: fc.constantFrom('USD', 'EUR', 'JPY', 'HKD', 'XXX'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('unknown-sku' as const),
        sku: fc.constantFrom(
          'SKU-9999',
          'SKU-0000',
          'FZ-UNKNOWN-1',
          '<script>',
          '',
          ' ',
          'S001:x',
          'a/b',
          'x'.repeat(101),
        ),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('number' as const),
        at: fc.nat(),
        value: numberArb,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('wrong-type' as const),
        at: fc.nat(),
        value: fc
          .constantFrom<unknown>(null, true, [], {}, '1', 1, [1], { a: 1 })
          .map((json) => ({ kind: 'json', json }) as const),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop-field' as const), at: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('forged-owner' as const),
        field: fc.constantFrom(
          'store' as const,
          'device' as const,
          'id-prefix' as const,
          'member' as const,
          'fact' as const,
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('bad-time' as const),
        time: fc.constantFrom('NaN', '', 'yesterday', '2026-13-45T99:00:00Z', '0', 'Infinity'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('bad-refund' as const),
        how: fc.constantFrom('negative' as const, 'unequal' as const, 'unknown-sale' as const),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('forged-points' as const),
        points: fc.constantFrom(1, 100, 999_999, -50, 1e9),
      }),
    },
  );

export const caseArb = (scale: FuzzScale): fc.Arbitrary<CaseRecipe> =>
  fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0, max: FUZZ_DEVICES.length - 1 }) },
        { weight: 1, arbitrary: fc.constant(-1) },
      ),
      fc.nat(),
      fc.array(
        fc.record({
          picks: fc.array(fc.nat({ max: 1_000_000 }), { minLength: 12, maxLength: 12 }),
          mutation: mutationArb(scale),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    )
    .map(([principal, c, docs]) => {
      const collections = principal < 0 ? ADMIN_COLLECTIONS : DEVICE_COLLECTIONS;
      // Sales are what tills push most; weight them so the projections move.
      const pick = c % (collections.length + 3);
      const collection =
        pick >= collections.length ? (principal < 0 ? 'coupons' : 'saleFacts') : collections[pick]!;
      return { principal, collection, docs };
    });

/** Deterministic ULID-shaped ids (Crockford base32, 26 characters) from a counter. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function ulidLike(n: number, salt = 0): string {
  let out = '';
  let x = BigInt(n) * 7919n + BigInt(salt) * 104729n;
  for (let i = 0; i < 20; i++) {
    out = CROCKFORD[Number(x % 32n)]! + out;
    x /= 32n;
  }
  return `01JF${String(salt % 10)}Z${out}`;
}

const iso = (seconds: number) => new Date(Date.UTC(2026, 5, 1) + seconds * 1000).toISOString();

type Picker = { next(max: number): number; chance(percent: number): boolean };
function picker(picks: readonly number[]): Picker {
  let i = 0;
  const next = (max: number) => (max <= 0 ? 0 : (picks[i++ % picks.length]! + i * 31) % max);
  return { next, chance: (percent) => next(100) < percent };
}

/**
 * planReturn, or null when the accepted sale is one the planner cannot read
 * (the server accepts some sales the checkout would never make, e.g. a points
 * tender that names no points).
 */
function planSafely(...args: Parameters<typeof planReturn>): ReturnType<typeof planReturn> | null {
  try {
    return planReturn(...args);
  } catch {
    return null;
  }
}

/** A valid sale made by `device` through the domain's checkout, as a till makes it. */
export function validSale(device: FuzzDevice, n: number, p: Picker, model: FuzzModel): SaleFact {
  try {
    return checkoutSale(device, n, p, model, true);
  } catch {
    // A coupon HQ wrote in a shape the checkout cannot apply: sell without it.
    return checkoutSale(device, n, p, model, false);
  }
}

function checkoutSale(
  device: FuzzDevice,
  n: number,
  p: Picker,
  model: FuzzModel,
  withCoupon: boolean,
): SaleFact {
  let cart = newCheckout('CNY', 'inclusive');
  const memberChoice = p.next(6);
  const member = memberChoice < 3 ? DEMO_MEMBER_VIEWS[memberChoice] : undefined;
  if (member) cart = attachMember(cart, member);
  const lineCount = 1 + p.next(3);
  for (let i = 0; i < lineCount; i++) {
    const product = DEMO_PRODUCTS[p.next(DEMO_PRODUCTS.length)]!;
    const price = DEMO_PRICES.find((x) => x.sku === product.id);
    cart = addItem(cart, { lineId: `L${i + 1}`, product, price, quantity: 1 + p.next(3) });
  }
  if (withCoupon && p.chance(25)) {
    const coupons = model.couponsForSale();
    const coupon: Coupon | undefined = coupons[p.next(coupons.length)];
    if (coupon) cart = addCoupon(cart, { ...coupon, status: 'issued' });
  }
  const now = iso(n);
  const ctx = { storeId: device.storeId, channel: 'store' as const, now, utcOffsetMinutes: 480 };
  const pricing = priceCheckout(cart, { ...ctx, promotions: DEMO_PROMOTIONS });
  let left = pricing.total;
  const tenders: PaymentTender[] = [];
  if (member && p.chance(30)) {
    const points = 100 * (1 + p.next(5));
    const redeemed = redeemPoints(points, model.balance(member.id) + 10_000, left, DEMO_REDEMPTION);
    if (redeemed.ok) {
      tenders.push(redeemed.tender);
      left -= redeemed.tender.amount;
    }
  }
  if (left > 0)
    tenders.push(
      p.chance(50)
        ? { kind: 'cash', amount: left }
        : { kind: 'card', amount: left, reference: `R${n}` },
    );
  for (const tender of tenders) cart = addTender(cart, tender);
  const settlement = settleCheckout(cart, pricing);
  // [PI4] A member found only by phone: by its blind index, an unknown
  // phone's, or (an earlier till's sale, [PK10]) the phone in plaintext.
  const phoneChoice = !member ? p.next(4) : 3;
  const phone =
    phoneChoice === 0 || phoneChoice === 1
      ? DEMO_MEMBERS[p.next(DEMO_MEMBERS.length)]!.phone
      : '13700000000';
  const memberPhoneIndex =
    phoneChoice === 0 || phoneChoice === 2
      ? phoneIndex(DEMO_PRIVACY_KEYS.indexKey, phone)
      : undefined;
  const sale = buildSaleFact(cart, pricing, settlement, {
    id: `${device.deviceId}-${ulidLike(n, 1)}`,
    storeId: device.storeId,
    deviceId: device.deviceId,
    channel: 'store',
    now,
    cashierId: `${device.storeId}-E01`,
    ...(memberPhoneIndex ? { memberPhoneIndex } : {}),
    earnRules: DEMO_EARN_RULES,
  });
  return phoneChoice === 1 ? { ...sale, memberPhone: phone } : sale;
}

type Doc = Record<string, unknown>;

const ORDER_FACT_KINDS = Object.keys(ORDER_FACT_SCHEMAS) as OrderFactKind[];

/** [SHS1] The steps the push fuzz sends; short picks reroute, fuzzed on their own (fulfilment fuzz). */
const FUZZ_STEPS = ['pick', 'pick', 'pack', 'label', 'handover'] as const;

/**
 * [SHS1] A step on one of the parcels the model knows (mostly one of the
 * device's store), or on a parcel no one made: a pick of some of its lines'
 * units left (sometimes more), a pack, a label or a hand-over.
 */
function fulfilmentDoc(owner: FuzzDevice, n: number, p: Picker, model: FuzzModel): Doc {
  const parcels = model.shipmentList();
  const mine = parcels.filter((s) => s.storeId === owner.storeId);
  const from = mine.length > 0 && p.chance(85) ? mine : parcels;
  const parcel = p.chance(95) ? from[p.next(from.length)] : undefined;
  // Mostly the step the parcel is ready for, so parcels get packed and handed over; else any.
  const left = parcel?.lines.filter((l) => unitsToPick(l) > 0) ?? [];
  const ready =
    parcel?.status === 'packed'
      ? parcel.labelPrints > 0
        ? 'handover'
        : 'label'
      : left.length > 0 || !parcel
        ? 'pick'
        : 'pack';
  const step = p.chance(75) ? ready : FUZZ_STEPS[p.next(FUZZ_STEPS.length)]!;
  const doc: Doc = {
    kind: 'fulfilment',
    id: `${owner.deviceId}-${ulidLike(n, 9)}`,
    storeId: owner.storeId,
    shipmentId: parcel?.shipmentId ?? `FUZZ-PARCEL-${n % 5}`,
    step,
    at: iso(n),
    deviceId: owner.deviceId,
    staffId: `${owner.storeId}-E01`,
  };
  if (step !== 'pick') return doc;
  const lines = (left.length ? left : (parcel?.lines ?? []))
    .filter(() => p.chance(80))
    .map((l) => ({
      orderId: l.orderId,
      lineId: l.lineId,
      // Mostly every unit left; sometimes fewer, or more than there are.
      quantity: p.chance(70) ? Math.max(1, unitsToPick(l)) : 1 + p.next(unitsToPick(l) + 2),
    }));
  const first = parcel?.lines[0];
  return {
    ...doc,
    lines: lines.length
      ? lines
      : [{ orderId: first?.orderId ?? 'ORD-X', lineId: first?.lineId ?? 'L1', quantity: 1 }],
    by: 'barcode',
  };
}

/**
 * [OS5] A hand-over, till payment or return of one of the orders the fuzz
 * server holds (or of an order it does not know), as a till at `device`'s
 * store writes it: mostly what the order allows, sometimes more than it
 * allows (a second hand-over, a wrong amount, a wrong refund).
 */
function orderFactDoc(
  kind: OrderFactKind,
  device: FuzzDevice | null,
  n: number,
  p: Picker,
  model: FuzzModel,
): Doc {
  const owner = device ?? FUZZ_DEVICES[0]!;
  if (kind === 'fulfilment') return fulfilmentDoc(owner, n, p, model);
  const orders = model.orderList();
  const order = p.chance(90) ? orders[p.next(orders.length)] : undefined;
  const orderId = order?.id ?? `ORD-FUZZ-UNKNOWN-${n % 7}`;
  const base = {
    kind,
    id: `${owner.deviceId}-${ulidLike(n, 9)}`,
    storeId: owner.storeId,
    orderId,
    at: iso(n),
    deviceId: owner.deviceId,
    staffId: `${owner.storeId}-E01`,
  };
  const lines = (order?.lines ?? [{ lineId: 'L1', quantity: 1, pickedUp: 1 }])
    .filter(() => p.chance(70))
    .map((l) => ({ lineId: l.lineId, quantity: 1 + p.next(Math.max(1, l.quantity)) }));
  const some = lines.length ? lines : [{ lineId: order?.lines[0]?.lineId ?? 'L1', quantity: 1 }];
  switch (kind) {
    case 'pickup':
      return { ...base, lines: some, proof: p.chance(50) ? 'code' : 'qr' };
    case 'orderPayment':
      return {
        ...base,
        amount: (order?.total ?? 1000) + (p.chance(85) ? 0 : 1),
        tender: (['cash', 'card', 'qr'] as const)[p.next(3)]!,
      };
    case 'orderReturn': {
      const checked = order ? checkOrderReturn(order, some) : null;
      const refund = checked?.ok ? checked.refund : 100 * p.next(50);
      return {
        ...base,
        lines: some,
        refund: refund + (p.chance(90) ? 0 : 1),
        refundTo: p.chance(50) ? 'original' : 'cash',
      };
    }
  }
}

/** The valid (unmutated) document of a recipe, or null when the model has nothing to base it on. */
function validDoc(
  collection: CollectionName,
  device: FuzzDevice | null,
  n: number,
  p: Picker,
  model: FuzzModel,
): Doc {
  const store = device?.storeId ?? 'S001';
  const deviceId = device?.deviceId ?? 'S001-POS1';
  const sku = DEMO_PRODUCTS[p.next(DEMO_PRODUCTS.length)]!.id;
  switch (collection) {
    case 'saleFacts':
      return validSale(device ?? FUZZ_DEVICES[0]!, n, p, model);
    case 'returns': {
      const sales = model.salesFor(store);
      const sale =
        sales[p.next(sales.length)] ?? validSale(device ?? FUZZ_DEVICES[0]!, n, p, model);
      const request = sale.lines
        .filter(() => p.chance(70))
        .map((l) => ({ lineId: l.lineId, quantity: 1 + p.next(l.quantity) }));
      const planned = planSafely(
        sale,
        model.returnsOf(sale.id),
        request.length ? request : [{ lineId: sale.lines[0]!.lineId, quantity: 1 }],
        {
          id: `${deviceId}-${ulidLike(n, 2)}`,
          storeId: store,
          deviceId,
          now: iso(n + 3600),
        },
      );
      if (planned?.ok) return planned.ret;
      // Everything already returned: a return of a sale that was never made.
      const other = validSale(device ?? FUZZ_DEVICES[0]!, n + 500_000_000, p, model);
      const fresh = planReturn(other, [], [{ lineId: other.lines[0]!.lineId, quantity: 1 }], {
        id: `${deviceId}-${ulidLike(n, 2)}`,
        storeId: store,
        deviceId,
        now: iso(n + 3600),
      });
      if (!fresh.ok) throw new Error(fresh.message);
      return fresh.ret;
    }
    case 'stockMovements': {
      const kinds = [
        'receive',
        'adjust',
        'transfer-in',
        'transfer-out',
        'reserve',
        'release',
      ] as const;
      const kind = kinds[p.next(kinds.length)]!;
      const quantity =
        kind === 'adjust' ? (p.chance(50) ? -1 : 1) * (1 + p.next(5)) : 1 + p.next(10);
      const movement: LedgerMovement = {
        id: `${deviceId}-${ulidLike(n, 3)}`,
        location: store,
        sku,
        kind,
        quantity,
        at: iso(n),
        ...(kind === 'transfer-in' || kind === 'transfer-out'
          ? { counterpart: store === 'S001' ? 'S002' : 'S001' }
          : {}),
        ...(kind === 'reserve' || kind === 'release' ? { reservationId: `RES-${n % 50}` } : {}),
        ...(kind === 'reserve' ? { expiresAt: iso(n + 86_400) } : {}),
      };
      return movement;
    }
    case 'pointEntries': {
      if (!device) {
        const member = DEMO_MEMBERS[p.next(DEMO_MEMBERS.length)]!;
        const entry: PointEntry = {
          id: `FZ-ADJ-${ulidLike(n, 4)}`,
          memberId: member.id,
          kind: 'adjust',
          points: p.chance(70) ? 1 + p.next(300) : -(1 + p.next(2_000)),
          factId: `CASE-${n}`,
          at: iso(n),
        };
        return entry;
      }
      // A replay of an entry the server derived from one of this till's sales.
      const entries = model.derivedEntriesOf(deviceId);
      const entry = entries[p.next(entries.length)];
      if (entry) return entry;
      const sale = validSale(device, n, p, model);
      return (
        pointEntriesForSale({
          id: sale.id,
          memberId: 'M0001',
          at: sale.soldAt,
          earned: 10,
          redeemed: 0,
        })[0] ?? {}
      );
    }
    case 'shifts': {
      const open = {
        id: `${deviceId}-${ulidLike(n, 5)}`,
        storeId: store,
        deviceId,
        cashierId: `${store}-E01`,
        openedAt: iso(n),
        openingFloat: 100 * p.next(500),
      };
      const sales = model
        .salesFor(store)
        .filter((s) => s.deviceId === deviceId)
        .slice(-5);
      const totals = shiftTotals({ sales, returns: [], noSaleOpens: p.next(3) });
      return closeShift(open, totals, open.openingFloat + p.next(5_000), iso(n + 28_800));
    }
    case 'stores':
      return {
        id: `FZ-S${n}`,
        name: `Fuzz store ${n}`,
        address: 'Shanghai',
        currency: 'CNY',
        status: 'open',
      };
    case 'products':
      return {
        id: `FZ-P${n}`,
        name: `Fuzz product ${n}`,
        gtin: `0${withCheckDigit(`69${String(n % 1e10).padStart(10, '0')}`)}`,
        category: 'Grocery',
        taxClass: 'VAT13',
        status: 'active',
      };
    case 'prices':
      return {
        id: `FZ-LIST:${sku}:${n}`,
        priceList: 'FZ-LIST',
        sku,
        amount: 100 + p.next(10_000),
        currency: 'CNY',
      };
    case 'staff': {
      const { pinSalt, pinHash, ...rest } = staffFixture({
        id: `FZ-E${n}`,
        storeId: DEMO_STORES[p.next(2)]!.id,
      });
      return { ...rest, pinSalt, pinHash };
    }
    case 'promotions':
      return { ...DEMO_PROMOTIONS[p.next(DEMO_PROMOTIONS.length)]!, id: `FZ-PROMO-${n}` };
    case 'coupons': {
      // Mostly new coupons (sales may redeem them); now and then an existing one, which needs its _rev.
      if (p.chance(15)) return { ...DEMO_COUPONS[p.next(DEMO_COUPONS.length)]! };
      const base = DEMO_COUPONS[0]!;
      return { ...base, id: `FZ-CP-${n}`, status: p.chance(85) ? 'issued' : 'void' };
    }
    default:
      return { id: `FZ-${n}` };
  }
}

/** Every object inside `value` (itself included), in a stable order. */
function objectsIn(value: unknown, out: Doc[] = []): Doc[] {
  if (value && typeof value === 'object') {
    if (!Array.isArray(value)) out.push(value as Doc);
    for (const child of Object.values(value)) objectsIn(child, out);
  }
  return out;
}

/** Every [holder, key] of a leaf or branch inside `value`, in a stable order. */
function slotsIn(
  value: unknown,
  out: [Doc | unknown[], string | number][] = [],
): [Doc | unknown[], string | number][] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([value, i]), slotsIn(v, out)));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([value as Doc, k]);
      slotsIn(v, out);
    }
  }
  return out;
}

/** Sets an own, enumerable property, also for `__proto__`, so JSON.stringify sends it. */
function setOwn(target: Doc | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Raw JSON fragments (deep nesting) too large or deep for JSON.stringify, spliced in afterwards. */
export type RawFragments = Map<string, () => string>;

function materialise(value: Value, raw: RawFragments): unknown {
  if (value.kind === 'json') return value.json;
  if (value.kind === 'huge-string') return 'x'.repeat(value.length);
  const marker = `\u0001RAW${raw.size}\u0001`;
  const close = value.open === '[' ? ']' : '}';
  raw.set(marker, () => `${value.open.repeat(value.depth)}1${close.repeat(value.depth)}`);
  return marker;
}

function mutate(
  collection: CollectionName,
  doc: Doc,
  m: Mutation,
  device: FuzzDevice | null,
  n: number,
  raw: RawFragments,
): Doc {
  const objects = objectsIn(doc);
  const slots = slotsIn(doc).filter(([, k]) => k !== '_id');
  const slot = (at: number) => slots[at % Math.max(1, slots.length)];
  switch (m.kind) {
    case 'none':
      return doc;
    case 'inherited-key': {
      setOwn(objects[m.at % objects.length]!, m.name, materialise(m.value, raw));
      return doc;
    }
    case 'nul-or-surrogate': {
      if (m.at % 5 === 0) doc._id = `${String(doc._id)}${m.text}`;
      else if (m.inKey) setOwn(objects[m.at % objects.length]!, `k${m.text}`, 1);
      else {
        const strings = slots.filter(([h, k]) => typeof (h as Doc)[k as string] === 'string');
        const s = strings[m.at % Math.max(1, strings.length)];
        if (s) setOwn(s[0], s[1], `${String((s[0] as Doc)[s[1] as string])}${m.text}`);
      }
      return doc;
    }
    case 'foreign-currency':
      for (const o of objects) if ('currency' in o) o.currency = m.currency;
      return doc;
    case 'unknown-sku':
      for (const o of objects)
        if ('sku' in o) {
          o.sku = m.sku;
          break;
        }
      return doc;
    case 'number':
    case 'wrong-type': {
      const numeric = slots.filter(([h, k]) => typeof (h as Doc)[k as string] === 'number');
      const s = (m.kind === 'number' ? numeric : slots)[
        m.at % Math.max(1, (m.kind === 'number' ? numeric : slots).length)
      ];
      if (s) setOwn(s[0], s[1], materialise(m.value, raw));
      return doc;
    }
    case 'drop-field': {
      const s = slot(m.at);
      if (s && !Array.isArray(s[0])) delete (s[0] as Doc)[s[1] as string];
      return doc;
    }
    case 'forged-owner': {
      const other = device?.storeId === 'S002' ? 'S001' : 'S002';
      if (m.field === 'store') {
        if ('storeId' in doc) doc.storeId = other;
        if ('location' in doc) doc.location = other;
      } else if (m.field === 'device') {
        if ('deviceId' in doc)
          doc.deviceId = device?.deviceId === 'S001-POS2' ? 'S001-POS1' : 'S001-POS2';
      } else if (m.field === 'id-prefix') {
        // S001-POS1 writing in S001-POS1-B's namespace (and the other way round).
        const victim = device?.deviceId === 'S001-POS1' ? 'S001-POS1-B' : 'S001-POS1';
        const id = `${victim}-${ulidLike(n, 6)}`;
        doc._id = id;
        if ('factId' in doc) doc.factId = id;
      } else if (m.field === 'member') {
        if ('memberId' in doc) doc.memberId = p3(n);
        else doc.memberId = 'M0003';
      } else {
        const fact = `${device?.deviceId ?? 'S001-POS1'}-${ulidLike(n, 7)}`;
        doc.factId = fact;
        if (collection === 'pointEntries') doc._id = `${fact}:${String(doc.kind)}`;
        if ('saleId' in doc) doc.saleId = fact;
      }
      return doc;
    }
    case 'bad-time':
      for (const key of [
        'soldAt',
        'returnedAt',
        'at',
        'closedAt',
        'openedAt',
        'validFrom',
        'validTo',
      ]) {
        if (key in doc) {
          doc[key] = m.time;
          break;
        }
      }
      return doc;
    case 'bad-refund': {
      if (collection !== 'returns') return doc;
      const lines = doc.lines as { refund: number }[];
      if (m.how === 'negative') {
        for (const l of lines) l.refund = -Math.abs(l.refund) - 1;
        doc.refund = lines.reduce((s, l) => s + l.refund, 0);
      } else if (m.how === 'unequal') doc.refund = (doc.refund as number) + 100;
      else doc.saleId = `${device?.deviceId ?? 'S001-POS1'}-${ulidLike(n, 8)}`;
      return doc;
    }
    case 'forged-points': {
      if ('points' in doc && typeof doc.points === 'number') doc.points = m.points;
      else if (collection === 'saleFacts' || collection === 'returns') {
        const pts = doc.points as Record<string, number>;
        for (const k of Object.keys(pts)) pts[k] = Math.abs(m.points);
      }
      return doc;
    }
  }
}

const p3 = (n: number) => ['M0001', 'M0002', 'M0003', 'M9999'][n % 4]!;

/** A built request: the JSON text to post, and for each document what was meant. */
export type BuiltCase = {
  collection: CollectionName;
  device: FuzzDevice | null;
  token: string;
  text: string;
  docs: { mutation: Mutation['kind'] }[];
};

/** Turns a recipe into a `_bulk_docs` body, numbering documents from `firstN`. */
export function buildCase(
  recipe: CaseRecipe,
  model: FuzzModel,
  firstN: number,
  adminToken: string,
): BuiltCase {
  const device = recipe.principal < 0 ? null : FUZZ_DEVICES[recipe.principal]!;
  const raw: RawFragments = new Map();
  const docs = recipe.docs.map((d, i) => {
    const n = firstN + i;
    const p = picker(d.picks);
    // A deep copy: mutations must never reach the demo documents or the model.
    // [DK2] A `facts` document is a fact of one kind, laid out flat with its `kind`.
    const kindPick =
      (d.picks[11] ?? 0) % (LEGACY_FACT_COLLECTIONS.length + ORDER_FACT_KINDS.length);
    // [OS5] The order facts only ever travel in `facts`.
    const orderKind =
      recipe.collection === 'facts' && kindPick >= LEGACY_FACT_COLLECTIONS.length
        ? ORDER_FACT_KINDS[kindPick - LEGACY_FACT_COLLECTIONS.length]!
        : null;
    const kindDb =
      recipe.collection === 'facts' && !orderKind
        ? LEGACY_FACT_COLLECTIONS[kindPick]!
        : recipe.collection;
    let valid = orderKind
      ? orderFactDoc(orderKind, device, n, p, model)
      : validDoc(kindDb, device, n, p, model);
    if (recipe.collection === 'facts' && !orderKind) {
      const kind = factKindOf(kindDb as LegacyFactCollection);
      valid = toFact(kind, valid as never) as unknown as Doc;
    }
    const { id, ...body } = structuredClone(valid);
    const wire: Doc = { _id: id, ...body, _deleted: false };
    return mutate(kindDb, wire, d.mutation, device, n, raw);
  });
  let text = JSON.stringify({ docs });
  for (const [marker, fragment] of raw) {
    text = text.replace(JSON.stringify(marker), fragment());
  }
  return {
    collection: recipe.collection,
    device,
    token: device?.token ?? adminToken,
    text,
    docs: recipe.docs.map((d) => ({ mutation: d.mutation.kind })),
  };
}

/** Sale movements of an accepted sale, for the model (re-exported for one import site). */
export { ledgerMovementsForSale };
