/**
 * `/_clerk/...`: the clerk tablet's API ([TB1]-[TB7]). Every route takes a
 * device token and acts for the device's store. Thin: parse, check with the
 * domain's pure rules, call a service.
 */
import type { ClerkPayment, CreditEdit } from '@pos/domain';
import type { Principal } from '../auth';
import type { OrderPricingOptions } from '../orders/pricing';
import type { PlacementRouting } from '../orders/routing';
import type { PrivacyKeys } from '../pii/keyring';
import { SyncError } from '../protocol';
import { allow } from '../route-guards';
import type { ShopPaymentProvider } from '../shop/routes';
import type { SyncStorage } from '../storage/storage';
import { applyCreditEdit, clerkCommission, parseCreditEdit } from './ledger';
import {
  addClerkAddress,
  clerkMember,
  createClerkMember,
  memberByPhoneIndex,
  parseClerkAddress,
  parseNewMember,
} from './members';
import { clerkOrderAnswer, parseClerkOrder, placeClerkOrder, storeClerkOrder } from './orders';
import { simulatedPayUrl } from './pay-page';
import { CHAIN_STOCK_DEFAULT_LIMIT, CHAIN_STOCK_MAX_LIMIT, chainStock, readStyle } from './stock';

export const CLERK_ROUTE = '_clerk';

export type ClerkRequest = {
  storage: SyncStorage;
  principal: Principal;
  method: string;
  /** The decoded path segments, e.g. `['_clerk', 'stock']`. */
  segments: readonly string[];
  query: URLSearchParams;
  readJson(): Promise<unknown>;
  header(name: string): string | undefined;
  send(status: number, body: unknown): void;
  now: () => Date;
  privacy: PrivacyKeys;
  /** [OC10] What clerk orders are priced at (the shop's list, currency and offset). */
  pricing: Omit<OrderPricingOptions, 'now'>;
  /** [RP1] The routing policy and address book placements route with. */
  routing?: PlacementRouting;
  /** [TB3] The payment provider (the shop's). */
  payments(): ShopPaymentProvider;
  /** The address the request came to, e.g. `https://192.168.1.5:5984`: links the customer opens. */
  publicUrl: string;
};

type Device = { deviceId: string; storeId: string };

const bad = (reason: string) => new SyncError('bad_request', reason);
const STYLE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function deviceOf(principal: Principal): Device {
  if (principal.kind !== 'device') {
    throw new SyncError('forbidden', "the clerk API is for a store's devices (a tablet's token)");
  }
  return { deviceId: principal.deviceId, storeId: principal.storeId };
}

/** [TB1] `GET /_clerk/stock?style=&sku=&limit=`. */
async function getStock(request: ClerkRequest, device: Device): Promise<void> {
  allow(request.method, 'GET');
  const styleId = request.query.get('style');
  if (styleId === null || !STYLE_ID.test(styleId)) throw bad('style must be a style id');
  const sku = request.query.get('sku') ?? undefined;
  const rawLimit = request.query.get('limit');
  let limit = CHAIN_STOCK_DEFAULT_LIMIT;
  if (rawLimit !== null) {
    if (
      !/^\d{1,4}$/.test(rawLimit) ||
      Number(rawLimit) < 1 ||
      Number(rawLimit) > CHAIN_STOCK_MAX_LIMIT
    ) {
      throw bad(`limit must be a whole number from 1 to ${CHAIN_STOCK_MAX_LIMIT}`);
    }
    limit = Number(rawLimit);
  }
  const style = await readStyle(request.storage, styleId);
  if (sku !== undefined && !style.variants.some((v) => v.sku === sku)) {
    throw bad(`${sku.slice(0, 100)} is not a SKU of style ${styleId}`);
  }
  const answer = await chainStock(
    request.storage,
    device.storeId,
    style,
    { ...(sku === undefined ? {} : { sku }), limit },
    request.now().toISOString(),
  );
  request.send(200, answer);
}

/** [TB2] `POST /_clerk/orders`: 201 a new order, 200 the same order on a retry. */
async function postOrder(request: ClerkRequest, device: Device): Promise<void> {
  const parsed = parseClerkOrder(await request.readJson(), request.header('idempotency-key'));
  const now = request.now().toISOString();
  const placed = await placeClerkOrder(request.storage, parsed, {
    ...device,
    now,
    pricing: { ...request.pricing, now },
    ...(request.routing ? { routing: request.routing } : {}),
  });
  if (!placed.ok) {
    request.send(placed.status, placed.body);
    return;
  }
  request.send(
    placed.replayed ? 200 : 201,
    await clerkOrderAnswer(request.storage, placed.order, now),
  );
}

/** [TB3] `POST /_clerk/orders/<id>/pay`: a pay QR code for the customer's phone. */
async function payOrder(request: ClerkRequest, device: Device, orderId: string): Promise<void> {
  allow(request.method, 'POST');
  const { order } = await storeClerkOrder(request.storage, device.storeId, orderId);
  if (order.status !== 'held') {
    throw new SyncError(
      'conflict',
      `order ${orderId} is ${order.status}: only a held order is paid`,
      {
        status: order.status,
      },
    );
  }
  const provider = request.payments();
  const created = await provider.createPayment(order);
  // [TB3] The simulated provider's page is on this server, at the address the tablet uses.
  const payUrl = provider.simulateCustomerPays
    ? simulatedPayUrl(request.publicUrl, created.providerTxnId)
    : created.payUrl;
  const payment: ClerkPayment = {
    providerTxnId: created.providerTxnId,
    payUrl,
    qrPayload: provider.simulateCustomerPays ? payUrl : created.qrPayload,
  };
  request.send(201, payment);
}

async function serveOrders(
  request: ClerkRequest,
  device: Device,
  orderId: string | undefined,
  action: string | undefined,
): Promise<void> {
  if (orderId === undefined) {
    allow(request.method, 'POST');
    return postOrder(request, device);
  }
  if (action === 'pay') return payOrder(request, device, orderId);
  if (action !== undefined) throw new SyncError('not_found', `no such endpoint: ${action}`);
  allow(request.method, 'GET');
  const { order } = await storeClerkOrder(request.storage, device.storeId, orderId);
  request.send(200, await clerkOrderAnswer(request.storage, order, request.now().toISOString()));
}

/** [TB6] `POST /_clerk/members` and `GET /_clerk/members?phoneIndex=`. */
async function serveMembers(request: ClerkRequest, device: Device): Promise<void> {
  allow(request.method, 'GET', 'POST');
  if (request.method === 'GET') {
    const index = request.query.get('phoneIndex');
    if (index === null || !/^[0-9a-f]{16,128}$/.test(index)) {
      throw bad('phoneIndex must be a phone blind index (hex)');
    }
    const member = await memberByPhoneIndex(request.storage, index);
    if (!member) throw new SyncError('not_found', 'no member has a phone with this index');
    request.send(200, clerkMember(member, true));
    return;
  }
  const input = parseNewMember(await request.readJson());
  const { created, member } = await createClerkMember(
    request.storage,
    request.privacy,
    input,
    device,
    request.publicUrl,
    request.now(),
  );
  request.send(created ? 201 : 200, member);
}

/** [TB7] `POST /_clerk/addresses`. */
async function postAddress(request: ClerkRequest): Promise<void> {
  allow(request.method, 'POST');
  const input = parseClerkAddress(await request.readJson());
  request.send(
    201,
    await addClerkAddress(request.storage, request.privacy, input, request.now().toISOString()),
  );
}

/** [TB4] `GET /_clerk/commission?staffId=`. */
async function getCommission(request: ClerkRequest): Promise<void> {
  allow(request.method, 'GET');
  const staffId = request.query.get('staffId');
  if (staffId === null || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(staffId)) {
    throw bad('staffId must be a staff id');
  }
  request.send(
    200,
    await clerkCommission(
      request.storage,
      staffId,
      request.now().toISOString(),
      request.pricing.utcOffsetMinutes,
    ),
  );
}

/** [TB5] `POST /_clerk/credit-edits`. */
async function postCreditEdit(request: ClerkRequest, device: Device): Promise<void> {
  allow(request.method, 'POST');
  const edit: CreditEdit = parseCreditEdit(await request.readJson());
  const result = await applyCreditEdit(request.storage, edit, device, request.now().toISOString());
  if (!result.ok) {
    request.send(result.status, { error: result.error, code: result.code, reason: result.reason });
    return;
  }
  request.send(200, { entries: result.entries });
}

/** Serves `/_clerk/...` for a device; anything else is a 404. */
export async function serveClerk(request: ClerkRequest): Promise<void> {
  const device = deviceOf(request.principal);
  const [, first, second, third, ...more] = request.segments;
  if (more.length > 0) throw new SyncError('not_found', 'no such clerk endpoint');
  if (first === 'stock' && second === undefined) return getStock(request, device);
  if (first === 'orders') return serveOrders(request, device, second, third);
  if (first === 'members' && second === undefined) return serveMembers(request, device);
  if (first === 'addresses' && second === undefined) return postAddress(request);
  if (first === 'commission' && second === undefined) return getCommission(request);
  if (first === 'credit-edits' && second === undefined) return postCreditEdit(request, device);
  throw new SyncError('not_found', `no such clerk endpoint: /${request.segments.join('/')}`);
}
