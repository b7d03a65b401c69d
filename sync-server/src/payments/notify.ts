/**
 * Payment notifications as the server records them: paid is only ever a
 * notification signed by the provider, never a client's claim. Each
 * notification is applied once ([PN5]), in one storage transaction that also
 * pays the order, issues its pickup codes, or records why it could not.
 * See SPEC.md [PM1]-[PM5].
 */
import {
  applyOrderEvent,
  DEFAULT_HOLD_POLICY,
  isDeliveryLine,
  makePickupQr,
  notificationKey,
  pickupCode,
  pickupDeadline,
  utf8,
  type CodeKey,
  type CollectionName,
  type HoldPolicy,
  type Order,
  type OrderEvent,
  type PaymentNotification,
} from '@pos/domain';
import { recordException } from '../ledgers';
import { makeShipments, type ShippingOptions } from '../orders/shipments';
import { ORDERS_DB, orderStores, putOrder } from '../orders/store-orders';
import type { JsonObject } from '../protocol';
import type { WriteTransaction, SyncStorage } from '../storage/storage';
import type { PaymentProvider } from './provider';

/** [PM2] Server-only: each notification applied, by `notificationKey`. */
export const PAYMENT_NOTES_DB = '_paymentNotes' as CollectionName;
/** [PM3] Server-only: the pickup codes of each paid order, by order id. */
export const PICKUP_CODES_DB = '_pickupCodes' as CollectionName;

/** [PM3] The keys pickup codes are made with: one per store, the chain's for the QR. */
export type PickupKeys = { chain: CodeKey; store: (storeId: string) => CodeKey };

/** The published demo keys; a real chain configures its own. */
export const DEMO_PROVIDER_KEY: CodeKey = {
  id: 'demo-provider',
  secret: utf8('demo payment provider key'),
};
export const DEMO_PICKUP_KEYS: PickupKeys = {
  chain: { id: 'demo-chain-pickup', secret: utf8('demo chain pickup key') },
  store: (storeId) => ({
    id: `demo-pickup-${storeId}`,
    secret: utf8(`demo pickup key ${storeId}`),
  }),
};

export type PaymentOptions = ShippingOptions & {
  /** [PM1] The provider keys a notification may be signed with; default the demo key. */
  providerKeys?: readonly CodeKey[];
  /** [PM3] Default the demo keys. */
  pickupKeys?: PickupKeys;
  /** [PM4] The chain's currency; default CNY. */
  currency?: string;
  /** [PM3] The pickup deadline after payment; default `DEFAULT_HOLD_POLICY`. */
  holdPolicy?: HoldPolicy;
  /** [PM1] How far a notification's timestamp may be from the server clock; default 300 s. */
  toleranceSeconds?: number;
  /**
   * [OS3] The provider refunds go back through; without one, a refund to
   * the original payment is a `refund-due` exception for HQ.
   */
  provider?: PaymentProvider;
};

/** What a notification did; a replay answers the first one's outcome. */
export type PaymentOutcome = 'paid' | 'refund-due' | 'amount-mismatch' | 'noted';

/** [PM2] One notification as applied. */
export type PaymentNote = {
  id: string;
  orderId: string;
  outcome: PaymentOutcome;
  reason?: string;
  notification: PaymentNotification;
  receivedAt: string;
};

/** [PM3] One store's pickup code and QR for an order. */
export type StorePickupCode = { storeId: string; code: string; qr: string; storeKeyId: string };
/** [PM3] The pickup codes of a paid order, one per store its pickup lines name. */
export type PickupCodes = {
  id: string;
  orderId: string;
  stores: StorePickupCode[];
  chainKeyId: string;
  issuedAt: string;
};

/** [PM3] Each pickup store of an order once, in line order. */
export const pickupStores = orderStores;

/** [PM3] The 6-digit code and signed QR an order is picked up with at each of its stores. */
export function pickupCodesFor(order: Order, keys: PickupKeys, issuedAt: string): PickupCodes {
  return {
    id: order.id,
    orderId: order.id,
    stores: pickupStores(order).map((storeId) => {
      const storeKey = keys.store(storeId);
      return {
        storeId,
        code: pickupCode(order.id, storeKey),
        qr: makePickupQr(order.id, storeId, keys.chain),
        storeKeyId: storeKey.id,
      };
    }),
    chainKeyId: keys.chain.id,
    issuedAt,
  };
}

async function put(
  tx: WriteTransaction,
  db: CollectionName,
  id: string,
  body: object,
  expectedRev: string | null,
): Promise<void> {
  const written = await tx.put({ db, id, body: body as JsonObject, storeId: null, expectedRev });
  if (!written.ok) throw new Error(`${db} ${id} changed underneath: ${written.reason}`);
}

/**
 * [PM3] [OS6] Stores an order just paid (by the provider or at a till) with
 * its copies at its stores, and issues its pickup codes, in the caller's
 * transaction. Its held units stay held, now for pickup.
 */
export async function storePaidOrder(
  tx: WriteTransaction,
  paid: Order,
  expectedRev: string,
  now: string,
  pickupKeys: PickupKeys = DEMO_PICKUP_KEYS,
  /** [RP6] How its parcels are made; default the demo carrier and `DEFAULT_ROUTING_POLICY`. */
  shipping: ShippingOptions = {},
): Promise<Order> {
  // [RP6] Its routed units become parcels at their locations, merged where [MG1] allows.
  const stored = await makeShipments(tx, paid, now, shipping);
  await putOrder(tx, stored, expectedRev, now);
  const codes = (await tx.getDocs(PICKUP_CODES_DB, [paid.id])).get(paid.id);
  if (!codes) await put(tx, PICKUP_CODES_DB, paid.id, pickupCodesFor(paid, pickupKeys, now), null);
  return stored;
}

/**
 * [RP6] The `paid` event of an order: with the pickup deadline only when it
 * has units to pick up, so a parcel-only order is never cancelled as an
 * uncollected pickup ([OS4]).
 */
export function paidEvent(
  order: Order,
  id: string,
  at: string,
  policy: HoldPolicy,
): Extract<OrderEvent, { kind: 'paid' }> {
  const pickup = order.lines.some((l) => !isDeliveryLine(l));
  return {
    kind: 'paid',
    id,
    at,
    ...(pickup ? { pickupDeadline: pickupDeadline(at, policy) } : {}),
  };
}

/**
 * [PM2]-[PM5] Applies a verified notification once, in one transaction. A
 * notification already applied (same `notificationKey`) changes nothing and
 * returns the first note. A paid notification pays its order when the amount
 * and currency are the order's and the domain lets it ([OD5]); otherwise the
 * order stays as it is and an exception says what HQ must do.
 */
export async function applyPaymentNotification(
  storage: SyncStorage,
  notification: PaymentNotification,
  now: string,
  options: PaymentOptions = {},
): Promise<{ note: PaymentNote; replayed: boolean }> {
  const key = notificationKey(notification);
  const currency = options.currency ?? 'CNY';
  const policy = options.holdPolicy ?? DEFAULT_HOLD_POLICY;
  const pickupKeys = options.pickupKeys ?? DEMO_PICKUP_KEYS;
  return storage.transaction(async (tx) => {
    const known = (await tx.getDocs(PAYMENT_NOTES_DB, [key])).get(key);
    if (known) return { note: known.body as PaymentNote, replayed: true };
    const n = notification;
    const row =
      n.status === 'paid' ? (await tx.getDocs(ORDERS_DB, [n.orderId])).get(n.orderId) : undefined;
    const order = row?.body as Order | undefined;
    const ctx = {
      tx,
      db: '_paymentNotes' as const,
      factId: key,
      storeId: order ? (pickupStores(order)[0] ?? null) : null,
      receivedAt: now,
    };
    const details: JsonObject = {
      orderId: n.orderId,
      providerTxnId: n.providerTxnId,
      amount: n.amount,
      currency: n.currency,
    };
    const record = async (outcome: PaymentOutcome, reason?: string) => {
      const note: PaymentNote = {
        id: key,
        orderId: n.orderId,
        outcome,
        ...(reason === undefined ? {} : { reason }),
        notification: n,
        receivedAt: now,
      };
      await put(tx, PAYMENT_NOTES_DB, key, note, null);
      return { note, replayed: false };
    };

    if (n.status !== 'paid') return record('noted');
    if (!row || !order) {
      const reason = `order ${n.orderId} is unknown: the payment is to be refunded`;
      await recordException(ctx, 'refund-due', { ...details, reason });
      return record('refund-due', reason);
    }
    if (n.amount !== order.total || n.currency !== currency) {
      const reason = `paid ${n.amount} ${n.currency}, the order is ${order.total} ${currency}`;
      await recordException(ctx, 'payment-amount-mismatch', {
        ...details,
        expectedAmount: order.total,
        expectedCurrency: currency,
        reason,
      });
      return record('amount-mismatch', reason);
    }
    const paid = applyOrderEvent(order, paidEvent(order, `paid:${n.providerTxnId}`, n.at, policy));
    if (!paid.ok) {
      // [PM5] An expired, cancelled or already paid order is never paid again
      // nor held again: the money goes back.
      const reason = `${paid.code}: ${paid.message}`;
      await recordException(ctx, 'refund-due', { ...details, status: order.status, reason });
      return record('refund-due', reason);
    }
    await storePaidOrder(tx, paid.order, row.rev, now, pickupKeys, options);
    return record('paid');
  });
}
