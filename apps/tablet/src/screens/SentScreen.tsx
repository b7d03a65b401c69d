/**
 * [CL7] What sending the cart did: the take-now code for the till to scan
 * [TK1], and the order with its pay QR [CL9], its status asked again until
 * the server says paid; or the order waiting on the tablet for the network
 * [CL8].
 */
import { useEffect, useState } from 'react';
import type { ClerkSubmitted } from '@pos/app-core';
import type { ClerkOrderView, ClerkPayment } from '@pos/domain';
import { Qr, useDateTime, useMoney } from '@pos/ui';
import type { Tablet } from '../tablet';
import { Note } from './common';
import { isOver, isPaid } from './view';
import { noteOfRefusal, useStatusText, useWords, type ScreenNote } from './words';

/** How often the order's status is asked again while the customer pays. */
const POLL_MS = 3000;

export function SentScreen(props: {
  tablet: Tablet;
  sent: ClerkSubmitted;
  onNewCart(): void;
  onOrders(): void;
}) {
  const t = useWords();
  const { sent } = props;
  return (
    <main className="screen-sent">
      {sent.takeNowCode && (
        <section className="take-now-code">
          <h2>{t('Take-now code')}</h2>
          <Qr text={sent.takeNowCode} label={t('Take-now code')} />
          <p className="hint">{t('Ask the cashier to scan this code at the till')}</p>
        </section>
      )}
      {sent.order && <OrderPanel tablet={props.tablet} order={sent.order} />}
      {sent.queued && (
        <section className="queued">
          <h2>{t('Waiting for the network')}</h2>
          <p className="stale" role="status">
            {t('Waiting for the network: the order is sent when it is back')}
          </p>
          <button type="button" onClick={props.onOrders}>
            {t('Open orders')}
          </button>
        </section>
      )}
      <div className="sent-actions">
        <button type="button" className="primary" onClick={props.onNewCart}>
          {t('New cart')}
        </button>
      </div>
    </main>
  );
}

/** [CL9] An order: its number, status, lines and where; the pay QR and the wait for "paid". */
export function OrderPanel(props: { tablet: Tablet; order: ClerkOrderView }) {
  const t = useWords();
  const money = useMoney();
  const status = useStatusText();
  const { time } = useDateTime();
  const { clerk } = props.tablet;
  const [order, setOrder] = useState(props.order);
  const [payment, setPayment] = useState<ClerkPayment | null>(null);
  const [note, setNote] = useState<ScreenNote | null>(null);
  const [busy, setBusy] = useState(false);
  const paid = isPaid(order.status);
  const over = isOver(order.status);

  // While the customer has the pay QR, ask the server until it says paid (or the order is over).
  const orderId = order.id;
  useEffect(() => {
    if (!payment || paid || over) return undefined;
    let live = true;
    const timer = setInterval(() => {
      void clerk.order(orderId).then((outcome) => {
        if (!live) return;
        if (outcome.ok) setOrder({ ...outcome.value });
        else setNote(noteOfRefusal(outcome));
      });
    }, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [clerk, orderId, payment, paid, over]);

  const pay = () => {
    setBusy(true);
    setNote(null);
    void clerk
      .pay(order.id)
      .then((outcome) => {
        if (outcome.ok) setPayment(outcome.value);
        else setNote(noteOfRefusal(outcome));
      })
      .finally(() => setBusy(false));
  };

  return (
    <section className="order-panel" aria-label={t('Order {number}', { number: order.number })}>
      <header>
        <h2>{t('Order {number}', { number: order.number })}</h2>
        <span className={`status ${paid ? 'ok' : over ? 'warn' : ''}`} data-status={order.status}>
          {status(order.status)}
        </span>
      </header>
      <ul className="order-lines">
        {order.lines.map((line) => (
          <li key={line.lineId}>
            <span>
              {line.name} × {line.quantity}
            </span>
            <span className="muted">{line.where}</span>
            <span>{money(line.net)}</span>
          </li>
        ))}
      </ul>
      <p className="order-total">
        {t('Total')} <strong>{money(order.total)}</strong>
      </p>
      {order.holdExpiresAt && !paid && !over && (
        <p className="muted">{t('Held until {time}', { time: time(order.holdExpiresAt) })}</p>
      )}
      {order.pickupDeadline && paid && (
        <p className="muted">{t('Pick up by {time}', { time: time(order.pickupDeadline) })}</p>
      )}
      {!paid && !over && !payment && (
        <button type="button" className="primary" disabled={busy} onClick={pay}>
          {t('Pay by QR')}
        </button>
      )}
      {payment && !paid && !over && (
        <div className="pay-qr">
          <Qr text={payment.qrPayload} label={t('Pay by QR')} />
          <p>{t('Customer scans to pay {amount}', { amount: money(order.total) })}</p>
          <p className="muted" role="status">
            {t('Waiting for the payment…')}
          </p>
        </div>
      )}
      {paid && (
        <p className="paid" role="status">
          ✓ {t('Paid')}
        </p>
      )}
      <Note note={note} />
    </section>
  );
}
