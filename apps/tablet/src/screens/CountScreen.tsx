/**
 * [TA11] [TA12] 盘点 Counts: the whole store or a zone as the fixed readers
 * see it now, or a handheld read for as long as the clerk holds "reading";
 * the reads as they come; sent to the server (or waiting on the tablet with
 * its reads); found, missing, unexpected and accuracy by SKU and by unit;
 * approved with a supervisor's id and PIN.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CountOnDevice, CountReport, CountSource } from '@pos/app-core';
import { useDateTime } from '@pos/ui';
import type { Tablet } from '../tablet';
import { DiscardSheet, HoldToRead, Note, Sheet, SupervisorFields, useHeldRead } from './common';
import { percentOfBp, variantLabel } from './view';
import { noteOf, noteOfRefusal, useWords, type ScreenNote } from './words';

export function CountScreen(props: {
  tablet: Tablet;
  online: boolean;
  /** Told whenever the counts on the device may have changed (the status line counts those waiting). */
  onCounts(): void;
}) {
  const t = useWords();
  const { counts } = props.tablet;
  const [list, setList] = useState<CountOnDevice[]>([]);
  const [current, setCurrent] = useState<CountOnDevice | null>(null);
  const [zones, setZones] = useState<string[]>([]);
  const [zone, setZone] = useState('');
  const [note, setNote] = useState<ScreenNote | null>(null);
  const [busy, setBusy] = useState(false);

  const { onCounts } = props;
  const refresh = useCallback(() => {
    onCounts();
    void counts.counts().then((all) => {
      setList(all);
      setCurrent((c) => (c ? (all.find((x) => x.countId === c.countId) ?? c) : (all[0] ?? null)));
    });
  }, [counts, onCounts]);
  useEffect(() => {
    refresh();
    return props.tablet.sync.watch(refresh);
  }, [props.tablet, refresh]);
  useEffect(() => {
    void counts.zones().then((outcome) => {
      if (outcome.ok) {
        setZones(outcome.value);
        setZone((z) => z || outcome.value[0] || '');
      }
    });
  }, [counts]);

  const start = (source: CountSource) => {
    setBusy(true);
    setNote(null);
    void counts
      .start(source)
      .then((outcome) => {
        if (!outcome.ok) setNote(noteOfRefusal(outcome));
        else {
          setCurrent(outcome.value);
          refresh();
        }
      })
      .finally(() => setBusy(false));
  };

  return (
    <main className="screen-count">
      <section className="panel count-start" aria-label={t('Start a count')}>
        <h2>{t('Start a count')}</h2>
        <button
          type="button"
          className="wide"
          disabled={busy}
          onClick={() => start({ kind: 'store' })}
        >
          {t('Whole store, fixed readers')}
        </button>
        <div className="zone-pick">
          <label>
            <span>{t('Zone')}</span>
            <select value={zone} onChange={(e) => setZone(e.target.value)}>
              {zones.length === 0 && <option value="">{t('No zones')}</option>}
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            disabled={busy || !zone}
            onClick={() => start({ kind: 'zone', zone })}
          >
            {t('Count this zone')}
          </button>
        </div>
        <button
          type="button"
          className="wide primary"
          disabled={busy}
          onClick={() => start({ kind: 'handheld' })}
        >
          {t('Handheld read')}
        </button>
        <Note note={note} />
        <h2>{t('Counts on this tablet')}</h2>
        {list.length === 0 && <p className="empty">{t('No counts yet')}</p>}
        <ul className="count-list">
          {list.map((c) => (
            <li key={c.countId}>
              <button
                type="button"
                className={current?.countId === c.countId ? 'count-item on' : 'count-item'}
                onClick={() => setCurrent(c)}
              >
                <span>{scopeWords(t, c)}</span>
                <span className={`badge state-${c.state}`}>{stateWords(t, c)}</span>
                <span className="muted">{t('{n} reads', { n: c.epcs.length })}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel count-current" aria-label={t('This count')}>
        {current ? (
          <CurrentCount
            key={current.countId}
            tablet={props.tablet}
            count={current}
            online={props.online}
            onCount={(c) => {
              setCurrent(c);
              refresh();
            }}
            onDiscarded={() => {
              setCurrent(null);
              refresh();
            }}
          />
        ) : (
          <p className="empty">{t('Start a count, or choose one on this tablet')}</p>
        )}
      </section>
    </main>
  );
}

type Words = ReturnType<typeof useWords>;

function scopeWords(t: Words, count: CountOnDevice): string {
  const { source } = count;
  if (source.kind === 'store') return t('Whole store');
  if (source.kind === 'zone') return t('Zone {zone}', { zone: source.zone });
  return source.wholeStore ? t('Handheld, whole store') : t('Handheld');
}

function stateWords(t: Words, count: CountOnDevice): string {
  switch (count.state) {
    case 'reading':
      return t('Reading');
    case 'ready':
      return t('Ready to send');
    case 'waiting':
      return t('Waiting for the network');
    case 'refused':
      return t('Refused');
    case 'compared':
      return t('Compared, not approved');
    case 'approved':
      return t('Approved');
  }
}

function CurrentCount(props: {
  tablet: Tablet;
  count: CountOnDevice;
  online: boolean;
  onCount(count: CountOnDevice): void;
  onDiscarded(): void;
}) {
  const t = useWords();
  const { dateTime } = useDateTime();
  const { counts } = props.tablet;
  const { count } = props;
  const [note, setNote] = useState<ScreenNote | null>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<CountReport | null>(null);
  const [approving, setApproving] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const { onCount } = props;

  useEffect(() => {
    let live = true;
    void counts.report(count).then((r) => {
      if (live) setReport(r);
    });
    return () => {
      live = false;
    };
  }, [counts, count]);

  // Held: reading; released (even before the read has begun): stopped, what was read kept.
  const { reading, holdStart, holdEnd } = useHeldRead(() => counts.read(count.countId, onCount), {
    onRefused: (refusal) => setNote(noteOfRefusal(refusal)),
    onStopped: onCount,
  });

  const send = () => {
    setBusy(true);
    void counts
      .submit(count.countId)
      .then((outcome) => {
        setNote(noteOf(outcome));
        void counts.counts().then((all) => {
          const after = all.find((c) => c.countId === count.countId);
          if (after) onCount(after);
        });
      })
      .finally(() => setBusy(false));
  };

  const handheld = count.source.kind === 'handheld';
  const mayRead = handheld && (count.state === 'reading' || count.state === 'ready');
  const maySend = count.state === 'ready' || count.state === 'waiting' || count.state === 'refused';
  return (
    <>
      <header className="count-head">
        <div>
          <h2>{scopeWords(t, count)}</h2>
          <span className="muted">
            {t('Started {time}', { time: dateTime(count.startedAt) })} · {count.countId}
          </span>
        </div>
        <span className={`badge state-${count.state}`}>{stateWords(t, count)}</span>
      </header>
      <p className="count-reads" aria-live="polite">
        <strong>{count.epcs.length}</strong> {t('tags read')}
        {count.ignored > 0 && (
          <span className="muted"> · {t('{n} other tags ignored', { n: count.ignored })}</span>
        )}
      </p>
      {mayRead && (
        <HoldToRead
          reading={reading}
          label={t('Hold to read')}
          readingLabel={t('Reading… release to stop')}
          onStart={holdStart}
          onEnd={holdEnd}
        />
      )}
      {count.state === 'waiting' && (
        <p className="note waiting" role="status">
          {t(
            'Waiting for the network: the {n} reads are kept on this tablet and sent when online',
            {
              n: count.epcs.length,
            },
          )}
        </p>
      )}
      {count.state === 'refused' && (
        <Note note={{ tone: 'error', code: count.code, text: count.reason ?? '' }} />
      )}
      <Note note={note} />
      {(maySend || count.state === 'reading') && (
        <div className="actions">
          <button type="button" onClick={() => setConfirmDiscard(true)} disabled={reading}>
            {t('Discard')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy || reading || count.state === 'reading' || count.epcs.length === 0}
            onClick={send}
          >
            {count.state === 'waiting' || count.state === 'refused'
              ? t('Send again')
              : t('Send the count')}
          </button>
        </div>
      )}
      {report && <CountResultView report={report} />}
      {count.state === 'compared' && (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={!props.online}
            onClick={() => {
              setNote(null);
              setApproving(true);
            }}
          >
            {t('Approve (supervisor)')}
          </button>
        </div>
      )}
      {count.state === 'approved' && (
        <p className="note info" role="status">
          {t('Approved by {id}: stock adjusted', { id: count.approvedBy ?? '' })}
        </p>
      )}
      {approving && (
        <ApproveSheet
          tablet={props.tablet}
          count={count}
          onClose={() => setApproving(false)}
          onDone={(after, said) => {
            setApproving(false);
            setNote(said);
            onCount(after);
          }}
        />
      )}
      {confirmDiscard && (
        <DiscardSheet
          title={t('Discard this count?')}
          text={t('Its {n} reads are removed from this tablet.', { n: count.epcs.length })}
          onCancel={() => setConfirmDiscard(false)}
          onDiscard={() => {
            setConfirmDiscard(false);
            void counts.discard(count.countId).then(props.onDiscarded);
          }}
        />
      )}
    </>
  );
}

function CountResultView({ report }: { report: CountReport }) {
  const t = useWords();
  const { result } = report;
  return (
    <div className="count-result">
      <dl className="count-figures">
        <div>
          <dt>{t('Found')}</dt>
          <dd className="ok">{result.found.length}</dd>
        </div>
        <div>
          <dt>{t('Missing')}</dt>
          <dd className={result.missing.length ? 'warn' : ''}>{result.missing.length}</dd>
        </div>
        <div>
          <dt>{t('Unexpected')}</dt>
          <dd className={result.unexpected.length ? 'low' : ''}>{result.unexpected.length}</dd>
        </div>
        <div>
          <dt>{t('Accuracy by unit')}</dt>
          <dd>{percentOfBp(result.unitAccuracyBp)} %</dd>
        </div>
        <div>
          <dt>{t('Accuracy by SKU')}</dt>
          <dd>{percentOfBp(result.skuAccuracyBp)} %</dd>
        </div>
      </dl>
      <table className="count-lines">
        <thead>
          <tr>
            <th>{t('Product')}</th>
            <th>{t('Expected')}</th>
            <th>{t('Found')}</th>
            <th>{t('Missing')}</th>
            <th>{t('Unexpected')}</th>
            <th>{t('Accuracy')}</th>
          </tr>
        </thead>
        <tbody>
          {report.lines.map((line) => {
            const adjustment = report.adjustments.find((a) => a.sku === line.sku);
            return (
              <tr key={line.sku}>
                <td>
                  <strong>{line.item.styleName ?? line.item.name ?? line.sku}</strong>
                  <span className="muted">
                    {' '}
                    {variantLabel(line.item) ?? line.sku}
                    {adjustment
                      ? ` · ${t('Adjust {delta}', {
                          delta: adjustment.delta > 0 ? `+${adjustment.delta}` : adjustment.delta,
                        })}`
                      : ''}
                  </span>
                </td>
                <td>{line.expected}</td>
                <td>{line.found}</td>
                <td className={line.missing ? 'warn' : ''}>{line.missing}</td>
                <td className={line.unexpected ? 'low' : ''}>{line.unexpected}</td>
                <td>{percentOfBp(line.accuracyBp)} %</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** [FM9] The supervisor's id and PIN on the keypad. */
function ApproveSheet(props: {
  tablet: Tablet;
  count: CountOnDevice;
  onClose(): void;
  onDone(count: CountOnDevice, note: ScreenNote | null): void;
}) {
  const t = useWords();
  const [supervisorId, setSupervisorId] = useState(`${props.tablet.config.storeId}-E`);
  const [pin, setPin] = useState('');
  const [note, setNote] = useState<ScreenNote | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Sheet title={t('Approve the count')} onClose={props.onClose} wide>
      <p className="hint">{t('Approving adjusts the stock by the count, once.')}</p>
      <SupervisorFields
        supervisorId={supervisorId}
        onSupervisorId={setSupervisorId}
        pin={pin}
        onPin={setPin}
        after={<Note note={note} />}
      />
      <div className="actions">
        <button type="button" onClick={props.onClose}>
          {t('Cancel')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || !pin}
          onClick={() => {
            setBusy(true);
            void props.tablet.counts
              .approve(props.count.countId, { supervisorId: supervisorId.trim(), pin })
              .then((outcome) => {
                if (outcome.ok) props.onDone(outcome.value, noteOf(outcome));
                else {
                  setNote(noteOfRefusal(outcome));
                  setPin('');
                }
              })
              .finally(() => setBusy(false));
          }}
        >
          {t('Approve')}
        </button>
      </div>
    </Sheet>
  );
}
