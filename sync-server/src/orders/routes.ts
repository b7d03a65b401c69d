/**
 * The orders API for the online channels: place an order (idempotent, held
 * against ATP) and read it back. Thin: parse, check, call the core.
 * See SPEC.md [OC5], [OC8].
 */
import {
  DomainError,
  ORDER_CHANNELS,
  type CollectionName,
  type Order,
  type OrderChannel,
} from '@pos/domain';
import type { Principal } from '../auth';
import { adminOnly, allow } from '../route-guards';
import { SyncError, isJsonObject, type JsonObject } from '../protocol';
import type { ServiceRequest } from '../service-routes';
import { issueChannelToken, type ChannelPrincipal } from './channel-tokens';
import type { SyncStorage } from '../storage/storage';
import {
  earlierPlacement,
  IDEMPOTENCY_KEY_MAX,
  ORDERS_DB,
  placementFingerprint,
  placeOrder,
  type PlaceOrderInput,
  type PlaceOrderResult,
} from './holds';
import type { PlacementRouting } from './routing';
import { orderShipments } from './shipments';
import {
  activeMember,
  DEFAULT_ORDER_PRICING,
  priceOrderLines,
  type OrderPricingOptions,
} from './pricing';

/** [OS8] Who calls the orders API: HQ, a store's device, or an online channel. */
export type OrdersCaller = Principal | ChannelPrincipal;

/** What the orders API needs of a request. */
export type OrdersRequest = Pick<
  ServiceRequest,
  'storage' | 'method' | 'segments' | 'readJson' | 'header' | 'send' | 'now'
> & {
  caller: OrdersCaller;
  /** [OC10] What a channel's orders are priced at; default {@link DEFAULT_ORDER_PRICING}. */
  pricing?: Partial<Omit<OrderPricingOptions, 'now'>>;
  /** [RP1] The routing policy and address book placements route with; default the defaults. */
  routing?: PlacementRouting;
};

/** Most lines one order may have. */
export const ORDER_LINES_MAX = 100;
const ORDER_ID = /^ORD-[0-9A-F-]{36}$/;
const PRINTABLE_KEY = /^[\x21-\x7e]+$/;

function bad(reason: string): SyncError {
  return new SyncError('bad_request', reason);
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw bad(`${what} must be a string of 1 to 200 characters`);
  }
  return value;
}

function fulfilmentOf(
  value: unknown,
  what: string,
): PlaceOrderInput['lines'][number]['fulfilment'] {
  if (!isJsonObject(value)) throw bad(`${what} must be an object with a mode`);
  switch (value.mode) {
    case 'take-now':
      return { mode: 'take-now' };
    case 'pickup':
      return { mode: 'pickup', storeId: text(value.storeId, `${what}.storeId`) };
    case 'ship':
    case 'same-city':
      return { mode: value.mode, addressId: text(value.addressId, `${what}.addressId`) };
    default:
      throw bad(`${what}.mode must be take-now, pickup, ship or same-city`);
  }
}

/** A line as a channel may send it: [OC10] without its prices, the server prices it. */
type SentLine = Omit<PlaceOrderInput['lines'][number], 'unitPrice' | 'net'> & {
  unitPrice?: number;
  net?: number;
};
/** [OC10] A body as a channel may send it: prices and total optional. */
export type SentOrder = Omit<PlaceOrderInput, 'lines' | 'total'> & {
  lines: SentLine[];
  total?: number;
};

function wholeNumber(value: unknown, what: string, optional: boolean): number | undefined {
  if (optional && value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw bad(`${what} must be a whole number`);
  }
  return value;
}

/**
 * [OC5] The body of `POST /_orders` in the core's shape, copied field by
 * field (nothing else is stored); the domain then checks the order's rules.
 * [OC10] With `pricesOptional` (a channel's body) a line's `unitPrice` and
 * `net` and the `total` may be left out.
 */
export function parsePlaceOrderBody(body: unknown, idempotencyKey: string): PlaceOrderInput;
export function parsePlaceOrderBody(
  body: unknown,
  idempotencyKey: string,
  options: { pricesOptional: true },
): SentOrder;
export function parsePlaceOrderBody(
  body: unknown,
  idempotencyKey: string,
  options: { pricesOptional: boolean } = { pricesOptional: false },
): SentOrder {
  const optional = options.pricesOptional;
  if (!isJsonObject(body)) throw bad('send {channel, customer, lines, total}');
  const { channel, customer, lines, total } = body;
  if (typeof channel !== 'string' || !(ORDER_CHANNELS as readonly string[]).includes(channel)) {
    throw bad(`channel must be one of ${ORDER_CHANNELS.join(', ')}`);
  }
  let who: PlaceOrderInput['customer'];
  if (isJsonObject(customer) && 'memberId' in customer && !('phoneIndex' in customer)) {
    who = { memberId: text(customer.memberId, 'customer.memberId') };
  } else if (isJsonObject(customer) && 'phoneIndex' in customer && !('memberId' in customer)) {
    who = { phoneIndex: text(customer.phoneIndex, 'customer.phoneIndex') };
  } else {
    throw bad('customer must be {memberId} or {phoneIndex}');
  }
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > ORDER_LINES_MAX) {
    throw bad(`lines must be a list of 1 to ${ORDER_LINES_MAX} lines`);
  }
  const parsed = lines.map((line: unknown, i): SentLine => {
    const what = `lines[${i}]`;
    if (!isJsonObject(line)) throw bad(`${what} must be an object`);
    const quantity = wholeNumber(line.quantity, `${what}.quantity`, false)!;
    const unitPrice = wholeNumber(line.unitPrice, `${what}.unitPrice`, optional);
    const net = wholeNumber(line.net, `${what}.net`, optional);
    return {
      lineId: text(line.lineId, `${what}.lineId`),
      sku: text(line.sku, `${what}.sku`),
      quantity,
      ...(unitPrice === undefined ? {} : { unitPrice }),
      ...(net === undefined ? {} : { net }),
      fulfilment: fulfilmentOf(line.fulfilment, `${what}.fulfilment`),
    };
  });
  if (
    !(optional && total === undefined) &&
    (typeof total !== 'number' || !Number.isSafeInteger(total))
  ) {
    throw bad('total must be a whole number of fen');
  }
  return {
    idempotencyKey,
    channel: channel as OrderChannel,
    customer: who,
    lines: parsed,
    ...(total === undefined ? {} : { total: total as number }),
  };
}

/** [OC10] A line whose sent prices are not the server's: what was sent, and the server's. */
export type PriceMismatchLine = {
  lineId: string;
  sku: string;
  sent: { unitPrice?: number; net?: number };
  unitPrice: number;
  net: number;
};

/**
 * [OC10] Prices a channel's order as the shop does ([SHP5]): the till's
 * engine, the online channel's promotions at the order's first pickup store
 * (none: no store's own promotions), the member's tier when the customer is
 * an active member. Answers the order to place, or the lines (and total)
 * the channel sent that are not the server's.
 */
export async function priceChannelOrder(
  storage: SyncStorage,
  sent: SentOrder,
  options: OrderPricingOptions,
): Promise<
  | { ok: true; input: PlaceOrderInput }
  | { ok: false; lines: PriceMismatchLine[]; total: number; sentTotal?: number }
> {
  sent.lines.forEach((line, i) => {
    if (line.quantity < 1) throw bad(`lines[${i}].quantity must be at least 1`);
  });
  const member = await activeMember(
    storage,
    'memberId' in sent.customer ? sent.customer.memberId : undefined,
  );
  const pickup = sent.lines.find((l) => l.fulfilment.mode === 'pickup')?.fulfilment;
  const storeId = pickup?.mode === 'pickup' ? pickup.storeId : '';
  let priced;
  try {
    priced = await priceOrderLines(storage, sent.lines, storeId, member, options);
  } catch (error) {
    if (error instanceof DomainError) throw bad(error.message);
    throw error;
  }
  const mismatches = sent.lines.flatMap((line, i): PriceMismatchLine[] => {
    const { unitPrice, net } = priced.lines[i]!;
    const differs =
      (line.unitPrice !== undefined && line.unitPrice !== unitPrice) ||
      (line.net !== undefined && line.net !== net);
    if (!differs) return [];
    const sentPrices = {
      ...(line.unitPrice === undefined ? {} : { unitPrice: line.unitPrice }),
      ...(line.net === undefined ? {} : { net: line.net }),
    };
    return [{ lineId: line.lineId, sku: line.sku, sent: sentPrices, unitPrice, net }];
  });
  if (mismatches.length > 0 || (sent.total !== undefined && sent.total !== priced.total)) {
    return {
      ok: false,
      lines: mismatches,
      total: priced.total,
      ...(sent.total === undefined ? {} : { sentTotal: sent.total }),
    };
  }
  return {
    ok: true,
    input: {
      ...sent,
      lines: sent.lines.map((line, i) => ({
        lineId: line.lineId,
        sku: line.sku,
        quantity: line.quantity,
        unitPrice: priced.lines[i]!.unitPrice,
        net: priced.lines[i]!.net,
        fulfilment: line.fulfilment,
      })),
      total: priced.total,
    },
  };
}

function priceMismatchAnswer(
  lines: PriceMismatchLine[],
  total: number,
  sentTotal: number | undefined,
): JsonObject {
  const named = lines
    .map(
      (l) =>
        `line ${l.lineId} (${l.sku}): sent ${JSON.stringify(l.sent)}, price ${l.unitPrice} net ${l.net}`,
    )
    .join('; ');
  const totals = sentTotal !== undefined && sentTotal !== total ? `total sent ${sentTotal}, ` : '';
  return {
    error: 'price_mismatch',
    code: 'PRICE_MISMATCH',
    reason: `the prices sent are not the server's: ${named ? `${named}; ` : ''}${totals}total ${total}`,
    lines: lines as unknown as JsonObject[],
    total,
    ...(sentTotal === undefined ? {} : { sentTotal }),
  };
}

/** [OC5] `POST /_orders`: 201 a new order, 200 the same order on a retry. */
async function postOrder(request: OrdersRequest): Promise<void> {
  const key = request.header?.('idempotency-key');
  if (
    key === undefined ||
    key.length === 0 ||
    key.length > IDEMPOTENCY_KEY_MAX ||
    !PRINTABLE_KEY.test(key)
  ) {
    throw bad(`send an Idempotency-Key header of 1 to ${IDEMPOTENCY_KEY_MAX} printable characters`);
  }
  const { caller } = request;
  const now = (request.now ?? (() => new Date()))().toISOString();
  let result: PlaceOrderResult;
  if (caller.kind === 'channel') {
    // [OC10] An online channel's order is priced here, with the till's engine.
    const sent = parsePlaceOrderBody(await request.readJson(), key, { pricesOptional: true });
    if (sent.channel !== caller.channel) {
      throw new SyncError(
        'forbidden',
        `this token places ${caller.channel} orders only, not ${sent.channel} orders`,
      );
    }
    const { idempotencyKey: _key, ...body } = sent;
    const fingerprint = placementFingerprint({ sent: body });
    // A retry is the first placement, whatever the prices are now.
    const reader = {
      getDocs: (db: CollectionName, ids: readonly string[]) =>
        request.storage.getDocs(db, ids, null),
    };
    const earlier = await earlierPlacement(reader, key, fingerprint);
    if (earlier) {
      result = earlier;
    } else {
      const priced = await priceChannelOrder(request.storage, sent, {
        ...DEFAULT_ORDER_PRICING,
        ...request.pricing,
        now,
      });
      if (!priced.ok) {
        request.send(409, priceMismatchAnswer(priced.lines, priced.total, priced.sentTotal));
        return;
      }
      result = await placeOrder(
        request.storage,
        priced.input,
        now,
        undefined,
        undefined,
        fingerprint,
        request.routing,
      );
    }
  } else {
    const input = parsePlaceOrderBody(await request.readJson(), key);
    result = await placeOrder(
      request.storage,
      input,
      now,
      undefined,
      undefined,
      undefined,
      request.routing,
    );
  }
  if (result.ok) {
    request.send(result.replayed ? 200 : 201, { order: result.order });
    return;
  }
  switch (result.code) {
    case 'ORDER_INVALID':
      throw bad(result.message);
    case 'IDEMPOTENCY_KEY_REUSED':
      request.send(409, { error: 'idempotency_key_reused', reason: result.message });
      return;
    case 'OUT_OF_STOCK':
      request.send(409, {
        error: 'out_of_stock',
        reason: result.message,
        lines: result.lines as unknown as JsonObject[],
      });
      return;
    case 'NOT_ROUTABLE':
      // [RP2] No eligible location can supply the ship or same-city lines.
      request.send(409, {
        error: 'not_routable',
        code: 'NOT_ROUTABLE',
        reason: result.message,
        short: result.short as unknown as JsonObject[],
      });
      return;
    case 'COUPON_REFUSED':
      request.send(409, {
        error: 'conflict',
        code: result.couponCode,
        reason: result.message,
        couponId: result.couponId,
      });
      return;
  }
}

/** [OC5] [RP10] `GET /_orders/{id}`: the order (allocations, routing explanations) and its parcels. */
async function getOrder(request: OrdersRequest, id: string): Promise<void> {
  if (!ORDER_ID.test(id)) throw new SyncError('not_found', `no order ${id.slice(0, 60)}`);
  const row = (await request.storage.getDocs(ORDERS_DB, [id], null)).get(id);
  const order = row?.body as Order | undefined;
  // [OS8] A channel reads its own channel's orders only; another's is not there for it.
  const { caller } = request;
  if (!order || (caller.kind === 'channel' && order.channel !== caller.channel)) {
    throw new SyncError('not_found', `no order ${id}`);
  }
  const reader = {
    getDocs: (db: CollectionName, ids: readonly string[]) => request.storage.getDocs(db, ids, null),
  };
  const shipments = await orderShipments(reader, order);
  request.send(200, { order, shipments });
}

/**
 * [OC5] [OS8] `/_orders` and `/_orders/{id}`: HQ (admin tokens) places and
 * reads any order; an online channel's token places and reads its channel's
 * orders; a store's device reads an order (a return at its till of another
 * store's online order) and places none. [OC8] The OpenAPI document is
 * served before authentication.
 */
export async function serveOrders(request: OrdersRequest): Promise<void> {
  const [, id, ...more] = request.segments;
  if (id === undefined) {
    allow(request.method, 'POST');
    if (request.caller.kind === 'device') {
      throw new SyncError(
        'forbidden',
        'orders are placed by online channels and HQ, not by devices',
      );
    }
    return postOrder(request);
  }
  if (more.length === 0) {
    allow(request.method, 'GET');
    return getOrder(request, id);
  }
  throw new SyncError('not_found', `no such endpoint: /${request.segments.join('/')}`);
}

/**
 * [OS8] `POST /_admin/channel-tokens` `{name, channel}` (admin token): a new
 * token for an online channel's client, shown once; 201
 * `{token, name, channel, replaced}`.
 */
export async function postChannelToken(request: ServiceRequest): Promise<void> {
  adminOnly(request.principal);
  allow(request.method, 'POST');
  const body = await request.readJson();
  if (!isJsonObject(body) || typeof body.name !== 'string' || typeof body.channel !== 'string') {
    throw bad('send {name, channel}');
  }
  const admin = request.principal.kind === 'admin' ? request.principal.adminId : '';
  try {
    const issued = await issueChannelToken(
      request.storage,
      { name: body.name, channel: body.channel },
      `admin:${admin}`,
      (request.now ?? (() => new Date()))(),
    );
    request.send(201, issued);
  } catch (error) {
    throw bad((error as Error).message);
  }
}
