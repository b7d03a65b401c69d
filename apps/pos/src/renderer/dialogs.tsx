/**
 * The checkout's dialogs. Each is a form: Enter confirms, Esc cancels. Scans
 * keep going to the cart while any of them is open (see keyboard-scanner.ts).
 */
import { useEffect, useState, type ReactNode } from 'react';
import {
  formatMinorPlain,
  parseMinor,
  sumMinor,
  type Minor,
  type PaymentTender,
  type Permission,
  type Staff,
} from '@pos/domain';
import type { Till } from './boot';
import { FUNCTION_KEYS, tenderName } from './CheckoutScreen';
import { messageText, useMoney, useT } from './i18n';
import type { ReturnDraft } from './returns-desk';
import type { SearchHit, ProductSearch } from './product-search';
import { usePosStore, type ShiftReport } from './store';

function Modal(props: {
  title: string;
  onCancel(): void;
  onSubmit?(): void;
  children: ReactNode;
  wide?: boolean;
}) {
  // Esc cancels wherever the focus is (a report has no field to focus).
  const { onCancel } = props;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  return (
    <div className="backdrop">
      <form
        role="dialog"
        aria-label={props.title}
        className={props.wide ? 'dialog wide' : 'dialog'}
        onSubmit={(event) => {
          event.preventDefault();
          props.onSubmit?.();
        }}
      >
        <h2>{props.title}</h2>
        {props.children}
      </form>
    </div>
  );
}

function Actions({
  confirm,
  onCancel,
  focusConfirm,
}: {
  confirm?: string;
  onCancel(): void;
  focusConfirm?: boolean;
}) {
  const t = useT();
  return (
    <div className="actions">
      <button type="button" onClick={onCancel}>
        {t('Cancel')} <kbd>Esc</kbd>
      </button>
      {confirm && (
        <button type="submit" autoFocus={focusConfirm}>
          {confirm} <kbd>Enter</kbd>
        </button>
      )}
    </div>
  );
}

/** Staff id and PIN fields: the sign-in screen and a supervisor's approval. */
export function StaffCredentials(props: {
  staffId: string;
  pin: string;
  onStaffId(value: string): void;
  onPin(value: string): void;
}) {
  const t = useT();
  return (
    <>
      <label>
        {t('Staff id')}
        <input autoFocus value={props.staffId} onChange={(e) => props.onStaffId(e.target.value)} />
      </label>
      <label>
        {t('PIN')}
        <input
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={props.pin}
          onChange={(e) => props.onPin(e.target.value)}
        />
      </label>
    </>
  );
}

export function TextDialog(props: {
  title: string;
  label: string;
  initial?: string;
  numeric?: boolean;
  onSubmit(text: string): void;
  onCancel(): void;
}) {
  const t = useT();
  const [text, setText] = useState(props.initial ?? '');
  return (
    <Modal
      title={props.title}
      onCancel={props.onCancel}
      onSubmit={() => text.trim() && props.onSubmit(text.trim())}
    >
      <label>
        {props.label}
        <input
          autoFocus
          inputMode={props.numeric ? 'numeric' : 'text'}
          value={text}
          onFocus={(e) => e.target.select()}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <Actions confirm={t('Confirm')} onCancel={props.onCancel} />
    </Modal>
  );
}

export function AmountDialog(props: {
  title: string;
  label: string;
  onSubmit(amount: Minor): void;
  onCancel(): void;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      title={props.title}
      onCancel={props.onCancel}
      onSubmit={() => {
        try {
          props.onSubmit(parseMinor(text));
        } catch {
          setError('Type an amount, for example 50 or 50.00');
        }
      }}
    >
      <label>
        {props.label}
        <input
          autoFocus
          inputMode="decimal"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      {error && <p role="alert">{error}</p>}
      <Actions confirm={t('Confirm')} onCancel={props.onCancel} />
    </Modal>
  );
}

export function ApprovalDialog(props: {
  permission: Permission;
  approve(staffId: string, pin: string): Promise<Staff | string>;
  onApproved(staff: Staff): void;
  onCancel(): void;
}) {
  const t = useT();
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      title={t('Supervisor approval')}
      onCancel={props.onCancel}
      onSubmit={() =>
        void props.approve(staffId, pin).then((result) => {
          if (typeof result === 'string') {
            setError(result);
            setPin('');
          } else props.onApproved(result);
        })
      }
    >
      <p>{APPROVAL_REASON[props.permission]}</p>
      <StaffCredentials staffId={staffId} pin={pin} onStaffId={setStaffId} onPin={setPin} />
      {error && <p role="alert">{error}</p>}
      <Actions confirm={t('Approve')} onCancel={props.onCancel} />
    </Modal>
  );
}

const APPROVAL_REASON: Record<Permission, string> = {
  'void-line': 'A supervisor approves voiding this line.',
  'price-override': 'A supervisor approves changing this price.',
  'cart-discount': 'A supervisor approves a discount on this sale.',
  refund: 'A supervisor approves this refund.',
  'no-sale': 'A supervisor approves opening the drawer without a sale.',
};

type Method = 'cash' | 'card' | 'mobile' | 'points';

/** Payment: cash completes it; card, mobile pay and points can come first (split tender). */
export function PaymentDialog({
  total,
  till,
  onCancel,
}: {
  total: Minor;
  till: Till;
  onCancel(): void;
}) {
  const t = useT();
  const money = useMoney();
  const member = usePosStore((s) => s.member);
  const [tenders, setTenders] = useState<PaymentTender[]>([]);
  const [method, setMethod] = useState<Method>('cash');
  const remaining = Math.max(0, total - sumMinor(tenders.map((x) => x.amount)));
  const [amount, setAmount] = useState(formatMinorPlain(total));
  const [reference, setReference] = useState('');
  const [provider, setProvider] = useState<'alipay' | 'wechat' | 'unionpay'>('alipay');
  const [points, setPoints] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // What the cashier typed stays, even when a scan changes the total meanwhile.
  const choose = (m: Method) => {
    setMethod(m);
    setAmount(formatMinorPlain(remaining));
  };

  const finish = async (all: PaymentTender[]) => {
    setBusy(true);
    const sale = await till.checkout.pay(all);
    setBusy(false);
    const { message, language } = usePosStore.getState();
    if (!sale) setError(message ? messageText(language, message) : 'Not paid');
  };

  const submit = () => {
    setError(null);
    if (method === 'points') {
      setBusy(true);
      void till.checkout.pointsTender(Number(points)).then((tender) => {
        setBusy(false);
        if (typeof tender === 'string') return setError(tender);
        const next = [...tenders, tender];
        if (tender.amount >= remaining) return void finish(next);
        setTenders(next);
        setAmount(formatMinorPlain(remaining - tender.amount));
      });
      return;
    }
    let value: Minor;
    try {
      value = parseMinor(amount);
    } catch {
      return setError('Type the amount, for example 50 or 50.00');
    }
    if (value <= 0) return setError('Type an amount above zero');
    if (method === 'cash') {
      if (value < remaining) return setError(`Cash received is less than ${money(remaining)}`);
      return void finish([...tenders, { kind: 'cash', amount: value }]);
    }
    if (!reference.trim()) return setError('Type or scan the payment reference');
    if (value > remaining)
      return setError(`At most ${money(remaining)} by ${t(tenderName(method))}`);
    const tender: PaymentTender =
      method === 'card'
        ? { kind: 'card', amount: value, reference: reference.trim() }
        : { kind: 'mobile', amount: value, reference: reference.trim(), provider };
    const next = [...tenders, tender];
    setReference('');
    if (value === remaining) void finish(next);
    else {
      setTenders(next);
      setAmount(formatMinorPlain(remaining - value));
    }
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
        {t('Still to pay')} <strong>{money(remaining)}</strong>
      </p>
      <div className="methods" role="radiogroup" aria-label="Payment method">
        {(['cash', 'card', 'mobile', 'points'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={method === m}
            disabled={m === 'points' && member?.kind !== 'known'}
            onClick={() => choose(m)}
          >
            {t(tenderName(m))}
          </button>
        ))}
      </div>
      {method === 'points' ? (
        <label>
          {t('Points to redeem')}
          {member?.kind === 'known' && ` (${member.points})`}
          <input
            autoFocus
            inputMode="numeric"
            value={points}
            onChange={(e) => setPoints(e.target.value)}
          />
        </label>
      ) : (
        <label>
          {method === 'cash' ? t('Cash received') : `${t(tenderName(method))} ${t('Amount')}`}
          <input
            autoFocus
            key={method}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        </label>
      )}
      {(method === 'card' || method === 'mobile') && (
        <label>
          {t('Reference')}
          <input value={reference} onChange={(e) => setReference(e.target.value)} />
        </label>
      )}
      {method === 'mobile' && (
        <label>
          Provider
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
      {error && <p role="alert">{error}</p>}
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

export function SearchDialog(props: {
  search: ProductSearch;
  onPick(sku: string): void;
  onCancel(): void;
}) {
  const t = useT();
  const money = useMoney();
  const [text, setText] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  useEffect(() => {
    let current = true;
    void props.search(text).then((found) => current && setHits(found));
    return () => {
      current = false;
    };
  }, [text, props]);
  return (
    <Modal
      title={t('Search')}
      onCancel={props.onCancel}
      onSubmit={() => hits[0] && props.onPick(hits[0].product.id)}
      wide
    >
      <label>
        {t('Search')}
        <input
          autoFocus
          value={text}
          placeholder="名称 / 拼音首字母 / SKU"
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <ul className="results" aria-label="Search results">
        {hits.map((hit) => (
          <li key={hit.product.id}>
            <button type="button" onClick={() => props.onPick(hit.product.id)}>
              {hit.product.name} <span className="sku">{hit.product.id}</span>{' '}
              <span className="num">{hit.price ? money(hit.price.amount) : '—'}</span>
            </button>
          </li>
        ))}
      </ul>
      <Actions onCancel={props.onCancel} />
    </Modal>
  );
}

export function SuspendedDialog(props: { onPick(id: string): void; onCancel(): void }) {
  const t = useT();
  const suspended = usePosStore((s) => s.suspended);
  return (
    <Modal title={t('Suspended carts')} onCancel={props.onCancel}>
      {suspended.length === 0 && <p>No carts put aside.</p>}
      <ul className="results">
        {suspended.map((s) => (
          <li key={s.id}>
            <button type="button" onClick={() => props.onPick(s.id)}>
              {t('Resume')}: {s.label} ({s.lines})
            </button>
          </li>
        ))}
      </ul>
      <Actions onCancel={props.onCancel} />
    </Modal>
  );
}

export function ReturnDialog(props: {
  draft: ReturnDraft;
  onRefund(lines: { lineId: string; quantity: number }[]): void;
  onCancel(): void;
}) {
  const t = useT();
  const money = useMoney();
  const { sale, previous } = props.draft;
  const returned = new Map<string, number>();
  for (const r of previous) {
    for (const l of r.lines) returned.set(l.lineId, (returned.get(l.lineId) ?? 0) + l.quantity);
  }
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const request = Object.entries(quantities)
    .map(([lineId, q]) => ({ lineId, quantity: Number(q) }))
    .filter((r) => r.quantity > 0);
  return (
    <Modal
      title={t('Return')}
      onCancel={props.onCancel}
      onSubmit={() => request.length && props.onRefund(request)}
      wide
    >
      <p>
        {sale.id} · {new Date(sale.soldAt).toLocaleString()}
      </p>
      <table>
        <thead>
          <tr>
            <th>{t('Item')}</th>
            <th className="num">{t('Qty')}</th>
            <th className="num">{t('Amount')}</th>
            <th className="num">{t('Return')}</th>
          </tr>
        </thead>
        <tbody>
          {sale.lines.map((line, i) => {
            const left = line.quantity - (returned.get(line.lineId) ?? 0);
            return (
              <tr key={line.lineId}>
                <td>{line.name}</td>
                <td className="num">{line.quantity}</td>
                <td className="num">{money(line.paid)}</td>
                <td className="num">
                  <input
                    aria-label={`Return quantity ${line.name}`}
                    autoFocus={i === 0}
                    type="number"
                    min={0}
                    max={left}
                    disabled={left === 0}
                    value={quantities[line.lineId] ?? ''}
                    onChange={(e) =>
                      setQuantities({ ...quantities, [line.lineId]: e.target.value })
                    }
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Actions confirm={t('Refund')} onCancel={props.onCancel} />
    </Modal>
  );
}

export function HelpDialog({ onClose }: { onClose(): void }) {
  const t = useT();
  return (
    <Modal title={t('Help')} onCancel={onClose} onSubmit={onClose}>
      <dl className="help">
        {FUNCTION_KEYS.map(([key, label]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
        <div>
          <dt>
            <kbd>↑ ↓</kbd>
          </dt>
          <dd>Choose a line</dd>
        </div>
      </dl>
      <Actions confirm={t('Close')} onCancel={onClose} focusConfirm />
    </Modal>
  );
}

/** The X or Z report on screen: the hub prints sale receipts only. */
export function ReportDialog({ report, onClose }: { report: ShiftReport; onClose(): void }) {
  const t = useT();
  const money = useMoney();
  const totals = report.kind === 'x' ? report.totals : report.fact.totals;
  const shift = report.kind === 'x' ? report.shift : report.fact;
  const expected = report.kind === 'x' ? report.expectedCash : report.fact.expectedCash;
  const rows: [string, string][] = [
    [t('Sales'), `${totals.sales.count} · ${money(totals.sales.amount)}`],
    [t('Returns'), `${totals.returns.count} · ${money(totals.returns.amount)}`],
    [t('Discounts'), money(totals.discount)],
    ...totals.tenders.map((x): [string, string] => [t(tenderName(x.kind)), money(x.amount)]),
    [t('No-sale drawer opens'), String(totals.noSaleOpens)],
    [t('Opening float'), money(shift.openingFloat)],
    [t('Expected cash'), money(expected)],
    ...(report.kind === 'z'
      ? ([
          [t('Cash counted'), money(report.fact.countedCash)],
          [t('Variance'), money(report.fact.variance)],
        ] as [string, string][])
      : []),
  ];
  const title = report.kind === 'x' ? t('X report') : t('Z report');
  return (
    <Modal title={title} onCancel={onClose} onSubmit={onClose}>
      <p>
        {shift.cashierId} · {new Date(shift.openedAt).toLocaleString()}
      </p>
      <table className="report">
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th>{label}</th>
              <td className="num">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="note">Shown on screen: the receipt printer prints sale receipts only.</p>
      <Actions confirm={t('Close')} onCancel={onClose} focusConfirm />
    </Modal>
  );
}
