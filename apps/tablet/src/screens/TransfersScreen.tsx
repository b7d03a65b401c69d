/**
 * [TA13] [TA14] [TA15] 调拨与收货 Transfers and deliveries: the store's
 * transfers to pick, ship or receive; the step scanned by the hub's
 * scanner, the camera, a typed barcode or the RFID handheld (held to
 * read); expected against scanned per line, over and under, with big
 * − and + for a clerk with boxes in hand; confirmed at once, kept on the
 * tablet and sent (or waiting for the network).
 */
import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { stepLines, type StepOnDevice, type TransferBoard, type TransferTask } from '@pos/app-core';
import type { TransferStatus, TransferStep } from '@pos/domain';
import type { Tablet } from '../tablet';
import { CameraScanner } from './CameraScanner';
import { DiscardSheet, HoldToRead, Note, useHeldRead } from './common';
import { noteOf, noteOfNotice, noteOfRefusal, useWords, type ScreenNote } from './words';

type Words = ReturnType<typeof useWords>;

function stepWords(t: Words, step: TransferStep): string {
  if (step === 'ready') return t('Pick');
  if (step === 'shipped') return t('Ship');
  return t('Receive');
}

function stateWords(t: Words, step: StepOnDevice): string {
  switch (step.state) {
    case 'scanning':
      return t('Scanning');
    case 'waiting':
      return t('Waiting for the network');
    case 'sent':
      return t('Confirmed');
    case 'refused':
      return t('Refused');
  }
}

function statusWords(t: Words, status: TransferStatus): string {
  switch (status) {
    case 'draft':
      return t('Draft');
    case 'ready':
      return t('Picked');
    case 'shipped':
      return t('Shipped');
    case 'received':
      return t('Received');
    case 'cancelled':
      return t('Cancelled');
  }
}

const units = (task: TransferTask) => task.order.lines.reduce((n, l) => n + l.quantity, 0);

export function TransfersScreen(props: {
  tablet: Tablet;
  /** Told whenever the steps on the device may have changed. */
  onSteps(): void;
}) {
  const t = useWords();
  const { transfers } = props.tablet;
  const [board, setBoard] = useState<TransferBoard | null>(null);
  const [steps, setSteps] = useState<StepOnDevice[]>([]);
  const [current, setCurrent] = useState<StepOnDevice | null>(null);
  const [note, setNote] = useState<ScreenNote | null>(null);
  const [busy, setBusy] = useState(false);

  const { onSteps } = props;
  const refresh = useCallback(() => {
    onSteps();
    void transfers.board().then((outcome) => {
      if (outcome.ok) setBoard(outcome.value);
      else setNote(noteOfRefusal(outcome));
    });
    void transfers.steps().then((all) => {
      setSteps(all);
      setCurrent((c) => (c ? (all.find((s) => s.stepId === c.stepId) ?? c) : c));
    });
  }, [transfers, onSteps]);
  useEffect(() => {
    refresh();
    return props.tablet.sync.watch(refresh);
  }, [props.tablet, refresh]);

  const open = (task: TransferTask) => {
    setBusy(true);
    setNote(null);
    void transfers
      .start(task.order.id)
      .then((outcome) => {
        if (!outcome.ok) setNote(noteOfRefusal(outcome));
        else {
          setCurrent(outcome.value);
          refresh();
        }
      })
      .finally(() => setBusy(false));
  };

  const waiting = steps.filter((s) => s.state === 'waiting' || s.state === 'refused');
  return (
    <main className="screen-transfers">
      <section className="panel transfer-tasks" aria-label={t('Transfers and deliveries')}>
        <header className="count-head">
          <h2>{t('Transfers and deliveries')}</h2>
          <button type="button" onClick={refresh} disabled={busy}>
            {t('Refresh')}
          </button>
        </header>
        {board?.state === 'stale' && (
          <p className="note waiting" role="status">
            {t('Offline: the list as last seen')}
          </p>
        )}
        <Note note={note} />
        {board && board.tasks.length === 0 && <p className="empty">{t('Nothing to do now')}</p>}
        <ul className="transfer-list">
          {board?.tasks.map((task) => (
            <li key={task.order.id}>
              <button
                type="button"
                data-transfer={task.order.id}
                className={
                  current?.transferId === task.order.id ? 'transfer-item on' : 'transfer-item'
                }
                disabled={busy}
                onClick={() => open(task)}
              >
                <span className={`badge step-${task.step}`}>{stepWords(t, task.step)}</span>
                <strong>
                  {task.role === 'send'
                    ? t('To {store}', { store: task.order.to })
                    : t('From {store}', { store: task.order.from })}
                </strong>
                <span className="muted">
                  {task.order.kind === 'delivery' ? t('Delivery') : t('Transfer')} · {task.order.id}
                </span>
                <span className="muted">
                  {t('{lines} lines, {n} units', {
                    lines: task.order.lines.length,
                    n: units(task),
                  })}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {waiting.length > 0 && (
          <>
            <h2>{t('Waiting to send')}</h2>
            <ul className="transfer-list">
              {waiting.map((s) => (
                <li key={s.stepId}>
                  <button type="button" className="transfer-item" onClick={() => setCurrent(s)}>
                    <span className={`badge state-${s.state}`}>{stateWords(t, s)}</span>
                    <strong>
                      {stepWords(t, s.step)} · {s.transferId}
                    </strong>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section className="panel transfer-current" aria-label={t('This step')}>
        {current ? (
          <CurrentStep
            key={current.stepId}
            tablet={props.tablet}
            step={current}
            onStep={(s) => {
              setCurrent(s);
              refresh();
            }}
            onClosed={() => {
              setCurrent(null);
              refresh();
            }}
          />
        ) : (
          <p className="empty">{t('Choose a transfer to pick, ship or receive')}</p>
        )}
      </section>
    </main>
  );
}

function CurrentStep(props: {
  tablet: Tablet;
  step: StepOnDevice;
  onStep(step: StepOnDevice): void;
  onClosed(): void;
}) {
  const t = useWords();
  const { transfers } = props.tablet;
  const { step, onStep } = props;
  const [note, setNote] = useState<ScreenNote | null>(null);
  const [typed, setTyped] = useState('');
  const [camera, setCamera] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const scanning = step.state === 'scanning';

  const scan = (code: string) => {
    if (!scanning) return;
    void transfers.scan(step.stepId, code).then((outcome) => {
      setNote(noteOf(outcome));
      if (outcome.ok) onStep(outcome.value);
    });
  };
  const onHubScan = useEffectEvent((code: string) => scan(code));
  // The hub's scanner reads straight into the step, each code in turn.
  const { hub } = props.tablet;
  useEffect(() => hub?.onScan((code) => onHubScan(code)), [hub]);

  // Held: the handheld's tags go into the step; released: stopped, what was read kept.
  const { reading, holdStart, holdEnd } = useHeldRead(
    () =>
      transfers.read(step.stepId, (after, notice) => {
        onStep(after);
        if (notice) setNote(noteOfNotice(notice));
      }),
    { onRefused: (refusal) => setNote(noteOfRefusal(refusal)) },
  );

  const setCount = (sku: string, n: number) => {
    void transfers.setCount(step.stepId, sku, n).then((outcome) => {
      setNote(noteOf(outcome));
      if (outcome.ok) onStep(outcome.value);
    });
  };

  const confirm = () => {
    setBusy(true);
    void transfers
      .confirm(step.stepId)
      .then(async (outcome) => {
        setNote(noteOf(outcome));
        const after = (await transfers.steps()).find((s) => s.stepId === step.stepId);
        if (after) onStep(after);
      })
      .finally(() => setBusy(false));
  };

  const lines = stepLines(step);
  const scannedUnits = lines.reduce((n, l) => n + l.scanned, 0);
  const expectedUnits = lines.reduce((n, l) => n + l.expected, 0);
  return (
    <>
      <header className="count-head">
        <div>
          <h2>
            {stepWords(t, step.step)} · {step.order.from} → {step.order.to}
          </h2>
          <span className="muted">{step.transferId}</span>
        </div>
        <span className={`badge state-${step.state}`}>{stateWords(t, step)}</span>
      </header>
      <p className="count-reads" aria-live="polite">
        <strong>
          {scannedUnits} / {expectedUnits}
        </strong>{' '}
        {t('units scanned')}
      </p>
      {scanning && (
        <>
          <form
            className="transfer-scan"
            onSubmit={(e) => {
              e.preventDefault();
              if (typed.trim()) scan(typed);
              setTyped('');
            }}
          >
            <input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              placeholder={t('Scan or type a barcode')}
              aria-label={t('Scan or type a barcode')}
              inputMode="search"
              autoFocus
            />
            <button type="submit">{t('Add')}</button>
            <button type="button" onClick={() => setCamera(true)}>
              {t('Camera')}
            </button>
          </form>
          {camera && (
            <CameraScanner
              tablet={props.tablet}
              onCode={(code) => scan(code)}
              onClose={() => setCamera(false)}
            />
          )}
          <HoldToRead
            reading={reading}
            label={t('Hold to read RFID tags')}
            readingLabel={t('Reading… release to stop')}
            onStart={holdStart}
            onEnd={holdEnd}
          />
        </>
      )}
      <Note note={note} />
      {step.state === 'waiting' && (
        <p className="note waiting" role="status">
          {t('Waiting for the network: kept on this tablet and sent when online')}
        </p>
      )}
      {step.state === 'refused' && (
        <Note note={{ tone: 'error', code: step.code, text: step.reason ?? '' }} />
      )}
      <table className="count-lines transfer-lines">
        <thead>
          <tr>
            <th>{t('Product')}</th>
            <th>{t('Expected')}</th>
            <th>{t('Scanned')}</th>
            <th>{t('Over / under')}</th>
            {scanning && <th aria-label={t('Correct')} />}
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr
              key={line.sku}
              data-sku={line.sku}
              className={line.over ? 'over' : line.under ? 'under' : 'exact'}
            >
              <td>
                <strong>{line.name}</strong>
                <span className="muted"> {line.sku}</span>
              </td>
              <td>{line.expected}</td>
              <td className="scanned">{line.scanned}</td>
              <td className={line.over ? 'low' : line.under ? 'warn' : 'ok'}>
                {line.over
                  ? t('{n} over', { n: line.over })
                  : line.under
                    ? t('{n} short', { n: line.under })
                    : '✓'}
              </td>
              {scanning && (
                <td className="steppers">
                  <button
                    type="button"
                    aria-label={t('One less')}
                    disabled={line.scanned === 0}
                    onClick={() => setCount(line.sku, line.scanned - 1)}
                  >
                    −
                  </button>
                  <button
                    type="button"
                    aria-label={t('One more')}
                    onClick={() => setCount(line.sku, line.scanned + 1)}
                  >
                    +
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {(scanning || step.state === 'waiting') && (
        <div className="actions">
          {scanning && (
            <button type="button" onClick={() => setConfirmDiscard(true)} disabled={reading}>
              {t('Discard')}
            </button>
          )}
          <button
            type="button"
            className="primary big"
            disabled={busy || reading}
            onClick={confirm}
          >
            {step.state === 'waiting'
              ? t('Send again')
              : t('Confirm: {step}', { step: stepWords(t, step.step) })}
          </button>
        </div>
      )}
      {step.state === 'sent' && (
        <p className="note info" role="status">
          {t('Confirmed: the transfer is {status} now', {
            status: statusWords(t, step.answer?.status ?? step.step),
          })}
        </p>
      )}
      {confirmDiscard && (
        <DiscardSheet
          title={t('Discard these scans?')}
          text={t('The units scanned for this step are removed from this tablet.')}
          onCancel={() => setConfirmDiscard(false)}
          onDiscard={() => {
            setConfirmDiscard(false);
            void transfers.discard(step.stepId).then(props.onClosed);
          }}
        />
      )}
    </>
  );
}
