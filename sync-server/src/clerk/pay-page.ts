/**
 * [TB3] [TB10] The simulated payment provider's pay page, on this server: the QR
 * code a clerk's tablet shows opens it on the customer's phone, which shows
 * the amount and a "支付 Pay" button; pressing it makes the simulated
 * provider send its signed notification to the webhook ([PM6]), and only that
 * notification pays the order. It exists only with the simulated provider.
 */
import { escapeHtml } from '../pii/consent-page';
import { SyncError } from '../protocol';
import type { Delivery } from '../payments/provider';

/** The pay page's path segment under `/_payments/`. */
export const PAY_PAGE_SEGMENT = 'sim';
const TXN = /^sim-[0-9a-f-]{36}$/;

/** [TB3] The pay page of a simulated payment at `base` (the address the tablet uses). */
export function simulatedPayUrl(base: string, providerTxnId: string): string {
  return `${base.replace(/\/+$/, '')}/_payments/${PAY_PAGE_SEGMENT}/${providerTxnId}`;
}

/** What the pay page needs of the simulated provider. */
export type SimulatedPayments = {
  payment(providerTxnId: string): { orderId: string; amount: number } | undefined;
  simulateCustomerPays(providerTxnId: string): Promise<Delivery>;
};

/** [TB3] A page's headers: no scripts at all, a form posting to itself, never cached. */
export const PAY_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;text-align:center}
.amount{font-size:2.5rem;margin:1.5rem 0}button{font-size:1.5rem;padding:.8rem 3rem;border-radius:.5rem;border:0;background:#07c160;color:#fff}</style>
</head><body>${body}</body></html>`;
}

export type PayPageRequest = {
  method: string;
  /** The segments after `/_payments/sim/`. */
  rest: readonly string[];
  payments: SimulatedPayments | undefined;
  send(status: number, headers: Readonly<Record<string, string>>, body: string): void;
};

/** [TB3] `GET /_payments/sim/<txn>` shows the payment; `POST` pays it. */
export async function servePayPage(request: PayPageRequest): Promise<void> {
  const [txn, ...more] = request.rest;
  const payments = request.payments;
  if (!payments) throw new SyncError('not_found', 'payments are taken by the provider’s own page');
  const known =
    txn !== undefined && more.length === 0 && TXN.test(txn) ? payments.payment(txn) : undefined;
  if (!txn || !known) {
    request.send(
      404,
      PAY_PAGE_HEADERS,
      page('未找到 Not found', '<h1>未找到付款 No such payment</h1>'),
    );
    return;
  }
  if (request.method === 'GET') {
    request.send(
      200,
      PAY_PAGE_HEADERS,
      page(
        '支付 Pay',
        `<h1>模拟支付 Simulated payment</h1>
<p>订单 Order ${escapeHtml(known.orderId.slice(4, 12))}</p>
<p class="amount">${yuan(known.amount)}</p>
<form method="post"><button type="submit">支付 Pay</button></form>`,
      ),
    );
    return;
  }
  if (request.method !== 'POST') throw new SyncError('method_not_allowed', 'use GET or POST here');
  const delivery = await payments.simulateCustomerPays(txn);
  request.send(
    delivery.delivered ? 200 : 502,
    PAY_PAGE_HEADERS,
    delivery.delivered
      ? page('已支付 Paid', `<h1>已支付 Paid</h1><p class="amount">${yuan(known.amount)}</p>`)
      : page(
          '未完成 Not paid',
          '<h1>支付未完成 The payment did not go through</h1><p>请重试 Please try again</p>',
        ),
  );
}
