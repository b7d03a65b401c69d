/**
 * The clerk's cart: lines of three kinds (take now, pick up at a store,
 * delivery) for one customer, each credited, by default to the signed-in
 * clerk ([CL5], [CM1], [CM2]); priced by the till's engine; the customer a
 * member found by phone (hashed here) or member QR, or a new member asked
 * for consent on their own phone ([CL6]). Cart changes are pure: each
 * returns a new cart or why not, and a refused change changes nothing.
 */
import {
  addItem,
  attachMember,
  creditProblems,
  defaultCredits,
  maskPhone,
  memberLookup,
  newCheckout,
  normalisePhone,
  phoneIndex,
  priceCheckout,
  sameCredits,
  TAKE_NOW_MAX_LINES,
  type Channel,
  type CheckoutCart,
  type LineCredit,
  type Product,
} from '@pos/domain';
import { codeKeysOf, indexKeyOf } from '../checkout';
import { done, info, refusalOf, refuse, type Notice, type Outcome } from '../outcome';
import { outcomeOf } from './answers';
import type {
  ClerkCart,
  ClerkCartLine,
  ClerkCartTotals,
  ClerkCustomer,
  ClerkFound,
  ClerkLineMode,
  ClerkPorts,
} from './types';

/** [TK1] What a SKU or id in a take-now code may hold. */
const CODE_FIELD = /^[0-9A-Z-]{1,64}$/;
/** [TK1] Units of one line. */
export const LINE_MAX_QUANTITY = 999;

/** [CL5] Two lines reach the customer the same way. */
export function sameFulfilment(a: ClerkLineMode, b: ClerkLineMode): boolean {
  if (a.mode !== b.mode) return false;
  if (a.mode === 'pickup' && b.mode === 'pickup') return a.storeId === b.storeId;
  if ('addressId' in a && 'addressId' in b) return a.addressId === b.addressId;
  return true;
}

function fulfilmentProblem(mode: ClerkLineMode): string | null {
  if (mode.mode === 'take-now') return null;
  if (mode.mode === 'pickup') return mode.storeId ? null : 'a pickup line names its store';
  if (mode.mode === 'ship' || mode.mode === 'same-city') {
    return mode.addressId ? null : 'a delivery line names its address';
  }
  return 'a line is taken now, picked up or delivered';
}

function quantityProblem(quantity: number): string | null {
  return Number.isSafeInteger(quantity) && quantity >= 1 && quantity <= LINE_MAX_QUANTITY
    ? null
    : `a quantity is a whole number from 1 to ${LINE_MAX_QUANTITY}`;
}

const takeNowLines = (cart: ClerkCart) =>
  cart.lines.filter((l) => l.fulfilment.mode === 'take-now');

/** [CL13] [TK1] Whether a take-now line of `sku` can join the cart's code: its SKU fits, and at most 12 SKUs. */
function takeNowProblem(cart: ClerkCart, sku: string): string | null {
  if (!CODE_FIELD.test(sku)) return `${sku} cannot go in a take-now code; order it instead`;
  const skus = new Set(takeNowLines(cart).map((l) => l.sku));
  skus.add(sku);
  return skus.size > TAKE_NOW_MAX_LINES
    ? `a take-now code carries at most ${TAKE_NOW_MAX_LINES} products`
    : null;
}

/** The next free line id of a cart: L1, L2, ... */
function nextLineId(cart: ClerkCart): string {
  const used = cart.lines.map((l) => Number(/^L(\d+)$/.exec(l.lineId)?.[1] ?? 0));
  return `L${Math.max(0, ...used) + 1}`;
}

export function createCart(ports: ClerkPorts) {
  const { config, replica, state } = ports;
  const codeKeys = codeKeysOf(config);

  const signedIn = () => state.get().staff;

  function newCart(): ClerkCart {
    return { cartId: ports.newId().toUpperCase(), customer: null, lines: [] };
  }

  /** [CL13] The credit every take-now line carries: the cart's take-now lines' own, if any. */
  const takeNowCredits = (cart: ClerkCart, except?: string): LineCredit[] | undefined =>
    takeNowLines(cart).find((l) => l.lineId !== except)?.credits;

  function addLine(
    cart: ClerkCart,
    found: ClerkFound,
    quantity: number,
    fulfilment: ClerkLineMode,
  ): Outcome<ClerkCart> {
    const staff = signedIn();
    if (!staff) return refuse('NOT_SIGNED_IN', 'Sign in first');
    const sku = found.product.id;
    if (found.product.status !== 'active') {
      return refuse('PRODUCT_NOT_SELLABLE', `${found.product.name} is not sold any more`);
    }
    if (found.unitPrice === null) {
      return refuse('PRICE_MISSING', `${found.product.name} has no price here; ask a supervisor`);
    }
    const problem =
      quantityProblem(quantity) ??
      fulfilmentProblem(fulfilment) ??
      (fulfilment.mode === 'take-now' ? takeNowProblem(cart, sku) : null);
    if (problem) return refuse('LINE_INVALID', problem);
    const same = cart.lines.find((l) => l.sku === sku && sameFulfilment(l.fulfilment, fulfilment));
    if (same) {
      const merged = same.quantity + quantity;
      if (quantityProblem(merged)) return refuse('LINE_INVALID', quantityProblem(merged)!);
      return done({
        ...cart,
        lines: cart.lines.map((l) => (l === same ? { ...l, quantity: merged } : l)),
      });
    }
    const credits =
      (fulfilment.mode === 'take-now' ? takeNowCredits(cart) : undefined) ??
      defaultCredits(staff.id);
    const line: ClerkCartLine = {
      lineId: nextLineId(cart),
      sku,
      name: found.product.name,
      variant: found.variant,
      quantity,
      unitPrice: found.unitPrice,
      fulfilment,
      credits,
    };
    return done({ ...cart, lines: [...cart.lines, line] });
  }

  function change(
    cart: ClerkCart,
    lineId: string,
    edit: (line: ClerkCartLine) => ClerkCartLine | Outcome<never>,
  ): Outcome<ClerkCart> {
    const line = cart.lines.find((l) => l.lineId === lineId);
    if (!line) return refuse('LINE_UNKNOWN', `The cart has no line ${lineId}`);
    const next = edit(line);
    if ('ok' in next) return next;
    return done({ ...cart, lines: cart.lines.map((l) => (l === line ? next : l)) });
  }

  function setQuantity(cart: ClerkCart, lineId: string, quantity: number): Outcome<ClerkCart> {
    const problem = quantityProblem(quantity);
    if (problem) return refuse('QUANTITY_INVALID', problem);
    return change(cart, lineId, (line) => ({ ...line, quantity }));
  }

  function setFulfilment(
    cart: ClerkCart,
    lineId: string,
    fulfilment: ClerkLineMode,
  ): Outcome<ClerkCart> {
    const problem = fulfilmentProblem(fulfilment);
    if (problem) return refuse('LINE_INVALID', problem);
    const notices: Notice[] = [];
    const changed = change(cart, lineId, (line) => {
      if (fulfilment.mode !== 'take-now' || line.fulfilment.mode === 'take-now') {
        return { ...line, fulfilment };
      }
      const tooMany = takeNowProblem(cart, line.sku);
      if (tooMany) return refuse('LINE_INVALID', tooMany);
      // [CL13] It joins the take-now code, whose lines carry one credit.
      const shared = takeNowCredits(cart, line.lineId);
      if (shared && !sameCredits(shared, line.credits)) {
        notices.push(
          info(
            'The take-now lines share one credit: this line now has theirs',
            'TAKE_NOW_CREDITS_SHARED',
          ),
        );
      }
      return { ...line, fulfilment, credits: shared ?? line.credits };
    });
    return changed.ok ? done(changed.value, notices) : changed;
  }

  function setCredits(cart: ClerkCart, lineId: string, credits: LineCredit[]): Outcome<ClerkCart> {
    const problems = creditProblems(credits);
    if (problems.length) return refuse('CREDIT_INVALID', problems.join('; '));
    const line = cart.lines.find((l) => l.lineId === lineId);
    if (!line) return refuse('LINE_UNKNOWN', `The cart has no line ${lineId}`);
    const copy = credits.map((c) => ({ staffId: c.staffId, share: c.share }));
    if (line.fulfilment.mode !== 'take-now') {
      return change(cart, lineId, (l) => ({ ...l, credits: copy }));
    }
    // [CL13] One credit for every take-now line: the code carries one.
    const others = takeNowLines(cart).length > 1;
    if (others && copy.some((c) => !CODE_FIELD.test(c.staffId))) {
      return refuse(
        'CREDIT_INVALID',
        'a staff id in a take-now code is upper case letters, digits and -',
      );
    }
    return done(
      {
        ...cart,
        lines: cart.lines.map((l) =>
          l.fulfilment.mode === 'take-now' ? { ...l, credits: copy } : l,
        ),
      },
      others ? [info('The credit applies to every take-now line', 'TAKE_NOW_CREDITS_SHARED')] : [],
    );
  }

  function removeLine(cart: ClerkCart, lineId: string): ClerkCart {
    return { ...cart, lines: cart.lines.filter((l) => l.lineId !== lineId) };
  }

  /**
   * [CL5] Lines priced by the till's engine in `channel` at `storeId`, the
   * way the order center prices them: one cart line per SKU, its net shared
   * among the lines of that SKU by quantity (whole fen, the rest on the last).
   */
  async function priceLines(
    cart: ClerkCart,
    lines: readonly ClerkCartLine[],
    channel: Channel,
    storeId: string,
  ): Promise<{ lineId: string; net: number }[]> {
    if (lines.length === 0) return [];
    const at = ports.clock().toISOString();
    const skus = [...new Set(lines.map((l) => l.sku))];
    let checkout: CheckoutCart = newCheckout(config.currency);
    for (const [i, sku] of skus.entries()) {
      const of = lines.filter((l) => l.sku === sku);
      const first = of[0]!;
      const lookup = await replica.bySku(sku);
      const product: Product = lookup.found
        ? lookup.product
        : ({
            id: sku,
            name: first.name,
            gtin: '',
            category: '',
            taxClass: 'VAT13',
            status: 'active',
          } as Product);
      checkout = addItem(checkout, {
        lineId: `L${i + 1}`,
        product,
        price: {
          id: `cart:${sku}`,
          priceList: 'cart',
          sku,
          amount: first.unitPrice,
          currency: config.currency,
        },
        quantity: of.reduce((sum, l) => sum + l.quantity, 0),
      });
    }
    const customer = cart.customer;
    if (customer?.memberId && customer.tier) {
      checkout = attachMember(checkout, {
        id: customer.memberId,
        tier: customer.tier,
        status: 'active',
      });
    }
    const pricing = priceCheckout(checkout, {
      storeId,
      channel,
      now: at,
      utcOffsetMinutes: config.utcOffsetMinutes ?? 480,
      promotions: await replica.promotions(),
    });
    const bySku = new Map(pricing.priced.lines.map((l) => [l.sku, l]));
    const left = new Map([...bySku].map(([sku, l]) => [sku, { net: l.net, units: l.quantity }]));
    return lines.map((line) => {
      const whole = bySku.get(line.sku)!;
      const rest = left.get(line.sku)!;
      const net =
        rest.units === line.quantity
          ? rest.net
          : Math.floor((whole.net * line.quantity) / whole.quantity);
      rest.net -= net;
      rest.units -= line.quantity;
      return { lineId: line.lineId, net };
    });
  }

  /**
   * [CL5] [OC10] The ordered lines priced as the order center prices an
   * order: the online channel's promotions at its first pickup store (none:
   * no store's own promotions), the member's tier.
   */
  const priceOrdered = (cart: ClerkCart, lines: readonly ClerkCartLine[]) => {
    const pickup = lines.find((l) => l.fulfilment.mode === 'pickup')?.fulfilment;
    return priceLines(cart, lines, 'online', pickup?.mode === 'pickup' ? pickup.storeId : '');
  };

  /**
   * [CL5] The cart's figures: the take-now lines as this store's till prices
   * them, the ordered lines as the order center does, each with the member's tier.
   */
  async function totals(cart: ClerkCart): Promise<ClerkCartTotals> {
    const takeNow = await priceLines(cart, takeNowLines(cart), 'store', config.storeId);
    const ordered = await priceOrdered(
      cart,
      cart.lines.filter((l) => l.fulfilment.mode !== 'take-now'),
    );
    const sum = (lines: { net: number }[]) => lines.reduce((s, l) => s + l.net, 0);
    const byId = new Map([...takeNow, ...ordered].map((l) => [l.lineId, l.net]));
    return {
      total: sum(takeNow) + sum(ordered),
      takeNow: sum(takeNow),
      ordered: sum(ordered),
      lines: cart.lines.map((l) => ({ lineId: l.lineId, net: byId.get(l.lineId) ?? 0 })),
    };
  }

  const withCustomer = (cart: ClerkCart, customer: ClerkCustomer): ClerkCart => ({
    ...cart,
    customer,
  });

  /** [CL6] A member by what was typed or scanned: the replica, then the server. */
  async function member(
    cart: ClerkCart,
    input: string,
    by: 'phone' | 'qr',
  ): Promise<Outcome<ClerkCart>> {
    const lookup = memberLookup(input, codeKeys, ports.clock().toISOString());
    if (!lookup.ok) return refuse(lookup.code, lookup.message);
    if ((by === 'phone') !== (lookup.by === 'phone')) {
      return refuse(
        'MEMBER_NOT_RECOGNISED',
        by === 'phone' ? 'type the customer’s mobile number' : 'scan the member QR code',
      );
    }
    const found = await replica.member(lookup);
    if (found.status === 'no-index-key') return refuse('MEMBER_INDEX_KEY_MISSING', found.reason);
    if (found.status === 'not-found') {
      return refuse('MEMBER_UNKNOWN', found.reason, {
        params: lookup.by === 'phone' ? { phone: maskPhone(lookup.phone) } : {},
      });
    }
    if (found.status === 'unknown') {
      // [PI2] Offline: the order names the phone's blind index; the server attaches the member.
      const record = found.record;
      if (!('memberPhoneIndex' in record)) {
        return refuse(
          'MEMBER_OFFLINE',
          `Member ${record.memberId} is not on this tablet: ${found.reason}`,
        );
      }
      const maskedPhone = lookup.by === 'phone' ? maskPhone(lookup.phone) : '*';
      return done(withCustomer(cart, { phoneIndex: record.memberPhoneIndex, maskedPhone }), [
        info(found.reason, 'MEMBER_RECORDED_ON_ORDER', { phone: maskedPhone }),
      ]);
    }
    const m = found.member;
    if (m.status !== 'active') return refuse('MEMBER_CLOSED', `Membership ${m.id} is closed`);
    return done(
      withCustomer(cart, {
        memberId: m.id,
        maskedPhone: m.maskedPhone,
        maskedName: m.maskedName,
        tier: m.tier,
        ...(m.phoneIndex !== undefined ? { phoneIndex: m.phoneIndex } : {}),
      }),
      [info(`Member ${m.maskedName}`, 'MEMBER_ATTACHED', { name: m.maskedName })],
    );
  }

  /** [CL6] [TB6] A new member: the phone goes to the server once, over HTTPS; the tablet keeps it masked. */
  async function newMember(cart: ClerkCart, phone: string, name?: string) {
    const staff = signedIn();
    if (!staff) return refuse('NOT_SIGNED_IN', 'Sign in first');
    const normal = normalisePhone(phone);
    if (!normal.ok) return refuse('PHONE_INVALID', 'type the customer’s 11-digit mobile number');
    if (!ports.online()) {
      return refuse('OFFLINE', 'A new member needs the network: try again when online');
    }
    const answer = await ports.server.newMember({
      phone: normal.phone,
      staffId: staff.id,
      ...(name?.trim() ? { name: name.trim() } : {}),
    });
    const made = outcomeOf(answer, 'New member');
    if (!made.ok) return made;
    const m = made.value;
    const indexKey = indexKeyOf(config);
    const customer: ClerkCustomer = {
      memberId: m.memberId,
      maskedPhone: m.maskedPhone,
      ...(m.maskedName !== undefined ? { maskedName: m.maskedName } : {}),
      ...(m.tier !== undefined ? { tier: m.tier } : {}),
      ...(indexKey ? { phoneIndex: phoneIndex(indexKey, normal.phone) } : {}),
    };
    return done({ cart: withCustomer(cart, customer), member: m }, [
      m.existing
        ? info(`${m.maskedPhone} is a member already`, 'MEMBER_EXISTS', { phone: m.maskedPhone })
        : info(
            'Member created: the customer answers the consent page on their phone',
            'MEMBER_CREATED',
          ),
    ]);
  }

  /** [TB7] A delivery address for the cart's member, sealed on the server. */
  async function newAddress(
    cart: ClerkCart,
    address: { regionCode: string; street: string; name: string; phone: string },
  ) {
    const memberId = cart.customer?.memberId;
    if (!memberId)
      return refuse('MEMBER_MISSING', 'Attach a member first: an address is a member’s');
    if (!ports.online()) {
      return refuse('OFFLINE', 'A new address needs the network: try again when online');
    }
    try {
      return outcomeOf(await ports.server.newAddress({ ...address, memberId }), 'New address');
    } catch (error) {
      return refusalOf(error, 'New address');
    }
  }

  return {
    newCart,
    addLine,
    setQuantity,
    setFulfilment,
    setCredits,
    removeLine,
    totals,
    memberByPhone: (cart: ClerkCart, phone: string) => member(cart, phone, 'phone'),
    memberByQr: (cart: ClerkCart, code: string) => member(cart, code, 'qr'),
    newMember,
    newAddress,
    takeNowLines,
    priceOrdered,
  };
}
