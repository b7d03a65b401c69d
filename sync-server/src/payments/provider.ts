/**
 * The payment-provider interface and a simulated provider in the shape of
 * WeChat Pay and Alipay: the shop asks it for a payment, the customer pays,
 * and the provider tells the server by a signed notification POSTed to the
 * webhook, retried with backoff until the server answers 2xx.
 * See SPEC.md [PM6].
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  NOTIFICATION_HEADER_NAMES,
  serializeNotification,
  signNotification,
  type CodeKey,
  type Order,
  type PaymentNotification,
  type PaymentStatus,
} from '@pos/domain';

/** What the shop shows the customer to pay: a link, or a QR code of the same. */
export type CreatedPayment = { providerTxnId: string; payUrl: string; qrPayload: string };
export type Refund = { refundId: string; providerTxnId: string; amount: number };

/** [PM6] What the order center needs of a payment provider. */
export type PaymentProvider = {
  createPayment(order: Pick<Order, 'id' | 'total'>): Promise<CreatedPayment>;
  /**
   * [OS3] Refunds `amount` fen of a payment. `refundKey`, when given, is the
   * merchant's refund number: the same key again is the same refund, never a
   * second one.
   */
  refund(providerTxnId: string, amount: number, refundKey?: string): Promise<Refund>;
};

/** One try to deliver a notification: the HTTP status, or why there was none. */
export type DeliveryAttempt = { status: number | null; error?: string };
export type Delivery = { delivered: boolean; attempts: DeliveryAttempt[] };

/** [PM6] Tries and waits between them: doubling from `firstDelayMs`, at most `maxDelayMs`. */
export type RetryPolicy = { attempts: number; firstDelayMs: number; maxDelayMs: number };
export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, firstDelayMs: 1000, maxDelayMs: 60_000 };

/** A notification ready to POST: the raw body and its signature headers. */
export type SignedNotification = { body: string; headers: Record<string, string> };

type Txn = { orderId: string; amount: number };

export type SimulatedProviderOptions = {
  key: CodeKey;
  /** The server's webhook, e.g. `http://127.0.0.1:5984/_payments/notify`. */
  notifyUrl: string;
  currency?: string;
  now?: () => Date;
  retry?: RetryPolicy;
  /** How notifications are POSTed; default the global `fetch`. (A server notifying itself over HTTPS passes one that trusts its own certificate.) */
  fetch?: typeof fetch;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** [PM6] A provider that takes payments in memory and notifies like a real one. */
export class SimulatedPaymentProvider implements PaymentProvider {
  private readonly txns = new Map<string, Txn>();
  private readonly refundList: Refund[] = [];
  private readonly refundsByKey = new Map<string, Refund>();
  private readonly refusing = new Set<string>();
  private readonly now: () => Date;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: SimulatedProviderOptions) {
    this.now = options.now ?? (() => new Date());
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  createPayment(order: Pick<Order, 'id' | 'total'>): Promise<CreatedPayment> {
    const providerTxnId = `sim-${randomUUID()}`;
    this.txns.set(providerTxnId, { orderId: order.id, amount: order.total });
    const payUrl = `https://pay.example.invalid/pay/${providerTxnId}`;
    return Promise.resolve({ providerTxnId, payUrl, qrPayload: payUrl });
  }

  /** [TB3] A payment this provider made: its order and amount (the pay page shows them). */
  payment(providerTxnId: string): { orderId: string; amount: number } | undefined {
    const txn = this.txns.get(providerTxnId);
    return txn ? { orderId: txn.orderId, amount: txn.amount } : undefined;
  }

  refund(providerTxnId: string, amount: number, refundKey?: string): Promise<Refund> {
    const known = refundKey === undefined ? undefined : this.refundsByKey.get(refundKey);
    if (known) return Promise.resolve(known);
    const txn = this.txns.get(providerTxnId);
    if (!txn) return Promise.reject(new Error(`no payment ${providerTxnId} to refund`));
    if (this.refusing.has(providerTxnId)) {
      return Promise.reject(new Error(`payment ${providerTxnId} cannot be refunded now`));
    }
    const refunded = this.refundList
      .filter((r) => r.providerTxnId === providerTxnId)
      .reduce((sum, r) => sum + r.amount, 0);
    if (!Number.isSafeInteger(amount) || amount <= 0 || refunded + amount > txn.amount) {
      return Promise.reject(
        new Error(`cannot refund ${amount} of ${txn.amount} (${refunded} refunded already)`),
      );
    }
    const refund: Refund = { refundId: `ref-${randomUUID()}`, providerTxnId, amount };
    this.refundList.push(refund);
    if (refundKey !== undefined) this.refundsByKey.set(refundKey, refund);
    return Promise.resolve(refund);
  }

  /** A provider that refuses every refund of this payment (a closed account, say). */
  refuseRefundsOf(providerTxnId: string): void {
    this.refusing.add(providerTxnId);
  }

  /** The refunds made so far. */
  get refunds(): readonly Refund[] {
    return this.refundList;
  }

  /**
   * A freshly signed notification of a payment (a new nonce and timestamp,
   * the same notification id): what the provider sends on each try.
   * `amount` stands in for a customer who paid another amount.
   */
  notificationFor(
    providerTxnId: string,
    options: { status?: PaymentStatus; amount?: number; at?: string } = {},
  ): SignedNotification {
    const txn = this.txns.get(providerTxnId);
    if (!txn) throw new Error(`no payment ${providerTxnId}`);
    const now = this.now();
    const nonce = randomBytes(16).toString('hex');
    const notification: PaymentNotification = {
      id: `ntf-${providerTxnId}`,
      orderId: txn.orderId,
      amount: options.amount ?? txn.amount,
      currency: this.options.currency ?? 'CNY',
      status: options.status ?? 'paid',
      providerTxnId,
      at: options.at ?? now.toISOString(),
      nonce,
    };
    const body = serializeNotification(notification);
    const signed = signNotification(
      body,
      this.options.key,
      String(Math.floor(now.getTime() / 1000)),
      nonce,
    );
    return {
      body,
      headers: {
        'content-type': 'application/json',
        [NOTIFICATION_HEADER_NAMES.timestamp]: signed.timestamp,
        [NOTIFICATION_HEADER_NAMES.nonce]: signed.nonce,
        [NOTIFICATION_HEADER_NAMES.signature]: signed.signature,
      },
    };
  }

  /**
   * [PM6] The customer pays: the provider notifies the server, signing each
   * try afresh, until it answers 2xx or the tries run out.
   */
  simulateCustomerPays(
    providerTxnId: string,
    options: { amount?: number } = {},
  ): Promise<Delivery> {
    return this.deliver(() => this.notificationFor(providerTxnId, options));
  }

  /** [PM6] POSTs a notification, retrying on a non-2xx answer or a network error, with backoff. */
  async deliver(make: () => SignedNotification): Promise<Delivery> {
    const attempts: DeliveryAttempt[] = [];
    for (let i = 0; i < this.retry.attempts; i++) {
      if (i > 0) {
        await sleep(Math.min(this.retry.firstDelayMs * 2 ** (i - 1), this.retry.maxDelayMs));
      }
      const { body, headers } = make();
      try {
        const post = this.options.fetch ?? fetch;
        const response = await post(this.options.notifyUrl, { method: 'POST', headers, body });
        await response.arrayBuffer();
        attempts.push({ status: response.status });
        if (response.ok) return { delivered: true, attempts };
      } catch (error) {
        attempts.push({
          status: null,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return { delivered: false, attempts };
  }
}
