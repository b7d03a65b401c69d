/**
 * [TB2] Orders a clerk places for a customer on the tablet: parsed field by
 * field, priced by the till's engine ([OC10]), held and routed by the order
 * center's placement ([OC1]-[OC3], [RP1]) in the tablet channel with the
 * clerk and the customer's attribution store ([OD17]) and each line's credit
 * ([CM1]). Thin: parse, check, call the order center.
 */
import {
  creditProblems,
  orderNumber,
  type ClerkOrderAnswer,
  type ClerkOrderLine,
  type ClerkOrderRequest,
  type ClerkOrderView,
  type CollectionName,
  type LineCredit,
  type Member,
  type Order,
  type OrderClerk,
  type Product,
  type Staff,
  type Store,
} from '@pos/domain';
import { ADDRESSES_DB } from '../orders/addresses';
import {
  earlierPlacement,
  IDEMPOTENCY_KEY_MAX,
  ORDERS_DB,
  placeOrder,
  placementFingerprint,
  type PlaceOrderInput,
  type PlaceOrderResult,
} from '../orders/holds';
import type { OrderPricingOptions } from '../orders/pricing';
import { priceChannelOrder, type SentOrder } from '../orders/routes';
import type { PlacementRouting } from '../orders/routing';
import { isJsonObject, SyncError, type JsonObject } from '../protocol';
import { STORE_LOCATIONS_DB } from '../shop/catalog';
import type { SyncStorage } from '../storage/storage';

/** Most lines one clerk order may have, and most units per line. */
export const CLERK_LINES_MAX = 100;
export const CLERK_LINE_UNITS_MAX = 999;

const bad = (reason: string) => new SyncError('bad_request', reason);
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const PRINTABLE = /^[\x21-\x7e]+$/;
const ORDER_ID = /^ORD-[0-9A-F-]{36}$/;

function id(value: unknown, what: string): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw bad(`${what} must be 1-100 letters, digits, "_", ".", ":" or "-"`);
  }
  return value;
}

function instant(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length > 40 || !Number.isFinite(Date.parse(value))) {
    throw bad(`${what} must be an ISO time`);
  }
  return value;
}

function fulfilmentOf(value: unknown, what: string): ClerkOrderLine['fulfilment'] {
  if (!isJsonObject(value)) throw bad(`${what} must be an object with a mode`);
  switch (value.mode) {
    case 'pickup':
      return { mode: 'pickup', storeId: id(value.storeId, `${what}.storeId`) };
    case 'ship':
    case 'same-city':
      return { mode: value.mode, addressId: id(value.addressId, `${what}.addressId`) };
    case 'take-now':
      throw bad(`${what}: take-now lines go to a till by the take-now code, not in an order`);
    default:
      throw bad(`${what}.mode must be pickup, ship or same-city`);
  }
}

/** [TB2] The body of `POST /_clerk/orders`, copied field by field; the Idempotency-Key is its request id. */
export function parseClerkOrder(
  body: unknown,
  idempotencyKey: string | undefined,
): ClerkOrderRequest {
  if (!isJsonObject(body)) throw bad('send {requestId, staffId, customer, lines, createdAt}');
  const requestId = body.requestId;
  if (
    typeof requestId !== 'string' ||
    requestId.length === 0 ||
    requestId.length > IDEMPOTENCY_KEY_MAX ||
    !PRINTABLE.test(requestId)
  ) {
    throw bad(`requestId must be 1 to ${IDEMPOTENCY_KEY_MAX} printable characters`);
  }
  if (idempotencyKey !== requestId) {
    throw bad('send the requestId as the Idempotency-Key header too');
  }
  const customer = body.customer;
  let who: ClerkOrderRequest['customer'];
  if (isJsonObject(customer) && 'memberId' in customer && !('phoneIndex' in customer)) {
    who = { memberId: id(customer.memberId, 'customer.memberId') };
  } else if (isJsonObject(customer) && 'phoneIndex' in customer && !('memberId' in customer)) {
    if (
      typeof customer.phoneIndex !== 'string' ||
      !/^[0-9a-f]{16,128}$/.test(customer.phoneIndex)
    ) {
      throw bad('customer.phoneIndex must be a phone blind index (hex)');
    }
    who = { phoneIndex: customer.phoneIndex };
  } else {
    throw bad('customer must be {memberId} or {phoneIndex}');
  }
  const { lines, expectedTotal } = body;
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > CLERK_LINES_MAX) {
    throw bad(`lines must be a list of 1 to ${CLERK_LINES_MAX} lines`);
  }
  const lineIds = new Set<string>();
  const parsed = lines.map((line: unknown, i): ClerkOrderLine => {
    const what = `lines[${i}]`;
    if (!isJsonObject(line)) throw bad(`${what} must be an object`);
    const lineId = id(line.lineId, `${what}.lineId`);
    if (lineIds.has(lineId)) throw bad(`${what}.lineId ${lineId} is used twice`);
    lineIds.add(lineId);
    const quantity = line.quantity;
    if (
      typeof quantity !== 'number' ||
      !Number.isSafeInteger(quantity) ||
      quantity < 1 ||
      quantity > CLERK_LINE_UNITS_MAX
    ) {
      throw bad(`${what}.quantity must be a whole number from 1 to ${CLERK_LINE_UNITS_MAX}`);
    }
    const problems = creditProblems(line.credits);
    if (problems.length > 0) throw bad(`${what}.credits: ${problems.join('; ')}`);
    return {
      lineId,
      sku: id(line.sku, `${what}.sku`),
      quantity,
      fulfilment: fulfilmentOf(line.fulfilment, `${what}.fulfilment`),
      credits: (line.credits as LineCredit[]).map((c) => ({ staffId: c.staffId, share: c.share })),
    };
  });
  if (
    expectedTotal !== undefined &&
    (typeof expectedTotal !== 'number' || !Number.isSafeInteger(expectedTotal) || expectedTotal < 0)
  ) {
    throw bad('expectedTotal must be a whole number of fen');
  }
  return {
    requestId,
    staffId: id(body.staffId, 'staffId'),
    customer: who,
    lines: parsed,
    ...(expectedTotal === undefined ? {} : { expectedTotal: expectedTotal as number }),
    createdAt: instant(body.createdAt, 'createdAt'),
  };
}

/** [TB2] Refuses staff who are not active staff of the chain: the clerk and everyone credited. */
async function checkStaff(storage: SyncStorage, request: ClerkOrderRequest): Promise<void> {
  const ids = [
    ...new Set([request.staffId, ...request.lines.flatMap((l) => l.credits.map((c) => c.staffId))]),
  ];
  const rows = await storage.getDocs('staff', ids, null);
  for (const staffId of ids) {
    const staff = rows.get(staffId)?.body as Staff | undefined;
    if (staff?.status !== 'active') throw bad(`${staffId} is not an active member of staff`);
  }
}

/** [TB2] The customer must be a member that exists (not erased), and delivery addresses theirs. */
async function checkCustomer(storage: SyncStorage, request: ClerkOrderRequest): Promise<void> {
  const { customer } = request;
  if ('memberId' in customer) {
    const row = (await storage.getDocs('members', [customer.memberId], null)).get(
      customer.memberId,
    );
    const member = row?.body as Member | undefined;
    if (!member || member.status !== 'active') {
      throw bad(`there is no active member ${customer.memberId}`);
    }
  }
  const addressIds = [
    ...new Set(
      request.lines.flatMap((l) =>
        l.fulfilment.mode === 'pickup' ? [] : [l.fulfilment.addressId],
      ),
    ),
  ];
  if (addressIds.length === 0) return;
  const owner = 'memberId' in customer ? customer.memberId : customer.phoneIndex;
  const rows = await storage.getDocs(ADDRESSES_DB, addressIds, null);
  for (const addressId of addressIds) {
    const address = rows.get(addressId)?.body as
      { customerKey?: string; sealed?: unknown } | undefined;
    if (!address?.sealed || address.customerKey !== owner) {
      throw bad(`address ${addressId} is not one of the customer's addresses`);
    }
  }
}

/** [TB2] What a clerk order needs beyond the request: the device, the pricing and the routing. */
export type ClerkPlacement = {
  deviceId: string;
  storeId: string;
  now: string;
  pricing: OrderPricingOptions;
  routing?: PlacementRouting;
};

/** [TB2] What placing answered: the order, or the refusal to send with its status. */
export type ClerkPlaced =
  { ok: true; order: Order; replayed: boolean } | { ok: false; status: number; body: JsonObject };

/**
 * [TB2] Places a clerk's order: a retry with the same request id and body is
 * the first order, whatever the prices are now; otherwise the lines are
 * priced on the server, a different `expectedTotal` is 409 `PRICE_CHANGED`
 * naming the lines, and the order is placed held, its pickup units held and
 * its delivery lines routed, or refused as the orders API refuses it.
 */
export async function placeClerkOrder(
  storage: SyncStorage,
  request: ClerkOrderRequest,
  placement: ClerkPlacement,
): Promise<ClerkPlaced> {
  const clerk: OrderClerk = {
    staffId: request.staffId,
    deviceId: placement.deviceId,
    attributionStoreId: placement.storeId,
  };
  const { requestId, createdAt: _createdAt, ...sent } = request;
  const fingerprint = placementFingerprint({ sent: { ...sent, clerk } });
  const reader = {
    getDocs: (db: CollectionName, ids: readonly string[]) => storage.getDocs(db, ids, null),
  };
  const earlier = await earlierPlacement(reader, requestId, fingerprint);
  if (earlier) return answer(earlier);
  await checkStaff(storage, request);
  await checkCustomer(storage, request);
  const channelOrder: SentOrder = {
    idempotencyKey: requestId,
    channel: 'tablet',
    customer: request.customer,
    lines: request.lines.map((l) => ({
      lineId: l.lineId,
      sku: l.sku,
      quantity: l.quantity,
      fulfilment: l.fulfilment,
    })),
  };
  const priced = await priceChannelOrder(storage, channelOrder, placement.pricing);
  if (!priced.ok) throw new Error('an order sent without prices cannot mismatch them');
  const { input } = priced;
  if (request.expectedTotal !== undefined && request.expectedTotal !== input.total) {
    const lines = input.lines.map((l) => ({
      lineId: l.lineId,
      sku: l.sku,
      unitPrice: l.unitPrice,
      net: l.net,
    }));
    return {
      ok: false,
      status: 409,
      body: {
        error: 'price_changed',
        code: 'PRICE_CHANGED',
        reason: `the price is now ${input.total} fen, not ${request.expectedTotal}: ${lines
          .map((l) => `line ${l.lineId} (${l.sku}) unit price ${l.unitPrice}, net ${l.net}`)
          .join('; ')}`,
        total: input.total,
        expectedTotal: request.expectedTotal,
        lines: lines as unknown as JsonObject[],
      },
    };
  }
  const withCredit: PlaceOrderInput = {
    ...input,
    lines: input.lines.map((l, i) => ({ ...l, credits: request.lines[i]!.credits })),
    clerk,
  };
  return answer(
    await placeOrder(
      storage,
      withCredit,
      placement.now,
      undefined,
      undefined,
      fingerprint,
      placement.routing,
    ),
  );
}

function answer(result: PlaceOrderResult): ClerkPlaced {
  if (result.ok) return result;
  switch (result.code) {
    case 'ORDER_INVALID':
      return { ok: false, status: 400, body: { error: 'bad_request', reason: result.message } };
    case 'IDEMPOTENCY_KEY_REUSED':
      return {
        ok: false,
        status: 409,
        body: { error: 'idempotency_key_reused', reason: result.message },
      };
    case 'OUT_OF_STOCK':
      return {
        ok: false,
        status: 409,
        body: {
          error: 'out_of_stock',
          code: 'OUT_OF_STOCK',
          reason: result.message,
          lines: result.lines as unknown as JsonObject[],
        },
      };
    case 'NOT_ROUTABLE':
      return {
        ok: false,
        status: 409,
        body: {
          error: 'not_routable',
          code: 'NOT_ROUTABLE',
          reason: result.message,
          short: result.short as unknown as JsonObject[],
        },
      };
    case 'COUPON_REFUSED':
      return { ok: false, status: 409, body: { error: 'conflict', reason: result.message } };
  }
}

/** [TB2] A clerk order placed by the device's store, or 404 (another store's is not told apart). */
export async function storeClerkOrder(
  storage: SyncStorage,
  storeId: string,
  orderId: string,
): Promise<{ order: Order; rev: string }> {
  const row = ORDER_ID.test(orderId)
    ? (await storage.getDocs(ORDERS_DB, [orderId], null)).get(orderId)
    : undefined;
  const order = row?.body as Order | undefined;
  if (!row || !order || order.clerk?.attributionStoreId !== storeId) {
    throw new SyncError('not_found', `no order ${orderId.slice(0, 60)} of this store`);
  }
  return { order, rev: row.rev };
}

/** [TB2] An order as the clerk's tablet shows it: names of the products and of where each line goes. */
export async function clerkOrderView(storage: SyncStorage, order: Order): Promise<ClerkOrderView> {
  const skus = [...new Set(order.lines.map((l) => l.sku))];
  const places = [
    ...new Set([
      ...order.lines.flatMap((l) => (l.fulfilment.mode === 'pickup' ? [l.fulfilment.storeId] : [])),
      ...(order.allocations ?? []).map((a) => a.locationId),
    ]),
  ];
  const [products, stores, locations] = await Promise.all([
    storage.getDocs('products', skus, null),
    storage.getDocs('stores', places, null),
    storage.getDocs(STORE_LOCATIONS_DB, places, null),
  ]);
  const nameOf = (placeId: string) =>
    (stores.get(placeId)?.body as Store | undefined)?.name ??
    (locations.get(placeId)?.body as { name?: string } | undefined)?.name ??
    placeId;
  return {
    id: order.id,
    number: orderNumber(order.id),
    status: order.status,
    total: order.total,
    placedAt: order.placedAt,
    ...(order.holdExpiresAt ? { holdExpiresAt: order.holdExpiresAt } : {}),
    ...(order.paidAt ? { paidAt: order.paidAt } : {}),
    ...(order.pickupDeadline ? { pickupDeadline: order.pickupDeadline } : {}),
    lines: order.lines.map((line) => {
      const where =
        line.fulfilment.mode === 'pickup'
          ? nameOf(line.fulfilment.storeId)
          : [
              ...new Set(
                (order.allocations ?? [])
                  .filter((a) => a.lineId === line.lineId)
                  .map((a) => nameOf(a.locationId)),
              ),
            ].join(', ');
      return {
        lineId: line.lineId,
        sku: line.sku,
        name: (products.get(line.sku)?.body as Product | undefined)?.name ?? line.sku,
        quantity: line.quantity,
        net: line.net,
        fulfilment: line.fulfilment,
        where,
        credits: line.credits ?? [],
      };
    }),
    attributionStoreId: order.clerk?.attributionStoreId ?? '',
  };
}

/** [TB2] The answer of `POST` and `GET /_clerk/orders/...`. */
export async function clerkOrderAnswer(
  storage: SyncStorage,
  order: Order,
  now: string,
): Promise<ClerkOrderAnswer> {
  return { order: await clerkOrderView(storage, order), now };
}
