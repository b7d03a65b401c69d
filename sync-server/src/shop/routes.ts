/**
 * `/_shop/...`: the online shop's own API, for customers. It runs before
 * device-token authentication: the customer signs in with their phone and a
 * one-time code and sends the session token it gets. Thin: parse, check,
 * call the shop's services. See SPEC.md [SHP1]-[SHP9].
 */
import {
  DEFAULT_HOLD_POLICY,
  DEFAULT_ROUTING_POLICY,
  DomainError,
  maskPhone,
  type CodeKey,
  type GeoPoint,
  type HoldPolicy,
  type Member,
  type RoutingPolicy,
} from '@pos/domain';
import { authenticate } from '../auth';
import { DEMO_CODE_KEY } from '../demo-people';
import type { PrivacyKeys } from '../pii/keyring';
import { IDEMPOTENCY_KEY_MAX } from '../orders/holds';
import type { PlacementRouting } from '../orders/routing';
import { DEMO_PROVIDER_KEY } from '../payments/notify';
import type { Delivery, PaymentProvider } from '../payments/provider';
import { SyncError, type JsonObject } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import { addAddress, listAddresses, parseAddress, removeAddress } from './addresses';
import { searchCatalog, storeCities, storesFor } from './catalog';
import { claimCoupon, openCampaigns, withCode } from './coupons';
import { customerOf, openSession, parsePhone, sendOtp } from './customer-auth';
import { parseQuoteLines, quoteDelivery } from './delivery';
import {
  memberCoupons,
  memberOf,
  orderViews,
  ownOrder,
  ownOrders,
  parseShopOrder,
  placeShopOrder,
  SHOP_LINES_MAX,
} from './shop-orders';
import { smsSentTo, type SmsMessage, type SmsProvider } from './sms';

export const SHOP_ROUTE = '_shop';

/** [SHP7] A payment provider the shop can start payments with; a simulated one also lets the customer pay. */
export type ShopPaymentProvider = PaymentProvider & {
  simulateCustomerPays?(providerTxnId: string): Promise<Delivery>;
  /** [TB3] A simulated payment's order and amount, for the pay page. */
  payment?(providerTxnId: string): { orderId: string; amount: number } | undefined;
};

export type ShopOptions = {
  /** The built shop page (`apps/shop/dist`), served at `/shop/`; none: not served. */
  staticDir?: string;
  /** [SHP1] Default: the simulated provider writing to `_smsOutbox`. */
  sms?: SmsProvider;
  /** [SHP1] Called with each message the simulated provider sends (the demo prints the code). */
  onSms?: (message: SmsMessage) => void;
  /**
   * [SHP7] Default: the simulated provider, signing with `simulatedProviderKey`
   * (default the demo key) and notifying this server's own webhook over HTTP.
   */
  paymentProvider?: ShopPaymentProvider;
  simulatedProviderKey?: CodeKey;
  /** [SHP5] The price list and currency the shop sells at; default `CN-LIST`, CNY. */
  priceList?: string;
  currency?: string;
  /** [SHP5] The chain's offset from UTC for promotions' hours; default 480 (China). */
  utcOffsetMinutes?: number;
  /** [SHP5] How long an unpaid order holds its units; default the chain's policy. */
  holdPolicy?: HoldPolicy;
  /** [SHP10] The key claimed coupons' codes are signed with (the tills' code key); default the demo's. */
  codeKey?: CodeKey;
  /** [SHP17] The chain's routing policy delivery options are quoted with; default the domain's. */
  routingPolicy?: RoutingPolicy;
};

export type ShopRequest = {
  storage: SyncStorage;
  method: string;
  segments: readonly string[];
  query: URLSearchParams;
  header(name: string): string | undefined;
  readJson(): Promise<unknown>;
  send(status: number, body: unknown): void;
  now: () => Date;
  privacy: PrivacyKeys;
  options: ShopOptions;
  sms: SmsProvider;
  /** [SHP7] The payment provider, made when first needed (it needs the server's own URL). */
  payments(): ShopPaymentProvider;
  /** [SHP18] How delivery orders are routed: the server's policy and address book. */
  routing?: PlacementRouting;
};

const bad = (reason: string) => new SyncError('bad_request', reason);
const PRINTABLE_KEY = /^[\x21-\x7e]+$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

function allow(method: string, ...methods: string[]): void {
  if (!methods.includes(method)) {
    throw new SyncError('method_not_allowed', `use ${methods.join(' or ')} here`);
  }
}

function objectBody(body: unknown, shape: string): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad(`send ${shape}`);
  return body as JsonObject;
}

function numberParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw bad(`${name} must be a number`);
  return value;
}

function locationOf(query: URLSearchParams): GeoPoint | undefined {
  const lat = numberParam(query, 'lat');
  const lng = numberParam(query, 'lng');
  if (lat === undefined && lng === undefined) return undefined;
  if (lat === undefined || lng === undefined) throw bad('send both lat and lng');
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) {
    throw bad('lat must be from -90 to 90 and lng from -180 to 180');
  }
  return { lat, lng };
}

/** The session, or 401 ([SHP9]). */
const customer = (request: ShopRequest) =>
  customerOf(request.storage, request.header('authorization'), request.now());

async function postOtp(request: ShopRequest): Promise<void> {
  const body = objectBody(await request.readJson(), '{phone}');
  const phone = parsePhone(body.phone);
  const sent = await sendOtp(
    request.storage,
    request.sms,
    request.privacy.indexKey,
    phone,
    request.now(),
  );
  request.send(202, { sent: true, maskedPhone: maskPhone(phone), expiresAt: sent.expiresAt });
}

async function postSession(request: ShopRequest): Promise<void> {
  const body = objectBody(await request.readJson(), '{phone, code}');
  const phone = parsePhone(body.phone);
  if (typeof body.code !== 'string') throw bad('code must be 6 digits');
  const { token, session } = await openSession(
    request.storage,
    request.privacy.indexKey,
    phone,
    body.code.trim(),
    request.now(),
  );
  request.send(201, {
    token,
    expiresAt: session.expiresAt,
    customer: {
      maskedPhone: session.maskedPhone,
      ...(session.memberId ? { memberId: session.memberId } : {}),
    },
  });
}

async function getCatalog(request: ShopRequest): Promise<void> {
  const q = request.query.get('q') ?? '';
  if (q.length > 100) throw bad('q must be at most 100 characters');
  const limit = numberParam(request.query, 'limit') ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
    throw bad('limit must be a whole number from 1 to 50');
  }
  const products = await searchCatalog(
    request.storage,
    request.options.priceList ?? 'CN-LIST',
    q,
    limit,
  );
  request.send(200, { products });
}

/** [SHP4] `sku=A` (one SKU, `atp` a number) or `skus=A,B` (several, `atp` by SKU). */
function storesSkus(query: URLSearchParams): { skus: string[]; single: boolean } {
  const sku = query.get('sku');
  const list = query.get('skus');
  if ((sku === null) === (list === null)) {
    throw bad('send sku, the product the stores should have, or skus=A,B for several');
  }
  if (sku !== null) {
    if (!SKU.test(sku)) throw bad('sku must be a SKU');
    return { skus: [sku], single: true };
  }
  const skus = [...new Set(list!.split(','))];
  if (skus.length > SHOP_LINES_MAX) throw bad(`skus lists at most ${SHOP_LINES_MAX} SKUs`);
  const wrong = skus.find((s) => !SKU.test(s));
  if (wrong !== undefined) throw bad(`skus must be SKUs separated by commas, not "${wrong}"`);
  return { skus, single: false };
}

async function getStores(request: ShopRequest): Promise<void> {
  const { skus, single } = storesSkus(request.query);
  const from = locationOf(request.query);
  const city = request.query.get('city') ?? undefined;
  if (city !== undefined && (city.length === 0 || city.length > 50)) {
    throw bad('city must be 1 to 50 characters');
  }
  const stores = await storesFor(request.storage, skus, {
    ...(from ? { from } : {}),
    ...(city !== undefined ? { city } : {}),
  });
  request.send(200, {
    stores: single ? stores.map((s) => ({ ...s, atp: s.atp[skus[0]!] ?? 0 })) : stores,
    cities: await storeCities(request.storage),
  });
}

async function postOrder(request: ShopRequest): Promise<void> {
  const who = await customer(request);
  const key = request.header('idempotency-key');
  if (!key || key.length > IDEMPOTENCY_KEY_MAX - 60 || !PRINTABLE_KEY.test(key)) {
    throw bad('send an Idempotency-Key header of 1 to 140 printable characters');
  }
  const order = parseShopOrder(await request.readJson());
  const now = request.now();
  let result;
  try {
    result = await placeShopOrder(request.storage, who, order, key, {
      priceList: request.options.priceList ?? 'CN-LIST',
      currency: request.options.currency ?? 'CNY',
      now: now.toISOString(),
      utcOffsetMinutes: request.options.utcOffsetMinutes ?? 480,
      holdPolicy: request.options.holdPolicy ?? DEFAULT_HOLD_POLICY,
      codeKey: request.options.codeKey ?? DEMO_CODE_KEY,
      ...(request.routing ? { routing: request.routing } : {}),
    });
  } catch (error) {
    if (error instanceof DomainError) throw bad(error.message);
    throw error;
  }
  if (!result.ok) {
    if (result.code === 'OUT_OF_STOCK') {
      request.send(409, {
        error: 'out_of_stock',
        reason: result.message,
        lines: result.lines as unknown as JsonObject[],
      });
      return;
    }
    if (result.code === 'NOT_ROUTABLE') {
      // [SHP18] No store can send it: nothing placed, held or charged.
      request.send(409, {
        error: 'not_routable',
        code: 'NOT_ROUTABLE',
        reason: result.message,
        short: result.short as unknown as JsonObject[],
      });
      return;
    }
    if (result.code === 'IDEMPOTENCY_KEY_REUSED') {
      request.send(409, { error: 'idempotency_key_reused', reason: result.message });
      return;
    }
    if (result.code === 'COUPON_REFUSED') {
      // [SHP12] Used meanwhile (another order, a till's sale): nothing stored.
      request.send(409, {
        error: 'conflict',
        code: result.couponCode,
        reason: result.message,
        couponId: result.couponId,
      });
      return;
    }
    throw bad(result.message);
  }
  const [view] = await orderViews(request.storage, request.privacy.kms, [result.order]);
  request.send(result.replayed ? 200 : 201, { order: view, now: now.toISOString() });
}

async function getOrders(request: ShopRequest, id: string | undefined): Promise<void> {
  const who = await customer(request);
  const now = request.now().toISOString();
  if (id === undefined) {
    const orders = await orderViews(
      request.storage,
      request.privacy.kms,
      await ownOrders(request.storage, who),
    );
    request.send(200, { orders, now });
    return;
  }
  const [order] = await orderViews(request.storage, request.privacy.kms, [
    await ownOrder(request.storage, who, id),
  ]);
  request.send(200, { order, now });
}

async function payOrder(request: ShopRequest, id: string): Promise<void> {
  const who = await customer(request);
  const order = await ownOrder(request.storage, who, id);
  if (order.status !== 'held') {
    throw new SyncError('conflict', `order ${id} is ${order.status}: only a held order is paid`, {
      status: order.status,
    });
  }
  const provider = request.payments();
  const payment = await provider.createPayment(order);
  // [SHP7] The simulated customer pays at once; the provider then tells the
  // webhook, and only that makes the order paid.
  const delivery = provider.simulateCustomerPays
    ? await provider.simulateCustomerPays(payment.providerTxnId)
    : null;
  request.send(202, {
    payment: { providerTxnId: payment.providerTxnId, payUrl: payment.payUrl },
    ...(delivery ? { notified: delivery.delivered } : {}),
  });
}

async function getMe(request: ShopRequest): Promise<void> {
  const who = await customer(request);
  const member: Member | undefined = await memberOf(request.storage, who);
  const orders = await orderViews(
    request.storage,
    request.privacy.kms,
    await ownOrders(request.storage, who),
  );
  request.send(200, {
    customer: {
      maskedPhone: who.maskedPhone,
      ...(member ? { memberId: member.id, tier: member.tier, points: member.points } : {}),
    },
    coupons: member
      ? (await memberCoupons(request.storage, member.id)).map((c) =>
          withCode(c, request.options.codeKey ?? DEMO_CODE_KEY),
        )
      : [],
    orders,
    now: request.now().toISOString(),
  });
}

async function getCoupons(request: ShopRequest): Promise<void> {
  const campaigns = await openCampaigns(request.storage, request.now().toISOString());
  request.send(200, {
    campaigns: campaigns.map((c) => ({
      id: c.id,
      ...c.coupon,
      perMember: c.perMember,
      left: c.left,
    })),
  });
}

async function postClaim(request: ShopRequest): Promise<void> {
  const who = await customer(request);
  const body = objectBody(await request.readJson(), '{campaignId}');
  const { campaignId } = body;
  if (typeof campaignId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(campaignId)) {
    throw bad('campaignId must be a campaign id');
  }
  const member = await memberOf(request.storage, who);
  if (!member) {
    throw new SyncError('forbidden', 'coupons are for members: join at any store first', {
      code: 'NOT_A_MEMBER',
    });
  }
  const coupon = await claimCoupon(
    request.storage,
    campaignId,
    member.id,
    request.now().toISOString(),
  );
  request.send(201, { coupon: withCode(coupon, request.options.codeKey ?? DEMO_CODE_KEY) });
}

async function getSmsOutbox(request: ShopRequest): Promise<void> {
  const principal = await authenticate(
    request.storage,
    request.header('authorization'),
    request.now(),
  );
  if (!principal) throw new SyncError('unauthorized', 'send an admin token');
  if (principal.kind !== 'admin') {
    throw new SyncError('forbidden', 'the SMS outbox is for HQ tools with an admin token');
  }
  const phone = parsePhone(request.query.get('phone'));
  request.send(200, { messages: await smsSentTo(request.storage, phone) });
}

async function getAddresses(request: ShopRequest): Promise<void> {
  const who = await customer(request);
  request.send(200, {
    addresses: await listAddresses(request.storage, request.privacy.kms, who),
  });
}

async function postAddress(request: ShopRequest): Promise<void> {
  const who = await customer(request);
  const input = parseAddress(await request.readJson());
  const address = await addAddress(
    request.storage,
    request.privacy.kms,
    who,
    input,
    request.now().toISOString(),
  );
  request.send(201, { address });
}

async function deleteAddress(request: ShopRequest, id: string): Promise<void> {
  const who = await customer(request);
  await removeAddress(request.storage, who, id, request.now().toISOString());
  request.send(200, { removed: id });
}

async function getDeliveryOptions(request: ShopRequest): Promise<void> {
  const who = await customer(request);
  const addressId = request.query.get('addressId');
  if (!addressId || addressId.length > 100) throw bad('send addressId, one of your addresses');
  const lines = parseQuoteLines(request.query.get('lines'));
  const now = request.now().toISOString();
  const options = await quoteDelivery(request.storage, who, addressId, lines, {
    priceList: request.options.priceList ?? 'CN-LIST',
    now,
    policy:
      request.routing?.routingPolicy ?? request.options.routingPolicy ?? DEFAULT_ROUTING_POLICY,
  });
  request.send(200, { ...options, now });
}

/** The endpoints with one path segment after `/_shop`: method and handler. */
const SIMPLE: Record<string, [method: string, serve: (request: ShopRequest) => Promise<void>]> = {
  otp: ['POST', postOtp],
  session: ['POST', postSession],
  catalog: ['GET', getCatalog],
  stores: ['GET', getStores],
  me: ['GET', getMe],
  'sms-outbox': ['GET', getSmsOutbox],
  coupons: ['GET', getCoupons],
  'delivery-options': ['GET', getDeliveryOptions],
};

/** [SHP1]-[SHP9] Serves `/_shop/...`. */
export async function serveShop(request: ShopRequest): Promise<void> {
  const [, first = '', second, third, ...more] = request.segments;
  const { method } = request;
  const simple = Object.hasOwn(SIMPLE, first) ? SIMPLE[first] : undefined;
  if (simple && second === undefined) {
    allow(method, simple[0]);
    return simple[1](request);
  }
  if (first === 'coupons' && second === 'claim' && third === undefined) {
    allow(method, 'POST');
    return postClaim(request);
  }
  if (first === 'addresses' && third === undefined) {
    if (second === undefined) {
      allow(method, 'GET', 'POST');
      return method === 'POST' ? postAddress(request) : getAddresses(request);
    }
    allow(method, 'DELETE');
    return deleteAddress(request, second);
  }
  if (first === 'orders' && more.length === 0) {
    if (second === undefined) {
      allow(method, 'GET', 'POST');
      return method === 'POST' ? postOrder(request) : getOrders(request, undefined);
    }
    if (third === undefined) {
      allow(method, 'GET');
      return getOrders(request, second);
    }
    if (third === 'pay') {
      allow(method, 'POST');
      return payOrder(request, second);
    }
  }
  throw new SyncError('not_found', `no such endpoint: /${request.segments.join('/').slice(0, 80)}`);
}

/** [SHP7] The demo key the simulated provider signs with, unless told another. */
export const shopProviderKey = (options: ShopOptions): CodeKey =>
  options.simulatedProviderKey ?? DEMO_PROVIDER_KEY;
