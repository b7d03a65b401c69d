/**
 * The orders API for the online channels: place an order (idempotent, held
 * against ATP) and read it back. Thin: parse, check, call the core.
 * See SPEC.md [OC5], [OC8].
 */
import { ORDER_CHANNELS, type Order, type OrderChannel } from '@pos/domain';
import type { Principal } from '../auth';
import { adminOnly, allow } from '../route-guards';
import { SyncError, isJsonObject, type JsonObject } from '../protocol';
import type { ServiceRequest } from '../service-routes';
import { issueChannelToken, type ChannelPrincipal } from './channel-tokens';
import { IDEMPOTENCY_KEY_MAX, ORDERS_DB, placeOrder, type PlaceOrderInput } from './holds';

/** [OS8] Who calls the orders API: HQ, a store's device, or an online channel. */
export type OrdersCaller = Principal | ChannelPrincipal;

/** What the orders API needs of a request. */
export type OrdersRequest = Pick<
  ServiceRequest,
  'storage' | 'method' | 'segments' | 'readJson' | 'header' | 'send' | 'now'
> & { caller: OrdersCaller };

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

/**
 * [OC5] The body of `POST /_orders` in the core's shape, copied field by
 * field (nothing else is stored); the domain then checks the order's rules.
 */
export function parsePlaceOrderBody(body: unknown, idempotencyKey: string): PlaceOrderInput {
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
  const parsed = lines.map((line: unknown, i) => {
    const what = `lines[${i}]`;
    if (!isJsonObject(line)) throw bad(`${what} must be an object`);
    const numbers: Record<'quantity' | 'unitPrice' | 'net', number> = {
      quantity: 0,
      unitPrice: 0,
      net: 0,
    };
    for (const name of ['quantity', 'unitPrice', 'net'] as const) {
      const value = line[name];
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        throw bad(`${what}.${name} must be a whole number`);
      }
      numbers[name] = value;
    }
    return {
      lineId: text(line.lineId, `${what}.lineId`),
      sku: text(line.sku, `${what}.sku`),
      ...numbers,
      fulfilment: fulfilmentOf(line.fulfilment, `${what}.fulfilment`),
    };
  });
  if (typeof total !== 'number' || !Number.isSafeInteger(total)) {
    throw bad('total must be a whole number of fen');
  }
  return { idempotencyKey, channel: channel as OrderChannel, customer: who, lines: parsed, total };
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
  const input = parsePlaceOrderBody(await request.readJson(), key);
  const { caller } = request;
  if (caller.kind === 'channel' && input.channel !== caller.channel) {
    throw new SyncError(
      'forbidden',
      `this token places ${caller.channel} orders only, not ${input.channel} orders`,
    );
  }
  const now = (request.now ?? (() => new Date()))().toISOString();
  const result = await placeOrder(request.storage, input, now);
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
  }
}

/** [OC5] `GET /_orders/{id}`: the order. */
async function getOrder(request: OrdersRequest, id: string): Promise<void> {
  if (!ORDER_ID.test(id)) throw new SyncError('not_found', `no order ${id.slice(0, 60)}`);
  const row = (await request.storage.getDocs(ORDERS_DB, [id], null)).get(id);
  const order = row?.body as Order | undefined;
  // [OS8] A channel reads its own channel's orders only; another's is not there for it.
  const { caller } = request;
  if (!order || (caller.kind === 'channel' && order.channel !== caller.channel)) {
    throw new SyncError('not_found', `no order ${id}`);
  }
  request.send(200, { order });
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
