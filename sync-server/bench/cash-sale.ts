/**
 * A till's cash sale as the benchmarks push it: the lines priced with the
 * domain's checkout, paid in exact cash, built into a sale fact.
 */
import {
  addItem,
  addTender,
  buildSaleFact,
  newCheckout,
  priceCheckout,
  settleCheckout,
  type Price,
  type Product,
  type SaleFact,
} from '@pos/domain';

export type SaleLine = { product: Product; price: Price; quantity: number };

export function cashSale(
  lines: readonly SaleLine[],
  till: { deviceId: string; storeId: string },
  id: string,
): SaleFact {
  let cart = newCheckout('CNY', 'inclusive');
  lines.forEach((line, i) => {
    cart = addItem(cart, { lineId: `L${i + 1}`, ...line });
  });
  const now = new Date().toISOString();
  const pricing = priceCheckout(cart, {
    storeId: till.storeId,
    channel: 'store',
    now,
    utcOffsetMinutes: 480,
    promotions: [],
  });
  cart = addTender(cart, { kind: 'cash', amount: pricing.total });
  return buildSaleFact(cart, pricing, settleCheckout(cart, pricing), {
    id,
    storeId: till.storeId,
    deviceId: till.deviceId,
    channel: 'store',
    now,
    cashierId: 'E1',
  });
}
