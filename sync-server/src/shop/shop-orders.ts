/**
 * A customer's pickup orders in the shop: priced on the server with the
 * till's engine, placed through the order center's `placeOrder`, read back
 * only by their own customer, and paid through the payment provider whose
 * signed notification alone makes them paid; a member's coupons priced and
 * redeemed with the order. See SPEC.md [SHP5]-[SHP8], [SHP12].
 */
import {
  checkCoupon,
  makeCouponCode,
  type CodeKey,
  type Coupon,
  type Member,
  type Order,
  type Product,
  type Store,
} from '@pos/domain';
import { ORDER_COUPONS_DB, type OrderCoupons } from '../ledgers';
import {
  earlierPlacement,
  ORDERS_DB,
  placeOrder,
  placementFingerprint,
  type PlaceOrderResult,
} from '../orders/holds';
import { activeMember, priceOrderLines } from '../orders/pricing';
import { PICKUP_CODES_DB, type PickupCodes } from '../payments/notify';
import { SyncError } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import type { Kms } from '../pii/keyring';
import { ADDRESSES_DB } from '../orders/addresses';
import type { PlacementRouting } from '../orders/routing';
import { orderShipments } from '../orders/shipments';
import { addressView, ownAddress, type StoredAddress } from './addresses';
import { locationNames, storesFor } from './catalog';
import type { CustomerSession } from './customer-auth';

/** Most lines one shop order may have. */
export const SHOP_LINES_MAX = 20;
/** Most units of one line. */
export const SHOP_QUANTITY_MAX = 99;

/** Most coupons one shop order may use. */
export const SHOP_COUPONS_MAX = 5;

/** [SHP18] Where a delivery order goes: by express parcel or same-city courier to one of the customer's addresses. */
export type ShopDelivery = { mode: 'ship' | 'same-city'; addressId: string };

export type ShopOrderRequest = {
  /** The pickup store; for a delivery order, none (it is priced at the store nearest the address). */
  storeId: string;
  /** [SHP18] Deliver every line instead of picking up. */
  delivery?: ShopDelivery;
  lines: { sku: string; quantity: number }[];
  /** [SHP12] The member's own coupons to use, by id, in the order they are added. */
  coupons?: string[];
};

const bad = (reason: string) => new SyncError('bad_request', reason);
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/** [SHP5] The body of `POST /_shop/orders`; anything else in it (prices!) is ignored. */
export function parseShopOrder(body: unknown): ShopOrderRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad(
      'send {storeId, lines: [{sku, quantity}], coupons?: [couponId]} or {delivery: {mode, addressId}, lines, coupons?}',
    );
  }
  const { storeId, lines, coupons, delivery } = body as Record<string, unknown>;
  let shipTo: ShopDelivery | undefined;
  if (delivery !== undefined) {
    const { mode, addressId } = (delivery ?? {}) as Record<string, unknown>;
    if (typeof delivery !== 'object' || delivery === null || Array.isArray(delivery)) {
      throw bad('delivery must be {mode: "ship" or "same-city", addressId}');
    }
    if (mode !== 'ship' && mode !== 'same-city') {
      throw bad('delivery.mode must be "ship" or "same-city"');
    }
    if (typeof addressId !== 'string' || !ID.test(addressId)) {
      throw bad('delivery.addressId must be one of your addresses');
    }
    if (storeId !== undefined) throw bad('send a storeId for pickup or a delivery, not both');
    shipTo = { mode, addressId };
  } else if (typeof storeId !== 'string' || !ID.test(storeId)) {
    throw bad('storeId must be a store id');
  }
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > SHOP_LINES_MAX) {
    throw bad(`lines must be a list of 1 to ${SHOP_LINES_MAX} lines`);
  }
  const merged = new Map<string, number>();
  lines.forEach((line: unknown, i) => {
    if (typeof line !== 'object' || line === null) throw bad(`lines[${i}] must be an object`);
    const { sku, quantity } = line as Record<string, unknown>;
    if (typeof sku !== 'string' || !ID.test(sku)) throw bad(`lines[${i}].sku must be a SKU`);
    if (
      typeof quantity !== 'number' ||
      !Number.isSafeInteger(quantity) ||
      quantity < 1 ||
      quantity > SHOP_QUANTITY_MAX
    ) {
      throw bad(`lines[${i}].quantity must be a whole number from 1 to ${SHOP_QUANTITY_MAX}`);
    }
    merged.set(sku, (merged.get(sku) ?? 0) + quantity);
  });
  for (const [sku, quantity] of merged) {
    if (quantity > SHOP_QUANTITY_MAX) {
      throw bad(`at most ${SHOP_QUANTITY_MAX} of ${sku} in one order`);
    }
  }
  if (
    coupons !== undefined &&
    (!Array.isArray(coupons) ||
      coupons.length > SHOP_COUPONS_MAX ||
      coupons.some((id) => typeof id !== 'string' || !ID.test(id)))
  ) {
    throw bad(`coupons must be a list of at most ${SHOP_COUPONS_MAX} coupon ids`);
  }
  const couponIds = (coupons ?? []) as string[];
  if (new Set(couponIds).size !== couponIds.length) throw bad('coupons lists a coupon twice');
  return {
    storeId: shipTo ? '' : (storeId as string),
    ...(shipTo ? { delivery: shipTo } : {}),
    lines: [...merged].map(([sku, quantity]) => ({ sku, quantity })),
    ...(couponIds.length > 0 ? { coupons: couponIds } : {}),
  };
}

/** [SHP12] A coupon the order cannot use: 409 naming it, with the till's reason code. */
const couponRefused = (couponId: string, code: string, reason: string) =>
  new SyncError('conflict', reason, { code, couponId });

/**
 * [SHP12] The member's coupons the order asks for, each checked as a till
 * checks the code the member would show there ([CP1], [CP2]): the member's
 * own, issued, in its window, for the online channel at the pickup store.
 * Anyone else's coupon, or none, is told apart from nothing.
 */
async function orderCoupons(
  storage: SyncStorage,
  ids: readonly string[],
  member: Member | undefined,
  context: { storeId: string; now: string; utcOffsetMinutes: number; codeKey: CodeKey },
): Promise<Coupon[]> {
  if (ids.length === 0) return [];
  const rows = await storage.getDocs('coupons', ids, null);
  return ids.map((id) => {
    const coupon = rows.get(id)?.body as Coupon | undefined;
    if (!coupon || !member || coupon.memberId !== member.id) {
      throw couponRefused(id, 'COUPON_NOT_YOURS', `you have no coupon ${id}`);
    }
    const { codeKey, ...at } = context;
    const checked = checkCoupon(makeCouponCode(id, codeKey), [codeKey], () => coupon, {
      ...at,
      channel: 'online',
      memberId: member.id,
    });
    if (!checked.ok) throw couponRefused(id, checked.code, checked.message);
    return checked.coupon;
  });
}

/** The member behind a session, when there is one and it is active. */
export async function memberOf(
  storage: SyncStorage,
  customer: CustomerSession,
): Promise<Member | undefined> {
  return activeMember(storage, customer.memberId);
}

/**
 * [SHP18] The store a delivery order is priced at, as a till there would:
 * the open store nearest the customer's own address (404 for another's).
 */
async function deliveryPricingStore(
  storage: SyncStorage,
  customer: CustomerSession,
  addressId: string,
  lines: readonly { sku: string }[],
): Promise<string> {
  const address = await ownAddress(
    { getDocs: (db, ids) => storage.getDocs(db, ids, null) },
    customer,
    addressId,
  );
  const [nearest] = await storesFor(
    storage,
    lines.map((l) => l.sku),
    { from: address.point },
  );
  if (!nearest) throw bad('the shop has no open store to price the order at');
  return nearest.id;
}

/** [SHP5] Places the customer's pickup order, priced here, held against ATP. */
export async function placeShopOrder(
  storage: SyncStorage,
  customer: CustomerSession,
  request: ShopOrderRequest,
  idempotencyKey: string,
  options: {
    priceList: string;
    currency: string;
    now: string;
    utcOffsetMinutes: number;
    holdPolicy?: Parameters<typeof placeOrder>[3];
    /** [SHP12] The key coupon codes are signed with (the tills'). */
    codeKey: CodeKey;
    /** [SHP18] The routing policy and address book delivery lines are routed with. */
    routing?: PlacementRouting;
  },
): Promise<PlaceOrderResult> {
  const storeId = request.delivery
    ? await deliveryPricingStore(storage, customer, request.delivery.addressId, request.lines)
    : request.storeId;
  const store = (await storage.getDocs('stores', [storeId], null)).get(storeId);
  if (!store || (store.body as { status?: string }).status !== 'open') {
    throw bad(`there is no open store ${storeId}`);
  }
  // A key is the customer's own: another customer's same key is another order.
  const key = `shop:${customer.phoneIndex}:${idempotencyKey}`;
  // [SHP5] A retry is the first placement by what the customer sent, whatever the prices are now.
  const fingerprint = placementFingerprint({ sent: request });
  const earlier = await earlierPlacement(
    { getDocs: (db, ids) => storage.getDocs(db, ids, null) },
    key,
    fingerprint,
  );
  if (earlier) return earlier;
  const member = await memberOf(storage, customer);
  const coupons = await orderCoupons(storage, request.coupons ?? [], member, {
    storeId,
    now: options.now,
    utcOffsetMinutes: options.utcOffsetMinutes,
    codeKey: options.codeKey,
  });
  // [SHP5] [OC10] Priced as a till at the pickup store would, for the online channel.
  const priced = await priceOrderLines(storage, request.lines, storeId, member, options, coupons);
  // [SHP12] A coupon the engine refuses (minimum spend, nothing it applies to, not combinable).
  const rejected = priced.rejectedCoupons[0];
  if (rejected) throw couponRefused(rejected.id, rejected.code, rejected.message);
  return placeOrder(
    storage,
    {
      idempotencyKey: key,
      channel: 'shop',
      customer: member ? { memberId: member.id } : { phoneIndex: customer.phoneIndex },
      lines: priced.lines.map((line, i) => ({
        lineId: `L${i + 1}`,
        ...line,
        fulfilment: request.delivery ?? { mode: 'pickup', storeId },
      })),
      total: priced.total,
      ...(priced.coupons.length > 0 ? { coupons: priced.coupons } : {}),
    },
    options.now,
    options.holdPolicy,
    undefined,
    fingerprint,
    options.routing,
  );
}

/** [SHP6] Whether the order is this customer's. */
export function isOwnOrder(order: Order, customer: CustomerSession): boolean {
  const c = order.customer as { memberId?: string; phoneIndex?: string };
  return (
    (c.memberId !== undefined && c.memberId === customer.memberId) ||
    (c.phoneIndex !== undefined && c.phoneIndex === customer.phoneIndex)
  );
}

/** [SHP6] An order as its customer sees it. */
export type ShopOrderView = {
  id: string;
  status: Order['status'];
  placedAt: string;
  holdExpiresAt?: string;
  paidAt?: string;
  pickupDeadline?: string;
  total: number;
  /** [SHP12] The coupons the order used and what each took off (the lines' net already has it). */
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
  /** The stores the order is picked up at, for the customer to find them. */
  stores: { id: string; name: string; address: string }[];
  /** [SHP18] Where a delivery order goes (region and street null once the address is removed). */
  delivery?: {
    mode: 'ship' | 'same-city';
    region: { zh: string; en: string } | null;
    detail: string | null;
  };
  /** [SHP19] A delivery order's parcels, once paid. */
  parcels: ShopParcelView[];
};

/** [SHP19] One parcel of a delivery order as its customer sees it: no recipient, no other order. */
export type ShopParcelView = {
  shipmentId: string;
  mode: 'ship' | 'same-city';
  status: 'open' | 'packed' | 'handed-over' | 'cancelled';
  carrier: string;
  trackingNo: string;
  window?: { from: string; to: string };
  store: { id: string; name: string; distanceMetres: number | null };
  /** Why this store: how many locations could supply that part of the order, and the rule that decided. */
  why: { eligible: number; decidedBy: string | null };
  lines: { sku: string; name: string; quantity: number }[];
};

/** [SHP18] Where the order's delivery lines go, as its customer's address book shows it. */
async function deliveryOf(
  storage: SyncStorage,
  kms: Kms,
  order: Order,
): Promise<ShopOrderView['delivery']> {
  const fulfilment = order.lines
    .map((l) => l.fulfilment)
    .find((f): f is ShopDelivery => f.mode === 'ship' || f.mode === 'same-city');
  if (!fulfilment) return undefined;
  const { mode, addressId } = fulfilment;
  const row = (await storage.getDocs(ADDRESSES_DB, [addressId], null)).get(addressId);
  const address = row?.body as unknown as StoredAddress | undefined;
  if (!address || !('sealed' in address)) return { mode, region: null, detail: null };
  const view = await addressView(kms, address);
  return { mode, region: view.region, detail: view.detail };
}

export async function orderViews(
  storage: SyncStorage,
  kms: Kms,
  orders: Order[],
): Promise<ShopOrderView[]> {
  const skus = [...new Set(orders.flatMap((o) => o.lines.map((l) => l.sku)))];
  const products = await storage.getDocs('products', skus, null);
  const paid = orders.filter((o) => o.paidAt !== undefined).map((o) => o.id);
  const codes = await storage.getDocs(PICKUP_CODES_DB, paid, null);
  const storeIds = [
    ...new Set(
      orders.flatMap((o) =>
        o.lines.flatMap((l) => (l.fulfilment.mode === 'pickup' ? [l.fulfilment.storeId] : [])),
      ),
    ),
  ];
  const stores = await storage.getDocs('stores', storeIds, null);
  const used = await storage.getDocs(
    ORDER_COUPONS_DB,
    orders.map((o) => o.id),
    null,
  );
  const deliveries = await Promise.all(orders.map((o) => deliveryOf(storage, kms, o)));
  const parcels = await Promise.all(orders.map((o) => orderParcels(storage, o)));
  return orders.map((order, i) => ({
    id: order.id,
    status: order.status,
    placedAt: order.placedAt,
    ...(order.holdExpiresAt ? { holdExpiresAt: order.holdExpiresAt } : {}),
    ...(order.paidAt ? { paidAt: order.paidAt } : {}),
    ...(order.pickupDeadline ? { pickupDeadline: order.pickupDeadline } : {}),
    total: order.total,
    coupons: (used.get(order.id)?.body as OrderCoupons | undefined)?.coupons ?? [],
    lines: order.lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      name: (products.get(line.sku)?.body as Product | undefined)?.name ?? line.sku,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      net: line.net,
      storeId: line.fulfilment.mode === 'pickup' ? line.fulfilment.storeId : null,
      pickedUp: line.pickedUp,
    })),
    pickup: ((codes.get(order.id)?.body as PickupCodes | undefined)?.stores ?? []).map(
      ({ storeId, code, qr }) => ({ storeId, code, qr }),
    ),
    stores: [
      ...new Set(
        order.lines.flatMap((l) => (l.fulfilment.mode === 'pickup' ? [l.fulfilment.storeId] : [])),
      ),
    ].map((id) => {
      const store = stores.get(id)?.body as Store | undefined;
      return { id, name: store?.name ?? id, address: store?.address ?? '' };
    }),
    ...(deliveries[i] ? { delivery: deliveries[i] } : {}),
    parcels: parcels[i]!,
  }));
}

/**
 * [SHP19] The order's parcels as the order center shows them ([RP10]), with
 * the store's name and distance and why it was chosen, from the order's
 * routing explanation.
 */
async function orderParcels(storage: SyncStorage, order: Order): Promise<ShopParcelView[]> {
  if (!(order.allocations ?? []).length) return [];
  const shipments = await orderShipments(
    { getDocs: (db, ids) => storage.getDocs(db, ids, null) },
    order,
  );
  const names = await locationNames(
    storage,
    shipments.map((s) => s.locationId),
  );
  return shipments.map((s) => {
    const explanation = [...(order.routing ?? [])].reverse().find((e) => e.mode === s.mode);
    const me = explanation?.candidates.find((c) => c.locationId === s.locationId);
    return {
      shipmentId: s.shipmentId,
      mode: s.mode,
      status: s.status,
      carrier: s.carrier,
      trackingNo: s.trackingNo,
      ...(s.window ? { window: s.window } : {}),
      store: {
        id: s.locationId,
        name: names.get(s.locationId) ?? me?.name ?? s.locationId,
        distanceMetres: me?.distanceMetres ?? null,
      },
      why: {
        eligible: explanation?.candidates.filter((c) => c.eligible).length ?? 0,
        decidedBy: explanation?.decidedBy ?? null,
      },
      lines: s.lines.map(({ sku, name, quantity }) => ({ sku, name, quantity })),
    };
  });
}

/** [SHP6] The customer's own orders, newest first. */
export async function ownOrders(storage: SyncStorage, customer: CustomerSession): Promise<Order[]> {
  const byIndex = await storage.findDocs(ORDERS_DB, {
    fields: { customer: { phoneIndex: customer.phoneIndex } },
  });
  const byMember = customer.memberId
    ? await storage.findDocs(ORDERS_DB, { fields: { customer: { memberId: customer.memberId } } })
    : [];
  return [...byIndex, ...byMember]
    .sort((a, b) => b.seq - a.seq)
    .map((row) => row.body as Order)
    .filter((order, i, all) => all.findIndex((o) => o.id === order.id) === i)
    .sort((a, b) => (a.placedAt < b.placedAt ? 1 : a.placedAt > b.placedAt ? -1 : 0));
}

/** [SHP6] The customer's own order `id`, or 404 (another's is not told apart from none). */
export async function ownOrder(
  storage: SyncStorage,
  customer: CustomerSession,
  id: string,
): Promise<Order> {
  const row = ID.test(id) ? (await storage.getDocs(ORDERS_DB, [id], null)).get(id) : undefined;
  const order = row?.body as Order | undefined;
  if (!order || !isOwnOrder(order, customer)) {
    throw new SyncError('not_found', `no order ${id.slice(0, 60)} of yours`);
  }
  return order;
}

/** [SHP8] The coupons issued to the member, still to be used. */
export async function memberCoupons(storage: SyncStorage, memberId: string): Promise<Coupon[]> {
  return (await storage.findDocs('coupons', { memberId })).map((row) => row.body as Coupon);
}
