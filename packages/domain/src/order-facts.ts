/**
 * Online orders at the store: the order as the fulfilling store's devices
 * hold it (a `storeState` document of kind `order`), and the facts those
 * devices write about it, offline too: a hand-over at the pickup desk, an
 * unpaid order paid at the till, items of an online order returned at a till.
 * The server applies each fact once, by the order rules ([OD3], [OD7]).
 * Pure. See SPEC.md [OF1]-[OF7].
 */
import { fail, type Result } from './errors';
import {
  applyOrderEvent,
  unitsLeftToHandOver,
  type Order,
  type OrderEvent,
  type OrderResult,
} from './orders';
import { count, id, minor, text, time } from './schema-fields';
import { validateAgainstSchema, type SchemaProblem } from './validate';
import { FULFILMENT_FACT_SCHEMA, fulfilmentFactProblems } from './shipments';

/** Units of one order line. */
export type OrderLineCount = { lineId: string; quantity: number };

/** [OF1] A hand-over of units of an order's lines at its pickup store. */
export type PickupFact = {
  id: string;
  storeId: string;
  orderId: string;
  lines: OrderLineCount[];
  at: string;
  deviceId: string;
  staffId: string;
  /** How the customer proved the order theirs: the 6-digit code or the signed QR. */
  proof: 'code' | 'qr';
};

/** [OF4] An unpaid order paid at a store's till. */
export type OrderPaymentFact = {
  id: string;
  storeId: string;
  orderId: string;
  /** Fen taken: the order's total. */
  amount: number;
  tender: 'cash' | 'card' | 'qr';
  at: string;
  deviceId: string;
  staffId: string;
};

/** [OF5] Items of an online order returned at a store's till. */
export type OrderReturnFact = {
  id: string;
  storeId: string;
  orderId: string;
  lines: OrderLineCount[];
  /** Fen refunded: `refundFor` of the lines. */
  refund: number;
  /** Where the money goes: the order's original payment (through its provider), or cash at the till. */
  refundTo: 'original' | 'cash';
  at: string;
  deviceId: string;
  staffId: string;
  reason?: string;
};

/** [OF2] An order as one fulfilling store's devices hold it (`storeState`, kind `order`). */
export type StoreOrder = {
  id: string;
  kind: 'order';
  storeId: string;
  updatedAt: string;
  order: Order;
};

/**
 * [ATP3] The units orders hold of a SKU at a store (unpaid holds not expired,
 * paid pickups not handed over): a `storeState` document of kind `held`,
 * kept by the server beside the stock level, only for SKUs orders hold.
 */
export type HeldUnits = {
  id: string;
  kind: 'held';
  storeId: string;
  sku: string;
  held: number;
  updatedAt: string;
};

/** [ATP3] The `storeState` id of the units held of a SKU at a store. */
export function heldUnitsId(storeId: string, sku: string): string {
  return `held:${storeId}:${sku}`;
}

const heldUnitsSchema = {
  type: 'object',
  properties: {
    id,
    kind: { type: 'string', enum: ['held'] },
    storeId: id,
    sku: id,
    held: count,
    updatedAt: time,
  },
  required: ['id', 'kind', 'storeId', 'sku', 'held', 'updatedAt'],
  additionalProperties: false,
} as const;

/** [ATP3] Validates a `storeState` document of kind `held`: its id names its store and SKU. */
export function heldUnitsProblems(value: unknown): SchemaProblem[] {
  const problems = validateAgainstSchema(heldUnitsSchema, value);
  if (problems.length) return problems;
  const doc = value as HeldUnits;
  const want = heldUnitsId(doc.storeId, doc.sku);
  return doc.id === want ? [] : [{ path: '$.id', message: `must be ${want}` }];
}

/** [OF2] The `storeState` id of an order at one of its stores. */
export function storeOrderId(orderId: string, storeId: string): string {
  return `order:${orderId}:${storeId}`;
}

const lineCounts = {
  type: 'array',
  minItems: 1,
  maxItems: 200,
  items: {
    type: 'object',
    properties: { lineId: id, quantity: { type: 'integer', minimum: 1, maximum: 1e6 } },
    required: ['lineId', 'quantity'],
    additionalProperties: false,
  },
} as const;

const common = { id, storeId: id, orderId: id, at: time, deviceId: id, staffId: id } as const;
const commonRequired = ['id', 'storeId', 'orderId', 'at', 'deviceId', 'staffId'] as const;

/** [OF1] [OF4] [OF5] The schemas of the order facts, as their bodies (without `kind`). */
export const ORDER_FACT_SCHEMAS = {
  pickup: {
    type: 'object',
    properties: { ...common, lines: lineCounts, proof: { type: 'string', enum: ['code', 'qr'] } },
    required: [...commonRequired, 'lines', 'proof'],
    additionalProperties: false,
  },
  orderPayment: {
    type: 'object',
    properties: {
      ...common,
      amount: count,
      tender: { type: 'string', enum: ['cash', 'card', 'qr'] },
    },
    required: [...commonRequired, 'amount', 'tender'],
    additionalProperties: false,
  },
  orderReturn: {
    type: 'object',
    properties: {
      ...common,
      lines: lineCounts,
      refund: count,
      refundTo: { type: 'string', enum: ['original', 'cash'] },
      reason: text,
    },
    required: [...commonRequired, 'lines', 'refund', 'refundTo'],
    additionalProperties: false,
  },
  // [FT1] A step of a location's work on a parcel (see shipments.ts).
  fulfilment: FULFILMENT_FACT_SCHEMA,
} as const;

export type OrderFactKind = keyof typeof ORDER_FACT_SCHEMAS;

const isInstant = (v: string): boolean => Number.isFinite(Date.parse(v));

/** [OF1] A fact's lines name each line once. */
function lineProblems(lines: readonly OrderLineCount[] | undefined): SchemaProblem[] {
  if (!lines) return [];
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.lineId)) {
      return [{ path: '$.lines', message: `line ${line.lineId} is named twice` }];
    }
    seen.add(line.lineId);
  }
  return [];
}

/** [OF1] [OF4] [OF5] Validates the body of an order fact: its schema, an instant, each line once. */
export function orderFactProblems(kind: OrderFactKind, value: unknown): SchemaProblem[] {
  if (kind === 'fulfilment') return fulfilmentFactProblems(value);
  const problems = validateAgainstSchema(ORDER_FACT_SCHEMAS[kind], value);
  if (problems.length) return problems;
  const fact = value as { at: string; lines?: OrderLineCount[] };
  if (!isInstant(fact.at)) return [{ path: '$.at', message: 'is not an instant' }];
  return lineProblems(fact.lines);
}

const storeOrderSchema = {
  type: 'object',
  properties: {
    id,
    kind: { type: 'string', enum: ['order'] },
    storeId: id,
    updatedAt: time,
    order: {
      type: 'object',
      properties: {
        id,
        status: { type: 'string', maxLength: 40 },
        total: minor,
        lines: { type: 'array', minItems: 1, maxItems: 200 },
      },
      required: ['id', 'status', 'total', 'lines'],
      additionalProperties: true,
    },
  },
  required: ['id', 'kind', 'storeId', 'updatedAt', 'order'],
  additionalProperties: false,
} as const;

/** [OF2] Validates a `storeState` document of kind `order`: its id names its order and store. */
export function storeOrderProblems(value: unknown): SchemaProblem[] {
  const problems = validateAgainstSchema(storeOrderSchema, value);
  if (problems.length) return problems;
  const doc = value as StoreOrder;
  if (doc.id !== storeOrderId(doc.order.id, doc.storeId)) {
    return [{ path: '$.id', message: `must be ${storeOrderId(doc.order.id, doc.storeId)}` }];
  }
  return [];
}

/** [OF3] What is left to hand over of each of an order's lines at one store. */
export function linesLeftAt(
  order: Order,
  storeId: string,
): { lineId: string; sku: string; quantity: number; left: number }[] {
  return order.lines
    .filter((l) => l.fulfilment.mode === 'pickup' && l.fulfilment.storeId === storeId)
    .map((l) => ({
      lineId: l.lineId,
      sku: l.sku,
      quantity: l.quantity,
      left: unitsLeftToHandOver(l),
    }));
}

/** [OF1] The order facts a pickup fact is made of: one hand-over per line, ids derived from the fact's. */
export function pickupEvents(fact: PickupFact): OrderEvent[] {
  return fact.lines.map((line) => ({
    kind: 'picked-up',
    id: `${fact.id}:${line.lineId}`,
    at: fact.at,
    lineId: line.lineId,
    quantity: line.quantity,
  }));
}

/**
 * [OF1] [OF3] Applies a hand-over to an order, all its lines or none: every
 * line must be a pickup line of the fact's store ([OD7] for the rest). A
 * second hand-over of units already handed over is refused with
 * `ORDER_ALREADY_HANDED_OVER` (an exception for HQ); the same fact again is a
 * no-op ([OD3]).
 */
export function applyPickup(
  order: Order,
  fact: PickupFact,
): OrderResult | Result<never, 'ORDER_WRONG_STORE'> {
  if (fact.orderId !== order.id) {
    return fail('ORDER_WRONG_STORE', `the hand-over names order ${fact.orderId}, not ${order.id}`);
  }
  for (const { lineId } of fact.lines) {
    const line = order.lines.find((l) => l.lineId === lineId);
    if (line?.fulfilment.mode === 'pickup' && line.fulfilment.storeId !== fact.storeId) {
      return fail(
        'ORDER_WRONG_STORE',
        `line ${lineId} is picked up at ${line.fulfilment.storeId}, not at ${fact.storeId}`,
      );
    }
  }
  let next = order;
  for (const event of pickupEvents(fact)) {
    const result = applyOrderEvent(next, event);
    if (!result.ok) return result;
    next = result.order;
  }
  return { ok: true, order: next };
}

/**
 * [OF6] The fen refunded for returning `quantity` more units of a line of
 * which `returned` were returned already: the line's net shared out by unit
 * so that returning every unit, in any steps, refunds exactly the net.
 */
export function lineRefund(
  line: { net: number; quantity: number },
  returned: number,
  quantity: number,
): number {
  const upTo = (units: number) => Math.floor((line.net * units) / line.quantity);
  return upTo(returned + quantity) - upTo(returned);
}

/** [OF6] The units of each line already returned, from the order's return facts. */
export function returnedUnits(order: Order): Map<string, number> {
  const returned = new Map<string, number>();
  for (const r of order.returns ?? []) {
    returned.set(r.lineId, (returned.get(r.lineId) ?? 0) + r.quantity);
  }
  return returned;
}

export type OrderReturnError =
  'ORDER_LINE_UNKNOWN' | 'ORDER_RETURN_EXCEEDS_HANDED_OVER' | 'ORDER_RETURN_REFUND_WRONG';

/**
 * [OF5] [OF6] Checks a return of an order's items: each line handed over at
 * least as many units as are returned (with earlier returns), and the refund
 * is `lineRefund` summed. Returns the refund per line.
 */
export function checkOrderReturn(
  order: Order,
  lines: readonly OrderLineCount[],
  refund?: number,
): Result<
  { refund: number; perLine: { lineId: string; quantity: number; refund: number }[] },
  OrderReturnError
> {
  const returned = returnedUnits(order);
  const perLine: { lineId: string; quantity: number; refund: number }[] = [];
  for (const { lineId, quantity } of lines) {
    const line = order.lines.find((l) => l.lineId === lineId);
    if (!line) return fail('ORDER_LINE_UNKNOWN', `order ${order.id} has no line ${lineId}`);
    const before = returned.get(lineId) ?? 0;
    if (before + quantity > line.pickedUp) {
      return fail(
        'ORDER_RETURN_EXCEEDS_HANDED_OVER',
        `line ${lineId}: ${line.pickedUp} handed over, ${before} returned already, ${quantity} more cannot be returned`,
      );
    }
    perLine.push({ lineId, quantity, refund: lineRefund(line, before, quantity) });
  }
  const total = perLine.reduce((s, l) => s + l.refund, 0);
  if (refund !== undefined && refund !== total) {
    return fail('ORDER_RETURN_REFUND_WRONG', `the refund is ${total} fen, not ${refund}`);
  }
  return { ok: true, refund: total, perLine };
}
