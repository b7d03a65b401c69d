/**
 * The pickup desk on the tablet: the customer's 6-digit code on the keypad
 * or their pickup QR (camera or the hub's scanner), the order's lines with
 * what is left, and the hand-over of some or all of it. The rules are the
 * till's pickup desk (app-core pickup-desk.ts, [DP1]-[DP8]); it works
 * offline, from this store's orders in the replica.
 */
import { useEffect, useState } from 'react';
import type { PickupDraft } from '@pos/app-core';
import { orderNumber } from '@pos/domain';
import { useDateTime } from '@pos/ui';
import type { Tablet } from '../tablet';
import { CameraScanner } from './CameraScanner';
import { DigitEntry, Note, Stepper } from './common';
import { noteOf, noteOfRefusal, useStatusText, useWords, type ScreenNote } from './words';

type Tries = Awaited<ReturnType<Tablet['pickup']['attempts']>>;

export function PickupScreen(props: {
  tablet: Tablet;
  draft: PickupDraft | null;
  note: ScreenNote | null;
  onDraft(draft: PickupDraft | null, note: ScreenNote | null): void;
}) {
  const t = useWords();
  const { pickup } = props.tablet;
  const [code, setCode] = useState('');
  const [tries, setTries] = useState<Tries | null>(null);
  const [camera, setCamera] = useState(false);
  const [busy, setBusy] = useState(false);
  const { draft, onDraft } = props;

  useEffect(() => {
    void pickup.attempts().then(setTries);
  }, [pickup, props.note]);

  const find = () => {
    if (busy || code.length !== 6) return;
    setBusy(true);
    void pickup
      .openByCode(code)
      .then((outcome) => {
        setCode('');
        if (outcome.ok) onDraft(outcome.value, null);
        else onDraft(null, noteOfRefusal(outcome));
      })
      .finally(() => setBusy(false));
  };

  const scanned = (text: string) => {
    setCamera(false);
    void pickup.openByQr(text).then((outcome) => {
      if (outcome === null) {
        onDraft(null, {
          tone: 'error',
          code: 'NOT_A_PICKUP_CODE',
          text: `${text} is not a pickup code`,
          params: { code: text },
        });
      } else if (outcome.ok) onDraft(outcome.value, null);
      else onDraft(null, noteOfRefusal(outcome));
    });
  };

  return (
    <main className="screen-pickup">
      <section className="pickup-find" aria-label={t('Pickup code')}>
        <h2>{t('Pickup desk')}</h2>
        <p className="hint">{t('Type the 6-digit code or scan the pickup QR')}</p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            find();
          }}
        >
          <DigitEntry
            name="pickupCode"
            label={t('Pickup code')}
            value={code}
            onChange={setCode}
            maxLength={6}
          />
          <div className="actions">
            <button type="button" onClick={() => setCamera((on) => !on)}>
              {camera ? t('Stop the camera') : t('Scan pickup QR')}
            </button>
            <button type="submit" className="primary" disabled={busy || code.length !== 6}>
              {t('Find order')}
            </button>
          </div>
        </form>
        {tries && (
          <p className="muted">
            {tries.allowed
              ? t('{n} tries left', { n: tries.remaining })
              : t('Locked until {time}: scan the pickup QR', { time: tries.until })}
          </p>
        )}
        <p className="muted">{t('Works offline too')}</p>
      </section>
      <section className="pickup-order">
        {camera && (
          <CameraScanner tablet={props.tablet} onCode={scanned} onClose={() => setCamera(false)} />
        )}
        <Note note={props.note} />
        {draft && (
          <PickupOrder
            key={`${draft.order.id}:${draft.lastPickup?.id ?? ''}`}
            tablet={props.tablet}
            draft={draft}
            onDraft={onDraft}
          />
        )}
      </section>
    </main>
  );
}

/** [DP4] The order's lines, what is left, and the units to hand over now. */
function PickupOrder(props: {
  tablet: Tablet;
  draft: PickupDraft;
  onDraft(draft: PickupDraft | null, note: ScreenNote | null): void;
}) {
  const t = useWords();
  const status = useStatusText();
  const { dateTime } = useDateTime();
  const { draft } = props;
  const { order } = draft;
  const [counts, setCounts] = useState<Record<string, number>>(() =>
    Object.fromEntries(draft.lines.map((l) => [l.lineId, l.left])),
  );
  const [busy, setBusy] = useState(false);
  const chosen = draft.lines.reduce((sum, l) => sum + (counts[l.lineId] ?? 0), 0);
  const blocked: Record<NonNullable<PickupDraft['blocked']>, string> = {
    'not-paid': t('Not paid: take the payment at the till first'),
    'hold-expired': t('The hold expired'),
    closed: t('This order is closed'),
    'all-collected': t('Everything was collected'),
  };

  const handOver = () => {
    setBusy(true);
    void props.tablet.pickup
      .handOver(
        draft,
        draft.lines.map((l) => ({ lineId: l.lineId, quantity: counts[l.lineId] ?? 0 })),
      )
      .then(async (outcome) => {
        if (!outcome.ok) return props.onDraft(draft, noteOfRefusal(outcome));
        // The desk keeps its own draft in the till's state; the tablet shows the units
        // just handed over against the lines it showed.
        const left = draft.lines.map((l) => {
          const given = outcome.value.lines.find((g) => g.lineId === l.lineId)?.quantity ?? 0;
          return { ...l, pickedUp: l.pickedUp + given, left: l.left - given };
        });
        const next: PickupDraft = {
          ...draft,
          lines: left,
          lastPickup: outcome.value,
          blocked: left.every((l) => l.left === 0) ? 'all-collected' : null,
        };
        return props.onDraft(next, noteOf(outcome));
      })
      .finally(() => setBusy(false));
  };

  return (
    <article
      className="pickup-draft"
      aria-label={t('Order {number}', { number: orderNumber(order.id) })}
    >
      <header>
        <h2>{t('Order {number}', { number: orderNumber(order.id) })}</h2>
        <span className="status" data-status={order.status}>
          {status(order.status)}
        </span>
        {order.pickupDeadline && (
          <span className="deadline">
            {t('Deadline {time}', { time: dateTime(order.pickupDeadline) })}
          </span>
        )}
      </header>
      <table className="pickup-lines">
        <thead>
          <tr>
            <th>{t('Product')}</th>
            <th>{t('Ordered')}</th>
            <th>{t('Collected')}</th>
            <th>{t('Left')}</th>
            <th>{t('Hand over')}</th>
          </tr>
        </thead>
        <tbody>
          {draft.lines.map((line) => (
            <tr key={line.lineId}>
              <td>
                <strong>{line.name}</strong>
                <span className="muted"> {line.sku}</span>
              </td>
              <td>{line.quantity}</td>
              <td>{line.pickedUp}</td>
              <td>{line.left}</td>
              <td>
                <Stepper
                  label={line.name}
                  value={counts[line.lineId] ?? 0}
                  max={line.left}
                  onChange={(n) => setCounts({ ...counts, [line.lineId]: n })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {draft.blocked && (
        <p
          className={draft.blocked === 'all-collected' ? 'note info' : 'note error'}
          role={draft.blocked === 'all-collected' ? 'status' : 'alert'}
        >
          {blocked[draft.blocked]}
        </p>
      )}
      <div className="actions">
        {draft.lastPickup && (
          <button
            type="button"
            onClick={() =>
              void props.tablet.pickup.reprint(draft).then((o) => props.onDraft(draft, noteOf(o)))
            }
          >
            {t('Print the slip again')}
          </button>
        )}
        <button
          type="button"
          onClick={() => setCounts(Object.fromEntries(draft.lines.map((l) => [l.lineId, l.left])))}
          disabled={draft.blocked !== null}
        >
          {t('Hand over all')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || draft.blocked !== null || chosen === 0}
          onClick={handOver}
        >
          {t('Hand over {n}', { n: chosen })}
        </button>
      </div>
    </article>
  );
}
