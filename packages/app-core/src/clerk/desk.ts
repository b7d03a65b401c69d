/**
 * The clerk's desk: everything a clerk does that a till does not, over the
 * till's ports plus the server's clerk routes, the device's own store and
 * whether it is online ([CL1]). Each concern is a file: finding and stock,
 * the cart and its customer, sending and the order queue, commission and
 * credit edits.
 */
import { createCart } from './cart';
import { createCommission } from './commission';
import { createFinding } from './finding';
import { createOrders } from './orders';
import type { ClerkDesk, ClerkPorts } from './types';

/** [CL1] The clerk's use cases over `ports`. */
export function createClerkDesk(ports: ClerkPorts): ClerkDesk {
  const finding = createFinding(ports);
  const cart = createCart(ports);
  const orders = createOrders(ports, cart);
  const commission = createCommission(ports);
  return {
    find: finding.find,
    product: finding.product,
    stockHere: finding.stockHere,
    chainStock: finding.chainStock,
    newCart: cart.newCart,
    addLine: cart.addLine,
    setQuantity: cart.setQuantity,
    setFulfilment: cart.setFulfilment,
    setCredits: cart.setCredits,
    removeLine: cart.removeLine,
    totals: cart.totals,
    memberByPhone: cart.memberByPhone,
    memberByQr: cart.memberByQr,
    newMember: cart.newMember,
    newAddress: cart.newAddress,
    submit: orders.submit,
    pay: orders.pay,
    order: orders.order,
    queue: orders.queue,
    flush: orders.flush,
    dismiss: orders.dismiss,
    commission: commission.commission,
    editCredit: commission.editCredit,
  };
}
