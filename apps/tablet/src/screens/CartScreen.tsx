/**
 * [CL5] The customer's cart: lines grouped as the customer gets them (take
 * now, pickup per store, delivery), each with its quantity and credit; the
 * customer (a member by phone or QR, or a new one with consent asked on
 * their phone [CL6]); the totals by the till's engine; and "Send" [CL7].
 */
import { useEffect, useState } from 'react';
import type { ClerkCart, ClerkCartTotals, ClerkSubmitted } from '@pos/app-core';
import type { ClerkMemberAnswer } from '@pos/domain';
import { Qr, useMoney } from '@pos/ui';
import type { Tablet } from '../tablet';
import { CameraScanner } from './CameraScanner';
import { DigitEntry, Note, QuantityPicker, Sheet } from './common';
import { CreditSheet } from './CreditSheet';
import { cartSections, creditSummary, type CartSection } from './view';
import { noteOf, noteOfRefusal, useWords, type ScreenNote } from './words';

export function CartScreen(props: {
  tablet: Tablet;
  cart: ClerkCart;
  onCart(cart: ClerkCart): void;
  onSent(sent: ClerkSubmitted): void;
  onFind(): void;
}) {
  const t = useWords();
  const money = useMoney();
  const { tablet, cart } = props;
  const [lastTotals, setTotals] = useState<ClerkCartTotals | null>(null);
  const totals = cart.lines.length === 0 ? null : lastTotals;
  const [note, setNote] = useState<ScreenNote | null>(null);
  const [crediting, setCrediting] = useState<string | null>(null);
  const [creditNote, setCreditNote] = useState<ScreenNote | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    if (cart.lines.length > 0) void tablet.clerk.totals(cart).then((x) => live && setTotals(x));
    return () => {
      live = false;
    };
  }, [tablet, cart]);

  const netOf = (lineId: string) => totals?.lines.find((l) => l.lineId === lineId)?.net;
  const creditLine = cart.lines.find((l) => l.lineId === crediting);

  const send = () => {
    if (busy) return;
    setBusy(true);
    setNote(null);
    void tablet.clerk
      .submit(cart)
      .then((outcome) => {
        if (outcome.ok) props.onSent(outcome.value);
        else setNote(noteOfRefusal(outcome));
      })
      .finally(() => setBusy(false));
  };

  return (
    <main className="screen-cart">
      <div className="cart-lines">
        <CustomerPanel tablet={tablet} cart={cart} onCart={props.onCart} />
        {cart.lines.length === 0 && (
          <div className="empty">
            <p>{t('The cart is empty: find a product and add it')}</p>
            <button type="button" className="primary" onClick={props.onFind}>
              {t('Find')}
            </button>
          </div>
        )}
        {cartSections(cart).map((section) => (
          <section key={section.key} className={`cart-section section-${section.kind}`}>
            <h2>
              <SectionTitle section={section} />
            </h2>
            <ul>
              {section.lines.map((line) => {
                const net = netOf(line.lineId);
                return (
                  <li key={line.lineId} className="cart-line">
                    <div className="what">
                      <strong>{line.name}</strong>
                      <span className="muted">
                        {line.variant ? `${line.variant.colour} · ${line.variant.size} · ` : ''}
                        {line.sku}
                      </span>
                      {line.fulfilment.mode === 'ship' || line.fulfilment.mode === 'same-city' ? (
                        <span className="muted">
                          {t(
                            line.fulfilment.mode === 'ship'
                              ? 'Delivery: {address}'
                              : 'Same-city delivery: {address}',
                            { address: line.fulfilment.label },
                          )}
                        </span>
                      ) : null}
                    </div>
                    <QuantityPicker
                      value={line.quantity}
                      onChange={(quantity) => {
                        const outcome = tablet.clerk.setQuantity(cart, line.lineId, quantity);
                        if (outcome.ok) props.onCart(outcome.value);
                        else setNote(noteOfRefusal(outcome));
                      }}
                    />
                    <div className="money">
                      <span className="muted">
                        {t('{price} each', { price: money(line.unitPrice) })}
                      </span>
                      <strong>{net === undefined ? '' : money(net)}</strong>
                    </div>
                    <button
                      type="button"
                      className="credit"
                      onClick={() => {
                        setCreditNote(null);
                        setCrediting(line.lineId);
                      }}
                    >
                      {t('Credit: {who}', { who: creditSummary(line.credits) })}
                    </button>
                    <button
                      type="button"
                      className="remove"
                      onClick={() => props.onCart(tablet.clerk.removeLine(cart, line.lineId))}
                    >
                      {t('Remove')}
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </div>
      <aside className="cart-summary" aria-label={t('Total')}>
        {totals && (
          <dl>
            <dt>{t('Take now total')}</dt>
            <dd>{money(totals.takeNow)}</dd>
            <dt>{t('Order total')}</dt>
            <dd>{money(totals.ordered)}</dd>
            <dt className="grand">{t('Total')}</dt>
            <dd className="grand">{money(totals.total)}</dd>
          </dl>
        )}
        <Note note={note} />
        <button
          type="button"
          className="primary wide send"
          disabled={busy || cart.lines.length === 0}
          onClick={send}
        >
          {busy ? t('Sending…') : t('Send')}
        </button>
      </aside>
      {creditLine && (
        <CreditSheet
          title={t('Edit credit')}
          credits={creditLine.credits}
          note={creditNote}
          onClose={() => setCrediting(null)}
          onSave={(credits) => {
            const outcome = tablet.clerk.setCredits(cart, creditLine.lineId, credits);
            if (outcome.ok) {
              props.onCart(outcome.value);
              setCrediting(null);
              setNote(noteOf(outcome));
            } else setCreditNote(noteOfRefusal(outcome));
          }}
        />
      )}
    </main>
  );
}

function SectionTitle({ section }: { section: CartSection }) {
  const t = useWords();
  if (section.kind === 'take-now') return <>{t('Take now: pay at the till')}</>;
  if (section.kind === 'pickup') return <>{t('Pickup at {store}', { store: section.storeName })}</>;
  return <>{t('Delivery to the customer')}</>;
}

/** The member's tier in the clerk's language; a tier the tablet does not know, as the server named it. */
function tierName(t: ReturnType<typeof useWords>, tier: string): string {
  switch (tier) {
    case 'basic':
      return t('Member');
    case 'silver':
      return t('Silver member');
    case 'gold':
      return t('Gold member');
    case 'platinum':
      return t('Platinum member');
    default:
      return tier;
  }
}

/** [CL6] The customer: a member by phone, by member QR, or a new member (consent on their phone). */
function CustomerPanel(props: { tablet: Tablet; cart: ClerkCart; onCart(cart: ClerkCart): void }) {
  const t = useWords();
  const { tablet, cart } = props;
  const [sheet, setSheet] = useState<null | 'phone' | 'qr' | 'new'>(null);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [note, setNote] = useState<ScreenNote | null>(null);
  const [created, setCreated] = useState<ClerkMemberAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const customer = cart.customer;

  const open = (which: 'phone' | 'qr' | 'new') => {
    setNote(null);
    setPhone('');
    setName('');
    setCreated(null);
    setSheet(which);
  };
  const close = () => setSheet(null);
  const run = <T,>(work: Promise<T>, then: (value: T) => void) => {
    setBusy(true);
    void work.then(then).finally(() => setBusy(false));
  };

  return (
    <section className="customer" aria-label={t('Customer')}>
      <h2>{t('Customer')}</h2>
      {customer ? (
        <p className="who">
          <strong>{customer.maskedName ?? customer.maskedPhone}</strong>
          {customer.maskedName && <span>{customer.maskedPhone}</span>}
          {customer.tier && <span className="tier">{tierName(t, customer.tier)}</span>}
        </p>
      ) : (
        <p className="muted">{t('No customer yet')}</p>
      )}
      <div className="customer-actions">
        <button type="button" onClick={() => open('phone')}>
          {customer ? t('Change customer') : t('Member by phone')}
        </button>
        <button type="button" onClick={() => open('qr')}>
          {t('Scan member QR')}
        </button>
        <button type="button" onClick={() => open('new')}>
          {t('New member')}
        </button>
      </div>
      {sheet === 'phone' && (
        <Sheet title={t('Member by phone')} onClose={close}>
          <DigitEntry
            label={t('Customer phone')}
            value={phone}
            onChange={setPhone}
            maxLength={11}
            autoFocus
          />
          <Note note={note} />
          <div className="actions">
            <button type="button" onClick={() => open('new')}>
              {t('New member')}
            </button>
            <button
              type="button"
              className="primary"
              disabled={busy || phone.length < 11}
              onClick={() =>
                run(tablet.clerk.memberByPhone(cart, phone), (outcome) => {
                  if (outcome.ok) {
                    props.onCart(outcome.value);
                    close();
                  } else setNote(noteOfRefusal(outcome));
                })
              }
            >
              {t('Find member')}
            </button>
          </div>
        </Sheet>
      )}
      {sheet === 'qr' && (
        <Sheet title={t('Scan member QR')} onClose={close}>
          <CameraScanner
            tablet={tablet}
            onClose={close}
            onCode={(code) =>
              run(tablet.clerk.memberByQr(cart, code), (outcome) => {
                if (outcome.ok) {
                  props.onCart(outcome.value);
                  close();
                } else setNote(noteOfRefusal(outcome));
              })
            }
          />
          <Note note={note} />
        </Sheet>
      )}
      {sheet === 'new' && (
        <Sheet title={t('New member')} onClose={close} wide>
          {created ? (
            <div className="consent">
              <p>{t('Member created: {phone}', { phone: created.maskedPhone })}</p>
              {created.consentUrl && (
                <>
                  <Qr text={created.consentUrl} label={t('New member')} />
                  <p className="hint">
                    {t('Ask the customer to scan this with their phone to give consent')}
                  </p>
                </>
              )}
              <div className="actions">
                <button type="button" className="primary" onClick={close}>
                  {t('Done')}
                </button>
              </div>
            </div>
          ) : (
            <>
              <div className="new-member">
                <DigitEntry
                  label={t('Customer phone')}
                  value={phone}
                  onChange={setPhone}
                  maxLength={11}
                  autoFocus
                />
                <label>
                  <span>{t('Name (optional)')}</span>
                  <input value={name} onChange={(e) => setName(e.target.value)} />
                </label>
              </div>
              <Note note={note} />
              <div className="actions">
                <button type="button" onClick={close}>
                  {t('Cancel')}
                </button>
                <button
                  type="button"
                  className="primary"
                  disabled={busy || phone.length < 11}
                  onClick={() =>
                    run(
                      tablet.clerk.newMember(cart, phone, name.trim() || undefined),
                      (outcome) => {
                        if (outcome.ok) {
                          props.onCart(outcome.value.cart);
                          setCreated(outcome.value.member);
                          setNote(noteOf(outcome));
                        } else setNote(noteOfRefusal(outcome));
                      },
                    )
                  }
                >
                  {t('Create member')}
                </button>
              </div>
            </>
          )}
        </Sheet>
      )}
    </section>
  );
}
