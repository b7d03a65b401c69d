/**
 * Payment: cash completes it; card, mobile pay and points can come first
 * (split tender). Every figure comes from the payment rules the dialog is
 * given (the domain's tenders and cash rounding): the amount due shown and
 * prefilled is what the chosen method must pay, after 抹零 for cash.
 */
import { useState } from 'react';
import { formatMinorPlain, parseMinor, type Minor, type PaymentTender } from '@pos/domain';
import { AmountEntry } from '../AmountEntry';
import { refusedMessage, type Answer } from '../answer';
import type { ScreenMessage } from '../i18n/messages';
import { useMessageText, useMoney, useT } from '../locale';
import { tenderName } from '../tender-names';
import { Modal } from './Modal';

type Method = PaymentTender['kind'];

export type PaymentRules = {
  /** What is still due for this method (rounded for cash). */
  amountDue(
    tenders: readonly PaymentTender[],
    method: Method,
  ): { remaining: Minor; due: Minor; rounding: Minor };
  /** Adds a tender, or says why not; `complete` when it pays the rest. */
  addTender(
    tenders: readonly PaymentTender[],
    tender: PaymentTender,
  ): Answer<{ tenders: PaymentTender[]; complete: boolean }>;
};

export function PaymentDialog(props: {
  total: Minor;
  rules: PaymentRules;
  /** The attached member's points; null when no member (points cannot pay). */
  memberPoints: number | null;
  pointsTender(points: number): Promise<Answer<PaymentTender>>;
  pay(tenders: PaymentTender[]): Promise<Answer<unknown>>;
  onCancel(): void;
}) {
  const { total, rules, onCancel } = props;
  const t = useT();
  const money = useMoney();
  const words = useMessageText();
  const [tenders, setTenders] = useState<PaymentTender[]>([]);
  const [method, setMethod] = useState<Method>('cash');
  const due = rules.amountDue(tenders, method);
  const [amount, setAmount] = useState(formatMinorPlain(due.due));
  const [reference, setReference] = useState('');
  const [provider, setProvider] = useState<'alipay' | 'wechat' | 'unionpay'>('alipay');
  const [points, setPoints] = useState('');
  const [error, setError] = useState<ScreenMessage | null>(null);
  const [busy, setBusy] = useState(false);
  const say = (text: string) => setError({ tone: 'error', text: t(text) });
  const choose = (m: Method) => {
    setMethod(m);
    setAmount(formatMinorPlain(rules.amountDue(tenders, m).due));
  };

  const finish = async (all: PaymentTender[]) => {
    setBusy(true);
    const paid = await props.pay(all);
    setBusy(false);
    if (!paid.ok) setError(refusedMessage(paid));
  };

  const take = (tender: PaymentTender) => {
    const added = rules.addTender(tenders, tender);
    if (!added.ok) return setError(refusedMessage(added));
    if (added.value.complete) return void finish(added.value.tenders);
    setTenders(added.value.tenders);
    setReference('');
    setAmount(formatMinorPlain(rules.amountDue(added.value.tenders, method).due));
  };

  const submit = () => {
    setError(null);
    if (method === 'points') {
      setBusy(true);
      void props.pointsTender(Number(points)).then((tender) => {
        setBusy(false);
        if (!tender.ok) return setError(refusedMessage(tender));
        take(tender.value);
      });
      return;
    }
    let value: Minor;
    try {
      value = parseMinor(amount);
    } catch {
      return say('Type the amount, for example 50 or 50.00');
    }
    if (value <= 0) return say('Type an amount above zero');
    if (method === 'cash') return take({ kind: 'cash', amount: value });
    if (!reference.trim()) return say('Type or scan the payment reference');
    take(
      method === 'card'
        ? { kind: 'card', amount: value, reference: reference.trim() }
        : { kind: 'mobile', amount: value, reference: reference.trim(), provider },
    );
  };

  return (
    <Modal title={t('Payment')} onCancel={onCancel} onSubmit={submit} wide>
      <p>
        {t('Total')} {money(total)}
      </p>
      {tenders.length > 0 && (
        <ul aria-label="Tenders">
          {tenders.map((x, i) => (
            <li key={i}>
              {t(tenderName(x.kind))} {money(x.amount)}
            </li>
          ))}
        </ul>
      )}
      <p className="due" aria-label={t('Still to pay')}>
        {t('Still to pay')} <strong>{money(due.due)}</strong>
        {due.rounding !== 0 && (
          <small aria-label={t('Cash rounding')}>
            {' '}
            ({t('Cash rounding')} {due.rounding < 0 ? '−' : '+'}
            {money(Math.abs(due.rounding))})
          </small>
        )}
      </p>
      <div className="methods" role="radiogroup" aria-label="Payment method">
        {(['cash', 'card', 'mobile', 'points'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={method === m}
            disabled={m === 'points' && props.memberPoints === null}
            onClick={() => choose(m)}
          >
            {t(tenderName(m))}
          </button>
        ))}
      </div>
      {method === 'points' ? (
        <label>
          {t('Points to redeem')}
          {props.memberPoints !== null && ` (${props.memberPoints})`}
          <input
            autoFocus
            inputMode="numeric"
            value={points}
            onChange={(e) => setPoints(e.target.value)}
          />
        </label>
      ) : (
        <AmountEntry
          key={`${method}:${tenders.length}`}
          label={method === 'cash' ? t('Cash received') : `${t(tenderName(method))} ${t('Amount')}`}
          value={amount}
          onChange={setAmount}
          keypad
        />
      )}
      {(method === 'card' || method === 'mobile') && (
        <label>
          {t('Reference')}
          <input
            data-expects="code"
            value={reference}
            onChange={(e) => setReference(e.target.value)}
          />
        </label>
      )}
      {method === 'mobile' && (
        <label>
          {t('Provider')}
          <select
            value={provider}
            onChange={(e) => setProvider(e.target.value as 'alipay' | 'wechat' | 'unionpay')}
          >
            <option value="alipay">Alipay 支付宝</option>
            <option value="wechat">WeChat Pay 微信支付</option>
            <option value="unionpay">UnionPay 云闪付</option>
          </select>
        </label>
      )}
      {error && <p role="alert">{words(error)}</p>}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t('Cancel')} <kbd>Esc</kbd>
        </button>
        <button type="submit" disabled={busy}>
          {t('Confirm')} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}
