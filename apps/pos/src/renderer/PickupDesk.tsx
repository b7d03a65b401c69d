/**
 * The pickup desk (自提) and returns of online orders (线上订单退货): the
 * 6-digit code with its keypad, the order's lines with steppers for the
 * units handed over, pay-at-till for an unpaid order, and the return of an
 * online order's items. The use cases are the app core's (pickup-desk.ts).
 */
import { useEffect, useState } from 'react';
import type { Outcome, OrderReturnDraft, PickupDraft } from '@pos/app-core';
import { lineRefund, orderNumber, type OrderStatus } from '@pos/domain';
import { DialogActions, Modal, useMessageText, useMoney, useT, type ScreenMessage } from '@pos/ui';
import type { Till } from './boot';
import { usePosStore } from './store';

/** The desk's keys beside the function keys: Shift with the key of the nearest function. */
export const PICKUP_KEYS: readonly (readonly [string, string])[] = [
  ['Shift+F12', 'Pickup'],
  ['Shift+F8', 'Online order return'],
];

const STATUS_WORDS: Record<OrderStatus, string> = {
  placed: 'Placed, not paid',
  held: 'Held, not paid',
  paid: 'Paid',
  ready: 'Ready for pickup',
  'partly-picked-up': 'Partly collected',
  'picked-up': 'Collected in full',
  'partly-shipped': 'Partly shipped',
  shipped: 'Shipped',
  cancelled: 'Cancelled',
  expired: 'Hold expired',
  refunded: 'Refunded',
  closed: 'Closed: the rest was not collected and is refunded',
};

/** What an outcome says on the dialog: its refusal, or its last notice. */
function messageOf(outcome: Outcome<unknown> | null): ScreenMessage | null {
  if (!outcome) return null;
  if (!outcome.ok) {
    const { ok: _, message, ...about } = outcome;
    return { tone: 'error', text: message, ...about };
  }
  return outcome.notices.find((n) => n.tone === 'error') ?? outcome.notices.at(-1) ?? null;
}

function Said({ message }: { message: ScreenMessage | null }) {
  const words = useMessageText();
  if (!message) return null;
  return (
    <p
      className={`desk-message ${message.tone}`}
      role={message.tone === 'error' ? 'alert' : 'status'}
    >
      {words(message)}
    </p>
  );
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '⌫', '0'] as const;

/**
 * [DP1] [DP2] The 6-digit code, typed on the keyboard or the keypad, with the
 * tries left; a pickup QR typed or scanned into the field opens its order too.
 */
export function PickupCodeDialog({ till, onCancel }: { till: Till; onCancel(): void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<ScreenMessage | null>(null);
  const [tries, setTries] = useState<Awaited<ReturnType<Till['pickup']['attempts']>> | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void till.pickup.attempts().then(setTries);
  }, [till, message]);

  const submit = () => {
    const text = code.trim();
    if (!text || busy) return;
    setBusy(true);
    const isQr = /^P\./i.test(text);
    void (isQr ? till.pickup.openByQr(text) : till.pickup.openByCode(text))
      .then((outcome) => {
        if (outcome === null) {
          setMessage({
            tone: 'error',
            text: `${text} is not a pickup code`,
            code: 'NOT_A_PICKUP_CODE',
            params: { code: text },
          });
        } else if (!outcome.ok) {
          setMessage(messageOf(outcome));
        }
        setCode('');
      })
      .finally(() => setBusy(false));
  };

  return (
    <Modal title={t('Pickup')} onCancel={onCancel} onSubmit={submit}>
      <label>
        {t('Pickup code')}
        <input
          autoFocus
          className="pickup-code"
          data-expects="code"
          inputMode="numeric"
          autoComplete="off"
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </label>
      <p className="note">{t('Type the 6-digit code or scan the pickup QR')}</p>
      <div className="keypad digits" role="group" aria-label={t('Keypad')}>
        {DIGITS.map((key) => (
          <button
            key={key}
            type="button"
            tabIndex={-1}
            aria-label={key === '⌫' ? t('Delete') : key}
            onClick={() => setCode((c) => (key === '⌫' ? c.slice(0, -1) : (c + key).slice(0, 6)))}
          >
            {key}
          </button>
        ))}
      </div>
      {tries && (
        <p className="note" aria-label="Tries">
          {tries.allowed
            ? t('{n} tries left').replace('{n}', String(tries.remaining))
            : t('Locked until {time}: scan the pickup QR').replace('{time}', tries.until)}
        </p>
      )}
      <Said message={message} />
      <DialogActions confirm={t('Find order')} onCancel={onCancel} busy={busy} />
    </Modal>
  );
}

/** A − n + stepper, large enough for a finger. */
function Stepper(props: {
  label: string;
  value: number;
  max: number;
  onChange(value: number): void;
}) {
  const t = useT();
  return (
    <span className="stepper">
      <button
        type="button"
        aria-label={`${t('Decrease')} ${props.label}`}
        disabled={props.value <= 0}
        onClick={() => props.onChange(props.value - 1)}
      >
        −
      </button>
      <output aria-label={props.label}>{props.value}</output>
      <button
        type="button"
        aria-label={`${t('Increase')} ${props.label}`}
        disabled={props.value >= props.max}
        onClick={() => props.onChange(props.value + 1)}
      >
        +
      </button>
    </span>
  );
}

/** [DP4] [DP5] The order at the desk: its lines, what is left, the hand-over and pay-at-till. */
export function PickupDialog({ till, draft }: { till: Till; draft: PickupDraft }) {
  const t = useT();
  const money = useMoney();
  const [units, setUnits] = useState<Record<string, number>>({});
  const [message, setMessage] = useState<ScreenMessage | null>(null);
  const [busy, setBusy] = useState(false);
  const { order, blocked } = draft;
  const chosen = draft.lines
    .map((l) => ({ lineId: l.lineId, quantity: Math.min(units[l.lineId] ?? 0, l.left) }))
    .filter((l) => l.quantity > 0);
  const run = <T,>(work: () => Promise<Outcome<T>>, then?: (outcome: Outcome<T>) => void) => {
    setBusy(true);
    void work()
      .then((outcome) => {
        setMessage(messageOf(outcome));
        then?.(outcome);
      })
      .finally(() => setBusy(false));
  };
  const handOver = () => {
    if (blocked || chosen.length === 0 || busy) return;
    run(
      () => till.pickup.handOver(draft, chosen),
      (outcome) => outcome.ok && setUnits({}),
    );
  };
  const blockedWords =
    blocked === 'not-paid'
      ? 'Not paid: take the payment here, then hand over'
      : blocked === 'hold-expired'
        ? 'The hold expired: the items are no longer kept. Sell them as a new sale'
        : blocked === 'all-collected'
          ? 'Collected in full'
          : blocked === 'closed'
            ? 'Nothing to hand over: this order is closed'
            : null;
  return (
    <Modal title={t('Pickup')} onCancel={() => till.pickup.close()} onSubmit={handOver} wide>
      <p className="order-head">
        <strong title={order.id}>
          {t('Order')} {orderNumber(order.id)}
        </strong>{' '}
        · <span aria-label="Order status">{t(STATUS_WORDS[order.status])}</span> · {t('Total')}{' '}
        {money(order.total)}
      </p>
      <table className="pickup-lines">
        <thead>
          <tr>
            <th>{t('Item')}</th>
            <th className="num">{t('Ordered')}</th>
            <th className="num">{t('Collected')}</th>
            <th className="num">{t('Left')}</th>
            <th className="num">{t('Hand over')}</th>
          </tr>
        </thead>
        <tbody>
          {draft.lines.map((line) => (
            <tr key={line.lineId} aria-label={`${line.name} ${line.sku}`}>
              <td>
                {line.name}
                <small className="sku"> {line.sku}</small>
              </td>
              <td className="num">{line.quantity}</td>
              <td className="num">{line.pickedUp}</td>
              <td className="num" aria-label={`Left ${line.sku}`}>
                {line.left}
              </td>
              <td className="num">
                <Stepper
                  label={`${t('Hand over')} ${line.sku}`}
                  value={Math.min(units[line.lineId] ?? 0, line.left)}
                  max={blocked ? 0 : line.left}
                  onChange={(n) => setUnits({ ...units, [line.lineId]: n })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {blockedWords && (
        <p className={blocked === 'all-collected' ? 'note' : 'desk-message error'}>
          {t(blockedWords)}
        </p>
      )}
      <Said message={message} />
      <div className="desk-actions">
        {blocked === 'not-paid' && (
          <>
            <button
              type="button"
              disabled={busy}
              onClick={() => run(() => till.pickup.payHere(draft, 'cash'))}
            >
              {t('Pay here: cash')} {money(order.total)}
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => run(() => till.pickup.payHere(draft, 'card'))}
            >
              {t('Pay here: card')} {money(order.total)}
            </button>
          </>
        )}
        {!blocked && (
          <button
            type="button"
            disabled={busy}
            onClick={() => setUnits(Object.fromEntries(draft.lines.map((l) => [l.lineId, l.left])))}
          >
            {t('Hand over all')}
          </button>
        )}
        {draft.lastPickup && (
          <button
            type="button"
            disabled={busy}
            onClick={() => run(() => till.pickup.reprint(draft))}
          >
            {t('Print slip again')}
          </button>
        )}
      </div>
      <div className="actions">
        <button type="button" onClick={() => till.pickup.close()}>
          {t('Close')} <kbd>Esc</kbd>
        </button>
        <button type="submit" disabled={busy || blocked !== null || chosen.length === 0}>
          {t('Hand over')} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}

/** [DP6] The order QR that starts the return of an online order. */
export function OrderReturnCodeDialog({ till, onCancel }: { till: Till; onCancel(): void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const [message, setMessage] = useState<ScreenMessage | null>(null);
  useEffect(() => {
    till.pickup.askForReturn();
  }, [till]);
  const cancel = () => {
    till.pickup.cancelReturn();
    onCancel();
  };
  return (
    <Modal
      title={t('Online order return')}
      onCancel={cancel}
      onSubmit={() => {
        const text = code.trim();
        if (!text) return;
        void till.pickup.openReturn(text).then((outcome) => {
          setMessage(
            outcome === null
              ? {
                  tone: 'error',
                  text: `${text} is not an order QR code`,
                  code: 'NOT_AN_ORDER_CODE',
                  params: { code: text },
                }
              : messageOf(outcome.ok ? null : outcome),
          );
        });
      }}
    >
      <label>
        {t('Order QR code')}
        <input
          autoFocus
          data-expects="code"
          autoComplete="off"
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </label>
      <p className="note">{t('Scan the order QR on the customer’s phone or slip')}</p>
      <Said message={message} />
      <DialogActions confirm={t('Confirm')} onCancel={cancel} />
    </Modal>
  );
}

/** [DP7] The handed-over units that come back, the refund by unit, and where it goes. */
export function OrderReturnDialog(props: {
  till: Till;
  draft: OrderReturnDraft;
  onRefund(lines: { lineId: string; quantity: number }[], refundTo: 'original' | 'cash'): void;
}) {
  const t = useT();
  const money = useMoney();
  const { draft } = props;
  const [units, setUnits] = useState<Record<string, number>>({});
  const [refundTo, setRefundTo] = useState<'original' | 'cash'>('original');
  const chosen = draft.lines
    .map((l) => ({ lineId: l.lineId, quantity: Math.min(units[l.lineId] ?? 0, l.returnable) }))
    .filter((l) => l.quantity > 0);
  const refund = chosen.reduce((sum, c) => {
    const line = draft.lines.find((l) => l.lineId === c.lineId)!;
    return sum + lineRefund(line, line.returned, c.quantity);
  }, 0);
  const submit = () => chosen.length > 0 && props.onRefund(chosen, refundTo);
  return (
    <Modal
      title={t('Online order return')}
      onCancel={() => props.till.pickup.cancelReturn()}
      onSubmit={submit}
      wide
    >
      <p className="order-head">
        <strong title={draft.order.id}>
          {t('Order')} {orderNumber(draft.order.id)}
        </strong>{' '}
        · {t(STATUS_WORDS[draft.order.status])}
      </p>
      <table className="pickup-lines">
        <thead>
          <tr>
            <th>{t('Item')}</th>
            <th className="num">{t('Collected')}</th>
            <th className="num">{t('Returned')}</th>
            <th className="num">{t('Return')}</th>
          </tr>
        </thead>
        <tbody>
          {draft.lines.map((line) => (
            <tr key={line.lineId}>
              <td>
                {line.name}
                <small className="sku"> {line.sku}</small>
              </td>
              <td className="num">{line.handedOver}</td>
              <td className="num">{line.returned}</td>
              <td className="num">
                <Stepper
                  label={`${t('Return')} ${line.sku}`}
                  value={Math.min(units[line.lineId] ?? 0, line.returnable)}
                  max={line.returnable}
                  onChange={(n) => setUnits({ ...units, [line.lineId]: n })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="methods" role="radiogroup" aria-label={t('Refund to')}>
        {(['original', 'cash'] as const).map((to) => (
          <button
            key={to}
            type="button"
            role="radio"
            aria-checked={refundTo === to}
            onClick={() => setRefundTo(to)}
          >
            {t(to === 'original' ? 'Original payment' : 'Cash')}
          </button>
        ))}
      </div>
      <p className="due" aria-label="Refund">
        {t('Refund')} <strong>{money(refund)}</strong>
      </p>
      <DialogActions
        confirm={t('Refund')}
        onCancel={() => props.till.pickup.cancelReturn()}
        busy={chosen.length === 0}
      />
    </Modal>
  );
}

/** Shows a desk outcome in the checkout's message line. */
export const showOutcome = (outcome: Outcome<unknown> | null) =>
  usePosStore.getState().show(outcome);
