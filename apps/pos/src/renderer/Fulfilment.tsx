/**
 * The fulfilment desk (门店发货): the store's parcels, most pressing first
 * with their counts and same-city windows; an open parcel's pick list in
 * aisle order where each scan picks one unit and says so in large letters;
 * a line reported short after a confirmation; pack, print the packing slip
 * and label, and hand the parcel to the courier. The use cases are the app
 * core's (fulfilment.ts); everything works offline.
 */
import { useEffect, useState } from 'react';
import type { Outcome, ParcelDraft, ParcelStage, ParcelSummary, ShortReason } from '@pos/app-core';
import { explainRouting, unitsToPick, type ShipmentLine } from '@pos/domain';
import { Modal, useDateTime, useLocale, useMessageText, useT, type ScreenMessage } from '@pos/ui';
import type { Till } from './boot';
import { useTill } from './till-state';

/** The desk's key beside the function keys (Shift with the key of the nearest function). */
export const FULFILMENT_KEYS: readonly (readonly [string, string])[] = [['Shift+F9', 'Parcels']];

const STAGE_WORDS: Record<ParcelStage, string> = {
  pick: 'To pick',
  pack: 'To pack',
  label: 'To label',
  handover: 'To hand over',
  'handed-over': 'Handed over',
  cancelled: 'Cancelled',
};

const SHORT_REASONS: readonly (readonly [ShortReason, string])[] = [
  ['not-found', 'Not found'],
  ['damaged', 'Damaged'],
  ['rejected', 'Rejected by the store'],
];

/** A parcel's id as people read it: the order number and the parcel's number (`791602AA-P2`). */
export function parcelNumber(shipmentId: string): string {
  const match = /^ORD-([0-9A-F]{8})-.*-(P\d+|R\d+-[A-Za-z0-9_]+)$/.exec(shipmentId);
  return match ? `${match[1]}-${match[2]}` : shipmentId;
}

/** What an outcome says on the desk: its refusal, or its first error, or its first notice. */
function messageOf(outcome: Outcome<unknown> | null): ScreenMessage | null {
  if (!outcome) return null;
  if (!outcome.ok) {
    const { ok: _, message, ...about } = outcome;
    return { tone: 'error', text: message, ...about };
  }
  return outcome.notices.find((n) => n.tone === 'error') ?? outcome.notices[0] ?? null;
}

/** [FD1]-[FD8] The desk: the list of parcels, or the parcel open at it. */
export function FulfilmentDesk({ till, onClose }: { till: Till; onClose(): void }) {
  const parcel = useTill((s) => s.parcel);
  // [FD10] The open parcel follows the server: lines merged or rerouted in appear.
  useEffect(() => till.watchParcels(() => void till.fulfilment.refresh()), [till]);
  return parcel ? (
    <ParcelDesk key={parcel.shipment.shipmentId} till={till} draft={parcel} />
  ) : (
    <ParcelList till={till} onClose={onClose} />
  );
}

/** [FD1] The store's parcels not yet handed over. */
function ParcelList({ till, onClose }: { till: Till; onClose(): void }) {
  const t = useT();
  const { time } = useDateTime();
  const words = useMessageText();
  const [parcels, setParcels] = useState<ParcelSummary[] | null>(null);
  const [message, setMessage] = useState<ScreenMessage | null>(null);
  // Live: a parcel the server makes or reroutes here shows as soon as it syncs.
  useEffect(() => till.watchParcels(() => void till.fulfilment.parcels().then(setParcels)), [till]);
  const open = (shipmentId: string) =>
    void till.fulfilment.open(shipmentId).then((o) => setMessage(o.ok ? null : messageOf(o)));
  return (
    <Modal title={t('Parcels')} onCancel={onClose} wide>
      {parcels === null ? (
        <p className="note">{t('Loading…')}</p>
      ) : parcels.length === 0 ? (
        <p className="note" role="status">
          {t('No parcels to ship')}
        </p>
      ) : (
        <table className="parcels">
          <thead>
            <tr>
              <th>{t('Parcel')}</th>
              <th>{t('Orders')}</th>
              <th>{t('Delivery')}</th>
              <th className="num">{t('Picked')}</th>
              <th className="num">{t('Left')}</th>
              <th>{t('Status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {parcels.map((p) => (
              <tr key={p.shipment.shipmentId} aria-label={`Parcel ${p.shipment.shipmentId}`}>
                <td>
                  <strong title={p.shipment.shipmentId}>
                    {parcelNumber(p.shipment.shipmentId)}
                  </strong>
                  {p.unsynced > 0 && (
                    <small className="unsynced" title={t('Steps not uploaded yet')}>
                      {' '}
                      ⇡{p.unsynced}
                    </small>
                  )}
                </td>
                <td>{p.orderNumbers.join(' · ')}</td>
                <td>
                  {p.shipment.window ? (
                    <span className="window">
                      {t('Same-city')} {time(p.shipment.window.from)}–{time(p.shipment.window.to)}
                    </span>
                  ) : (
                    p.shipment.carrier
                  )}
                </td>
                <td className="num">
                  {p.picked}/{p.units - p.short}
                </td>
                <td className="num" aria-label={`Left ${p.shipment.shipmentId}`}>
                  {p.left}
                </td>
                <td>{t(STAGE_WORDS[p.stage])}</td>
                <td>
                  <button type="button" onClick={() => open(p.shipment.shipmentId)}>
                    {t('Open')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {message && (
        <p className="desk-message error" role="alert">
          {words(message)}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t('Close')} <kbd>Esc</kbd>
        </button>
      </div>
    </Modal>
  );
}

/** [FD3] The last scan, large: green with what was picked and what is left, red with why not. */
function ScanFeedback({ draft }: { draft: ParcelDraft }) {
  const t = useT();
  const words = useMessageText();
  const scan = draft.lastScan;
  if (!scan) {
    return (
      <div className="scan-feedback idle" aria-label="Last scan">
        {draft.stage === 'pick' ? t('Scan each item to pick it') : t('Everything is picked')}
      </div>
    );
  }
  if (!scan.ok) {
    return (
      <div className="scan-feedback refused" role="alert" aria-label="Last scan">
        {words({
          tone: 'error',
          text: scan.text,
          code: scan.code,
          ...(scan.params ? { params: scan.params } : {}),
        })}
      </div>
    );
  }
  return (
    <div className="scan-feedback picked" role="status" aria-label="Last scan">
      ✓ {scan.name}{' '}
      <span>
        {scan.left > 0
          ? t('{n} more of this item').replace('{n}', String(scan.left))
          : t('line done')}
        {' · '}
        {t('{n} left in the parcel').replace('{n}', String(scan.parcelLeft))}
      </span>
    </div>
  );
}

type Panel = { kind: 'none' } | { kind: 'short'; line: ShipmentLine };

/** [FD2]-[FD8] One parcel at the desk. */
function ParcelDesk({ till, draft }: { till: Till; draft: ParcelDraft }) {
  const t = useT();
  const { language } = useLocale();
  const { time } = useDateTime();
  const words = useMessageText();
  const [message, setMessage] = useState<ScreenMessage | null>(null);
  const [busy, setBusy] = useState(false);
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [code, setCode] = useState('');
  const [weight, setWeight] = useState('');
  const [courier, setCourier] = useState('');
  const [shortUnits, setShortUnits] = useState(1);
  const [reason, setReason] = useState<ShortReason>('not-found');
  const { shipment, stage } = draft;

  const run = (work: () => Promise<Outcome<unknown>>, then?: () => void) => {
    if (busy) return;
    setBusy(true);
    void work()
      .then((outcome) => {
        setMessage(messageOf(outcome));
        if (outcome.ok) then?.();
      })
      .finally(() => setBusy(false));
  };
  const scan = () => {
    const text = code.trim();
    setCode('');
    if (!text) return;
    // The scan's answer shows in the large feedback, not the message line.
    void till.fulfilment.scan(text).then(() => setMessage(null));
  };
  const confirmShort = () => {
    if (panel.kind !== 'short') return;
    const { line } = panel;
    run(
      () =>
        till.fulfilment.short({ orderId: line.orderId, lineId: line.lineId }, shortUnits, reason),
      () => setPanel({ kind: 'none' }),
    );
  };
  const pack = () => {
    const text = weight.trim();
    const grams = text === '' ? undefined : Number(text);
    run(() => till.fulfilment.pack(grams));
  };
  const submit = () => {
    if (panel.kind === 'short') confirmShort();
    else if (stage === 'pick') scan();
    else if (stage === 'pack') pack();
    else if (stage === 'label') run(() => till.fulfilment.printLabel());
    else if (stage === 'handover') run(() => till.fulfilment.handOver(courier));
  };
  const cancel = () => {
    if (panel.kind !== 'none') setPanel({ kind: 'none' });
    else till.fulfilment.close();
  };
  // Lines with units left first, in aisle order, then the lines done.
  const toPick = draft.pickList;
  const finished = shipment.lines.filter((l) => unitsToPick(l) === 0);
  const lines = [...toPick, ...finished];
  const isNext = (l: ShipmentLine) => l === toPick[0];
  // [RO11] The server's decision in the screen's language; its sentence when it sent none.
  const why = draft.explanation
    ? explainRouting(draft.explanation, language).slice(0, 2).join(' ')
    : draft.reason;

  return (
    <Modal title={t('Parcels')} onCancel={cancel} onSubmit={submit} wide>
      <p className="order-head">
        <strong title={shipment.shipmentId}>
          {t('Parcel')} {parcelNumber(shipment.shipmentId)}
        </strong>{' '}
        · {t('Orders')} {draft.orderNumbers.join(' · ')} ·{' '}
        <span aria-label="Parcel status">{t(STAGE_WORDS[stage])}</span>
        {shipment.window && (
          <>
            {' '}
            ·{' '}
            <span className="window">
              {t('Same-city')} {time(shipment.window.from)}–{time(shipment.window.to)}
            </span>
          </>
        )}
      </p>
      <p className="note">
        {shipment.carrier} <span aria-label="Waybill">{shipment.trackingNo}</span>
        {why && (
          <>
            {' · '}
            <span aria-label="Why this store">
              {t('Why this store')}: {why}
            </span>
          </>
        )}
      </p>
      {(stage === 'pick' || draft.lastScan) && <ScanFeedback draft={draft} />}
      {stage === 'pick' && panel.kind === 'none' && (
        <label className="scan-field">
          {t('Scan or type a barcode')}
          <input
            autoFocus
            data-expects="code"
            autoComplete="off"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </label>
      )}
      {panel.kind === 'short' && (
        <section className="short-confirm" role="group" aria-label={t('Report short')}>
          <p className="desk-message error">
            {t('Report {n} × {name} short? They go to another store.')
              .replace('{n}', String(shortUnits))
              .replace('{name}', panel.line.name)}
          </p>
          <div className="methods" role="radiogroup" aria-label={t('Why')}>
            {SHORT_REASONS.map(([value, label]) => (
              <button
                key={value}
                type="button"
                role="radio"
                aria-checked={reason === value}
                onClick={() => setReason(value)}
              >
                {t(label)}
              </button>
            ))}
          </div>
          <label className="inline">
            {t('Units short')}
            <input
              autoFocus
              className="units"
              type="number"
              min={1}
              max={unitsToPick(panel.line)}
              value={shortUnits}
              onChange={(e) => setShortUnits(Math.trunc(Number(e.target.value)))}
            />
          </label>
          <div className="desk-step">
            <button type="button" onClick={() => setPanel({ kind: 'none' })}>
              {t('Cancel')} <kbd>Esc</kbd>
            </button>
            <button type="submit" disabled={busy}>
              {t('Confirm short')} <kbd>Enter</kbd>
            </button>
          </div>
        </section>
      )}
      <table className="pick-lines">
        <thead>
          <tr>
            <th>{t('Aisle')}</th>
            <th>{t('Item')}</th>
            <th className="num">{t('Qty')}</th>
            <th className="num">{t('Picked')}</th>
            <th className="num">{t('Short')}</th>
            <th className="num">{t('Left')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => {
            const left = unitsToPick(line);
            return (
              <tr
                key={`${line.orderId}/${line.lineId}`}
                aria-label={`${line.name} ${line.sku}`}
                className={left === 0 ? 'done' : isNext(line) ? 'next' : ''}
              >
                <td className="aisle">{line.aisle ?? '—'}</td>
                <td>
                  {line.name}
                  <small className="sku"> {line.sku}</small>
                </td>
                <td className="num">{line.quantity}</td>
                <td className="num">{line.picked}</td>
                <td className="num">{line.short}</td>
                <td className="num" aria-label={`Left ${line.sku}`}>
                  {left}
                </td>
                <td className="line-actions">
                  {stage === 'pick' && left > 0 && (
                    <>
                      <button
                        type="button"
                        disabled={busy}
                        aria-label={`${t('Pick by hand')} ${line.sku}`}
                        onClick={() =>
                          run(() =>
                            till.fulfilment.pickByHand({
                              orderId: line.orderId,
                              lineId: line.lineId,
                            }),
                          )
                        }
                      >
                        {t('Pick by hand')}
                      </button>
                      <button
                        type="button"
                        disabled={busy}
                        aria-label={`${t('Short')} ${line.sku}`}
                        onClick={() => {
                          setShortUnits(left);
                          setReason('not-found');
                          setPanel({ kind: 'short', line });
                        }}
                      >
                        {t('Short')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {panel.kind === 'none' && stage === 'pack' && (
        <div className="desk-step">
          <label>
            {t('Weight (g), optional')}
            <input
              autoFocus
              inputMode="numeric"
              data-expects="amount"
              value={weight}
              onChange={(e) => setWeight(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            {t('Pack')} <kbd>Enter</kbd>
          </button>
        </div>
      )}
      {panel.kind === 'none' && (stage === 'label' || stage === 'handover') && (
        <div className="desk-step">
          {!draft.labelPrinter && (
            <p className="desk-message error">{t('No label printer on this till')}</p>
          )}
          <button
            autoFocus={stage === 'label'}
            type={stage === 'label' ? 'submit' : 'button'}
            className={stage === 'label' ? 'primary' : ''}
            disabled={busy}
            onClick={stage === 'label' ? undefined : () => run(() => till.fulfilment.printLabel())}
          >
            {stage === 'label' ? t('Print slip and label') : t('Print label again')}
            {stage === 'label' && <kbd>Enter</kbd>}
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => run(() => till.fulfilment.printPackingSlip())}
          >
            {t('Print packing slip')}
          </button>
        </div>
      )}
      {panel.kind === 'none' && stage === 'handover' && (
        <div className="desk-step">
          <label>
            {t('Courier')}
            <input
              autoFocus
              data-expects="code"
              autoComplete="off"
              value={courier}
              onChange={(e) => setCourier(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" disabled={busy || !courier.trim()}>
            {t('Hand over to courier')} <kbd>Enter</kbd>
          </button>
        </div>
      )}
      {message && (
        <p
          className={`desk-message ${message.tone}`}
          role={message.tone === 'error' ? 'alert' : 'status'}
        >
          {words(message)}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={() => till.fulfilment.close()}>
          {t('Back to parcels')} <kbd>Esc</kbd>
        </button>
      </div>
    </Modal>
  );
}
