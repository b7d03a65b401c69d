/**
 * The selling screen: the cart, its totals and member, the last sale or
 * refund, and the function keys (shown on screen) that open each dialog.
 */
import { useEffect, useState } from 'react';
import type { Outcome, StockInfo } from '@pos/app-core';
import type { Permission, Staff } from '@pos/domain';
import {
  AmountDialog,
  ApprovalDialog,
  HelpDialog,
  PaymentDialog,
  ReceiptPreview,
  ReturnDialog,
  SearchDialog,
  SuspendedDialog,
  TextDialog,
  useLocale,
  useMessageText,
  useMoney,
  useT,
} from '@pos/ui';
import type { Till } from './boot';
import { FULFILMENT_KEYS, FulfilmentDesk } from './Fulfilment';
import {
  OrderReturnCodeDialog,
  OrderReturnDialog,
  PICKUP_KEYS,
  PickupCodeDialog,
  PickupDialog,
} from './PickupDesk';
import { rfidWords, withReturnedEpcs } from './rfid-counter';
import { usePosStore } from './store';
import { tillState, useTill } from './till-state';

/** Shows what a use case returned: its refusal or its last notice. */
const show = (outcome: Outcome<unknown> | null) => usePosStore.getState().show(outcome);

type Dialog =
  | { kind: 'pay' }
  | { kind: 'search' }
  | { kind: 'member' }
  | { kind: 'coupon' }
  | { kind: 'return-code' }
  | { kind: 'quantity'; lineId: string }
  | { kind: 'price'; lineId: string; approver: Staff }
  | { kind: 'discount'; approver: Staff }
  | { kind: 'suspended' }
  | { kind: 'close-shift' }
  | { kind: 'help' }
  | { kind: 'pickup-code' }
  | { kind: 'order-return-code' }
  | { kind: 'fulfilment' }
  | { kind: 'approve'; permission: Permission; then: (staff: Staff) => void };

export const FUNCTION_KEYS: readonly (readonly [string, string])[] = [
  ['F1', 'Help'],
  ['F2', 'Search'],
  ['F3', 'Member'],
  ['F4', 'Quantity'],
  ['F5', 'Suspend / resume'],
  ['F6', 'Void'],
  ['F7', 'No sale'],
  ['F8', 'Return'],
  ['F9', 'Coupon'],
  ['F10', 'X report'],
  ['F11', 'Close shift'],
  ['F12', 'Pay'],
];

export function CheckoutScreen({ till }: { till: Till }) {
  const t = useT();
  const { language } = useLocale();
  const money = useMoney();
  const cart = useTill((s) => s.cart);
  const pricing = useTill((s) => s.pricing);
  const member = useTill((s) => s.member);
  const memberByPhone = usePosStore((s) => s.memberByPhone);
  const returning = useTill((s) => s.returning);
  const pickup = useTill((s) => s.pickup);
  const orderReturn = useTill((s) => s.orderReturn);
  const parcel = useTill((s) => s.parcel);
  const creditNames = useTill((s) => s.creditNames);
  const report = useTill((s) => s.report);
  const suspended = useTill((s) => s.suspended);
  const paying = usePosStore((s) => s.paying);
  const setPaying = usePosStore((s) => s.setPaying);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  // A receipt scanned while the receipt-code dialog is open opens the return:
  // the dialog has done its job and closes, so the return is on top.
  // A sale recorded closes the payment dialog at once: the receipt prints
  // meanwhile, and the next customer's scans and keys are not held up.
  useEffect(() => {
    let lastSale = tillState.get().lastSale;
    return tillState.subscribe(() => {
      const now = tillState.get();
      if (now.returning) setDialog((open) => (open?.kind === 'return-code' ? null : open));
      // An order found (typed or scanned) replaces the dialog that asked for it.
      if (now.pickup) setDialog((open) => (open?.kind === 'pickup-code' ? null : open));
      if (now.orderReturn) {
        setDialog((open) => (open?.kind === 'order-return-code' ? null : open));
      }
      if (now.lastSale && now.lastSale !== lastSale) {
        usePosStore.setState({ paying: false, message: null });
      }
      lastSale = now.lastSale;
    });
  }, []);
  const [selected, setSelected] = useState<string | null>(null);
  const total = pricing?.total ?? 0;
  const lineId =
    selected && cart.lines.some((l) => l.lineId === selected)
      ? selected
      : (cart.lines[cart.lines.length - 1]?.lineId ?? null);

  /** Runs `then` with the signed-in staff member if allowed, else after a supervisor approves. */
  const withApproval = (permission: Permission, then: (staff: Staff) => void) => {
    const self = till.session.selfApproval(permission);
    if (self) then(self);
    else setDialog({ kind: 'approve', permission, then });
  };

  const actions: Record<string, () => void> = {
    F1: () => setDialog({ kind: 'help' }),
    F2: () => setDialog({ kind: 'search' }),
    F3: () => setDialog({ kind: 'member' }),
    F4: () => lineId && setDialog({ kind: 'quantity', lineId }),
    F5: () =>
      cart.lines.length > 0
        ? void till.session.suspend().then(show)
        : setDialog({ kind: 'suspended' }),
    F6: () =>
      lineId &&
      withApproval('void-line', (staff) => void till.checkout.voidLine(lineId, staff).then(show)),
    F7: () => withApproval('no-sale', (staff) => void till.session.noSale(staff).then(show)),
    F8: () => setDialog({ kind: 'return-code' }),
    F9: () => setDialog({ kind: 'coupon' }),
    F10: () => void till.session.xReport().then(show),
    // [AC2] A sale on the till is paid, put aside or voided before the close.
    F11: () => {
      const allowed = till.session.mayClose();
      if (allowed.ok) setDialog({ kind: 'close-shift' });
      else show(allowed);
    },
    F12: () => cart.lines.length > 0 && setPaying(true),
    'Shift+F12': () => setDialog({ kind: 'pickup-code' }),
    'Shift+F8': () => setDialog({ kind: 'order-return-code' }),
    'Shift+F9': () => setDialog({ kind: 'fulfilment' }),
  };
  const busy =
    dialog !== null ||
    paying ||
    returning !== null ||
    report !== null ||
    pickup !== null ||
    orderReturn !== null ||
    parcel !== null;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (busy) return;
      const action = actions[event.shiftKey ? `Shift+${event.key}` : event.key];
      if (action) {
        event.preventDefault();
        action();
        return;
      }
      if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
        const i = cart.lines.findIndex((l) => l.lineId === lineId);
        const next = cart.lines[i + (event.key === 'ArrowUp' ? -1 : 1)];
        if (next) setSelected(next.lineId);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  // [TL8] The counter's tags ring up a sale only while no desk is open over it.
  const deskOpen =
    dialog !== null &&
    ['fulfilment', 'pickup-code', 'order-return-code', 'return-code', 'close-shift'].includes(
      dialog.kind,
    );
  useEffect(() => {
    usePosStore.setState({ deskOpen });
  }, [deskOpen]);
  useEffect(() => () => usePosStore.setState({ deskOpen: true }), []);

  const close = () => setDialog(null);
  const priced = new Map(pricing?.priced.lines.map((l) => [l.lineId, l]) ?? []);

  return (
    <>
      <div className="sell">
        <section className="cart" aria-label="Cart">
          <RfidRefused />
          {cart.lines.length === 0 ? (
            <LastSaleOrHint />
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('Item')}</th>
                  <th className="num">{t('Qty')}</th>
                  <th className="num">{t('Price')}</th>
                  <th className="num">{t('Amount')}</th>
                </tr>
              </thead>
              <tbody>
                {cart.lines.map((line) => {
                  const p = priced.get(line.lineId);
                  return (
                    <tr
                      key={line.lineId}
                      aria-selected={line.lineId === lineId}
                      className={line.lineId === lineId ? 'selected' : ''}
                      onClick={() => setSelected(line.lineId)}
                    >
                      <td>
                        {line.name}
                        {line.weight && <small> {(line.weight.grams / 1000).toFixed(3)} kg</small>}
                        {line.epcs && (
                          <span
                            className="rfid-mark"
                            data-testid="line-rfid"
                            title={line.epcs.join(' ')}
                          >
                            {rfidWords(language, 'RFID')} ×{line.epcs.length}
                          </span>
                        )}
                        {line.credits && (
                          <div className="credit" data-testid="line-credit">
                            {t('Clerk')}{' '}
                            {line.credits
                              .map((c) => creditNames[c.staffId] ?? c.staffId)
                              .join(language === 'zh-CN' ? '、' : ', ')}
                          </div>
                        )}
                        {p?.adjustments.map((a) => (
                          <div key={a.id} className="saving">
                            {a.name} −{money(a.amount)}
                          </div>
                        ))}
                      </td>
                      <td className="num">{line.quantity}</td>
                      <td className="num">{money(line.override?.unitPrice ?? line.listPrice)}</td>
                      <td className="num">{money(p?.net ?? line.listPrice * line.quantity)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
        <aside className="side">
          <MemberBox till={till} />
          <LineStock till={till} sku={cart.lines.find((l) => l.lineId === lineId)?.sku ?? null} />
          <div className="figures">
            {pricing && pricing.priced.discount > 0 && (
              <>
                <div>
                  {t('Subtotal')} <span>{money(pricing.priced.subtotal)}</span>
                </div>
                <div className="saving" aria-label="Savings">
                  {t('Savings')} <span>−{money(pricing.priced.discount)}</span>
                </div>
              </>
            )}
            <div className="total" aria-label="Total">
              {t('Total')} <strong>{money(total)}</strong>
            </div>
          </div>
          <div className="side-actions desk">
            <button
              type="button"
              className="pickup"
              disabled={busy}
              onClick={() => actions['Shift+F12']?.()}
            >
              {t('Pickup')} <kbd>Shift+F12</kbd>
            </button>
            <button type="button" disabled={busy} onClick={() => actions['Shift+F8']?.()}>
              {t('Online order return')} <kbd>Shift+F8</kbd>
            </button>
            <button type="button" disabled={busy} onClick={() => actions['Shift+F9']?.()}>
              {t('Parcels')} <kbd>Shift+F9</kbd>
            </button>
          </div>
          <div className="side-actions">
            <button
              type="button"
              disabled={!lineId}
              onClick={() =>
                lineId &&
                withApproval('price-override', (approver) =>
                  setDialog({ kind: 'price', lineId, approver }),
                )
              }
            >
              {t('Price override')}
            </button>
            <button
              type="button"
              disabled={cart.lines.length === 0}
              onClick={() =>
                withApproval('cart-discount', (approver) =>
                  setDialog({ kind: 'discount', approver }),
                )
              }
            >
              {t('Cart discount')}
            </button>
          </div>
          <SuspendedList till={till} />
        </aside>
      </div>
      <footer className="totals">
        <Message />
        <nav className="keys" aria-label={t('Function keys')}>
          {FUNCTION_KEYS.map(([key, label]) => (
            <button key={key} type="button" disabled={busy} onClick={() => actions[key]?.()}>
              <kbd>{key}</kbd> {t(label)}
            </button>
          ))}
        </nav>
      </footer>
      {paying && (
        <PaymentDialog
          total={total}
          rules={{
            amountDue: (tenders, method) => till.payment.amountDue(total, tenders, method),
            addTender: (tenders, tender) => till.payment.addTender(total, tenders, tender),
          }}
          memberPoints={member?.kind === 'known' ? member.points : null}
          pointsTender={(points) => till.checkout.pointsTender(points)}
          pay={async (tenders) => {
            const paid = await till.checkout.pay(tenders);
            if (paid.ok) show(paid);
            return paid;
          }}
          onCancel={() => setPaying(false)}
        />
      )}
      {returning && (
        <ReturnDialog
          draft={returning}
          onCancel={() => till.returns.cancel()}
          onRefund={(lines) =>
            withApproval(
              'refund',
              () =>
                void till.returns
                  .complete(
                    returning,
                    withReturnedEpcs(returning, lines, usePosStore.getState().returnTags),
                  )
                  .then(show),
            )
          }
        />
      )}
      {pickup && <PickupDialog key={pickup.order.id} till={till} draft={pickup} />}
      {orderReturn && (
        <OrderReturnDialog
          key={orderReturn.order.id}
          till={till}
          draft={orderReturn}
          onRefund={(lines, refundTo) =>
            withApproval(
              'refund',
              () => void till.pickup.completeReturn(orderReturn, lines, refundTo).then(show),
            )
          }
        />
      )}
      {(dialog?.kind === 'fulfilment' || parcel) && (
        <FulfilmentDesk
          till={till}
          onClose={() => {
            till.fulfilment.close();
            close();
          }}
        />
      )}
      {dialog?.kind === 'pickup-code' && <PickupCodeDialog till={till} onCancel={close} />}
      {dialog?.kind === 'order-return-code' && (
        <OrderReturnCodeDialog till={till} onCancel={close} />
      )}
      {dialog?.kind === 'help' && (
        <HelpDialog keys={[...FUNCTION_KEYS, ...PICKUP_KEYS, ...FULFILMENT_KEYS]} onClose={close} />
      )}
      {dialog?.kind === 'search' && (
        <SearchDialog
          search={till.search}
          onPick={(sku) => {
            close();
            void till.checkout.addSku(sku).then(show);
          }}
          onCancel={close}
        />
      )}
      {dialog?.kind === 'member' && (
        <TextDialog
          title={t('Member')}
          label={t('Phone or member code')}
          expects="phone"
          {...(memberByPhone
            ? {}
            : { note: t('This terminal has no member index key: scan the member QR') })}
          onCancel={close}
          onSubmit={(text) => {
            close();
            void till.checkout.attachMember(text).then(show);
          }}
        />
      )}
      {dialog?.kind === 'coupon' && (
        <TextDialog
          title={t('Coupon')}
          label={t('Coupon code')}
          expects="code"
          onCancel={close}
          onSubmit={(text) => {
            close();
            void till.checkout
              .scan({
                code: text,
                source: 'keyboard',
                at: new Date().toISOString(),
              })
              .then(show);
          }}
        />
      )}
      {dialog?.kind === 'return-code' && (
        <TextDialog
          title={t('Return')}
          label={t('Receipt code')}
          expects="code"
          onCancel={close}
          onSubmit={(text) => {
            close();
            void till.returns.open(text).then((opened) => {
              if (opened) show(opened);
              else
                usePosStore.getState().showMessage('error', `${text} is not a receipt code`, {
                  code: 'NOT_A_RECEIPT_CODE',
                  params: { code: text },
                });
            });
          }}
        />
      )}
      {dialog?.kind === 'quantity' && (
        <TextDialog
          title={t('Quantity')}
          label={t('Quantity')}
          numeric
          initial={String(cart.lines.find((l) => l.lineId === dialog.lineId)?.quantity ?? 1)}
          onCancel={close}
          onSubmit={(text) => {
            close();
            void till.checkout.setQuantity(dialog.lineId, Number(text)).then(show);
          }}
        />
      )}
      {dialog?.kind === 'price' && (
        <AmountDialog
          title={t('Price override')}
          label={t('Price')}
          onCancel={close}
          onSubmit={(amount) => {
            close();
            void till.checkout.overridePrice(dialog.lineId, amount, dialog.approver).then(show);
          }}
        />
      )}
      {dialog?.kind === 'discount' && (
        <AmountDialog
          title={t('Cart discount')}
          label={t('Amount')}
          onCancel={close}
          onSubmit={(amount) => {
            close();
            void till.checkout.setCartDiscount(amount, dialog.approver).then(show);
          }}
        />
      )}
      {dialog?.kind === 'close-shift' && (
        <AmountDialog
          title={t('Close shift')}
          label={t('Cash counted')}
          onCancel={close}
          onSubmit={(amount) => {
            close();
            void till.session.closeShift(amount).then(show);
          }}
        />
      )}
      {dialog?.kind === 'suspended' && (
        <SuspendedDialog
          suspended={suspended}
          onPick={(id) => {
            close();
            void till.session.resume(id).then(show);
          }}
          onCancel={close}
        />
      )}
      {dialog?.kind === 'approve' && (
        <ApprovalDialog
          permission={dialog.permission}
          approve={(id, pin) => till.session.approve(dialog.permission, id, pin)}
          onApproved={(staff) => {
            close();
            dialog.then(staff);
          }}
          onCancel={close}
        />
      )}
    </>
  );
}

/**
 * The member of the cart, and their consent slip: the one-time link to the
 * consent page printed as a QR code, for the member to answer on their own phone.
 */
function MemberBox({ till }: { till: Till }) {
  const t = useT();
  const member = useTill((s) => s.member);
  const [printing, setPrinting] = useState(false);
  if (!member) return null;
  const consentSlip = () => {
    setPrinting(true);
    void till.checkout
      .printConsentSlip()
      .then(show)
      .finally(() => setPrinting(false));
  };
  return (
    <div className="member" aria-label={t('Member')}>
      {member.kind === 'known' ? (
        <>
          <strong>{member.maskedName}</strong> {member.maskedPhone} · {t(member.tier)} ·{' '}
          {member.points} {t('Points')}
        </>
      ) : member.kind === 'phone-only' ? (
        <>
          {member.maskedPhone} ({t('not found here: recorded on the sale')})
        </>
      ) : (
        <>
          {member.id} (
          {t('member QR, not on this till: the sale carries the member id, no member prices')})
        </>
      )}{' '}
      <button type="button" className="consent-qr" disabled={printing} onClick={consentSlip}>
        {t('Consent QR')}
      </button>
    </div>
  );
}

/** The chosen line's stock at this store: what a cashier tells a customer who asks for more. */
function LineStock({ till, sku }: { till: Till; sku: string | null }) {
  const t = useT();
  const [stock, setStock] = useState<{ sku: string; info: StockInfo } | null>(null);
  // [ATP3] Live: a hold or hand-over anywhere in the chain shows as soon as it syncs.
  useEffect(() => {
    if (!sku) return;
    return till.watchStock(sku, (info) => setStock({ sku, info }));
  }, [till, sku]);
  if (!sku || stock?.sku !== sku) return null;
  const { info } = stock;
  return (
    <div className="line-stock" aria-label={t('Stock')}>
      {t('Stock')}:{' '}
      {info.known
        ? `${t('Available')} ${info.atp} · ${t('On hand')} ${info.onHand}`
        : t('Stock unknown')}
    </div>
  );
}

function SuspendedList({ till }: { till: Till }) {
  const t = useT();
  const suspended = useTill((s) => s.suspended);
  if (suspended.length === 0) return null;
  return (
    <div className="suspended" aria-label={t('Suspended carts')}>
      <h3>{t('Suspended carts')}</h3>
      {suspended.map((s) => (
        <button key={s.id} type="button" onClick={() => void till.session.resume(s.id).then(show)}>
          {t('Resume')}: {s.label} ({s.lines})
        </button>
      ))}
    </div>
  );
}

function LastSaleOrHint() {
  const lastSale = useTill((s) => s.lastSale);
  const lastReturn = useTill((s) => s.lastReturn);
  return <ReceiptPreview sale={lastSale} refund={lastReturn} />;
}

/** [TL9] The tags the counter reader read that did not join the cart, and why. */
function RfidRefused() {
  const { language } = useLocale();
  const refused = usePosStore((s) => s.rfidRefused);
  if (refused.length === 0) return null;
  const codes = [...new Set(refused.map((r) => r.code))];
  const comma = language === 'zh-CN' ? '、' : ', ';
  return (
    <div className="rfid-refused" role="alert" aria-label={rfidWords(language, 'Tags refused')}>
      {codes.map((code) => (
        <div key={code} data-testid="rfid-refused">
          <strong>{rfidWords(language, code)}</strong>
          {language === 'zh-CN' ? '：' : ': '}
          {refused
            .filter((r) => r.code === code)
            .map((r) => r.item)
            .join(comma)}
        </div>
      ))}
    </div>
  );
}

function Message() {
  const message = usePosStore((s) => s.message);
  const words = useMessageText();
  if (!message) return <div className="message" />;
  return (
    <div className={`message ${message.tone}`} role={message.tone === 'error' ? 'alert' : 'status'}>
      {words(message)}
    </div>
  );
}
