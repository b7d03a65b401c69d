/**
 * Discounts after the promotion engine (coupons, a manual cart discount) are
 * spread over lines by largest remainder and recorded on each line, so every
 * figure on the receipt traces to a line. See SPEC.md [PR11], [RD2].
 */
import { sumMinor, type Minor } from './money';
import type { LineAdjustment, PricedCart, PricedLine } from './promotion-types';
import { allocateByLargestRemainder } from './rounding';

/**
 * Spreads `amount` over the lines at `indices` in proportion to their net and
 * records it as `source`. The amount is capped at their net, so no line goes
 * below zero. Returns the new cart and the amount actually taken.
 */
export function spreadDiscount(
  cart: PricedCart,
  indices: readonly number[],
  amount: Minor,
  source: Omit<LineAdjustment, 'quantity' | 'amount'>,
): { cart: PricedCart; amount: Minor } {
  const nets = indices.map((i) => cart.lines[i]?.net ?? 0);
  const taken = Math.max(0, Math.min(amount, sumMinor(nets)));
  if (taken === 0) return { cart, amount: 0 };
  const shares = allocateByLargestRemainder(taken, nets);
  const lines = cart.lines.map((line) => line);
  indices.forEach((lineIndex, k) => {
    const share = shares[k] ?? 0;
    const line = lines[lineIndex];
    if (!line || share === 0) return;
    const adjustment: LineAdjustment = { ...source, quantity: line.quantity, amount: share };
    lines[lineIndex] = {
      ...line,
      discount: line.discount + share,
      net: line.net - share,
      adjustments: [...line.adjustments, adjustment],
    };
  });
  return { cart: withTotals(cart, lines), amount: taken };
}

export function withTotals(cart: PricedCart, lines: PricedLine[]): PricedCart {
  const discount = sumMinor(lines.map((l) => l.discount));
  const subtotal = sumMinor(lines.map((l) => l.amount));
  return { ...cart, lines, subtotal, discount, total: subtotal - discount };
}
