/**
 * The checkout cart: lines added by scan or search, quantities, voids, price
 * overrides and a cart discount (each needing a permitted role), a member,
 * coupons, points and tenders; priced by the promotion engine into a result
 * every receipt figure comes from, and turned into an immutable sale fact.
 * Pure: products, prices, promotions, staff, ids and time come in as
 * arguments.
 * See SPEC.md [CK1]-[CK10].
 */
import { spreadDiscount } from './adjustments';
import { parseGtin } from './barcode';
import { applyCoupons, type Coupon } from './coupons';
import { sameCredits, type LineCredit } from './commission';
import { parseCurrency } from './currency';
import type { Price, Product, TaxClass } from './documents';
import { describeValue, DomainError, ensure } from './errors';
import { assertMinor, formatMinorPlain, multiplyMinor, sumMinor, type Minor } from './money';
import { earnPoints, type EarnRule, type Member } from './points';
import { applyPromotions, type PricingStrategy } from './promotion-engine';
import type {
  Channel,
  PricedCart,
  PricingContext,
  PricingItem,
  Promotion,
} from './promotion-types';
import { allocateByLargestRemainder, type CashRounding, NO_CASH_ROUNDING } from './rounding';
import { taxBreakdown, type PriceBasis, type TaxBreakdown } from './tax';
import type { SaleFact } from './sale-fact';
import { settle, type PaymentTender, type Settlement } from './tender';
import {
  parseVariableMeasure,
  priceForWeight,
  type VariableMeasureLayout,
} from './variable-measure';

export type Role = 'cashier' | 'supervisor' | 'manager';
export type Permission = 'price-override' | 'cart-discount' | 'void-line' | 'refund' | 'no-sale';

/** Chain-wide staff record (server-owned, flows down). */
export type Staff = {
  id: string;
  name: string;
  storeId: string;
  roles: Role[];
  /** Random per staff member, hex; see staff-pin.ts [SI1]. */
  pinSalt: string;
  /** HMAC-SHA-256 of the PIN keyed by the salt, hex. */
  pinHash: string;
  status: 'active' | 'left';
};

const SUPERVISION: readonly Permission[] = [
  'price-override',
  'cart-discount',
  'void-line',
  'refund',
  'no-sale',
];

/** [CK5] Which roles may do what: a cashier needs a supervisor's approval for each. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  cashier: [],
  supervisor: SUPERVISION,
  manager: SUPERVISION,
};

export function can(staff: Staff, permission: Permission): boolean {
  return (
    staff.status === 'active' && staff.roles.some((r) => ROLE_PERMISSIONS[r].includes(permission))
  );
}

export type CheckoutLine = {
  lineId: string;
  sku: string;
  name: string;
  gtin: string;
  category: string;
  brand?: string;
  taxClass: TaxClass;
  quantity: number;
  /** List price per unit (for a weighed line: the amount for its weight). */
  listPrice: Minor;
  /** Weighed items: the weight and the price per kg it was priced from. */
  weight?: { grams: number; pricePerKg: Minor };
  override?: { unitPrice: Minor; by: string; reason: string };
  /** [TK4] The staff credited with the line: it came from a clerk's take-now code. */
  credits?: LineCredit[];
  /**
   * [RC1] [RC3] The tagged items of a line rung up by RFID, one EPC per unit,
   * in the order they were read; `quantity` is always their count.
   */
  epcs?: readonly string[];
};

export type CheckoutCart = {
  currency: string;
  priceBasis: PriceBasis;
  lines: readonly CheckoutLine[];
  member?: { id: string; tier: string };
  coupons: readonly Coupon[];
  cartDiscount?: { amount: Minor; by: string; reason: string };
  tenders: readonly PaymentTender[];
  /** [TK4] The clerk's tablet cart whose take-now code brought the credited lines. */
  takeNowCartId?: string;
};

export type CheckoutErrorCode =
  | 'CURRENCY_UNKNOWN'
  | 'PRODUCT_NOT_SELLABLE'
  | 'PRICE_MISSING'
  | 'PRODUCT_UNKNOWN'
  | 'QUANTITY_INVALID'
  | 'LINE_UNKNOWN'
  | 'LINE_ID_TAKEN'
  | 'NOT_PERMITTED'
  | 'AMOUNT_INVALID'
  | 'MEMBER_CLOSED'
  | 'COUPON_ALREADY_IN_CART'
  | 'SCAN_UNREADABLE'
  | 'CART_EMPTY'
  | 'NOT_PAID'
  | 'POINTS_NEED_MEMBER';

const check: (c: unknown, code: CheckoutErrorCode, message: string) => asserts c = ensure;

/** [CK1] A new cart in a supported currency; an unknown currency is refused. */
export function newCheckout(currency = 'CNY', priceBasis: PriceBasis = 'inclusive'): CheckoutCart {
  const c = parseCurrency(currency);
  if (!c.ok) throw new DomainError('CURRENCY_UNKNOWN', c.message);
  return { currency, priceBasis, lines: [], coupons: [], tenders: [] };
}

function checkQuantity(quantity: number): void {
  check(
    Number.isSafeInteger(quantity) && quantity >= 1 && quantity <= 100_000,
    'QUANTITY_INVALID',
    `quantity must be a whole number from 1 to 100000, got ${describeValue(quantity)}`,
  );
}

function findLine(cart: CheckoutCart, lineId: string): number {
  const i = cart.lines.findIndex((l) => l.lineId === lineId);
  check(i >= 0, 'LINE_UNKNOWN', `no line ${lineId} in the cart`);
  return i;
}

/**
 * [CK2] Adds a product found by scan or search. Adding a SKU already on a
 * plain line adds to its quantity; a discontinued product or one without a
 * price in the cart's currency is refused, naming it. [TK4] A line with
 * credits (a take-now code's) merges only into a line with the same credits,
 * and a plain one never into a credited one.
 */
export function addItem(
  cart: CheckoutCart,
  input: {
    lineId: string;
    product: Product;
    price: Price | undefined;
    quantity?: number;
    brand?: string;
    credits?: LineCredit[];
  },
): CheckoutCart {
  const { product, price, lineId } = input;
  const quantity = input.quantity ?? 1;
  checkQuantity(quantity);
  check(
    product.status === 'active',
    'PRODUCT_NOT_SELLABLE',
    `${product.name} is discontinued and cannot be sold`,
  );
  check(
    price !== undefined && price.sku === product.id && price.currency === cart.currency,
    'PRICE_MISSING',
    `${product.name} has no price in ${cart.currency}; ask a supervisor`,
  );
  const sameCredit = (l: CheckoutLine) =>
    l.credits === undefined || input.credits === undefined
      ? l.credits === input.credits
      : sameCredits(l.credits, input.credits);
  // [RC1] A line rung up by RFID holds its EPCs: a plain unit never joins it.
  const existing = cart.lines.findIndex(
    (l) => l.sku === product.id && !l.weight && !l.override && !l.epcs && sameCredit(l),
  );
  if (existing >= 0) {
    const line = cart.lines[existing]!;
    return setQuantity(cart, line.lineId, line.quantity + quantity);
  }
  check(
    !cart.lines.some((l) => l.lineId === lineId),
    'LINE_ID_TAKEN',
    `line id ${lineId} is taken`,
  );
  const line: CheckoutLine = {
    lineId,
    sku: product.id,
    name: product.name,
    gtin: product.gtin,
    category: product.category,
    taxClass: product.taxClass,
    quantity,
    listPrice: assertMinor(price.amount, 'price'),
    ...(input.brand !== undefined ? { brand: input.brand } : {}),
    ...(input.credits !== undefined ? { credits: input.credits } : {}),
  };
  return { ...cart, lines: [...cart.lines, line] };
}

export type CatalogLookup = (
  gtin: string,
) => { product: Product; price: Price | undefined; brand?: string } | undefined;

/**
 * [CK3] Adds what the scanner read: a GTIN, or a variable-measure code whose
 * embedded price or weight prices the line (weighed lines never merge).
 */
export function addScan(
  cart: CheckoutCart,
  code: string,
  lookup: CatalogLookup,
  layouts: readonly VariableMeasureLayout[],
  lineId: string,
): CheckoutCart {
  const vm = parseVariableMeasure(code, layouts);
  if (vm.ok) {
    const found = lookup(vm.lookupGtin);
    check(found, 'PRODUCT_UNKNOWN', `no product for in-store code ${vm.itemCode}`);
    const { product, price } = found;
    check(
      product.status === 'active',
      'PRODUCT_NOT_SELLABLE',
      `${product.name} is discontinued and cannot be sold`,
    );
    check(
      !cart.lines.some((l) => l.lineId === lineId),
      'LINE_ID_TAKEN',
      `line id ${lineId} is taken`,
    );
    let listPrice: Minor;
    let weight: CheckoutLine['weight'];
    if (vm.valueKind === 'price') listPrice = vm.price;
    else {
      check(
        price !== undefined && price.currency === cart.currency,
        'PRICE_MISSING',
        `${product.name} has no price per kg; ask a supervisor`,
      );
      check(
        vm.grams > 0,
        'QUANTITY_INVALID',
        `the scale label for ${product.name} shows no weight`,
      );
      listPrice = priceForWeight(price.amount, vm.grams);
      weight = { grams: vm.grams, pricePerKg: price.amount };
    }
    const line: CheckoutLine = {
      lineId,
      sku: product.id,
      name: product.name,
      gtin: vm.lookupGtin,
      category: product.category,
      taxClass: product.taxClass,
      quantity: 1,
      listPrice,
      ...(weight ? { weight } : {}),
      ...(found.brand !== undefined ? { brand: found.brand } : {}),
    };
    return { ...cart, lines: [...cart.lines, line] };
  }
  const gtin = parseGtin(code);
  if (!gtin.ok) throw new DomainError('SCAN_UNREADABLE', gtin.message);
  const found = lookup(gtin.gtin);
  check(found, 'PRODUCT_UNKNOWN', `no product with barcode ${gtin.gtin}`);
  return addItem(cart, { lineId, ...found });
}

/**
 * [CK4] Sets a line's quantity (whole, 1-100000); weighed lines stay at 1.
 * [RC3] A line rung up by RFID only goes down, dropping its last-read EPCs
 * (they may be read again); another unit is its tag read.
 */
export function setQuantity(cart: CheckoutCart, lineId: string, quantity: number): CheckoutCart {
  checkQuantity(quantity);
  const i = findLine(cart, lineId);
  const line = cart.lines[i]!;
  check(
    !line.weight || quantity === 1,
    'QUANTITY_INVALID',
    'a weighed item is scanned again instead',
  );
  if (line.epcs) {
    check(
      quantity <= line.epcs.length,
      'QUANTITY_INVALID',
      `${line.name} was rung up by RFID: read the tag of each further item instead`,
    );
    const epcs = line.epcs.slice(0, quantity);
    return { ...cart, lines: cart.lines.map((l, k) => (k === i ? { ...l, quantity, epcs } : l)) };
  }
  return { ...cart, lines: cart.lines.map((l, k) => (k === i ? { ...l, quantity } : l)) };
}

/** [CK4] Voids (removes) a line before payment. */
export function voidLine(cart: CheckoutCart, lineId: string): CheckoutCart {
  const i = findLine(cart, lineId);
  return { ...cart, lines: cart.lines.filter((_, k) => k !== i) };
}

/** [CK5] A price override needs a role allowed to do it; the line then takes no promotions. */
export function overridePrice(
  cart: CheckoutCart,
  lineId: string,
  unitPrice: Minor,
  staff: Staff,
  reason: string,
): CheckoutCart {
  check(can(staff, 'price-override'), 'NOT_PERMITTED', `${staff.name} may not override prices`);
  check(
    Number.isSafeInteger(unitPrice) && unitPrice >= 0,
    'AMOUNT_INVALID',
    'the price must be a whole amount >= 0',
  );
  const i = findLine(cart, lineId);
  return {
    ...cart,
    lines: cart.lines.map((l, k) =>
      k === i ? { ...l, override: { unitPrice, by: staff.id, reason } } : l,
    ),
  };
}

/** [CK5] A cart discount needs a role allowed to do it; 0 removes it. */
export function setCartDiscount(
  cart: CheckoutCart,
  amount: Minor,
  staff: Staff,
  reason: string,
): CheckoutCart {
  check(can(staff, 'cart-discount'), 'NOT_PERMITTED', `${staff.name} may not give a cart discount`);
  check(
    Number.isSafeInteger(amount) && amount >= 0,
    'AMOUNT_INVALID',
    'the discount must be a whole amount >= 0',
  );
  const { cartDiscount: _, ...rest } = cart;
  return amount === 0 ? rest : { ...rest, cartDiscount: { amount, by: staff.id, reason } };
}

/** [CK6] Attaches a member (their tier unlocks member prices); a closed membership is refused. */
export function attachMember<M extends Pick<Member, 'id' | 'tier' | 'status'>>(
  cart: CheckoutCart,
  member: M,
): CheckoutCart {
  check(member.status === 'active', 'MEMBER_CLOSED', `membership ${member.id} is closed`);
  return { ...cart, member: { id: member.id, tier: member.tier } };
}

/** [CK6] Adds a coupon already checked with checkCoupon; the same coupon twice is refused. */
export function addCoupon(cart: CheckoutCart, coupon: Coupon): CheckoutCart {
  check(
    !cart.coupons.some((c) => c.id === coupon.id),
    'COUPON_ALREADY_IN_CART',
    `coupon ${coupon.name} is already in this sale`,
  );
  return { ...cart, coupons: [...cart.coupons, coupon] };
}

export function addTender(cart: CheckoutCart, tender: PaymentTender): CheckoutCart {
  return { ...cart, tenders: [...cart.tenders, tender] };
}

export type CheckoutPricing = {
  priced: PricedCart;
  coupons: { id: string; name: string; amount: Minor }[];
  rejectedCoupons: { id: string; code: string; message: string }[];
  tax: TaxBreakdown;
  /** What the customer owes before cash rounding (lines' net, plus tax when exclusive). */
  total: Minor;
};

export type CheckoutContext = Omit<PricingContext, 'memberTier'> & {
  promotions: readonly Promotion[];
  strategy?: PricingStrategy;
};

/**
 * [CK7] Prices the cart: list price or override, then promotions, coupons and
 * the cart discount (spread over lines by net), then tax per class. Every
 * receipt figure comes from this result.
 */
export function priceCheckout(cart: CheckoutCart, ctx: CheckoutContext): CheckoutPricing {
  const items: PricingItem[] = cart.lines.map((l) => ({
    lineId: l.lineId,
    sku: l.sku,
    name: l.name,
    category: l.category,
    taxClass: l.taxClass,
    quantity: l.quantity,
    unitPrice: l.override?.unitPrice ?? l.listPrice,
    ...(l.brand !== undefined ? { brand: l.brand } : {}),
    ...(l.override ? { noPromotions: true } : {}),
  }));
  const promoted = applyPromotions(
    items,
    ctx.promotions,
    { ...ctx, memberTier: cart.member?.tier },
    ctx.strategy,
  );
  const withCoupons = applyCoupons(promoted, cart.coupons);
  let priced = withCoupons.cart;
  if (cart.cartDiscount) {
    priced = spreadDiscount(
      priced,
      priced.lines.map((_, i) => i),
      cart.cartDiscount.amount,
      { source: 'manual', id: `manual:${cart.cartDiscount.by}`, name: cart.cartDiscount.reason },
    ).cart;
  }
  const tax = taxBreakdown(
    priced.lines.map((l) => ({ taxClass: l.taxClass, amount: l.net })),
    cart.priceBasis,
  );
  return {
    priced,
    coupons: withCoupons.coupons,
    rejectedCoupons: withCoupons.rejected,
    tax,
    total: cart.priceBasis === 'inclusive' ? priced.total : tax.gross,
  };
}

/** [CK8] Settles the cart's tenders against its priced total (see tender.ts [TN1]-[TN5]). */
export function settleCheckout(
  cart: CheckoutCart,
  pricing: CheckoutPricing,
  rounding: CashRounding = NO_CASH_ROUNDING,
): Settlement {
  const r = settle(pricing.total, cart.tenders, rounding);
  if (!r.ok) throw new DomainError(r.code, r.message);
  return r;
}

/**
 * [CK9] Builds the sale fact from the priced cart and a complete settlement:
 * each line's `paid` is its net plus its share of exclusive tax and of the
 * cash rounding (largest remainder), so the lines' `paid` sum to `due`.
 * [CK10] Points are earned on what was paid in money, not in points; points
 * are redeemed only for the sale's member, as its tenders name them [SF2].
 */
export function buildSaleFact(
  cart: CheckoutCart,
  pricing: CheckoutPricing,
  settlement: Settlement,
  ctx: {
    id: string;
    storeId: string;
    deviceId: string;
    channel: Channel;
    now: string;
    cashierId?: string;
    /** [PI4] A member not found offline: the blind index of the phone the customer gave, for the server to attach. */
    memberPhoneIndex?: string;
    earnRules?: readonly EarnRule[];
  },
): SaleFact {
  check(cart.lines.length > 0, 'CART_EMPTY', 'the cart is empty');
  check(
    settlement.paid && settlement.total === pricing.total,
    'NOT_PAID',
    `the sale is not paid: ${formatMinorPlain(settlement.remaining)} still due`,
  );
  check(
    cart.member !== undefined || !cart.tenders.some((t) => t.kind === 'points'),
    'POINTS_NEED_MEMBER',
    'points can be redeemed only for a member attached to the sale',
  );
  const lines = pricing.priced.lines;
  const nets = lines.map((l) => l.net);
  const taxShares = lines.map(() => 0);
  if (cart.priceBasis === 'exclusive') {
    for (const cls of pricing.tax.classes) {
      const idx = lines.flatMap((l, i) => (l.taxClass === cls.taxClass ? [i] : []));
      const shares = allocateByLargestRemainder(
        cls.tax,
        idx.map((i) => nets[i] ?? 0),
      );
      idx.forEach((i, k) => (taxShares[i] = shares[k] ?? 0));
    }
  }
  const beforeRounding = lines.map((l, i) => l.net + (taxShares[i] ?? 0));
  const roundingShares = allocateByLargestRemainder(settlement.rounding, beforeRounding);
  const paid = beforeRounding.map((p, i) => p + (roundingShares[i] ?? 0));
  const redeemed = sumMinor(cart.tenders.flatMap((t) => (t.kind === 'points' ? [t.points] : [])));
  const pointsValue = sumMinor(
    cart.tenders.flatMap((t) => (t.kind === 'points' ? [t.amount] : [])),
  );
  // Earn on the money part: each line's paid less its share of the points tender.
  const pointsShares = allocateByLargestRemainder(
    Math.min(pointsValue, sumMinor(paid)),
    paid.map((p) => Math.max(0, p)),
  );
  const earned =
    cart.member && ctx.earnRules
      ? earnPoints(
          lines.map((l, i) => ({
            category: l.category,
            net: (paid[i] ?? 0) - (pointsShares[i] ?? 0),
          })),
          cart.member.tier,
          ctx.earnRules,
        ).total
      : 0;
  const byId = new Map(cart.lines.map((l) => [l.lineId, l]));
  return {
    id: ctx.id,
    storeId: ctx.storeId,
    deviceId: ctx.deviceId,
    channel: ctx.channel,
    soldAt: ctx.now,
    currency: cart.currency,
    priceBasis: cart.priceBasis,
    ...(ctx.cashierId !== undefined ? { cashierId: ctx.cashierId } : {}),
    ...(cart.member ? { memberId: cart.member.id } : {}),
    ...(!cart.member && ctx.memberPhoneIndex !== undefined
      ? { memberPhoneIndex: ctx.memberPhoneIndex }
      : {}),
    ...(cart.takeNowCartId !== undefined ? { takeNowCartId: cart.takeNowCartId } : {}),
    lines: lines.map((l, i) => {
      const grams = byId.get(l.lineId)?.weight?.grams;
      const credits = byId.get(l.lineId)?.credits;
      const epcs = byId.get(l.lineId)?.epcs;
      return {
        lineId: l.lineId,
        sku: l.sku,
        name: l.name,
        gtin: byId.get(l.lineId)?.gtin ?? '',
        category: l.category,
        taxClass: l.taxClass,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        amount: multiplyMinor(l.unitPrice, l.quantity),
        discount: l.discount,
        net: l.net,
        paid: paid[i] ?? 0,
        ...(grams !== undefined ? { grams } : {}),
        adjustments: l.adjustments,
        ...(credits !== undefined ? { credits } : {}),
        // [RC5] The tagged items sold on the line.
        ...(epcs !== undefined ? { epcs: [...epcs] } : {}),
      };
    }),
    subtotal: pricing.priced.subtotal,
    discount: pricing.priced.discount,
    tax: pricing.tax.classes,
    total: pricing.total,
    rounding: settlement.rounding,
    due: settlement.due,
    tenders: [...cart.tenders],
    change: settlement.change,
    coupons: pricing.coupons.map((c) => c.id),
    points: { earned, redeemed },
  };
}
