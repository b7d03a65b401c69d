/**
 * Selling: scans, searches and payments become cart changes, sale facts and
 * receipts. Business rules come from the domain; products come from the
 * replica's one lookup path. Each call returns what happened; a screen shows it.
 */
import {
  addCoupon,
  addItem,
  addTaggedItems,
  addScan,
  addTender,
  attachMember,
  buildSaleFact,
  buildSaleReceipt,
  can,
  checkCoupon,
  DomainError,
  formatMinorPlain,
  fromHex,
  makeReceiptCode,
  maskPhone,
  memberLookup,
  newCheckout,
  overridePrice,
  parseCouponCode,
  parseTakeNowCode,
  priceCheckout,
  PRICE_LAYOUT_2_5_5,
  recordOfflineMember,
  redeemPoints,
  setCartDiscount,
  setQuantity,
  settleCheckout,
  takeNowStoreProblem,
  validateDocument,
  voidLine,
  WEIGHT_LAYOUT_2_5_5,
  type CheckoutCart,
  type CheckoutPricing,
  type CodeKey,
  type IndexKey,
  type PaymentTender,
  type SaleFact,
  type Staff,
} from '@pos/domain';
import type { ScanEvent } from '@pos/hardware/protocol';
import { done, info, noticeOf, refusalOf, refuse, type Notice, type Outcome } from './outcome';
import { printConsentSlip } from './consent-slip';
import type { TillPorts } from './ports';
import {
  counterReads,
  createSoldHereCache,
  withoutEpcs,
  planCounterReads,
  rfidNotices,
  type RfidCheckoutResult,
  type TillTagRead,
} from './rfid-checkout';
import type { CartMember, TillState } from './state';

export const VARIABLE_MEASURE_LAYOUTS = [PRICE_LAYOUT_2_5_5, WEIGHT_LAYOUT_2_5_5];

export type Checkout = {
  /**
   * Every scan from every scanner and the keyboard wedge comes here, in
   * arrival order: a product's barcode, a coupon, a member QR, a receipt or
   * pickup code, or a clerk's take-now code ([TT1]).
   */
  scan(scan: ScanEvent): Promise<Outcome<unknown>>;
  /**
   * [RK1] Tags read by RFID: the counter reader's become cart lines, one
   * unit per EPC, each EPC once ([RC1]); sold, unknown, weighed or foreign
   * tags are refused with the reason ([RC2] [RC4]). Reads of other readers
   * are ignored.
   */
  tagReads(reads: readonly TillTagRead[] | TillTagRead): Promise<Outcome<RfidCheckoutResult>>;
  /** Adds a product chosen from the search results. */
  addSku(sku: string): Promise<Outcome>;
  setQuantity(lineId: string, quantity: number): Promise<Outcome>;
  /** Voids a line; `approver` is the staff member allowed to (the cashier or a supervisor). */
  voidLine(lineId: string, approver: Staff): Promise<Outcome>;
  overridePrice(lineId: string, unitPrice: number, approver: Staff): Promise<Outcome>;
  setCartDiscount(amount: number, approver: Staff): Promise<Outcome>;
  /** Attaches a member by phone or member QR; unknown offline: the phone is kept on the sale. */
  attachMember(input: string): Promise<Outcome>;
  /** Prints the cart member's consent slip (their one-time consent link as a QR code), or says why not. */
  printConsentSlip(): Promise<Outcome>;
  /** Points the member redeems: a points tender for the payment, or why not. */
  pointsTender(points: number): Promise<Outcome<PaymentTender>>;
  /** Pays with these tenders; records the sale, prints the receipt, opens the drawer for cash. */
  pay(tenders: PaymentTender[]): Promise<Outcome<SaleFact>>;
  payCash(tendered: number): Promise<Outcome<SaleFact>>;
  /** Replaces the cart (resume of a suspended cart, or a fresh one). */
  replaceCart(cart: CheckoutCart, member: CartMember | null): Promise<Outcome>;
  /** Reprices the cart now (promotions changed). */
  reprice(): Promise<Outcome>;
  codeKeys: CodeKey[];
};

export function codeKeysOf(config: { codeKeys?: { id: string; secretHex: string }[] }): CodeKey[] {
  return (config.codeKeys ?? []).map((k) => ({ id: k.id, secret: fromHex(k.secretHex) }));
}

/** [PI2] The device's blind-index key from its configuration; undefined when it has none. */
export function indexKeyOf(config: {
  memberIndexKey?: { id: string; secretHex: string };
}): IndexKey | undefined {
  const key = config.memberIndexKey;
  return key ? { id: key.id, secret: fromHex(key.secretHex) } : undefined;
}

export type CheckoutPorts = TillPorts & {
  /**
   * [RK1] The counter's RFID reader now, when the device's configuration does
   * not name one (e.g. the hub's only reader); undefined: none.
   */
  counterReader?: () => string | undefined;
  /** A receipt code (a return): its outcome, or null when it is not one this till reads. */
  onReceiptCode?: (code: string) => Promise<Outcome<unknown> | null>;
  /** [DP3] An online order's pickup QR: its outcome, or null when it is not one this till reads. */
  onPickupCode?: (code: string) => Promise<Outcome<unknown> | null>;
};

export function createCheckout(ports: CheckoutPorts): Checkout {
  const { replica, devices, config, state } = ports;
  const now = ports.clock;
  const codeKeys = codeKeysOf(config);
  let lineCounter = 0;
  const newLineId = () => `L${now().getTime().toString(36)}${(lineCounter++).toString(36)}`;
  const soldHere = createSoldHereCache(replica);
  let returnSeen = state.get().lastReturn;

  // Scans, cart changes and payments run one at a time in arrival order, so no
  // scan is lost or doubled, even one that arrives while a payment is stored.
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };

  function pricingContext(at: Date) {
    return {
      storeId: config.storeId,
      channel: 'store' as const,
      now: at.toISOString(),
      utcOffsetMinutes: config.utcOffsetMinutes ?? 480,
    };
  }

  async function price(cart: CheckoutCart): Promise<CheckoutPricing | null> {
    if (cart.lines.length === 0 && cart.coupons.length === 0) return null;
    return priceCheckout(cart, {
      ...pricingContext(now()),
      promotions: await replica.promotions(),
    });
  }

  /** Prices and shows the cart; a coupon the pricing refused is told. */
  async function commit(cart: CheckoutCart, notices: Notice[] = []): Promise<Outcome> {
    const pricing = await price(cart);
    const patch: Partial<TillState> =
      cart.lines.length > 0
        ? { cart, pricing, lastSale: null, lastReturn: null }
        : { cart, pricing };
    state.set(patch);
    const rejected = pricing?.rejectedCoupons[0];
    if (rejected) {
      return done(null, [
        ...notices,
        { tone: 'error', text: rejected.message, code: rejected.code },
      ]);
    }
    return done(null, notices);
  }

  /** Runs a cart change in the queue; a refused change changes nothing. */
  const change = (
    work: (cart: CheckoutCart) => Promise<CheckoutCart | Outcome> | CheckoutCart,
    context?: string,
  ): Promise<Outcome> =>
    enqueue(async () => {
      try {
        const next = await work(state.get().cart);
        return 'ok' in next ? next : await commit(next);
      } catch (error) {
        return refusalOf(error, context);
      }
    });

  async function addScanned(cart: CheckoutCart, code: string): Promise<Outcome> {
    const found = await replica.byBarcode(code);
    if (!found.found) {
      // Not in the catalog: the domain says why, in its words (unreadable, unknown item).
      addScan(cart, code, () => undefined, VARIABLE_MEASURE_LAYOUTS, newLineId());
      throw new DomainError('PRODUCT_UNKNOWN', found.reason);
    }
    const { product, price: listPrice } = found;
    // The replica found the full code in the catalog, or the item of an in-store label.
    const next = found.measure
      ? addScan(
          cart,
          code,
          () => ({ product, price: listPrice }),
          VARIABLE_MEASURE_LAYOUTS,
          newLineId(),
        )
      : addItem(cart, { lineId: newLineId(), product, price: listPrice });
    const added = next.lines[next.lines.length - 1];
    return commit(next, added ? [info(added.name)] : []);
  }

  async function scanCoupon(cart: CheckoutCart, code: string): Promise<Outcome> {
    const member = state.get().member;
    const parsed = parseCouponCode(code, codeKeys);
    const coupon = parsed.ok ? await replica.coupon(parsed.couponId) : undefined;
    const checked = checkCoupon(code, codeKeys, (id) => (id === coupon?.id ? coupon : undefined), {
      ...pricingContext(now()),
      memberId: member?.kind === 'known' ? member.id : undefined,
      usedOffline: await replica.couponsUsedHere(),
    });
    if (!checked.ok) throw new DomainError(checked.code, checked.message);
    return commit(addCoupon(cart, checked.coupon), [
      info(`Coupon ${checked.coupon.name}`, 'COUPON_ADDED', { name: checked.coupon.name }),
    ]);
  }

  /**
   * [TT1]-[TT4] A clerk's take-now code: verified with the till's code keys,
   * this store's only, once per cart and never again once sold here; its
   * lines come in at this till's prices, each credited as the code says.
   */
  async function takeNow(cart: CheckoutCart, code: string): Promise<Outcome> {
    const parsed = parseTakeNowCode(code, codeKeys);
    if (!parsed.ok) return refuse(parsed.code, parsed.message);
    const { cartId, storeId, credits, lines } = parsed.cart;
    const otherStore = takeNowStoreProblem(parsed.cart, config.storeId);
    if (otherStore) {
      return refuse('TAKE_NOW_OTHER_STORE', otherStore, {
        params: { store: storeId, till: config.storeId },
      });
    }
    const credited = cart.lines.some((l) => l.credits !== undefined);
    if (credited && cart.takeNowCartId === cartId) {
      return refuse('TAKE_NOW_IN_CART', 'this take-now code is already in the cart');
    }
    if (credited && cart.takeNowCartId !== undefined) {
      return refuse(
        'TAKE_NOW_ANOTHER_IN_CART',
        'the cart already holds another take-now code; take payment, then scan this one',
      );
    }
    const { sales } = await replica.factsSince('');
    const sold = sales.find((sale) => sale.takeNowCartId === cartId);
    if (sold) {
      // The sale's time as the store's clock shows it: "2026-11-22 11:04".
      const local = new Date(Date.parse(sold.soldAt) + (config.utcOffsetMinutes ?? 480) * 60_000);
      const at = local.toISOString().slice(0, 16).replace('T', ' ');
      return refuse('TAKE_NOW_SOLD', `this take-now code was already sold on this till at ${at}`, {
        params: { at },
      });
    }
    // Every line is found before any is added: an unknown SKU adds nothing.
    let next: CheckoutCart = { ...cart, takeNowCartId: cartId };
    for (const line of lines) {
      const found = await replica.bySku(line.sku);
      if (!found.found) {
        return refuse(
          'TAKE_NOW_SKU_UNKNOWN',
          `the take-now code's SKU ${line.sku} is not in this till's catalog; nothing was added`,
          { params: { sku: line.sku } },
        );
      }
      try {
        next = addItem(next, {
          lineId: newLineId(),
          product: found.product,
          price: found.price,
          quantity: line.quantity,
          credits,
        });
      } catch (error) {
        // Discontinued, unpriced: the domain names the product; the long code adds nothing.
        return refusalOf(error);
      }
    }
    const staff = await Promise.all(credits.map((c) => replica.staff(c.staffId)));
    const names = credits.map((c, i) => staff[i]?.name ?? c.staffId);
    state.set({
      creditNames: {
        ...state.get().creditNames,
        ...Object.fromEntries(credits.map((c, i) => [c.staffId, names[i]!])),
      },
    });
    const units = lines.reduce((sum, l) => sum + l.quantity, 0);
    return commit(next, [
      info(`Take-now code of ${names.join(', ')}: ${units} items`, 'TAKE_NOW_ADDED', {
        clerk: names.join('、'),
        units: String(units),
      }),
    ]);
  }

  async function handleScan(scan: ScanEvent): Promise<Outcome<unknown>> {
    const code = scan.code.trim();
    const kind = /^[CMRPT]\.[0-9A-Z.-]+$/i.test(code) ? code[0]!.toUpperCase() : null;
    try {
      if (kind === 'R' && ports.onReceiptCode) {
        const handled = await ports.onReceiptCode(code);
        if (handled) return handled;
      }
      if (kind === 'P' && ports.onPickupCode) {
        const handled = await ports.onPickupCode(code);
        if (handled) return handled;
      }
      const cart = state.get().cart;
      if (kind === 'C') return await scanCoupon(cart, code);
      if (kind === 'M') return await attach(cart, code);
      if (kind === 'T') return await takeNow(cart, code);
      return await addScanned(cart, code);
    } catch (error) {
      return refusalOf(error, code);
    }
  }

  async function attach(cart: CheckoutCart, input: string): Promise<Outcome> {
    const lookup = memberLookup(input, codeKeys, now().toISOString());
    if (!lookup.ok) return refuse(lookup.code, lookup.message);
    // [PI2] A typed phone is hashed on the till; only its index and masked form go on.
    const found = await replica.member(lookup);
    if (found.status === 'no-index-key') return refuse('MEMBER_INDEX_KEY_MISSING', found.reason);
    if (found.status === 'not-found') return refuse('MEMBER_UNKNOWN', found.reason);
    if (found.status === 'unknown') {
      const { member: _, ...rest } = cart;
      const record = found.record;
      if ('memberPhoneIndex' in record) {
        const maskedPhone = lookup.by === 'phone' ? maskPhone(lookup.phone) : '*';
        state.set({
          member: { kind: 'phone-only', phoneIndex: record.memberPhoneIndex, maskedPhone },
        });
        return commit(rest, [
          info(found.reason, 'MEMBER_RECORDED_ON_SALE', { phone: maskedPhone }),
        ]);
      }
      state.set({ member: { kind: 'id-only', id: record.memberId } });
      return commit(rest, [info(found.reason, 'MEMBER_NOT_ON_TERMINAL', { id: record.memberId })]);
    }
    const member = found.member;
    const next = attachMember(cart, member);
    state.set({
      member: {
        kind: 'known',
        id: member.id,
        maskedName: member.maskedName,
        maskedPhone: member.maskedPhone,
        tier: member.tier,
        points: member.points,
        ...(member.phoneIndex !== undefined ? { phoneIndex: member.phoneIndex } : {}),
      },
    });
    return commit(next, [
      info(`Member ${member.maskedName}`, 'MEMBER_ATTACHED', { name: member.maskedName }),
    ]);
  }

  /** [RK1] [RC1]-[RC4] The counter's tag reads: plan against the replica, add, tell. */
  async function tagReads(
    input: readonly TillTagRead[] | TillTagRead,
  ): Promise<Outcome<RfidCheckoutResult>> {
    const reads = Array.isArray(input) ? input : [input as TillTagRead];
    const { counter, ignored } = counterReads(
      reads,
      config.rfidCheckoutReader ?? ports.counterReader?.(),
    );
    if (counter.length === 0) return done({ added: [], refused: [], ignored });
    try {
      // [RK2] A return recorded here since: its EPCs may be sold again.
      if (state.get().lastReturn !== returnSeen) {
        returnSeen = state.get().lastReturn;
        soldHere.forget();
      }
      const cart = state.get().cart;
      const plan = await planCounterReads(replica, await soldHere.get(), cart, counter);
      const next = addTaggedItems(cart, plan, newLineId);
      const justSold = new Set(state.get().lastSale?.lines.flatMap((l) => l.epcs ?? []) ?? []);
      const notices = rfidNotices(next.added, next.refusals, justSold);
      if (next.added.length > 0) await commit(next.cart);
      return done(
        {
          added: next.added.map((a) => ({ sku: a.sku, name: a.entry.product.name, epcs: a.epcs })),
          refused: next.refusals,
          ignored,
        },
        notices,
      );
    } catch (error) {
      return refusalOf(error, 'RFID');
    }
  }

  async function printReceipt(sale: SaleFact): Promise<Notice[]> {
    const store = await replica.store();
    const s = state.get();
    const member = s.lastSaleMember;
    const priceOverrides = await Promise.all(
      s.lastSaleOverrides.map(async (o) => {
        const approver = await replica.staff(o.by);
        return approver ? { ...o, byName: approver.name } : o;
      }),
    );
    const receipt = buildSaleReceipt(
      sale,
      store,
      codeKeys[0] ? makeReceiptCodeSafe(sale.id, codeKeys[0]) : undefined,
      {
        ...(s.staff ? { cashierName: s.staff.name } : {}),
        ...(member ? { member } : {}),
        ...(priceOverrides.length ? { priceOverrides } : {}),
      },
    );
    try {
      const result = await devices.printReceipt(receipt, config.receiptColumns, {
        language: ports.language(),
      });
      if (result.printed) return [];
      return [
        {
          tone: 'error',
          text: `Receipt waiting for the printer: ${result.message}`,
          code: 'PRINT_QUEUED',
          context: 'Receipt waiting for the printer',
        },
      ];
    } catch (error) {
      return [noticeOf(refusalOf(error, 'Receipt not printed'))];
    }
  }

  /** Records the sale and starts a new cart. */
  async function recordPayment(tenders: PaymentTender[]): Promise<Outcome<SaleFact>> {
    const s = state.get();
    const at = now();
    let sale: SaleFact;
    try {
      let cart = s.cart;
      // [TT4] The take-now code is sold with its credited lines; voided, it was not sold.
      if (!cart.lines.some((l) => l.credits !== undefined)) {
        const { takeNowCartId: _, ...rest } = cart;
        cart = rest;
      }
      for (const tender of tenders) cart = addTender(cart, tender);
      const pricing = await price(cart);
      if (!pricing) return refuse('CART_EMPTY', 'the cart is empty');
      // [RK5] A tag sold here since it was read (another cart paid first) is never sold twice.
      const sold = cart.lines.some((l) => l.epcs) ? await soldHere.get() : new Map();
      const again = cart.lines.flatMap((l) => (l.epcs ?? []).filter((e) => sold.has(e)));
      if (again.length) {
        const named = cart.lines.filter((l) => l.epcs?.some((e) => sold.has(e))).map((l) => l.name);
        return refuse('RFID_SOLD', `Already sold here: ${named.join(', ')}; void them first`, {
          params: { items: named.join('、'), epcs: again.join('、') },
        });
      }
      const settlement = settleCheckout(cart, pricing, config.cashRounding);
      if (!settlement.paid) {
        return refuse(
          'NOT_PAID',
          `${formatMinorPlain(settlement.remaining)} still to pay; add another payment`,
        );
      }
      const member = s.member;
      sale = buildSaleFact(cart, pricing, settlement, {
        id: ports.newId(),
        storeId: config.storeId,
        deviceId: config.deviceId,
        channel: 'store',
        now: at.toISOString(),
        ...(s.staff ? { cashierId: s.staff.id } : {}),
        ...(config.earnRules ? { earnRules: config.earnRules } : {}),
      });
      // A member this till does not hold: named on the sale for the server [OM1].
      if (member?.kind === 'phone-only') {
        sale = recordOfflineMember(sale, { memberPhoneIndex: member.phoneIndex });
      } else if (member?.kind === 'id-only') {
        sale = recordOfflineMember(sale, { memberId: member.id });
      }
    } catch (error) {
      return refusalOf(error);
    }
    // The server refuses an invalid sale, and the upload would then retry
    // forever, holding up every later fact: so nothing invalid is stored.
    const problems = validateDocument('saleFacts', sale);
    if (problems.length) {
      return refuse(
        'SALE_INVALID',
        `This sale cannot be recorded: ${problems[0]!.path} ${problems[0]!.message}`,
      );
    }
    // The sale is durable in the local replica before the cashier sees "paid".
    try {
      await ports.outbox.record('sale', sale);
    } catch (error) {
      return refusalOf(error, 'The sale was not recorded, nothing was sold');
    }
    // [RC2] Its EPCs are sold here: never rung up again by this till.
    soldHere.sold(
      sale.lines.flatMap((l) => l.epcs ?? []),
      sale.soldAt,
    );
    const member = s.member;
    state.set({
      lastSaleMember:
        member?.kind === 'known'
          ? {
              name: member.maskedName,
              pointsBalance: member.points - sale.points.redeemed + sale.points.earned,
            }
          : null,
      lastSaleOverrides: s.cart.lines.flatMap((l) =>
        l.override ? [{ lineId: l.lineId, listPrice: l.listPrice, by: l.override.by }] : [],
      ),
      lastSale: sale,
      lastReturn: null,
      cart: newCheckout(config.currency),
      pricing: null,
      member: null,
    });
    return done(sale);
  }

  async function printAndOpenDrawer(sale: SaleFact): Promise<Notice[]> {
    const cash = sale.tenders.some((t) => t.kind === 'cash');
    const [printed, drawer] = await Promise.all([
      printReceipt(sale),
      cash
        ? devices.openDrawer().then(
            () => [],
            (error: unknown) => [noticeOf(refusalOf(error, 'Drawer did not open'))],
          )
        : [],
    ]);
    return [...printed, ...drawer];
  }

  const pay = async (tenders: PaymentTender[]): Promise<Outcome<SaleFact>> => {
    const recorded = await enqueue(() => recordPayment(tenders));
    if (!recorded.ok) return recorded;
    // Printing waits for the printer, not the queue: the next scan is not held up.
    const notices = await printAndOpenDrawer(recorded.value);
    return done(recorded.value, notices);
  };

  return {
    codeKeys,
    scan: (scan) => enqueue(() => handleScan(scan)),
    tagReads: (reads) => enqueue(() => tagReads(reads)),
    addSku: (sku) =>
      change(async (cart) => {
        const found = await replica.bySku(sku);
        if (!found.found) throw new DomainError('PRODUCT_UNKNOWN', found.reason);
        const next = addItem(cart, {
          lineId: newLineId(),
          product: found.product,
          price: found.price,
        });
        return commit(next, [info(found.product.name)]);
      }),
    setQuantity: (lineId, quantity) => change((cart) => setQuantity(cart, lineId, quantity)),
    voidLine: (lineId, approver) =>
      change((cart) => {
        if (!can(approver, 'void-line')) {
          throw new DomainError('NOT_PERMITTED', `${approver.name} may not void lines`);
        }
        return voidLine(cart, lineId);
      }),
    overridePrice: (lineId, unitPrice, approver) =>
      change((cart) => overridePrice(cart, lineId, unitPrice, approver, 'price override')),
    setCartDiscount: (amount, approver) =>
      change((cart) => setCartDiscount(cart, amount, approver, 'cart discount')),
    attachMember: (input) => change((cart) => attach(cart, input)),
    printConsentSlip: () => printConsentSlip(ports),
    async pointsTender(points) {
      const s = state.get();
      const member = s.member;
      if (member?.kind !== 'known') return refuse('MEMBER_MISSING', 'Attach a member first');
      if (!config.redemption) {
        return refuse('POINTS_NOT_ACCEPTED', 'Points cannot pay at this store');
      }
      const due = s.pricing?.total ?? 0;
      const r = redeemPoints(points, member.points, due, config.redemption);
      if (!r.ok) return refuse(r.code, r.message);
      const online = await replica.checkPoints(member.id, points, member.phoneIndex);
      if ('offline' in online) return done(r.tender);
      if (!online.ok) return refuse('POINTS_INSUFFICIENT', online.reason);
      state.set({ member: { ...member, points: online.balance } });
      return done(r.tender);
    },
    pay,
    payCash: (tendered) => pay([{ kind: 'cash', amount: tendered }]),
    replaceCart: (cart, member) =>
      enqueue(async () => {
        state.set({ member });
        // [RK5] A cart put aside may hold tags sold here since: those units are taken out.
        const sold = cart.lines.some((l) => l.epcs) ? await soldHere.get() : new Map();
        const { cart: kept, dropped } = withoutEpcs(cart, sold);
        return commit(kept, dropped.length ? rfidNotices([], dropped) : []);
      }),
    reprice: () => change((cart) => cart),
  };
}

/** The receipt's return code; none for an id a code cannot hold. */
function makeReceiptCodeSafe(saleId: string, key: CodeKey): string | undefined {
  try {
    return makeReceiptCode(saleId, key);
  } catch {
    return undefined;
  }
}
