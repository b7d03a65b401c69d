/**
 * The shop's client of the server's `/_shop/` API (same origin). Every call
 * answers data or throws `ShopApiError` with the server's reason.
 */
import type { OrderStatus } from '@pos/domain';

export type ShopProduct = {
  sku: string;
  name: string;
  category: string;
  price: number;
  currency: string;
};
export type ShopStore = {
  id: string;
  name: string;
  address: string;
  city: string | null;
  cityEn: string | null;
  atp: number;
  distanceMetres: number | null;
};
/** A store for a bag: its ATP of each SKU asked about. */
export type BagStore = Omit<ShopStore, 'atp'> & { atp: Record<string, number> };
export type City = { city: string; cityEn: string };
export type Where = { lat: number; lng: number } | { city: string };

function whereParams(params: URLSearchParams, where: Where | null): URLSearchParams {
  if (where && 'city' in where) params.set('city', where.city);
  else if (where) {
    params.set('lat', String(where.lat));
    params.set('lng', String(where.lng));
  }
  return params;
}
export type ShopOrder = {
  id: string;
  status: OrderStatus;
  placedAt: string;
  holdExpiresAt?: string;
  paidAt?: string;
  pickupDeadline?: string;
  total: number;
  /** The coupons the order used and what each took off (already off the lines and total). */
  coupons: { id: string; name: string; amount: number }[];
  lines: {
    lineId: string;
    sku: string;
    name: string;
    quantity: number;
    unitPrice: number;
    net: number;
    storeId: string | null;
    pickedUp: number;
  }[];
  pickup: { storeId: string; code: string; qr: string }[];
  stores: { id: string; name: string; address: string }[];
  /** [SHP18] Where a delivery order goes, as the customer's own address book shows it. */
  delivery?: {
    mode: 'ship' | 'same-city';
    region: { zh: string; en: string } | null;
    detail: string | null;
  };
  /** [SHP19] A delivery order's parcels, once paid. */
  parcels: ShopParcel[];
};

/** [SHP19] One parcel of a delivery order, as its customer sees it. */
export type ShopParcel = {
  shipmentId: string;
  mode: 'ship' | 'same-city';
  status: 'open' | 'packed' | 'handed-over' | 'cancelled';
  carrier: string;
  trackingNo: string;
  window?: { from: string; to: string };
  store: { id: string; name: string; distanceMetres: number | null };
  /** Why this store: how many could supply the order, and the rule that decided. */
  why: { eligible: number; decidedBy: string | null };
  lines: { sku: string; name: string; quantity: number }[];
};
export type ShopCoupon = {
  id: string;
  campaignId: string;
  name: string;
  status: 'issued' | 'redeemed' | 'void';
  validTo: string;
  minSpend: number;
  /** The signed code a till scans. */
  code: string;
};
export type Campaign = {
  id: string;
  name: string;
  minSpend: number;
  validTo: string;
  perMember: number;
  left: number;
};
export type ShortLine = { sku: string; storeId: string; requested: number; available: number };
export type Me = {
  customer: { maskedPhone: string; memberId?: string; tier?: string; points?: number };
  coupons: ShopCoupon[];
  orders: ShopOrder[];
  now: string;
};

export class ShopApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly body: Record<string, unknown>,
  ) {
    super(reason);
  }
}

const TOKEN_KEY = 'shop.session';

export function sessionToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}
export function setSessionToken(token: string | null): void {
  if (token === null) localStorage.removeItem(TOKEN_KEY);
  else localStorage.setItem(TOKEN_KEY, token);
}

async function call<T>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const token = sessionToken();
  const response = await fetch(`/_shop/${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    if (response.status === 401 && token && path !== 'session') setSessionToken(null);
    throw new ShopApiError(response.status, String(body.reason ?? response.statusText), body);
  }
  return body as T;
}

/** [SHP14] One of the customer's delivery addresses, as the server shows it. */
export type ShopAddress = {
  id: string;
  regionCode: string;
  region: { zh: string; en: string };
  maskedName: string;
  maskedPhone: string;
  detail: string;
};

export type QuotedParcel = { locationId: string; name: string; distanceMetres: number };
export type QuotedShort = { sku: string; requested: number; available: number };
/** [SHP17] The delivery options for a bag to one address. */
export type DeliveryQuote = {
  ship: {
    available: boolean;
    promiseDays?: { min: number; max: number };
    parcels: QuotedParcel[];
    short: QuotedShort[];
  };
  sameCity: {
    available: boolean;
    window?: { from: string; to: string };
    parcels: QuotedParcel[];
    short: QuotedShort[];
  };
  pickup: {
    stores: { id: string; name: string; address: string; distanceMetres: number | null }[];
  };
};

export const api = {
  addresses: () => call<{ addresses: ShopAddress[] }>('addresses'),
  addAddress: (address: { regionCode: string; detail: string; name: string; phone: string }) =>
    call<{ address: ShopAddress }>('addresses', { body: address }),
  removeAddress: (id: string) =>
    call<{ removed: string }>(`addresses/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  deliveryOptions: (addressId: string, lines: readonly { sku: string; quantity: number }[]) =>
    call<DeliveryQuote>(
      `delivery-options?${new URLSearchParams({
        addressId,
        lines: lines.map((l) => `${l.sku}:${l.quantity}`).join(','),
      }).toString()}`,
    ),
  catalog: (q: string) =>
    call<{ products: ShopProduct[] }>(`catalog?limit=30&q=${encodeURIComponent(q)}`),
  stores: (sku: string, where: Where | null) =>
    call<{ stores: ShopStore[]; cities: City[] }>(
      `stores?${whereParams(new URLSearchParams({ sku }), where).toString()}`,
    ),
  bagStores: (skus: readonly string[], where: Where | null) =>
    call<{ stores: BagStore[]; cities: City[] }>(
      `stores?${whereParams(new URLSearchParams({ skus: skus.join(',') }), where).toString()}`,
    ),
  sendCode: (phone: string) =>
    call<{ maskedPhone: string; expiresAt: string }>('otp', { body: { phone } }),
  signIn: (phone: string, code: string) =>
    call<{ token: string; customer: { maskedPhone: string; memberId?: string } }>('session', {
      body: { phone, code },
    }),
  placeOrder: (
    storeId: string,
    lines: { sku: string; quantity: number }[],
    key: string,
    coupons: readonly string[] = [],
  ) =>
    call<{ order: ShopOrder; now: string }>('orders', {
      body: { storeId, lines, ...(coupons.length > 0 ? { coupons } : {}) },
      headers: { 'idempotency-key': key },
    }),
  /** [SHP18] Orders the bag for delivery to one of the customer's addresses. */
  placeDeliveryOrder: (
    delivery: { mode: 'ship' | 'same-city'; addressId: string },
    lines: { sku: string; quantity: number }[],
    key: string,
  ) =>
    call<{ order: ShopOrder; now: string }>('orders', {
      body: { delivery, lines },
      headers: { 'idempotency-key': key },
    }),
  order: (id: string) =>
    call<{ order: ShopOrder; now: string }>(`orders/${encodeURIComponent(id)}`),
  pay: (id: string) =>
    call<{ payment: { providerTxnId: string } }>(`orders/${encodeURIComponent(id)}/pay`, {
      method: 'POST',
    }),
  me: () => call<Me>('me'),
  campaigns: () => call<{ campaigns: Campaign[] }>('coupons'),
  claim: (campaignId: string) =>
    call<{ coupon: ShopCoupon }>('coupons/claim', { body: { campaignId } }),
};
