/**
 * The checkout service: turns scans, searches and payments into cart changes,
 * sale facts and receipts. Business rules come from the domain; this file only
 * wires the replica, the devices and the UI state together.
 */
import { ulid } from 'ulid';
import {
  addCoupon,
  addScan,
  addItem,
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
  memberLookup,
  newCheckout,
  overridePrice,
  parseGtin,
  parseVariableMeasure,
  priceCheckout,
  PRICE_LAYOUT_2_5_5,
  recordOfflineMember,
  redeemPoints,
  setCartDiscount,
  setQuantity,
  settleCheckout,
  validateDocument,
  voidLine,
  WEIGHT_LAYOUT_2_5_5,
  type CheckoutCart,
  type CheckoutPricing,
  type CodeKey,
  type Coupon,
  type MemberLookup,
  type PaymentTender,
  type Price,
  type Product,
  type Promotion,
  type SaleFact,
  type Staff,
  type Store,
} from '@pos/domain';
import { findMember, type MemberFound, type Outbox, type ReplicaDatabase } from '@pos/replica';
import type { ScanEvent } from '@pos/hardware/protocol';
import type { TerminalConfig } from '../shared/config';
import type { TerminalApi } from '../shared/terminal-api';
import { onlinePointsChecker, type PointsChecker } from './points-check';
import { usePosStore, type CartMember } from './store';

export const VARIABLE_MEASURE_LAYOUTS = [PRICE_LAYOUT_2_5_5, WEIGHT_LAYOUT_2_5_5];

/** Finds a member: in the replica, else online; offline, the phone goes on the sale. */
export type MemberFinder = (lookup: MemberLookup) => Promise<MemberFound>;

export type CheckoutDeps = {
  db: ReplicaDatabase;
  outbox: Pick<Outbox, 'record'>;
  api: TerminalApi;
  config: TerminalConfig;
  now?: () => Date;
  newId?: () => string;
  findMember?: MemberFinder;
  checkPoints?: PointsChecker;
  /** A receipt code (a return); true when handled. */
  onReceiptCode?: (code: string) => Promise<boolean>;
};

export type Checkout = {
  /** Every scan from every scanner and the keyboard wedge comes here, in arrival order. */
  scan(scan: ScanEvent): Promise<void>;
  /** Adds a product chosen from the search results. */
  addSku(sku: string): Promise<void>;
  setQuantity(lineId: string, quantity: number): Promise<void>;
  /** Voids a line; `approver` is the staff member allowed to (the cashier or a supervisor). */
  voidLine(lineId: string, approver: Staff): Promise<void>;
  overridePrice(lineId: string, unitPrice: number, approver: Staff): Promise<void>;
  setCartDiscount(amount: number, approver: Staff): Promise<void>;
  /** Attaches a member by phone or member QR; unknown offline: the phone is kept on the sale. */
  attachMember(input: string): Promise<void>;
  /** Points the member redeems: a points tender for the payment, or why not. */
  pointsTender(points: number): Promise<PaymentTender | string>;
  /** Pays with these tenders; records the sale, prints the receipt, opens the drawer for cash. */
  pay(tenders: PaymentTender[]): Promise<SaleFact | null>;
  payCash(tendered: number): Promise<SaleFact | null>;
  /** Replaces the cart (resume of a suspended cart, or a fresh one). */
  replaceCart(cart: CheckoutCart, member: CartMember | null): Promise<void>;
  /** Reprices the cart now (promotions changed). */
  reprice(): Promise<void>;
  codeKeys: CodeKey[];
};

export function codeKeysOf(config: TerminalConfig): CodeKey[] {
  return (config.codeKeys ?? []).map((k) => ({ id: k.id, secret: fromHex(k.secretHex) }));
}

export function createCheckout(deps: CheckoutDeps): Checkout {
  const { db, api, config } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => `${config.deviceId}-${ulid()}`);
  const state = usePosStore;
  const codeKeys = codeKeysOf(config);
  const checkPoints =
    deps.checkPoints ?? onlinePointsChecker({ url: config.syncUrl, token: config.syncToken });
  const lookupMember =
    deps.findMember ??
    ((lookup: MemberLookup) =>
      findMember(db, { url: config.syncUrl, token: config.syncToken }, lookup));
  let lineCounter = 0;
  const newLineId = () => `L${Date.now().toString(36)}${(lineCounter++).toString(36)}`;

  // Scans, cart changes and payments run one at a time in arrival order, so no
  // scan is lost or doubled, even one that arrives while a payment is stored.
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };

  async function promotions(): Promise<Promotion[]> {
    const docs = await db.promotions.find().exec();
    return docs.map((d) => d.toJSON() as Promotion).filter((p) => p.status !== 'retired');
  }

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
    return priceCheckout(cart, { ...pricingContext(now()), promotions: await promotions() });
  }

  async function commit(cart: CheckoutCart): Promise<CheckoutPricing | null> {
    const pricing = await price(cart);
    state.getState().setCart(cart, pricing);
    const rejected = pricing?.rejectedCoupons[0];
    if (rejected) state.getState().showMessage('error', rejected.message, { code: rejected.code });
    return pricing;
  }

  /** Runs a cart change in the queue; a refused change is told to the cashier. */
  const change = (work: (cart: CheckoutCart) => Promise<CheckoutCart | void> | CheckoutCart) =>
    enqueue(async () => {
      try {
        const next = await work(state.getState().cart);
        if (next) await commit(next);
      } catch (error) {
        state.getState().showError(null, error);
      }
    });

  async function lookupGtin(
    gtin: string,
  ): Promise<{ product: Product; price: Price | undefined } | undefined> {
    const doc = await db.products.findOne({ selector: { gtin } }).exec();
    if (!doc) return undefined;
    const product = doc.toJSON() as Product;
    const priceDoc = await db.prices.findOne(`${config.priceList}:${product.id}`).exec();
    return { product, price: priceDoc ? (priceDoc.toJSON() as Price) : undefined };
  }

  async function addScanned(cart: CheckoutCart, code: string): Promise<CheckoutCart> {
    const vm = parseVariableMeasure(code, VARIABLE_MEASURE_LAYOUTS);
    const gtin = vm.ok ? vm.lookupGtin : parseGtin(code);
    const key = typeof gtin === 'string' ? gtin : gtin.ok ? gtin.gtin : null;
    const found = key ? await lookupGtin(key) : undefined;
    const next = addScan(
      cart,
      code,
      (g) => (g === key ? found : undefined),
      VARIABLE_MEASURE_LAYOUTS,
      newLineId(),
    );
    const added = next.lines[next.lines.length - 1];
    if (added) state.getState().showMessage('info', added.name);
    return next;
  }

  async function scanCoupon(cart: CheckoutCart, code: string): Promise<CheckoutCart> {
    const coupons = new Map<string, Coupon>(
      (await db.coupons.find().exec()).map((d) => [d.id, d.toJSON() as Coupon]),
    );
    const member = state.getState().member;
    const checked = checkCoupon(code, codeKeys, (id) => coupons.get(id), {
      ...pricingContext(now()),
      memberId: member?.kind === 'known' ? member.id : undefined,
      usedOffline: await couponsUsedHere(db),
    });
    if (!checked.ok) throw new DomainError(checked.code, checked.message);
    state.getState().showMessage('info', `Coupon ${checked.coupon.name}`);
    return addCoupon(cart, checked.coupon);
  }

  async function handleScan(scan: ScanEvent): Promise<void> {
    const code = scan.code.trim();
    const kind = /^[CMR]\.[0-9A-Z.-]+$/i.test(code) ? code[0]!.toUpperCase() : null;
    try {
      if (kind === 'R' && deps.onReceiptCode && (await deps.onReceiptCode(code))) return;
      const cart = state.getState().cart;
      if (kind === 'C') await commit(await scanCoupon(cart, code));
      else if (kind === 'M') await attach(cart, code);
      else await commit(await addScanned(cart, code));
    } catch (error) {
      state.getState().showError(code, error);
    }
  }

  async function attach(cart: CheckoutCart, input: string): Promise<void> {
    const lookup = memberLookup(input, codeKeys, now().toISOString());
    if (!lookup.ok) throw new DomainError(lookup.code, lookup.message);
    const found = await lookupMember(lookup);
    if (found.status === 'not-found') throw new DomainError('MEMBER_UNKNOWN', found.reason);
    if (found.status === 'unknown') {
      const { member: _, ...rest } = cart;
      usePosStore.setState({
        member:
          'memberPhone' in found.record
            ? { kind: 'phone-only', phone: found.record.memberPhone }
            : { kind: 'id-only', id: found.record.memberId },
      });
      state.getState().showMessage('info', found.reason);
      await commit(rest);
      return;
    }
    const member = found.member;
    const next = attachMember(cart, member);
    usePosStore.setState({
      member: {
        kind: 'known',
        id: member.id,
        name: member.name,
        tier: member.tier,
        points: member.points,
        phone: member.phone,
      },
    });
    state.getState().showMessage('info', `Member ${member.name}`);
    await commit(next);
  }

  async function printReceipt(sale: SaleFact): Promise<void> {
    const storeDoc = await db.stores.findOne(sale.storeId).exec();
    const store: Pick<Store, 'name' | 'address'> = storeDoc
      ? storeDoc.toJSON()
      : { name: sale.storeId, address: '' };
    const s = state.getState();
    const member = s.lastSaleMember;
    const priceOverrides = await Promise.all(
      s.lastSaleOverrides.map(async (o) => {
        const approver = await db.staff.findOne(o.by).exec();
        return approver ? { ...o, byName: approver.toJSON().name } : o;
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
      const result = await api.printReceipt(receipt, config.receiptColumns, {
        language: s.language,
      });
      if (!result.printed) {
        state
          .getState()
          .showMessage('error', `Receipt waiting for the printer: ${result.message}`, {
            code: 'PRINT_QUEUED',
            context: 'Receipt waiting for the printer',
          });
      }
    } catch (error) {
      state.getState().showError('Receipt not printed', error);
    }
  }

  /** Records the sale and starts a new cart; null when nothing was sold. */
  async function recordPayment(tenders: PaymentTender[]): Promise<SaleFact | null> {
    const s = state.getState();
    const at = now();
    let sale: SaleFact;
    try {
      let cart = s.cart;
      for (const tender of tenders) cart = addTender(cart, tender);
      const pricing = await price(cart);
      if (!pricing) throw new DomainError('CART_EMPTY', 'the cart is empty');
      const settlement = settleCheckout(cart, pricing, config.cashRounding);
      if (!settlement.paid) {
        throw new DomainError(
          'NOT_PAID',
          `${formatMinorPlain(settlement.remaining)} still to pay; add another payment`,
        );
      }
      const member = s.member;
      sale = buildSaleFact(cart, pricing, settlement, {
        id: newId(),
        storeId: config.storeId,
        deviceId: config.deviceId,
        channel: 'store',
        now: at.toISOString(),
        ...(s.staff ? { cashierId: s.staff.id } : {}),
        ...(config.earnRules ? { earnRules: config.earnRules } : {}),
      });
      // A member this till does not hold: named on the sale for the server [OM1].
      if (member?.kind === 'phone-only') {
        sale = recordOfflineMember(sale, { memberPhone: member.phone });
      } else if (member?.kind === 'id-only') {
        sale = recordOfflineMember(sale, { memberId: member.id });
      }
    } catch (error) {
      s.showError(null, error);
      return null;
    }
    // The server refuses an invalid sale, and the upload would then retry
    // forever, holding up every later fact: so nothing invalid is stored.
    const problems = validateDocument('saleFacts', sale);
    if (problems.length) {
      s.showMessage(
        'error',
        `This sale cannot be recorded: ${problems[0]!.path} ${problems[0]!.message}`,
      );
      return null;
    }
    // The sale is durable in the local replica before the cashier sees "paid".
    try {
      await deps.outbox.record('saleFacts', sale);
    } catch (error) {
      s.showError('The sale was not recorded, nothing was sold', error);
      return null;
    }
    const member = s.member;
    usePosStore.setState({
      lastSaleMember:
        member?.kind === 'known'
          ? {
              name: member.name,
              pointsBalance: member.points - sale.points.redeemed + sale.points.earned,
            }
          : null,
      lastSaleOverrides: s.cart.lines.flatMap((l) =>
        l.override ? [{ lineId: l.lineId, listPrice: l.listPrice, by: l.override.by }] : [],
      ),
    });
    s.completeSale(sale, newCheckout(config.currency));
    return sale;
  }

  async function printAndOpenDrawer(sale: SaleFact): Promise<void> {
    const cash = sale.tenders.some((t) => t.kind === 'cash');
    await Promise.all([
      printReceipt(sale),
      cash
        ? api.openDrawer().catch((error: unknown) => {
            state.getState().showError('Drawer did not open', error);
          })
        : undefined,
    ]);
  }

  const pay = async (tenders: PaymentTender[]) => {
    const sale = await enqueue(() => recordPayment(tenders));
    // Printing waits for the printer, not the queue: the next scan is not held up.
    if (sale) await printAndOpenDrawer(sale);
    return sale;
  };

  return {
    codeKeys,
    scan: (scan) => enqueue(() => handleScan(scan)),
    addSku: (sku) =>
      change(async (cart) => {
        const doc = await db.products.findOne(sku).exec();
        if (!doc) throw new DomainError('PRODUCT_UNKNOWN', `no product ${sku}`);
        const product = doc.toJSON() as Product;
        const priceDoc = await db.prices.findOne(`${config.priceList}:${sku}`).exec();
        state.getState().showMessage('info', product.name);
        return addItem(cart, {
          lineId: newLineId(),
          product,
          price: priceDoc ? (priceDoc.toJSON() as Price) : undefined,
        });
      }),
    setQuantity: (lineId, quantity) => change((cart) => setQuantity(cart, lineId, quantity)),
    voidLine: (lineId, approver) =>
      change((cart) => {
        if (!canOrThrow(approver, 'void-line')) return cart;
        return voidLine(cart, lineId);
      }),
    overridePrice: (lineId, unitPrice, approver) =>
      change((cart) => overridePrice(cart, lineId, unitPrice, approver, 'price override')),
    setCartDiscount: (amount, approver) =>
      change((cart) => setCartDiscount(cart, amount, approver, 'cart discount')),
    attachMember: (input) => change((cart) => attach(cart, input)),
    async pointsTender(points) {
      const s = state.getState();
      const member = s.member;
      if (member?.kind !== 'known') return 'Attach a member first';
      if (!config.redemption) return 'Points cannot pay at this store';
      const due = s.pricing?.total ?? 0;
      const r = redeemPoints(points, member.points, due, config.redemption);
      if (!r.ok) return r.message;
      const online = await checkPoints(member.id, points, member.phone);
      if ('offline' in online) return r.tender;
      if (!online.ok) return online.reason;
      usePosStore.setState({ member: { ...member, points: online.balance } });
      return r.tender;
    },
    pay,
    payCash: (tendered) => pay([{ kind: 'cash', amount: tendered }]),
    replaceCart: (cart, member) =>
      enqueue(async () => {
        usePosStore.setState({ member });
        await commit(cart);
      }),
    reprice: () => change((cart) => cart),
  };
}

function canOrThrow(staff: Staff, permission: 'void-line'): boolean {
  if (!can(staff, permission)) {
    throw new DomainError('NOT_PERMITTED', `${staff.name} may not void lines`);
  }
  return true;
}

/** Coupons this till used in sales the server may not have seen yet (one-time use offline). */
async function couponsUsedHere(db: ReplicaDatabase): Promise<Set<string>> {
  const sales = await db.saleFacts.find().exec();
  return new Set(sales.flatMap((d) => (d.toJSON() as SaleFact).coupons));
}

/** The receipt's return code; none for an id a code cannot hold. */
function makeReceiptCodeSafe(saleId: string, key: CodeKey): string | undefined {
  try {
    return makeReceiptCode(saleId, key);
  } catch {
    return undefined;
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
