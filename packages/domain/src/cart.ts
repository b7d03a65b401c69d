/**
 * The cart and cash checkout of the walking skeleton. Pure: the shell passes
 * products and prices in, and gets new carts and results back. [C1]-[C5]
 */
import type { Price, Product, Sale, SaleLine } from './documents';
import { assertMinor, formatMinorPlain, multiplyMinor, sumMinor, type Minor } from './money';

export type CartLine = SaleLine;

export type Cart = { readonly lines: readonly CartLine[]; readonly currency: string };

export function emptyCart(currency = 'CNY'): Cart {
  return { lines: [], currency };
}

export class CartError extends Error {
  constructor(
    readonly code:
      'PRODUCT_NOT_SELLABLE' | 'PRICE_MISSING' | 'CART_EMPTY' | 'TENDER_SHORT' | 'QUANTITY_INVALID',
    message: string,
  ) {
    super(message);
  }
}

/**
 * [C1] Adding a product already in the cart adds to its line's quantity instead
 * of a second line. [C2] A product without a price, or discontinued, cannot be sold.
 */
export function addProduct(
  cart: Cart,
  product: Product,
  price: Price | undefined,
  quantity = 1,
): Cart {
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    throw new CartError('QUANTITY_INVALID', `Quantity must be a whole number of at least 1`);
  }
  if (product.status !== 'active') {
    throw new CartError(
      'PRODUCT_NOT_SELLABLE',
      `${product.name} is discontinued and cannot be sold`,
    );
  }
  if (!price || price.sku !== product.id || price.currency !== cart.currency) {
    throw new CartError('PRICE_MISSING', `${product.name} has no price; ask a supervisor`);
  }
  const existing = cart.lines.findIndex((line) => line.sku === product.id);
  if (existing >= 0) {
    const lines = cart.lines.map((line, i) =>
      i === existing ? lineWithQuantity(line, line.quantity + quantity) : line,
    );
    return { ...cart, lines };
  }
  const line: CartLine = {
    sku: product.id,
    name: product.name,
    gtin: product.gtin,
    quantity,
    unitPrice: assertMinor(price.amount, 'price'),
    amount: multiplyMinor(price.amount, quantity),
  };
  return { ...cart, lines: [...cart.lines, line] };
}

function lineWithQuantity(line: CartLine, quantity: number): CartLine {
  return { ...line, quantity, amount: multiplyMinor(line.unitPrice, quantity) };
}

/** [C3] The total is the exact sum of the line amounts. */
export function cartTotal(cart: Cart): Minor {
  return sumMinor(cart.lines.map((line) => line.amount));
}

/**
 * [C4] Cash: the change is tendered minus total; a tender short of the total is
 * refused with the amount still due. [C5] An empty cart cannot be paid.
 */
export function payCash(
  cart: Cart,
  tendered: Minor,
): { total: Minor; tendered: Minor; change: Minor } {
  if (cart.lines.length === 0) throw new CartError('CART_EMPTY', 'The cart is empty');
  assertMinor(tendered, 'tendered');
  const total = cartTotal(cart);
  if (tendered < total) {
    throw new CartError(
      'TENDER_SHORT',
      `Cash tendered is ${formatMinorPlain(total - tendered)} short of the total`,
    );
  }
  return { total, tendered, change: tendered - total };
}

/** Builds the immutable sale fact. Id and time come in as arguments. */
export function buildCashSale(
  cart: Cart,
  tendered: Minor,
  ctx: { id: string; storeId: string; deviceId: string; now: string },
): Sale {
  const { total, change } = payCash(cart, tendered);
  return {
    id: ctx.id,
    storeId: ctx.storeId,
    deviceId: ctx.deviceId,
    soldAt: ctx.now,
    currency: cart.currency,
    lines: cart.lines.map((line) => ({ ...line })),
    total,
    tenders: [{ kind: 'cash', amount: tendered }],
    change,
  };
}
