/**
 * Sending the clerk's cart: its take-now lines become a signed take-now code
 * a till scans ([CL7], [TK1]); its pickup and delivery lines an order,
 * placed now when the server answers, else queued on the device and sent
 * again with the same request (the same Idempotency-Key) until it is placed
 * or the server refuses it, with its reason ([CL8]). A queued order is
 * written before it is first sent, so a tablet that stops mid-request sends
 * it again and the server answers the same order; an order is never dropped
 * unless the clerk dismisses its outcome.
 */
import {
  creditProblems,
  makeTakeNowCode,
  sameCredits,
  type ClerkOrderLine,
  type ClerkOrderRequest,
  type OrderCustomer,
} from '@pos/domain';
import { codeKeysOf } from '../checkout';
import { done, info, refusalOf, refuse, type Notice, type Outcome } from '../outcome';
import { OFFLINE, outcomeOf } from './answers';
import type { createCart } from './cart';
import type {
  ClerkCart,
  ClerkLineMode,
  ClerkPorts,
  ClerkSubmitted,
  QueuedOrder,
  ServerAnswer,
} from './types';

/** [CL2] [CL8] Where queued orders and their outcomes are kept: `clerk-order:<request id>`. */
export const ORDER_KEY_PREFIX = 'clerk-order:';
export const orderKey = (requestId: string): string => `${ORDER_KEY_PREFIX}${requestId}`;

/** [TB2] How an ordered line reaches the customer, on the wire; null for a take-now line. */
function orderFulfilment(mode: ClerkLineMode): ClerkOrderLine['fulfilment'] | null {
  if (mode.mode === 'take-now') return null;
  if (mode.mode === 'pickup') return { mode: 'pickup', storeId: mode.storeId };
  return { mode: mode.mode, addressId: mode.addressId };
}

/**
 * [CL8] [CL14] Whether a refusal is the order's (it fails, with the server's
 * reason) or the server's for now (overloaded, down behind a proxy, the
 * tablet's token refused): then it stays queued and is sent again.
 */
export function refusalIsFinal(status: number): boolean {
  return status >= 400 && status < 500 && ![401, 408, 425, 429].includes(status);
}

export function createOrders(ports: ClerkPorts, cart: ReturnType<typeof createCart>) {
  const { config, local } = ports;

  // Sends run one at a time: a flush and a submit never send the same request at once.
  let sending: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const result = sending.then(work);
    sending = result.catch(() => undefined);
    return result;
  };

  /** Sends a kept order once and keeps what came of it. */
  async function send(
    entry: QueuedOrder,
  ): Promise<{ entry: QueuedOrder; answer: ServerAnswer<unknown> }> {
    const answer = await ports.server.placeOrder(entry.request);
    const tried = {
      ...entry,
      attempts: entry.attempts + 1,
      lastTriedAt: ports.clock().toISOString(),
    };
    let next: QueuedOrder;
    if (answer.ok) {
      const { code: _c, reason: _r, ...rest } = tried;
      next = { ...rest, state: 'placed', order: answer.value.order };
    } else if (answer.offline) {
      next = { ...tried, state: 'queued', reason: answer.reason };
    } else if (refusalIsFinal(answer.status)) {
      next = { ...tried, state: 'failed', code: answer.code, reason: answer.reason };
    } else {
      next = { ...tried, state: 'queued', code: answer.code, reason: answer.reason };
    }
    await local.set(orderKey(entry.request.requestId), next);
    return { entry: next, answer };
  }

  /** [CL7] Checks the cart and makes what it sends; nothing is sent when it is refused. */
  function prepare(c: ClerkCart): Outcome<{ takeNowCode?: string; request?: ClerkOrderRequest }> {
    const staff = ports.state.get().staff;
    if (!staff) return refuse('NOT_SIGNED_IN', 'Sign in first');
    if (c.lines.length === 0) return refuse('CART_EMPTY', 'the cart is empty');
    for (const line of c.lines) {
      const problems = creditProblems(line.credits);
      if (problems.length) {
        return refuse('CREDIT_INVALID', `${line.name}: ${problems.join('; ')}`, {
          params: { lines: line.lineId },
        });
      }
    }
    const takeNow = cart.takeNowLines(c);
    const ordered = c.lines.filter((l) => l.fulfilment.mode !== 'take-now');
    let takeNowCode: string | undefined;
    if (takeNow.length > 0) {
      const key = codeKeysOf(config)[0];
      if (!key) {
        return refuse(
          'TAKE_NOW_NO_KEY',
          'This tablet has no code key: a take-now code cannot be made',
        );
      }
      if (takeNow.some((l) => !sameCredits(l.credits, takeNow[0]!.credits))) {
        return refuse(
          'TAKE_NOW_CREDITS_DIFFER',
          'The take-now lines carry one credit: set the same credit on each',
        );
      }
      const quantities = new Map<string, number>();
      for (const l of takeNow) quantities.set(l.sku, (quantities.get(l.sku) ?? 0) + l.quantity);
      try {
        takeNowCode = makeTakeNowCode(
          {
            cartId: c.cartId,
            storeId: config.storeId,
            credits: takeNow[0]!.credits,
            lines: [...quantities].map(([sku, quantity]) => ({ sku, quantity })),
          },
          key,
        );
      } catch (error) {
        return refusalOf(error, 'Take-now code');
      }
    }
    if (ordered.length === 0) return done(takeNowCode ? { takeNowCode } : {});
    const customer: OrderCustomer | null = c.customer?.memberId
      ? { memberId: c.customer.memberId }
      : c.customer?.phoneIndex
        ? { phoneIndex: c.customer.phoneIndex }
        : null;
    if (!customer) {
      return refuse('CUSTOMER_MISSING', 'An order is for a customer: attach a member first');
    }
    const lines: ClerkOrderLine[] = ordered.map((l) => ({
      lineId: l.lineId,
      sku: l.sku,
      quantity: l.quantity,
      fulfilment: orderFulfilment(l.fulfilment)!,
      credits: l.credits,
    }));
    return done({
      ...(takeNowCode ? { takeNowCode } : {}),
      request: {
        requestId: ports.newId().toUpperCase(),
        staffId: staff.id,
        customer,
        lines,
        createdAt: ports.clock().toISOString(),
      },
    });
  }

  async function submit(c: ClerkCart): Promise<Outcome<ClerkSubmitted>> {
    let prepared: ReturnType<typeof prepare>;
    try {
      prepared = prepare(c);
    } catch (error) {
      return refusalOf(error, 'Order');
    }
    if (!prepared.ok) return prepared;
    const { takeNowCode, request: unpriced } = prepared.value;
    const code = takeNowCode ? { takeNowCode } : {};
    if (!unpriced) return done(code);
    let request: ClerkOrderRequest;
    try {
      const ordered = c.lines.filter((l) => l.fulfilment.mode !== 'take-now');
      const priced = await cart.priceOrdered(c, ordered);
      request = { ...unpriced, expectedTotal: priced.reduce((s, l) => s + l.net, 0) };
    } catch (error) {
      return refusalOf(error, 'Order');
    }
    const queued: QueuedOrder = { request, state: 'queued', attempts: 0 };
    // [CL8] Kept before it is sent: a tablet that stops mid-request sends it again.
    await local.set(orderKey(request.requestId), queued);
    const queuedNotice: Notice = info(
      'No network: the order is kept on the tablet and sent when the network is back',
      'ORDER_QUEUED',
    );
    if (!ports.online()) return done({ ...code, queued }, [queuedNotice]);
    return oneAtATime(async () => {
      const { entry, answer } = await send(queued);
      if (entry.state === 'placed') {
        // Placed while the clerk waits: the clerk sees it now; nothing stays in the queue.
        await local.remove(orderKey(request.requestId));
        return done({ ...code, order: entry.order! });
      }
      if (entry.state === 'queued') {
        return done({ ...code, queued: entry }, [
          answer.ok || answer.offline
            ? queuedNotice
            : info(
                `The server cannot take the order now (${entry.reason}); it is kept and sent again`,
                'ORDER_QUEUED',
              ),
        ]);
      }
      // Refused: nothing was ordered; the cart stays with the clerk to change.
      await local.remove(orderKey(request.requestId));
      return outcomeOf(answer, 'Order') as Outcome<never>;
    });
  }

  async function queue(): Promise<QueuedOrder[]> {
    const keys = await local.keys(ORDER_KEY_PREFIX);
    const entries = await Promise.all(keys.map((k) => local.get<QueuedOrder>(k)));
    return entries.filter((e): e is QueuedOrder => e !== null);
  }

  /** [CL8] Every queued order is sent once, oldest first; stops at the first with no answer. */
  const flush = (): Promise<QueuedOrder[]> =>
    oneAtATime(async () => {
      for (const entry of await queue()) {
        if (entry.state !== 'queued') continue;
        const { answer } = await send(entry);
        if (!answer.ok && answer.offline) break;
      }
      return queue();
    });

  /** [CL8] A placed or failed order leaves the list once seen; a queued one stays. */
  const dismiss = (requestId: string): Promise<void> =>
    oneAtATime(async () => {
      const entry = await local.get<QueuedOrder>(orderKey(requestId));
      if (entry && entry.state !== 'queued') await local.remove(orderKey(requestId));
    });

  const needsNetwork = (what: string): Outcome<never> | null =>
    ports.online() ? null : refuse(OFFLINE, `${what} needs the network: try again when online`);

  return {
    submit,
    queue,
    flush,
    dismiss,
    /** [CL9] [TB3] The pay QR of a held order, from the provider through the server. */
    async pay(orderId: string) {
      return needsNetwork('Payment') ?? outcomeOf(await ports.server.pay(orderId), 'Payment');
    },
    /** [CL9] The order as the server has it now. */
    async order(orderId: string) {
      return (
        needsNetwork('The order') ??
        outcomeOf(await ports.server.order(orderId), 'The order', (a) => a.order)
      );
    },
  };
}
