/**
 * Orders across channels and the stock they hold. An order is the fold of
 * its facts (placed, held, paid, ready, picked up, cancelled, expired,
 * refunded); each transition is a rule, and an illegal one is refused with a
 * code. Pure: time and ids come in as arguments; money in integer fen.
 * See SPEC.md [OD1]-[OD10] and [HL1]-[HL5].
 */
import { availableToPromise, type StockFigures } from './atp';
import { DomainError, fail, type Result } from './errors';
import { creditProblems, type LineCredit } from './commission';
import type { RoutingExplanation } from './routing';

/** [OD1] The channels an order comes through. */
export const ORDER_CHANNELS = [
  'shop',
  'mini-program',
  'tablet',
  'pos',
  'delivery-platform',
] as const;
export type OrderChannel = (typeof ORDER_CHANNELS)[number];

/**
 * [OD12] The order number people read and say: the 8 characters after
 * `ORD-` of an order id the server made, else the whole id. The customer's
 * phone, the till and the slip show the same number.
 */
export function orderNumber(orderId: string): string {
  return /^ORD-[0-9A-F]{8}-/.test(orderId) ? orderId.slice(4, 12) : orderId;
}

/** [OD2] The channels a customer orders from inside the store: only these take goods now. */
export const IN_STORE_CHANNELS: readonly OrderChannel[] = ['pos', 'tablet'];

/** [OD1] How a line reaches the customer. Addresses are referenced by id, never copied. */
export type Fulfilment =
  | { mode: 'take-now' }
  | { mode: 'pickup'; storeId: string }
  | { mode: 'ship'; addressId: string }
  | { mode: 'same-city'; addressId: string };

/**
 * [OD17] The clerk who placed an order for a customer on a tablet, and the
 * store the customer is attributed to (the clerk's store), recorded apart
 * from the stores that fulfil the lines.
 */
export type OrderClerk = { staffId: string; deviceId: string; attributionStoreId: string };

/** [OD1] A member, or a customer known only by the keyed index of their phone. */
export type OrderCustomer = { memberId: string } | { phoneIndex: string };

export type OrderLine = {
  lineId: string;
  sku: string;
  quantity: number;
  /** Fen per unit before discounts. */
  unitPrice: number;
  /** Fen the line costs after discounts, as the pricing engine gave it. */
  net: number;
  fulfilment: Fulfilment;
  /** Units handed over so far (take-now and pickup lines). */
  pickedUp: number;
  /** [OD14] Units handed to a courier so far (ship and same-city lines). */
  shipped?: number;
  /** [OD17] Who is credited with the line (orders a clerk places): shares of 10,000 ([CM1]). */
  credits?: LineCredit[];
  /**
   * [OD16] Units the order gave up: never handed over nor shipped, refunded
   * (pickup units not collected by the deadline, delivery units no location
   * could ship). They are the line's last units.
   */
  cancelled?: number;
};

/**
 * [OD14] Units of a ship or same-city line routed to a location, in one
 * parcel (shipment). `short` units the location could not pick (rerouted,
 * [RO9]); `shipped` units it handed to the courier.
 */
export type LineAllocation = {
  lineId: string;
  locationId: string;
  shipmentId: string;
  quantity: number;
  short: number;
  shipped: number;
};

/** Every status an order can have. */
export const ORDER_STATUSES = [
  'placed',
  'held',
  'paid',
  'ready',
  'partly-picked-up',
  'picked-up',
  'partly-shipped',
  'shipped',
  'cancelled',
  'expired',
  'refunded',
  'closed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** One accepted hand-over of units of a line. */
export type OrderPickup = { factId: string; lineId: string; quantity: number; at: string };

/** [OD11] Units of a line returned after the hand-over, and the fen refunded for them. */
export type OrderReturn = {
  factId: string;
  lineId: string;
  quantity: number;
  refund: number;
  at: string;
};

export type Order = {
  id: string;
  channel: OrderChannel;
  customer: OrderCustomer;
  lines: OrderLine[];
  /** Fen: the sum of the lines' net. */
  total: number;
  status: OrderStatus;
  placedAt: string;
  holdExpiresAt?: string;
  paidAt?: string;
  pickupDeadline?: string;
  readyAt?: string;
  closedAt?: string;
  pickups: OrderPickup[];
  /** [OD13] Fen refunded for the units never collected, when the order closed short. */
  uncollectedRefund?: number;
  /** [OD11] Returns of handed-over units, at any store's till. */
  returns?: OrderReturn[];
  /** [OD14] Where each ship and same-city line's units come from. */
  allocations?: LineAllocation[];
  /** [RO10] Each routing decision of the order (the first, then any reroutes), for people to read. */
  routing?: RoutingExplanation[];
  /** [OD17] An order a clerk placed for a customer: who, on which device, and the customer's attribution store. */
  clerk?: OrderClerk;
  /** Ids of every fact applied, so a replayed fact changes nothing. */
  factIds: string[];
};

type Fact<K extends string, T = object> = { kind: K; id: string; at: string } & T;

/** The facts an order is made of. `at` is an ISO instant; `id` is the fact's own id. */
export type OrderEvent =
  | Fact<
      'placed',
      {
        orderId: string;
        channel: OrderChannel;
        customer: OrderCustomer;
        lines: Omit<OrderLine, 'pickedUp'>[];
        total: number;
        clerk?: OrderClerk;
      }
    >
  | Fact<'held', { holdExpiresAt: string }>
  | Fact<'paid', { pickupDeadline?: string }>
  | Fact<'ready'>
  | Fact<'picked-up', { lineId: string; quantity: number }>
  | Fact<'cancelled', { reason?: string }>
  | Fact<'expired'>
  | Fact<'refunded'>
  | Fact<'returned', { lineId: string; quantity: number; refund: number }>
  | Fact<'rest-cancelled', { refund: number; reason?: string }>
  | Fact<'units-cancelled', { lineId: string; quantity: number; refund: number; reason?: string }>
  | Fact<
      'routed',
      {
        allocations: Omit<LineAllocation, 'short' | 'shipped'>[];
        explanation: RoutingExplanation;
      }
    >
  | Fact<'line-short', { lineId: string; shipmentId: string; quantity: number }>
  | Fact<'shipped', { shipmentId: string; lines: { lineId: string; quantity: number }[] }>
  | Fact<'merged', { shipmentId: string; into: string }>;

export type OrderErrorCode =
  | 'ORDER_INVALID'
  | 'ORDER_EVENT_INVALID'
  | 'ORDER_NOT_PLACED'
  | 'ORDER_TRANSITION_REFUSED'
  | 'ORDER_HOLD_EXPIRED'
  | 'ORDER_HOLD_NOT_EXPIRED'
  | 'ORDER_NOT_PAID'
  | 'ORDER_LINE_UNKNOWN'
  | 'ORDER_LINE_NOT_FOR_PICKUP'
  | 'ORDER_PICKUP_EXCEEDS_ORDERED'
  | 'ORDER_ALREADY_HANDED_OVER'
  | 'ORDER_ALREADY_PICKED_UP'
  | 'ORDER_RETURN_EXCEEDS_HANDED_OVER'
  | 'ORDER_ROUTE_EXCEEDS_LINE'
  | 'ORDER_SHIPMENT_EXCEEDS_ROUTED'
  | 'ORDER_CANCEL_EXCEEDS_UNROUTED';

export type OrderResult = Result<{ order: Order }, OrderErrorCode>;

const isInstant = (value: unknown): value is string =>
  typeof value === 'string' && Number.isFinite(Date.parse(value));
const ms = (instant: string): number => Date.parse(instant);
const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) > 0;
const isFen = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const isId = (s: unknown): s is string => typeof s === 'string' && s.length > 0;

function fulfilmentProblem(f: Fulfilment | undefined): string | undefined {
  if (!f || typeof f !== 'object') return 'has no fulfilment';
  switch (f.mode) {
    case 'take-now':
      return undefined;
    case 'pickup':
      return isId(f.storeId) ? undefined : 'picks up at no store';
    case 'ship':
    case 'same-city':
      return isId(f.addressId) ? undefined : 'has no address';
    default:
      return 'has an unknown fulfilment mode';
  }
}

/** [OD2] A placed order is well formed, or nothing is made. */
function placeOrder(event: Extract<OrderEvent, { kind: 'placed' }>): OrderResult {
  if (!isId(event.orderId)) return fail('ORDER_INVALID', 'the order has no id');
  if (!ORDER_CHANNELS.includes(event.channel)) {
    return fail('ORDER_INVALID', `unknown channel ${String(event.channel)}`);
  }
  const c = event.customer as Partial<{ memberId: unknown; phoneIndex: unknown }> | undefined;
  if (!c || !(isId(c.memberId) || isId(c.phoneIndex))) {
    return fail('ORDER_INVALID', 'the customer needs a member id or a phone index');
  }
  if (!Array.isArray(event.lines) || event.lines.length === 0) {
    return fail('ORDER_INVALID', 'an order needs at least one line');
  }
  const seen = new Set<string>();
  for (const line of event.lines) {
    if (!isId(line.lineId) || seen.has(line.lineId)) {
      return fail('ORDER_INVALID', `line id ${String(line.lineId)} is missing or repeated`);
    }
    seen.add(line.lineId);
    if (!isId(line.sku)) return fail('ORDER_INVALID', `line ${line.lineId} has no SKU`);
    if (!isCount(line.quantity)) {
      return fail('ORDER_INVALID', `line ${line.lineId}: quantity must be a whole number > 0`);
    }
    if (!isFen(line.unitPrice) || !isFen(line.net)) {
      return fail('ORDER_INVALID', `line ${line.lineId}: prices must be whole fen >= 0`);
    }
    const problem = fulfilmentProblem(line.fulfilment);
    if (problem) return fail('ORDER_INVALID', `line ${line.lineId} ${problem}`);
    // [OD17] Credit travels with orders a clerk places, and is well formed.
    if (line.credits !== undefined) {
      const credit = creditProblems(line.credits);
      if (credit.length > 0)
        return fail('ORDER_INVALID', `line ${line.lineId}: ${credit.join('; ')}`);
      if (event.clerk === undefined) {
        return fail(
          'ORDER_INVALID',
          `line ${line.lineId} is credited but no clerk placed the order`,
        );
      }
    }
    // [OD2] Take now means the customer stands at a till or beside a clerk.
    if (line.fulfilment.mode === 'take-now' && !IN_STORE_CHANNELS.includes(event.channel)) {
      return fail(
        'ORDER_INVALID',
        `line ${line.lineId}: take-now lines come only from a till or a clerk's tablet, not the ${event.channel} channel`,
      );
    }
  }
  if (event.clerk !== undefined) {
    const k = event.clerk as Partial<OrderClerk>;
    if (!IN_STORE_CHANNELS.includes(event.channel)) {
      return fail(
        'ORDER_INVALID',
        `a clerk places orders from a tablet or a till, not the ${event.channel} channel`,
      );
    }
    if (!isId(k.staffId) || !isId(k.deviceId) || !isId(k.attributionStoreId)) {
      return fail(
        'ORDER_INVALID',
        'the clerk needs a staff id, a device id and an attribution store',
      );
    }
  }
  const sum = event.lines.reduce((s, l) => s + l.net, 0);
  if (event.total !== sum) {
    return fail('ORDER_INVALID', `total ${event.total} is not the lines' sum ${sum}`);
  }
  return {
    ok: true,
    order: {
      id: event.orderId,
      channel: event.channel,
      customer: event.customer,
      lines: event.lines.map((l) => ({ ...l, pickedUp: 0 })),
      total: event.total,
      status: 'placed',
      placedAt: event.at,
      ...(event.clerk ? { clerk: event.clerk } : {}),
      pickups: [],
      factIds: [event.id],
    },
  };
}

/** [OD7] A line that is handed over at a store: take now, or pick up. */
export const isHandOverLine = (line: OrderLine): boolean =>
  line.fulfilment.mode === 'take-now' || line.fulfilment.mode === 'pickup';

const CLOSED: readonly OrderStatus[] = ['cancelled', 'expired', 'refunded', 'closed'];

function refuse(order: Order, kind: string): OrderResult {
  return fail(
    'ORDER_TRANSITION_REFUSED',
    `order ${order.id} is ${order.status}: it cannot be ${kind}`,
  );
}

/**
 * Applies one fact to an order (`undefined` before it is placed) and returns
 * the new order, or a code saying why the fact is refused; the order given is
 * never changed. [OD3] A fact whose id was applied already is a no-op.
 */
export function applyOrderEvent(order: Order | undefined, event: OrderEvent): OrderResult {
  if (!event || typeof event !== 'object' || !isId(event.id) || !isInstant(event.at)) {
    return fail('ORDER_EVENT_INVALID', 'a fact needs an id and an instant');
  }
  if (order?.factIds.includes(event.id)) return { ok: true, order };
  if (event.kind === 'placed') {
    if (order) return fail('ORDER_TRANSITION_REFUSED', `order ${order.id} is placed already`);
    return placeOrder(event);
  }
  if (!order) return fail('ORDER_NOT_PLACED', `a ${event.kind} fact needs a placed order`);
  const next = (changes: Partial<Order>): OrderResult => ({
    ok: true,
    order: { ...order, ...changes, factIds: [...order.factIds, event.id] },
  });

  switch (event.kind) {
    // [OD4] placed → held, with the hold's expiry carried in the fact.
    case 'held':
      if (order.status !== 'placed') return refuse(order, 'held');
      if (!isInstant(event.holdExpiresAt) || ms(event.holdExpiresAt) <= ms(event.at)) {
        return fail('ORDER_EVENT_INVALID', 'a hold must expire after it is taken');
      }
      return next({ status: 'held', holdExpiresAt: event.holdExpiresAt });

    // [OD5] placed or held → paid, only while the hold lasts.
    case 'paid':
      if (
        order.status === 'expired' ||
        (order.status === 'held' && isHoldExpired(order, event.at))
      ) {
        return fail('ORDER_HOLD_EXPIRED', `order ${order.id}'s hold expired: it cannot be paid`);
      }
      if (order.status !== 'placed' && order.status !== 'held') return refuse(order, 'paid');
      if (event.pickupDeadline !== undefined && !isInstant(event.pickupDeadline)) {
        return fail('ORDER_EVENT_INVALID', 'the pickup deadline is not an instant');
      }
      return next({
        status: 'paid',
        paidAt: event.at,
        ...(event.pickupDeadline === undefined ? {} : { pickupDeadline: event.pickupDeadline }),
      });

    // [OD6] paid → ready (the store has the goods waiting).
    case 'ready':
      if (order.status !== 'paid') return refuse(order, 'made ready');
      return next({ status: 'ready', readyAt: event.at });

    // [OD7] a hand-over of units of one line, after payment, never beyond the line.
    case 'picked-up':
      return pickUp(order, event, next);

    // [OD8] cancelled before any unit is handed over.
    case 'cancelled':
      if (
        order.status === 'partly-picked-up' ||
        order.status === 'picked-up' ||
        order.status === 'partly-shipped' ||
        order.status === 'shipped'
      ) {
        return fail(
          'ORDER_ALREADY_PICKED_UP',
          `order ${order.id} is ${order.status}: too late to cancel`,
        );
      }
      if (CLOSED.includes(order.status)) return refuse(order, 'cancelled');
      return next({ status: 'cancelled', closedAt: event.at });

    // [OD9] held → expired, at or after the hold's expiry and not before.
    case 'expired':
      if (order.status !== 'held') return refuse(order, 'expired');
      if (!isHoldExpired(order, event.at)) {
        return fail(
          'ORDER_HOLD_NOT_EXPIRED',
          `order ${order.id}'s hold lasts until ${order.holdExpiresAt}`,
        );
      }
      return next({ status: 'expired', closedAt: event.at });

    // [OD10] a paid order that was cancelled → refunded.
    case 'refunded':
      if (order.paidAt === undefined) {
        return fail('ORDER_NOT_PAID', `order ${order.id} was never paid: nothing to refund`);
      }
      if (order.status !== 'cancelled') return refuse(order, 'refunded');
      return next({ status: 'refunded', closedAt: event.at });

    // [OD13] partly picked up → closed: the units not collected are cancelled and refunded.
    case 'rest-cancelled': {
      // [OD16] A mixed order may have shipped some units already.
      if (order.status !== 'partly-picked-up' && order.status !== 'partly-shipped') {
        return refuse(order, 'closed with the rest cancelled');
      }
      const refund = uncollectedRefund(order);
      if (!order.lines.some((l) => isHandOverLine(l) && unitsLeftToHandOver(l) > 0)) {
        return refuse(order, 'closed with the rest cancelled: nothing is left to collect');
      }
      if (event.refund !== refund) {
        return fail(
          'ORDER_EVENT_INVALID',
          `the units not collected refund ${refund} fen, not ${String(event.refund)}`,
        );
      }
      // [OD16] Only the hand-over units are given up; delivery lines carry on.
      const lines = order.lines.map((l) =>
        isHandOverLine(l) ? { ...l, cancelled: l.quantity - l.pickedUp } : l,
      );
      const status = progressStatus(order.status, lines);
      return next({
        lines,
        status,
        uncollectedRefund: refund,
        ...(status === 'closed' ? { closedAt: event.at } : {}),
      });
    }

    case 'units-cancelled':
      return cancelUnits(order, event, next);

    // [OD11] handed-over units come back; never more than were handed over.
    case 'returned': {
      const line = order.lines.find((l) => l.lineId === event.lineId);
      if (!line) return fail('ORDER_LINE_UNKNOWN', `order ${order.id} has no line ${event.lineId}`);
      if (!isCount(event.quantity) || !isFen(event.refund)) {
        return fail('ORDER_EVENT_INVALID', 'a return is a whole number > 0 of units and whole fen');
      }
      const before = (order.returns ?? [])
        .filter((r) => r.lineId === line.lineId)
        .reduce((s, r) => s + r.quantity, 0);
      if (before + event.quantity > line.pickedUp) {
        return fail(
          'ORDER_RETURN_EXCEEDS_HANDED_OVER',
          `line ${line.lineId}: ${line.pickedUp} handed over, ${before} returned, ${event.quantity} more refused`,
        );
      }
      const entry: OrderReturn = {
        factId: event.id,
        lineId: line.lineId,
        quantity: event.quantity,
        refund: event.refund,
        at: event.at,
      };
      return next({ returns: [...(order.returns ?? []), entry] });
    }

    case 'routed':
      return route(order, event, next);
    case 'line-short':
      return lineShort(order, event, next);
    case 'shipped':
      return ship(order, event, next);
    case 'merged':
      return mergeInto(order, event, next);

    default:
      return fail(
        'ORDER_EVENT_INVALID',
        `unknown fact kind ${String((event as { kind: unknown }).kind)}`,
      );
  }
}

function pickUp(
  order: Order,
  event: Extract<OrderEvent, { kind: 'picked-up' }>,
  next: (changes: Partial<Order>) => OrderResult,
): OrderResult {
  if (order.paidAt === undefined) {
    return fail('ORDER_NOT_PAID', `order ${order.id} is not paid: nothing is handed over`);
  }
  if (
    !['paid', 'ready', 'partly-picked-up', 'picked-up', 'partly-shipped'].includes(order.status)
  ) {
    return refuse(order, 'picked up');
  }
  const line = order.lines.find((l) => l.lineId === event.lineId);
  if (!line) return fail('ORDER_LINE_UNKNOWN', `order ${order.id} has no line ${event.lineId}`);
  if (!isHandOverLine(line)) {
    return fail('ORDER_LINE_NOT_FOR_PICKUP', `line ${line.lineId} is ${line.fulfilment.mode}`);
  }
  if (!isCount(event.quantity)) {
    return fail('ORDER_EVENT_INVALID', 'a pickup hands over a whole number > 0 of units');
  }
  if (event.quantity > line.quantity) {
    return fail(
      'ORDER_PICKUP_EXCEEDS_ORDERED',
      `line ${line.lineId} ordered ${line.quantity}, cannot hand over ${event.quantity}`,
    );
  }
  const left = unitsLeftToHandOver(line);
  if (event.quantity > left) {
    return fail(
      'ORDER_ALREADY_HANDED_OVER',
      `line ${line.lineId}: ${line.pickedUp} of ${line.quantity} already handed over, ${left} left, a hand-over of ${event.quantity} is refused`,
    );
  }
  const lines = order.lines.map((l) =>
    l.lineId === line.lineId ? { ...l, pickedUp: l.pickedUp + event.quantity } : l,
  );
  return next({
    lines,
    status: progressStatus(order.status, lines),
    pickups: [
      ...order.pickups,
      { factId: event.id, lineId: line.lineId, quantity: event.quantity, at: event.at },
    ],
  });
}

/** [OD14] A line that travels to the customer: ship or same-city. */
export const isDeliveryLine = (line: Pick<OrderLine, 'fulfilment'>): boolean =>
  line.fulfilment.mode === 'ship' || line.fulfilment.mode === 'same-city';

/** [OD14] Units of a line that are routed now: allocated and not short. */
export function unitsRouted(order: Pick<Order, 'allocations'>, lineId: string): number {
  return (order.allocations ?? [])
    .filter((a) => a.lineId === lineId)
    .reduce((s, a) => s + a.quantity - a.short, 0);
}

/**
 * [OD14] Routes units of delivery lines to locations, never beyond a line's
 * units not routed yet; only while the order is open (placed to partly
 * shipped).
 */
function route(
  order: Order,
  event: Extract<OrderEvent, { kind: 'routed' }>,
  next: (changes: Partial<Order>) => OrderResult,
): OrderResult {
  if (CLOSED.includes(order.status) || order.status === 'shipped') return refuse(order, 'routed');
  const added: LineAllocation[] = [];
  for (const a of event.allocations ?? []) {
    const line = order.lines.find((l) => l.lineId === a.lineId);
    if (!line) return fail('ORDER_LINE_UNKNOWN', `order ${order.id} has no line ${a.lineId}`);
    if (!isDeliveryLine(line)) {
      return fail('ORDER_EVENT_INVALID', `line ${a.lineId} is ${line.fulfilment.mode}: not routed`);
    }
    if (!isCount(a.quantity) || !isId(a.locationId) || !isId(a.shipmentId)) {
      return fail('ORDER_EVENT_INVALID', 'an allocation is a location, a shipment and units > 0');
    }
    const routed = unitsRouted({ allocations: [...(order.allocations ?? []), ...added] }, a.lineId);
    if (routed + a.quantity > line.quantity) {
      return fail(
        'ORDER_ROUTE_EXCEEDS_LINE',
        `line ${a.lineId}: ${routed} of ${line.quantity} routed already, ${a.quantity} more refused`,
      );
    }
    added.push({ ...a, short: 0, shipped: 0 });
  }
  return next({
    allocations: [...(order.allocations ?? []), ...added],
    routing: [...(order.routing ?? []), event.explanation],
  });
}

function findAllocation(
  order: Order,
  lineId: string,
  shipmentId: string,
): LineAllocation | undefined {
  return (order.allocations ?? []).find((a) => a.lineId === lineId && a.shipmentId === shipmentId);
}

/** [OD14] Units of an allocation the location could not pick: no longer routed there. */
function lineShort(
  order: Order,
  event: Extract<OrderEvent, { kind: 'line-short' }>,
  next: (changes: Partial<Order>) => OrderResult,
): OrderResult {
  if (CLOSED.includes(order.status)) return refuse(order, 'picked short');
  const a = findAllocation(order, event.lineId, event.shipmentId);
  if (!a) {
    return fail('ORDER_LINE_UNKNOWN', `line ${event.lineId} has no units in ${event.shipmentId}`);
  }
  if (!isCount(event.quantity) || a.short + a.shipped + event.quantity > a.quantity) {
    return fail(
      'ORDER_SHIPMENT_EXCEEDS_ROUTED',
      `line ${a.lineId} has ${a.quantity - a.short - a.shipped} units left in ${a.shipmentId}, not ${String(event.quantity)}`,
    );
  }
  return next({
    allocations: order.allocations!.map((x) =>
      x === a ? { ...x, short: x.short + event.quantity } : x,
    ),
  });
}

/**
 * [OD15] The units routed to one shipment travel in another parcel of the
 * same location (orders of one customer merged, [MG1]): the allocations
 * name that parcel from now on. Only units nothing happened to yet move; a
 * shipment the order does not name, or one with units short or shipped, is
 * refused.
 */
function mergeInto(
  order: Order,
  event: Extract<OrderEvent, { kind: 'merged' }>,
  next: (changes: Partial<Order>) => OrderResult,
): OrderResult {
  if (CLOSED.includes(order.status) || order.status === 'shipped') return refuse(order, 'merged');
  if (!isId(event.shipmentId) || !isId(event.into) || event.shipmentId === event.into) {
    return fail('ORDER_EVENT_INVALID', 'a merge names a shipment and another it joins');
  }
  const moved = (order.allocations ?? []).filter((a) => a.shipmentId === event.shipmentId);
  if (moved.length === 0) {
    return fail('ORDER_LINE_UNKNOWN', `order ${order.id} has no units in ${event.shipmentId}`);
  }
  if (moved.some((a) => a.short > 0 || a.shipped > 0)) {
    return fail(
      'ORDER_EVENT_INVALID',
      `shipment ${event.shipmentId} has units short or shipped: it no longer merges`,
    );
  }
  const target = (order.allocations ?? []).filter((a) => a.shipmentId === event.into);
  if (target.some((t) => t.locationId !== moved[0]!.locationId)) {
    return fail('ORDER_EVENT_INVALID', `shipment ${event.into} is at another location`);
  }
  return next({
    allocations: order.allocations!.map((a) =>
      a.shipmentId === event.shipmentId ? { ...a, shipmentId: event.into } : a,
    ),
  });
}

/**
 * [OD14] Units handed to the courier from one shipment: paid orders only,
 * never beyond what was routed there. Every unit shipped or handed over →
 * shipped, else partly shipped.
 */
function ship(
  order: Order,
  event: Extract<OrderEvent, { kind: 'shipped' }>,
  next: (changes: Partial<Order>) => OrderResult,
): OrderResult {
  if (order.paidAt === undefined) {
    return fail('ORDER_NOT_PAID', `order ${order.id} is not paid: nothing ships`);
  }
  if (CLOSED.includes(order.status)) return refuse(order, 'shipped');
  if (!Array.isArray(event.lines) || event.lines.length === 0) {
    return fail('ORDER_EVENT_INVALID', 'a shipment ships at least one line');
  }
  let allocations = order.allocations ?? [];
  let lines = order.lines;
  for (const { lineId, quantity } of event.lines) {
    const a = allocations.find((x) => x.lineId === lineId && x.shipmentId === event.shipmentId);
    if (!a) return fail('ORDER_LINE_UNKNOWN', `line ${lineId} has no units in ${event.shipmentId}`);
    if (!isCount(quantity) || a.short + a.shipped + quantity > a.quantity) {
      return fail(
        'ORDER_SHIPMENT_EXCEEDS_ROUTED',
        `line ${lineId} has ${a.quantity - a.short - a.shipped} units left in ${a.shipmentId}, not ${String(quantity)}`,
      );
    }
    allocations = allocations.map((x) => (x === a ? { ...x, shipped: x.shipped + quantity } : x));
    lines = lines.map((l) =>
      l.lineId === lineId ? { ...l, shipped: (l.shipped ?? 0) + quantity } : l,
    );
  }
  return next({ allocations, lines, status: progressStatus(order.status, lines) });
}

/** [OD7] [OD16] Units of a hand-over line neither handed over nor given up. */
export const unitsLeftToHandOver = (line: OrderLine): number =>
  line.quantity - line.pickedUp - (line.cancelled ?? 0);

/** [OD16] Units of a line delivered: handed over (take-now, pickup) or shipped (ship, same-city). */
const delivered = (line: OrderLine): number =>
  isDeliveryLine(line) ? (line.shipped ?? 0) : line.pickedUp;

/**
 * [OD16] An order's status from its lines' progress, once paid. Every unit
 * of every line delivered or given up: shipped when any unit shipped, else
 * picked up when none was given up, else closed. Otherwise partly shipped
 * when any unit shipped; else, when any unit was handed over, picked up if
 * every hand-over line is wholly handed over or given up, and partly picked up if not;
 * else the status stays (`current`).
 */
export function progressStatus(current: OrderStatus, lines: readonly OrderLine[]): OrderStatus {
  const anyShipped = lines.some((l) => isDeliveryLine(l) && (l.shipped ?? 0) > 0);
  const anyCancelled = lines.some((l) => (l.cancelled ?? 0) > 0);
  const settled = lines.every((l) => delivered(l) + (l.cancelled ?? 0) === l.quantity);
  if (settled) return anyShipped ? 'shipped' : anyCancelled ? 'closed' : 'picked-up';
  if (anyShipped) return 'partly-shipped';
  const handOver = lines.filter(isHandOverLine);
  if (!handOver.some((l) => l.pickedUp > 0)) return current;
  const handedAll = handOver.every((l) => l.pickedUp + (l.cancelled ?? 0) === l.quantity);
  return handedAll ? 'picked-up' : 'partly-picked-up';
}

/**
 * [OD16] The fen refunded for giving up `quantity` more units of a line:
 * the line's net shared out by unit, the units given up being its last ones
 * (delivered and returned units its first, [OF6]), so every refund of a line
 * together never exceeds its net, and giving up all of it refunds the net.
 */
export function cancelRefund(
  line: Pick<OrderLine, 'net' | 'quantity' | 'cancelled'>,
  quantity: number,
): number {
  const upTo = (units: number) => Math.floor((line.net * units) / line.quantity);
  const top = line.quantity - (line.cancelled ?? 0);
  return upTo(top) - upTo(top - quantity);
}

/**
 * [OD16] What cancelling a paid order refunds: its total less what the units
 * it gave up were refunded already (each line's last shares, `cancelRefund`),
 * so no fen is refunded twice.
 */
export function cancellationRefund(order: Pick<Order, 'total' | 'lines'>): number {
  let givenUp = 0;
  for (const line of order.lines) {
    const units = line.cancelled ?? 0;
    if (units === 0) continue;
    const upTo = (n: number) => Math.floor((line.net * n) / line.quantity);
    givenUp += upTo(line.quantity) - upTo(line.quantity - units);
  }
  return order.total - givenUp;
}

/**
 * [OD16] Units of a delivery line no location can ship are given up and
 * refunded: never more than the line's units not routed now and not given
 * up already (`ORDER_CANCEL_EXCEEDS_UNROUTED`), only once paid, only while
 * the order is open, with the refund `cancelRefund` says.
 */
function cancelUnits(
  order: Order,
  event: Extract<OrderEvent, { kind: 'units-cancelled' }>,
  next: (changes: Partial<Order>) => OrderResult,
): OrderResult {
  if (order.paidAt === undefined) {
    return fail('ORDER_NOT_PAID', `order ${order.id} is not paid: nothing is given up`);
  }
  if (CLOSED.includes(order.status) || order.status === 'shipped') {
    return refuse(order, 'given up in part');
  }
  const line = order.lines.find((l) => l.lineId === event.lineId);
  if (!line) return fail('ORDER_LINE_UNKNOWN', `order ${order.id} has no line ${event.lineId}`);
  if (!isDeliveryLine(line)) {
    return fail(
      'ORDER_EVENT_INVALID',
      `line ${line.lineId} is ${line.fulfilment.mode}: not given up here`,
    );
  }
  if (!isCount(event.quantity) || !isFen(event.refund)) {
    return fail(
      'ORDER_EVENT_INVALID',
      'units given up are a whole number > 0, the refund whole fen',
    );
  }
  if (event.reason !== undefined && typeof event.reason !== 'string') {
    return fail('ORDER_EVENT_INVALID', 'the reason is text');
  }
  const left = line.quantity - unitsRouted(order, line.lineId) - (line.cancelled ?? 0);
  if (event.quantity > left) {
    return fail(
      'ORDER_CANCEL_EXCEEDS_UNROUTED',
      `line ${line.lineId} has ${left} units neither routed nor given up, not ${event.quantity}`,
    );
  }
  const refund = cancelRefund(line, event.quantity);
  if (event.refund !== refund) {
    return fail(
      'ORDER_EVENT_INVALID',
      `${event.quantity} units of line ${line.lineId} refund ${refund} fen, not ${event.refund}`,
    );
  }
  const lines = order.lines.map((l) =>
    l === line ? { ...l, cancelled: (l.cancelled ?? 0) + event.quantity } : l,
  );
  const status = progressStatus(order.status, lines);
  return next({ lines, status, ...(status === 'closed' ? { closedAt: event.at } : {}) });
}

/**
 * [OD13] What the units of hand-over lines not collected are worth: each
 * line's net shared out by unit, the collected units first, so these fen and
 * those of any returns of collected units ([OF6]) never exceed the line's net.
 */
export function uncollectedRefund(order: Pick<Order, 'lines'>): number {
  let fen = 0;
  for (const line of order.lines) {
    if (!isHandOverLine(line)) continue;
    fen += cancelRefund(line, line.quantity - line.pickedUp - (line.cancelled ?? 0));
  }
  return fen;
}

/** [OD3] The order that a sequence of facts makes, or the first refusal. */
export function foldOrderEvents(events: readonly OrderEvent[]): OrderResult {
  let order: Order | undefined;
  for (const event of events) {
    const result = applyOrderEvent(order, event);
    if (!result.ok) return result;
    order = result.order;
  }
  return order ? { ok: true, order } : fail('ORDER_NOT_PLACED', 'no placed fact');
}

// ---------------------------------------------------------------- holds

/** [HL1] How long a chain holds stock for an unpaid order, and keeps a paid one for pickup. */
export type HoldPolicy = { holdMinutes: number; pickupDays: number };

export const DEFAULT_HOLD_POLICY: HoldPolicy = { holdMinutes: 15, pickupDays: 3 };

/** [HL1] A chain's hold policy: 15 minutes and 3 days unless it says otherwise; whole numbers > 0. */
export function holdPolicy(overrides: Partial<HoldPolicy> = {}): HoldPolicy {
  const policy = { ...DEFAULT_HOLD_POLICY, ...overrides };
  for (const [name, value] of Object.entries(policy)) {
    if (!isCount(value)) {
      throw new DomainError(
        'HOLD_POLICY_INVALID',
        `${name} must be a whole number > 0, got ${value}`,
      );
    }
  }
  return policy;
}

function later(instant: string, addMs: number): string {
  const at = Date.parse(instant);
  if (!Number.isFinite(at))
    throw new DomainError('ORDER_EVENT_INVALID', `not an instant: ${instant}`);
  return new Date(at + addMs).toISOString();
}

/** [HL2] When an unpaid hold taken at `placedAt` expires: holdMinutes later. */
export function holdExpiry(placedAt: string, policy: HoldPolicy = DEFAULT_HOLD_POLICY): string {
  return later(placedAt, policy.holdMinutes * 60_000);
}

/** [HL2] By when a paid pickup must be collected: pickupDays after payment, same time. */
export function pickupDeadline(paidAt: string, policy: HoldPolicy = DEFAULT_HOLD_POLICY): string {
  return later(paidAt, policy.pickupDays * 86_400_000);
}

/** [HL2] An unpaid hold is expired from its expiry instant on (inclusive). */
export function isHoldExpired(
  order: Pick<Order, 'status' | 'holdExpiresAt'>,
  now: string,
): boolean {
  return (
    order.status === 'held' &&
    order.holdExpiresAt !== undefined &&
    ms(now) >= ms(order.holdExpiresAt)
  );
}

/**
 * [HL3] Units of pickup lines at `storeId` that orders hold at `now`: an
 * unpaid hold not yet expired holds its whole lines; a paid order holds what
 * is not handed over yet; anything else holds nothing. Feed it to
 * `availableToPromise` as `held`.
 */
export function heldQuantities(
  orders: readonly Order[],
  storeId: string,
  now: string,
): Map<string, number> {
  const held = new Map<string, number>();
  for (const order of orders) {
    const paid = ['paid', 'ready', 'partly-picked-up', 'partly-shipped'].includes(order.status);
    const holding = order.status === 'held' && !isHoldExpired(order, now);
    if (!paid && !holding) continue;
    for (const line of order.lines) {
      if (line.fulfilment.mode !== 'pickup' || line.fulfilment.storeId !== storeId) continue;
      const units = Math.max(line.quantity - line.pickedUp - (line.cancelled ?? 0), 0);
      if (units > 0) held.set(line.sku, (held.get(line.sku) ?? 0) + units);
    }
  }
  return held;
}

/** [HL4] Whether `quantity` units can be held now: a whole number > 0, no more than ATP. */
export function canHold(position: StockFigures, quantity: number): boolean {
  return isCount(quantity) && availableToPromise(position) >= quantity;
}

/**
 * [HL5] A paid pickup not collected by its deadline (inclusive): the server
 * reminds, then cancels and refunds it, which frees its units ([HL3]).
 */
export function isPickupOverdue(
  order: Pick<Order, 'status' | 'pickupDeadline'>,
  now: string,
): boolean {
  return (
    ['paid', 'ready', 'partly-picked-up', 'partly-shipped'].includes(order.status) &&
    order.pickupDeadline !== undefined &&
    ms(now) >= ms(order.pickupDeadline)
  );
}
