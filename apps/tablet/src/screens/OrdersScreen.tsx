/**
 * [CL8] The orders on this tablet: waiting for the network, placed, or
 * failed with the server's reason; "try again now" sends the waiting ones
 * (the same request, so never twice), "dismiss" clears one the clerk has seen.
 */
import { useCallback, useEffect, useState } from 'react';
import type { QueuedOrder } from '@pos/app-core';
import { useDateTime } from '@pos/ui';
import type { Tablet } from '../tablet';
import { queueSections } from './view';
import { useSaid, useStatusText, useWords } from './words';

export function OrdersScreen(props: { tablet: Tablet; onQueue(queue: QueuedOrder[]): void }) {
  const t = useWords();
  const { clerk, sync } = props.tablet;
  const { onQueue } = props;
  const [queue, setQueue] = useState<QueuedOrder[] | null>(null);
  const [busy, setBusy] = useState(false);
  const show = useCallback(
    (q: QueuedOrder[]) => {
      setQueue(q);
      onQueue(q);
    },
    [onQueue],
  );

  // Read now and again whenever the sync state changes: the boot sends the waiting
  // orders when the network is back and then tells every watcher, so an order shows
  // placed or failed while the clerk looks at this screen.
  useEffect(() => {
    let live = true;
    const read = () => void clerk.queue().then((q) => live && show(q));
    read();
    const stop = sync.watch(read);
    return () => {
      live = false;
      stop();
    };
  }, [clerk, sync, show]);

  if (!queue) return <main className="screen-orders">{t('Loading…')}</main>;
  const { waiting, placed, failed } = queueSections(queue);
  const dismiss = (id: string) =>
    void clerk
      .dismiss(id)
      .then(() => clerk.queue())
      .then(show);

  return (
    <main className="screen-orders">
      <div className="orders-head">
        <button
          type="button"
          className="primary"
          disabled={busy || waiting.length === 0}
          onClick={() => {
            setBusy(true);
            void clerk
              .flush()
              .then(show)
              .finally(() => setBusy(false));
          }}
        >
          {t('Try again now')}
        </button>
      </div>
      {queue.length === 0 && <p className="empty">{t('Nothing waiting')}</p>}
      <QueueList title={t('Waiting for the network')} tone="waiting" items={waiting} />
      <QueueList title={t('Failed')} tone="failed" items={failed} onDismiss={dismiss} />
      <QueueList title={t('Placed')} tone="placed" items={placed} onDismiss={dismiss} />
    </main>
  );
}

function QueueList(props: {
  title: string;
  tone: 'waiting' | 'failed' | 'placed';
  items: QueuedOrder[];
  onDismiss?(requestId: string): void;
}) {
  const t = useWords();
  const said = useSaid();
  const status = useStatusText();
  const { dateTime, time } = useDateTime();
  if (props.items.length === 0) return null;
  return (
    <section className={`queue queue-${props.tone}`}>
      <h2>
        {props.title} ({props.items.length})
      </h2>
      <ul>
        {props.items.map((q) => (
          <li key={q.request.requestId} className="queued-order" data-state={q.state}>
            <div>
              <strong>
                {q.order
                  ? t('Order {number}', { number: q.order.number })
                  : q.state === 'failed'
                    ? t('Not ordered')
                    : t('Order not placed yet')}
              </strong>
              <span>{q.request.lines.map((l) => `${l.sku} × ${l.quantity}`).join(', ')}</span>
              <span className="muted">
                {t('Made {time}', { time: dateTime(q.request.createdAt) })}
              </span>
              {q.attempts > 0 && q.lastTriedAt && (
                <span className="muted">
                  {t('Attempts: {n}, last {time}', { n: q.attempts, time: time(q.lastTriedAt) })}
                </span>
              )}
            </div>
            {q.state === 'placed' && q.order && (
              <span className="status">{status(q.order.status)}</span>
            )}
            {q.state === 'failed' && (
              <span className="reason" role="alert">
                {said({ code: q.code ?? 'FAILED', text: q.reason ?? '' })}
              </span>
            )}
            {q.state === 'queued' && (
              <span className="status stale">{t('Waiting for the network')}</span>
            )}
            {props.onDismiss && (
              <button type="button" onClick={() => props.onDismiss!(q.request.requestId)}>
                {t('Dismiss')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
