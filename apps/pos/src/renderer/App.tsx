import { useEffect, useState } from 'react';
import { cartTotal, formatMinorPlain, formatMoney, parseMinor, type Minor } from '@pos/domain';
import type { Checkout } from './checkout';
import { usePosStore } from './store';

export function App({ checkout }: { checkout: Promise<Checkout | null> }) {
  const phase = usePosStore((s) => s.phase);
  const [ready, setReady] = useState<Checkout | null>(null);
  useEffect(() => {
    void checkout.then(setReady);
  }, [checkout]);

  if (phase.kind === 'failed') {
    return (
      <main className="screen center">
        <h1>The terminal could not start</h1>
        <p role="alert">{phase.error}</p>
      </main>
    );
  }
  if (phase.kind === 'starting' || !ready) {
    return (
      <main className="screen center">
        <h1>Starting…</h1>
        <p>{phase.kind === 'starting' ? phase.detail : 'Connecting devices'}</p>
        <InitialSyncBar />
      </main>
    );
  }
  return <CheckoutScreen checkout={ready} />;
}

function InitialSyncBar() {
  const progress = usePosStore((s) => s.initialSync);
  if (!progress) return null;
  const { received, total, percent, secondsLeft } = progress;
  return (
    <div className="initial-sync">
      <progress aria-label="Catalog download" max={100} value={percent ?? undefined} />
      <p>
        {total === null
          ? `${received} items received`
          : `${received} of ${total} items (${percent}%)`}
        {secondsLeft !== null && secondsLeft > 0 && `, about ${secondsLeft} s left`}
      </p>
    </div>
  );
}

function useMoney() {
  const currency = usePosStore((s) => s.currency);
  const locale = usePosStore((s) => s.locale);
  return (amount: Minor) => formatMoney(amount, currency, locale);
}

function CheckoutScreen({ checkout }: { checkout: Checkout }) {
  const cart = usePosStore((s) => s.cart);
  const paying = usePosStore((s) => s.paying);
  const setPaying = usePosStore((s) => s.setPaying);
  const money = useMoney();
  const total = cartTotal(cart);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'F12' && cart.lines.length > 0) {
        event.preventDefault();
        setPaying(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [cart.lines.length, setPaying]);

  return (
    <main className="screen">
      <StatusBar />
      <section className="cart" aria-label="Cart">
        {cart.lines.length === 0 ? (
          <LastSaleOrHint />
        ) : (
          <table>
            <thead>
              <tr>
                <th>Item</th>
                <th className="num">Qty</th>
                <th className="num">Price</th>
                <th className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {cart.lines.map((line) => (
                <tr key={line.sku}>
                  <td>{line.name}</td>
                  <td className="num">{line.quantity}</td>
                  <td className="num">{money(line.unitPrice)}</td>
                  <td className="num">{money(line.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <footer className="totals">
        <Message />
        <div className="total" aria-label="Total">
          Total <strong>{money(total)}</strong>
        </div>
        <button className="pay" disabled={cart.lines.length === 0} onClick={() => setPaying(true)}>
          Pay cash <kbd>F12</kbd>
        </button>
      </footer>
      {paying && <CashDialog total={total} checkout={checkout} onCancel={() => setPaying(false)} />}
    </main>
  );
}

function LastSaleOrHint() {
  const lastSale = usePosStore((s) => s.lastSale);
  const money = useMoney();
  if (!lastSale) return <p className="hint">Scan an item to start a sale.</p>;
  return (
    <div className="paid" role="status">
      <h2>Paid</h2>
      <p>
        Total {money(lastSale.total)} · Cash {money(lastSale.tenders[0]?.amount ?? 0)}
      </p>
      <p className="change">Change {money(lastSale.change)}</p>
    </div>
  );
}

function CashDialog({
  total,
  checkout,
  onCancel,
}: {
  total: Minor;
  checkout: Checkout;
  onCancel(): void;
}) {
  const money = useMoney();
  const [text, setText] = useState(formatMinorPlain(total));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    let tendered: Minor;
    try {
      tendered = parseMinor(text);
    } catch {
      setError('Type the cash received, for example 50 or 50.00');
      return;
    }
    if (tendered < total) {
      setError(`Cash received is less than the total ${money(total)}`);
      return;
    }
    setBusy(true);
    await checkout.payCash(tendered);
    setBusy(false);
  };

  return (
    <div className="backdrop">
      <form
        role="dialog"
        aria-label="Cash payment"
        className="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel();
        }}
      >
        <h2>Cash payment</h2>
        <p>Total due {money(total)}</p>
        <label>
          Cash received
          <input
            autoFocus
            inputMode="decimal"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        {error && <p role="alert">{error}</p>}
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel <kbd>Esc</kbd>
          </button>
          <button type="submit" disabled={busy}>
            Confirm <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </div>
  );
}

function Message() {
  const message = usePosStore((s) => s.message);
  if (!message) return <div className="message" />;
  return (
    <div className={`message ${message.tone}`} role={message.tone === 'error' ? 'alert' : 'status'}>
      {message.text}
    </div>
  );
}

function StatusBar() {
  const storeName = usePosStore((s) => s.storeName);
  const sync = usePosStore((s) => s.sync);
  const waiting = usePosStore((s) => s.waitingUploads);
  const locale = usePosStore((s) => s.locale);
  const devices = usePosStore((s) => s.devices);
  const lastSync = sync.lastSyncAt
    ? new Date(sync.lastSyncAt).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })
    : null;
  return (
    <header className="status-bar" aria-label="Till status">
      <span className="store">{storeName}</span>
      <span className={sync.online ? 'ok' : 'warn'} title={sync.lastError ?? ''}>
        {sync.online ? 'Online' : 'Offline, selling locally'}
      </span>
      {!sync.online && sync.lastError && (
        <span className="reason">{offlineReason(sync.lastError)}</span>
      )}
      <span className={waiting > 0 ? 'warn' : 'ok'} aria-label="Sales waiting to upload">
        {waiting === 0
          ? 'All sales uploaded'
          : `${waiting} ${waiting === 1 ? 'sale' : 'sales'} waiting to upload`}
      </span>
      {lastSync && <span>Last sync {lastSync}</span>}
      {devices.map((device) =>
        device.problems?.length ? (
          device.problems.map((problem) => (
            <span key={`${device.id}:${problem.code}`} className="warn" role="alert">
              {problem.message}. {problem.action}
            </span>
          ))
        ) : (
          <span key={device.id} className={device.state === 'ready' ? 'ok' : 'warn'}>
            {device.kind}: {device.state === 'ready' ? 'ready' : (device.message ?? device.state)}
          </span>
        ),
      )}
    </header>
  );
}

/** What an offline terminal tells the cashier, in words, with what to do. */
function offlineReason(error: string): string {
  if (/answered 401/.test(error))
    return 'This till is not recognised by the server: call the supervisor';
  if (/answered 5\d\d/.test(error))
    return 'The sync server has a problem; sales upload when it is back';
  return 'No connection to the sync server; sales upload when it is back';
}
