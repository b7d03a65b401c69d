/**
 * The pickup desk and returns of online orders at the till. The customer
 * types or shows their 6-digit code, or scans their pickup QR; the cashier
 * sees the order's lines and what is left, hands over all or part of it and
 * prints the slip. An unpaid order whose hold lasts is paid here first. Items
 * of an online order come back at any store's till by its QR. Everything but
 * a return of another store's order works offline: the order is the one the
 * server last sent, with this till's own facts folded over it.
 * See SPEC.md [DP1]-[DP8]; the rules are the domain's [OF*], [PU*], [OD*].
 */
import {
  applyOrderEvent,
  applyPickup,
  checkOrderReturn,
  formatMinorPlain,
  fromHex,
  isHandOverLine,
  isHoldExpired,
  linesLeftAt,
  matchPickupCode,
  normalisePickupCode,
  NO_PICKUP_ATTEMPTS,
  orderFactProblems,
  orderNumber,
  parsePickupQr,
  pickupAttemptsAllowed,
  readOrderQr,
  recordPickupAttempt,
  returnedUnits,
  type CodeKey,
  type Order,
  type OrderEvent,
  type OrderLineCount,
  type OrderPaymentFact,
  type OrderReturnFact,
  type PickupAttemptState,
  type PickupFact,
} from '@pos/domain';
import type { PickupSlip } from '@pos/hardware/protocol';
import type { OrderFactsHere } from '@pos/replica';
import { done, info, noticeOf, refusalOf, refuse, type Notice, type Outcome } from './outcome';
import type { TillPorts } from './ports';

/** One pickup line of an order at this store, as the desk shows it. */
export type PickupLine = {
  lineId: string;
  sku: string;
  name: string;
  quantity: number;
  pickedUp: number;
  left: number;
  net: number;
};

/** An order open at the pickup desk. */
export type PickupDraft = {
  /** The order as this till knows it: the server's, with this till's facts folded over it. */
  order: Order;
  proof: 'code' | 'qr';
  lines: PickupLine[];
  /** Why nothing can be handed over now; null when something can. */
  blocked: null | 'not-paid' | 'hold-expired' | 'closed' | 'all-collected';
  /** The last hand-over made at this desk for this order (its slip). */
  lastPickup: PickupFact | null;
};

/** One handed-over line of an online order, as a return shows it. */
export type OrderReturnLine = {
  lineId: string;
  sku: string;
  name: string;
  handedOver: number;
  returned: number;
  /** Units that may still come back. */
  returnable: number;
  net: number;
  quantity: number;
};

/** An online order's return in progress. */
export type OrderReturnDraft = {
  order: Order;
  /** Where the order came from: this store's replica, or the sync server. */
  source: 'replica' | 'server';
  lines: OrderReturnLine[];
};

/** The device-local document that keeps the desk's wrong tries ([PU5]); never synced. */
export const PICKUP_ATTEMPTS_DOC = 'pickup-attempts';

/** [DP9] An order waiting at this store's pickup desk, as the desk lists it. */
export type AwaitingPickup = {
  orderId: string;
  /** [OD12] The number people read. */
  number: string;
  status: Order['status'];
  /** Units of this store's pickup lines not handed over yet. */
  unitsLeft: number;
  /** The pickup deadline (paid orders), else the unpaid hold's expiry, else null. */
  deadline: string | null;
  /** The deadline has passed (the server will close the order short). */
  overdue: boolean;
};

export type PickupDesk = {
  /**
   * [DP9] This store's orders waiting for pickup, with what is left and
   * their deadlines, soonest first, from the replica (offline too).
   */
  awaiting(): Promise<AwaitingPickup[]>;
  /** [DP2] Whether a code may be typed now, and how many wrong ones are left. */
  attempts(): Promise<{ allowed: true; remaining: number } | { allowed: false; until: string }>;
  /** [DP1] [DP2] A typed 6-digit code: opens its order at the desk. */
  openByCode(typed: string): Promise<Outcome<PickupDraft>>;
  /** [DP3] A scanned pickup QR: opens its order; null when the text is no pickup QR. */
  openByQr(code: string): Promise<Outcome<PickupDraft> | null>;
  /** A scanned order QR at the checkout: a return when one was asked for, else the pickup. */
  scanned(code: string): Promise<Outcome<unknown> | null>;
  /** [DP4] Hands over these units, records the fact and prints the slip. */
  handOver(draft: PickupDraft, lines: readonly OrderLineCount[]): Promise<Outcome<PickupFact>>;
  /** [DP5] Takes the order's total for an unpaid order whose hold lasts. */
  payHere(draft: PickupDraft, tender: 'cash' | 'card'): Promise<Outcome<OrderPaymentFact>>;
  /** Prints the slip of the last hand-over again. */
  reprint(draft: PickupDraft): Promise<Outcome>;
  close(): void;
  /** [DP6] The cashier starts a return of an online order: the next order QR opens it. */
  askForReturn(): void;
  /** [DP6] An order QR (any store's): opens the return of its handed-over items. */
  openReturn(code: string): Promise<Outcome<OrderReturnDraft> | null>;
  /** [DP7] Records the return of these units, refunds and prints the slip. */
  completeReturn(
    draft: OrderReturnDraft,
    lines: readonly OrderLineCount[],
    refundTo: 'original' | 'cash',
  ): Promise<Outcome<OrderReturnFact>>;
  cancelReturn(): void;
};

const keysOf = (keys: { id: string; secretHex: string }[] | undefined): CodeKey[] =>
  (keys ?? []).map((k) => ({ id: k.id, secret: fromHex(k.secretHex) }));

/** Whether an order already carries a fact of this till (its id, or an id derived from it). */
const reflects = (order: Order, factId: string): boolean =>
  order.factIds.some((id) => id === factId || id.startsWith(`${factId}:`));

/**
 * [DP8] The order as this till knows it: the server's, with this device's
 * payments, hand-overs and returns the server has not reflected yet folded
 * over it, so the desk shows what is left after a hand-over made offline. A
 * fact the order refuses (the server decided otherwise) is left out.
 */
export function orderHere(order: Order, facts: OrderFactsHere): Order {
  let next = order;
  const apply = (events: OrderEvent[]) => {
    let candidate = next;
    for (const event of events) {
      const r = applyOrderEvent(candidate, event);
      if (!r.ok) return;
      candidate = r.order;
    }
    next = candidate;
  };
  for (const p of facts.payments) {
    if (!reflects(next, p.id)) apply([{ kind: 'paid', id: p.id, at: p.at }]);
  }
  for (const p of facts.pickups) {
    if (reflects(next, p.id)) continue;
    const r = applyPickup(next, p);
    if (r.ok) next = r.order;
  }
  for (const r of facts.returns) {
    if (reflects(next, r.id)) continue;
    const checked = checkOrderReturn(next, r.lines);
    if (!checked.ok) continue;
    apply(
      checked.perLine.map((l) => ({
        kind: 'returned' as const,
        id: `${r.id}:${l.lineId}`,
        at: r.at,
        lineId: l.lineId,
        quantity: l.quantity,
        refund: l.refund,
      })),
    );
  }
  return next;
}

const OPEN_FOR_PICKUP = new Set(['placed', 'held', 'paid', 'ready', 'partly-picked-up']);

/** The store's time of day of an instant, `HH:MM`, for what the cashier reads. */
function timeOfDay(iso: string, utcOffsetMinutes: number): string {
  const local = new Date(Date.parse(iso) + utcOffsetMinutes * 60_000);
  return local.toISOString().slice(11, 16);
}

export function createPickupDesk(ports: TillPorts): PickupDesk {
  const { replica, config, state } = ports;
  const storeKeys = keysOf(config.pickupStoreKeys);
  const qrKeys = keysOf(config.pickupQrKeys);
  const offset = config.utcOffsetMinutes ?? 480;
  const now = () => ports.clock().toISOString();

  async function nameOf(sku: string): Promise<string> {
    const found = await replica.bySku(sku).catch(() => null);
    return found?.found ? found.product.name : sku;
  }

  /** This store's order by id, as this till knows it; null when the server has not sent it. */
  async function heldHere(orderId: string): Promise<Order | null> {
    const doc = await replica.storeOrder(orderId);
    if (!doc) return null;
    return orderHere(doc.order, await replica.orderFactsHere(orderId));
  }

  async function draftOf(
    order: Order,
    proof: 'code' | 'qr',
    lastPickup: PickupFact | null,
  ): Promise<PickupDraft> {
    const lines = await Promise.all(
      linesLeftAt(order, config.storeId).map(async (l) => ({
        lineId: l.lineId,
        sku: l.sku,
        name: await nameOf(l.sku),
        quantity: l.quantity,
        pickedUp: order.lines.find((o) => o.lineId === l.lineId)?.pickedUp ?? l.quantity - l.left,
        left: l.left,
        net: order.lines.find((o) => o.lineId === l.lineId)?.net ?? 0,
      })),
    );
    const blocked: PickupDraft['blocked'] =
      order.status === 'expired' || isHoldExpired(order, now())
        ? 'hold-expired'
        : order.paidAt === undefined && OPEN_FOR_PICKUP.has(order.status)
          ? 'not-paid'
          : !OPEN_FOR_PICKUP.has(order.status) && order.status !== 'picked-up'
            ? 'closed'
            : lines.every((l) => l.left === 0)
              ? 'all-collected'
              : null;
    return { order, proof, lines, blocked, lastPickup };
  }

  function show(draft: PickupDraft): Outcome<PickupDraft> {
    state.set({ pickup: draft, awaitingOrderReturnScan: false });
    const params = { order: orderNumber(draft.order.id) };
    const notices: Notice[] = [];
    if (draft.blocked === 'not-paid') {
      notices.push(
        info(
          `Order ${orderNumber(draft.order.id)} is not paid: take the payment here first`,
          'PICKUP_NOT_PAID',
          params,
        ),
      );
    } else if (draft.blocked === 'hold-expired') {
      notices.push(
        info(
          `Order ${orderNumber(draft.order.id)}'s hold expired: its items are no longer kept; sell them as a new sale`,
          'ORDER_HOLD_EXPIRED',
          params,
        ),
      );
    } else if (draft.blocked === 'all-collected') {
      notices.push(
        info(
          `Order ${orderNumber(draft.order.id)} is collected in full`,
          'PICKUP_ALL_COLLECTED',
          params,
        ),
      );
    } else if (draft.blocked === 'closed') {
      notices.push(
        info(
          `Order ${orderNumber(draft.order.id)} is ${draft.order.status}: nothing to hand over`,
          'PICKUP_CLOSED',
          {
            ...params,
            status: draft.order.status,
          },
        ),
      );
    }
    return done(draft, notices);
  }

  async function readAttempts(): Promise<PickupAttemptState> {
    return replica.readLocal<PickupAttemptState>(PICKUP_ATTEMPTS_DOC, NO_PICKUP_ATTEMPTS);
  }

  async function attempts() {
    const allowed = pickupAttemptsAllowed(await readAttempts(), now());
    return allowed.allowed
      ? allowed
      : { allowed: false as const, until: timeOfDay(allowed.lockedUntil, offset) };
  }

  function locked(until: string) {
    return refuse(
      'PICKUP_LOCKED',
      `Too many wrong pickup codes: typing codes is locked until ${until}. Scan the customer's pickup QR instead`,
      { params: { until } },
    );
  }

  // [DP2] Typed codes are checked one at a time, so no wrong try goes uncounted.
  let codes: Promise<unknown> = Promise.resolve();
  function openByCode(typed: string): Promise<Outcome<PickupDraft>> {
    const result = codes.then(() => checkCode(typed));
    codes = result.catch(() => undefined);
    return result;
  }

  /**
   * [DP1] [DP9] This store's orders open for pickup, as this till knows them.
   * A fact of this till never reopens an order the server has closed (a
   * hand-over or a payment only moves an open one on, a return changes no
   * status), so only the orders the server sent open are read with this
   * till's facts: a store's replica keeps every order it ever had, and
   * reading the facts of each made a typed code take seconds per thousand.
   */
  async function openOrdersHere(): Promise<Order[]> {
    const open = (await replica.storeOrders()).filter((doc) =>
      OPEN_FOR_PICKUP.has(doc.order.status),
    );
    const orders = await Promise.all(
      open.map(async (doc) => orderHere(doc.order, await replica.orderFactsHere(doc.order.id))),
    );
    return orders.filter((o) => OPEN_FOR_PICKUP.has(o.status));
  }

  async function awaiting(): Promise<AwaitingPickup[]> {
    const at = Date.parse(now());
    return (await openOrdersHere())
      .map((o): AwaitingPickup => {
        const unitsLeft = o.lines
          .filter((l) => l.fulfilment.mode === 'pickup' && l.fulfilment.storeId === config.storeId)
          .reduce((sum, l) => sum + l.quantity - l.pickedUp - (l.cancelled ?? 0), 0);
        const deadline = o.pickupDeadline ?? o.holdExpiresAt ?? null;
        return {
          orderId: o.id,
          number: orderNumber(o.id),
          status: o.status,
          unitsLeft,
          deadline,
          overdue: deadline !== null && Date.parse(deadline) < at,
        };
      })
      .filter((o) => o.unitsLeft > 0)
      .sort(
        (a, b) =>
          (a.deadline === null ? Infinity : Date.parse(a.deadline)) -
            (b.deadline === null ? Infinity : Date.parse(b.deadline)) ||
          (a.orderId < b.orderId ? -1 : 1),
      );
  }

  async function checkCode(typed: string): Promise<Outcome<PickupDraft>> {
    if (storeKeys.length === 0) {
      return refuse(
        'PICKUP_NO_STORE_KEY',
        "This till has no pickup key for 6-digit codes: scan the customer's pickup QR",
      );
    }
    const allowed = await attempts();
    if (!allowed.allowed) return locked(allowed.until);
    const format = normalisePickupCode(typed);
    if (!format.ok) {
      return refuse('PICKUP_CODE_FORMAT', 'A pickup code is 6 digits: check and type it again');
    }
    const open = await openOrdersHere();
    const match = matchPickupCode(
      format.code,
      open.map((o) => o.id),
      storeKeys,
    );
    if (!match.ok && match.code === 'PICKUP_CODE_AMBIGUOUS') {
      return refuse(match.code, match.message);
    }
    const at = now();
    const recorded = recordPickupAttempt(await readAttempts(), at, match.ok);
    await replica.writeLocal(PICKUP_ATTEMPTS_DOC, recorded);
    if (!match.ok) {
      const after = pickupAttemptsAllowed(recorded, at);
      if (!after.allowed) return locked(timeOfDay(after.lockedUntil, offset));
      return refuse(
        'PICKUP_CODE_UNKNOWN',
        `No open order at this store has code ${format.code}: check the code with the customer (${after.remaining} tries left)`,
        { params: { code: format.code, left: String(after.remaining) } },
      );
    }
    const order = open.find((o) => o.id === match.orderId)!;
    return show(await draftOf(order, 'code', null));
  }

  async function openByQr(code: string): Promise<Outcome<PickupDraft> | null> {
    const parsed = parsePickupQr(code, qrKeys, config.storeId);
    if (!parsed.ok) {
      if (parsed.code === 'CODE_FORMAT' || parsed.code === 'CODE_KIND') return null;
      if (parsed.code === 'PICKUP_WRONG_STORE') {
        const other = readOrderQr(code, qrKeys);
        const store = other.ok ? other.storeId : '?';
        return refuse(
          'PICKUP_WRONG_STORE',
          `This order is picked up at store ${store}, not here: send the customer there`,
          { params: { store } },
        );
      }
      return refuse(
        parsed.code,
        `This pickup QR does not verify (${parsed.message}): type the 6-digit code instead`,
      );
    }
    const order = await heldHere(parsed.orderId);
    if (!order) {
      return refuse(
        'PICKUP_ORDER_NOT_HERE',
        `Order ${parsed.orderId} has not reached this till yet: wait for the sync, or check the network`,
        { params: { order: parsed.orderId } },
      );
    }
    return show(await draftOf(order, 'qr', null));
  }

  async function slipOf(
    purpose: 'pickup' | 'return',
    fact: PickupFact | OrderReturnFact,
    lines: PickupSlip['lines'],
    extra: Pick<PickupSlip, 'refund' | 'refundTo'> = {},
  ): Promise<PickupSlip> {
    const staff = state.get().staff;
    return {
      purpose,
      factId: fact.id,
      orderId: fact.orderId,
      storeName: (await replica.store()).name,
      at: fact.at,
      ...(staff ? { cashierId: staff.id, cashierName: staff.name } : {}),
      lines,
      ...extra,
    };
  }

  async function print(slip: PickupSlip): Promise<Notice[]> {
    const what = slip.purpose === 'pickup' ? 'Pickup slip' : 'Return slip';
    try {
      const result = await ports.devices.printDocument(
        { kind: 'pickup-slip', slip },
        config.receiptColumns,
        { language: ports.language() },
      );
      if (result.printed) return [];
      return [
        {
          tone: 'error',
          text: `${what} waiting for the printer: ${result.message}`,
          code: 'PRINT_QUEUED',
          context: `${what} waiting for the printer`,
        },
      ];
    } catch (error) {
      return [noticeOf(refusalOf(error, `${what} not printed`))];
    }
  }

  async function pickupSlip(draft: PickupDraft, fact: PickupFact): Promise<PickupSlip> {
    return slipOf(
      'pickup',
      fact,
      fact.lines.map((l) => {
        const line = draft.lines.find((d) => d.lineId === l.lineId);
        return {
          sku: line?.sku ?? l.lineId,
          name: line?.name ?? l.lineId,
          quantity: l.quantity,
          left: line?.left ?? 0,
        };
      }),
    );
  }

  async function handOver(
    draft: PickupDraft,
    request: readonly OrderLineCount[],
  ): Promise<Outcome<PickupFact>> {
    const staff = state.get().staff;
    if (!staff) return refuse('NOT_SIGNED_IN', 'Sign in first');
    const lines = request.filter((l) => l.quantity > 0);
    if (lines.length === 0) {
      return refuse('PICKUP_NOTHING_CHOSEN', 'Choose the units to hand over first');
    }
    // The order as it is now: another hand-over may have been made since the desk opened it.
    const order = (await heldHere(draft.order.id)) ?? draft.order;
    const fact: PickupFact = {
      id: ports.newId(),
      storeId: config.storeId,
      orderId: order.id,
      lines: lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
      at: now(),
      deviceId: config.deviceId,
      staffId: staff.id,
      proof: draft.proof,
    };
    const problems = orderFactProblems('pickup', fact);
    if (problems.length) {
      return refuse('PICKUP_INVALID', `This hand-over cannot be recorded: ${problems[0]!.message}`);
    }
    const applied = applyPickup(order, fact);
    if (!applied.ok) {
      if (applied.code === 'ORDER_NOT_PAID') {
        return refuse(
          'PICKUP_NOT_PAID',
          `Order ${orderNumber(order.id)} is not paid: take the payment here first`,
          { params: { order: orderNumber(order.id) } },
        );
      }
      return refuse(applied.code, applied.message);
    }
    try {
      await ports.outbox.record('pickup', fact);
    } catch (error) {
      return refusalOf(error, 'The hand-over was not recorded');
    }
    const next = await draftOf(applied.order, draft.proof, fact);
    state.set({ pickup: next });
    const units = fact.lines.reduce((s, l) => s + l.quantity, 0);
    const notices = await print(await pickupSlip(next, fact));
    notices.unshift(
      info(`Handed over ${units} item(s) of order ${orderNumber(order.id)}`, 'PICKUP_HANDED_OVER', {
        units: String(units),
        order: orderNumber(order.id),
      }),
    );
    return done(fact, notices);
  }

  async function payHere(
    draft: PickupDraft,
    tender: 'cash' | 'card',
  ): Promise<Outcome<OrderPaymentFact>> {
    const staff = state.get().staff;
    if (!staff) return refuse('NOT_SIGNED_IN', 'Sign in first');
    const order = (await heldHere(draft.order.id)) ?? draft.order;
    const at = now();
    if (order.paidAt !== undefined) {
      return refuse('ORDER_ALREADY_PAID', `Order ${orderNumber(order.id)} is paid already`, {
        params: { order: orderNumber(order.id) },
      });
    }
    if (order.status === 'expired' || isHoldExpired(order, at)) {
      const time = order.holdExpiresAt ? timeOfDay(order.holdExpiresAt, offset) : '';
      return refuse(
        'ORDER_HOLD_EXPIRED',
        `Order ${orderNumber(order.id)}'s hold expired ${time}: its items are no longer kept; sell them as a new sale`,
        { params: { order: orderNumber(order.id), time } },
      );
    }
    const fact: OrderPaymentFact = {
      id: ports.newId(),
      storeId: config.storeId,
      orderId: order.id,
      amount: order.total,
      tender,
      at,
      deviceId: config.deviceId,
      staffId: staff.id,
    };
    const paid = applyOrderEvent(order, { kind: 'paid', id: fact.id, at });
    if (!paid.ok) return refuse(paid.code, paid.message);
    const problems = orderFactProblems('orderPayment', fact);
    if (problems.length) {
      return refuse(
        'ORDER_PAYMENT_INVALID',
        `This payment cannot be recorded: ${problems[0]!.message}`,
      );
    }
    try {
      await ports.outbox.record('orderPayment', fact);
    } catch (error) {
      return refusalOf(error, 'The payment was not recorded');
    }
    const notices: Notice[] = [
      info(
        `Order ${orderNumber(order.id)} paid here: ${formatMinorPlain(fact.amount)}`,
        'ORDER_PAID_HERE',
        {
          order: orderNumber(order.id),
          amount: formatMinorPlain(fact.amount),
        },
      ),
    ];
    if (tender === 'cash') {
      await ports.devices.openDrawer().catch((error: unknown) => {
        notices.push(noticeOf(refusalOf(error, 'Drawer did not open')));
      });
    }
    state.set({ pickup: await draftOf(paid.order, draft.proof, draft.lastPickup) });
    return done(fact, notices);
  }

  async function returnDraft(
    order: Order,
    source: OrderReturnDraft['source'],
  ): Promise<Outcome<OrderReturnDraft>> {
    const returned = returnedUnits(order);
    const lines = await Promise.all(
      order.lines.filter(isHandOverLine).map(async (l) => ({
        lineId: l.lineId,
        sku: l.sku,
        name: await nameOf(l.sku),
        handedOver: l.pickedUp,
        returned: returned.get(l.lineId) ?? 0,
        returnable: l.pickedUp - (returned.get(l.lineId) ?? 0),
        net: l.net,
        quantity: l.quantity,
      })),
    );
    if (lines.every((l) => l.returnable === 0)) {
      return refuse(
        'ORDER_NOTHING_TO_RETURN',
        `Nothing of order ${orderNumber(order.id)} was handed over, or all of it came back already`,
        { params: { order: orderNumber(order.id) } },
      );
    }
    const draft = { order, source, lines };
    state.set({ orderReturn: draft, awaitingOrderReturnScan: false, pickup: null });
    return done(draft);
  }

  async function openReturn(code: string): Promise<Outcome<OrderReturnDraft> | null> {
    const read = readOrderQr(code, qrKeys);
    if (!read.ok) {
      if (read.code === 'CODE_FORMAT' || read.code === 'CODE_KIND') return null;
      return refuse(read.code, `This order QR does not verify: ${read.message}`);
    }
    const { orderId } = read;
    const here = read.storeId === config.storeId ? await heldHere(orderId) : null;
    if (here) return returnDraft(here, 'replica');
    const online = await replica.orderOnline(orderId);
    const params = { order: orderId };
    switch (online.status) {
      case 'found':
        return returnDraft(
          orderHere(online.order, await replica.orderFactsHere(orderId)),
          'server',
        );
      case 'not-found':
        return refuse('ORDER_NOT_FOUND', `No order ${orderId} is known, here or on the server`, {
          params,
        });
      case 'refused':
        return refuse(
          'ORDER_LOOKUP_REFUSED',
          `The sync server does not let this till read order ${orderId}: ask the store of the order`,
          { params },
        );
      case 'offline':
        return refuse(
          'ORDER_LOOKUP_OFFLINE',
          `Order ${orderId} is not on this till and the sync server cannot be reached: the return needs a connection; try again when online`,
          { params },
        );
    }
  }

  async function completeReturn(
    draft: OrderReturnDraft,
    request: readonly OrderLineCount[],
    refundTo: 'original' | 'cash',
  ): Promise<Outcome<OrderReturnFact>> {
    const staff = state.get().staff;
    if (!staff) return refuse('NOT_SIGNED_IN', 'Sign in first');
    const lines = request.filter((l) => l.quantity > 0);
    if (lines.length === 0) {
      return refuse('ORDER_RETURN_NOTHING_CHOSEN', 'Choose the units that come back first');
    }
    // Returns made here since the draft opened count too.
    const order = orderHere(draft.order, await replica.orderFactsHere(draft.order.id));
    const checked = checkOrderReturn(order, lines);
    if (!checked.ok) return refuse(checked.code, checked.message);
    const fact: OrderReturnFact = {
      id: ports.newId(),
      storeId: config.storeId,
      orderId: order.id,
      lines: lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
      refund: checked.refund,
      refundTo,
      at: now(),
      deviceId: config.deviceId,
      staffId: staff.id,
    };
    const problems = orderFactProblems('orderReturn', fact);
    if (problems.length) {
      return refuse(
        'ORDER_RETURN_INVALID',
        `This return cannot be recorded: ${problems[0]!.message}`,
      );
    }
    try {
      await ports.outbox.record('orderReturn', fact);
    } catch (error) {
      return refusalOf(error, 'The return was not recorded');
    }
    state.set({ orderReturn: null });
    const amount = formatMinorPlain(fact.refund);
    const notices: Notice[] = [
      refundTo === 'cash'
        ? info(`Refund ${amount} in cash from the drawer`, 'ORDER_REFUND_CASH', { amount })
        : info(
            `Refund ${amount} goes back to the order's original payment`,
            'ORDER_REFUND_ORIGINAL',
            { amount },
          ),
    ];
    if (refundTo === 'cash') {
      await ports.devices.openDrawer().catch((error: unknown) => {
        notices.push(noticeOf(refusalOf(error, 'Drawer did not open')));
      });
    }
    const slip = await slipOf(
      'return',
      fact,
      checked.perLine.map((l) => {
        const line = draft.lines.find((d) => d.lineId === l.lineId);
        return {
          sku: line?.sku ?? l.lineId,
          name: line?.name ?? l.lineId,
          quantity: l.quantity,
          refund: l.refund,
        };
      }),
      { refund: fact.refund, refundTo },
    );
    notices.push(...(await print(slip)));
    return done(fact, notices);
  }

  return {
    awaiting,
    attempts,
    openByCode,
    openByQr,
    async scanned(code) {
      if (state.get().awaitingOrderReturnScan) return openReturn(code);
      return openByQr(code);
    },
    handOver,
    payHere,
    async reprint(draft) {
      if (!draft.lastPickup) return refuse('PICKUP_NO_SLIP', 'Nothing was handed over yet');
      const notices = await print(await pickupSlip(draft, draft.lastPickup));
      return done(null, notices);
    },
    close() {
      state.set({ pickup: null });
    },
    askForReturn() {
      state.set({ awaitingOrderReturnScan: true, orderReturn: null });
    },
    openReturn,
    completeReturn,
    cancelReturn() {
      state.set({ orderReturn: null, awaitingOrderReturnScan: false });
    },
  };
}
