/**
 * One price for one cart in every channel: the order center prices an
 * online order's lines with the till's engine ([CK7]), the same way for the
 * shop's own orders and for a channel's `POST /_orders`. See SPEC.md [OC10].
 */
import {
  addCoupon,
  addItem,
  attachMember,
  newCheckout,
  priceCheckout,
  type CheckoutCart,
  type CheckoutPricing,
  type Coupon,
  type Member,
  type Price,
  type Product,
  type Promotion,
} from '@pos/domain';
import { SyncError } from '../protocol';
import type { SyncStorage } from '../storage/storage';

/** [OC10] What the order center prices online orders at. */
export type OrderPricingOptions = {
  /** The price list online orders sell at (default `CN-LIST`). */
  priceList: string;
  currency: string;
  /** ISO instant the order is priced at, for promotions' windows. */
  now: string;
  /** The chain's offset from UTC for promotions' hours (China: 480). */
  utcOffsetMinutes: number;
};

/** [OC10] The defaults: the demo chain's list, yuan, China's offset. */
export const DEFAULT_ORDER_PRICING = {
  priceList: 'CN-LIST',
  currency: 'CNY',
  utcOffsetMinutes: 480,
} as const;

export type PricedOrderLine = { sku: string; quantity: number; unitPrice: number; net: number };

const bad = (reason: string) => new SyncError('bad_request', reason);

/** [OC10] The member behind a member id, when there is one and it is active. */
export async function activeMember(
  storage: Pick<SyncStorage, 'getDocs'>,
  memberId: string | undefined,
): Promise<Member | undefined> {
  if (!memberId) return undefined;
  const row = (await storage.getDocs('members', [memberId], null)).get(memberId);
  const member = row?.body as Member | undefined;
  return member?.status === 'active' ? member : undefined;
}

/** The list prices of `skus` on `priceList`, by SKU. */
export async function listPrices(
  storage: Pick<SyncStorage, 'getDocs'>,
  priceList: string,
  skus: readonly string[],
): Promise<Map<string, Price>> {
  const rows = await storage.getDocs(
    'prices',
    skus.map((sku) => `${priceList}:${sku}`),
    null,
  );
  return new Map([...rows.values()].map((row) => [(row.body as Price).sku, row.body as Price]));
}

/**
 * [OC10] Prices an online order's lines as a till at `storeId` would for the
 * online channel ([CK7]): list prices, the active promotions, the member's
 * tier. The lines are one cart: lines of the same SKU are one cart line, whose
 * net is shared among them by quantity (whole fen, the rest on the last).
 * Answers each line's unit price and net, in the lines' order, and the
 * total; a product that is not sold or has no price is 400. [CR3] `coupons`
 * (already checked as a till checks a scanned one, [CP2]) are added to the
 * cart in order as the till adds them ([CK6]); the engine's applied and
 * refused coupons come back with the prices.
 */
export async function priceOrderLines(
  storage: Pick<SyncStorage, 'getDocs' | 'findDocs'>,
  lines: readonly { sku: string; quantity: number }[],
  storeId: string,
  member: Member | undefined,
  options: OrderPricingOptions,
  coupons: readonly Coupon[] = [],
): Promise<{
  lines: PricedOrderLine[];
  total: number;
  coupons: CheckoutPricing['coupons'];
  rejectedCoupons: CheckoutPricing['rejectedCoupons'];
}> {
  const skus = [...new Set(lines.map((l) => l.sku))];
  const products = await storage.getDocs('products', skus, null);
  const prices = await listPrices(storage, options.priceList, skus);
  let cart: CheckoutCart = newCheckout(options.currency);
  skus.forEach((sku, i) => {
    const product = products.get(sku)?.body as Product | undefined;
    if (!product || product.status !== 'active') throw bad(`there is no product ${sku}`);
    const price = prices.get(sku);
    if (!price || price.currency !== options.currency) {
      throw bad(`${product.name} cannot be ordered online: it has no price`);
    }
    const quantity = lines.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);
    cart = addItem(cart, { lineId: `L${i + 1}`, product, price, quantity });
  });
  if (member) cart = attachMember(cart, member);
  for (const coupon of coupons) cart = addCoupon(cart, coupon);
  const promotions = (await storage.findDocs('promotions', { fields: { status: 'active' } })).map(
    (row) => row.body as Promotion,
  );
  const pricing = priceCheckout(cart, {
    storeId,
    channel: 'online',
    now: options.now,
    utcOffsetMinutes: options.utcOffsetMinutes,
    promotions,
  });
  const bySku = new Map(pricing.priced.lines.map((line) => [line.sku, line]));
  const left = new Map(
    [...bySku].map(([sku, line]) => [sku, { net: line.net, units: line.quantity }]),
  );
  const priced = lines.map((line) => {
    const cartLine = bySku.get(line.sku)!;
    const rest = left.get(line.sku)!;
    const net =
      rest.units === line.quantity
        ? rest.net
        : Math.floor((cartLine.net * line.quantity) / cartLine.quantity);
    rest.net -= net;
    rest.units -= line.quantity;
    return { sku: line.sku, quantity: line.quantity, unitPrice: cartLine.unitPrice, net };
  });
  return {
    lines: priced,
    total: priced.reduce((sum, l) => sum + l.net, 0),
    coupons: pricing.coupons,
    rejectedCoupons: pricing.rejectedCoupons,
  };
}
