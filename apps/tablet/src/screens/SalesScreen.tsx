/**
 * [CL10] [CM9] The clerk's own day and month: credited sales, commission and
 * lines, live or as of the last answer; and [CL11] a supervisor's edit of a
 * line's credit, approved by their id and PIN on the keypad, with a reason.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ClerkCommissionView } from '@pos/app-core';
import type { ClerkPeriod, CreditedLineView, Staff } from '@pos/domain';
import { useDateTime, useLocale, useMoney } from '@pos/ui';
import type { Tablet } from '../tablet';
import { Freshness, Note, SupervisorFields } from './common';
import { CreditSheet } from './CreditSheet';
import { creditSummary, percentOfShare } from './view';
import { noteOfRefusal, useWords, type ScreenNote } from './words';

export function SalesScreen(props: { tablet: Tablet; staff: Staff; online: boolean }) {
  const t = useWords();
  const money = useMoney();
  const { language } = useLocale();
  const { dateTime } = useDateTime();
  const { clerk } = props.tablet;
  const staffId = props.staff.id;
  const [view, setView] = useState<ClerkCommissionView | null>(null);
  const [editing, setEditing] = useState<CreditedLineView | null>(null);
  const [done, setDone] = useState<ScreenNote | null>(null);

  const load = useCallback(() => {
    void clerk.commission(staffId).then(setView);
  }, [clerk, staffId]);
  useEffect(load, [load]);

  if (!view) return <main className="screen-sales">{t('Loading…')}</main>;
  if (view.state === 'none') {
    return (
      <main className="screen-sales">
        <p className="empty stale" role="status">
          {t('Not known yet')}
          {props.online ? '' : ` · ${t('Offline')}`}
          {language === 'en' && props.online ? ` (${view.reason})` : ''}
        </p>
        <button type="button" onClick={load}>
          {t('Refresh')}
        </button>
      </main>
    );
  }
  const { answer } = view;
  return (
    <main className="screen-sales">
      <div className="sales-head">
        <Freshness state={view.state} asOf={answer.now} offline={!props.online} />
        <button type="button" onClick={load}>
          {t('Refresh')}
        </button>
      </div>
      <div className="periods">
        <Period title={t('Today')} period={answer.day} />
        <Period title={t('This month')} period={answer.month} />
      </div>
      <Note note={done} />
      <h2>{t('Credited lines this month')}</h2>
      {answer.lines.length === 0 && (
        <p className="empty">{t('No credited lines yet this month')}</p>
      )}
      <ul className="credited-lines">
        {answer.lines.map((line) => {
          const mine = line.credits.find((c) => c.staffId === staffId);
          return (
            <li key={`${line.source}:${line.lineId}`}>
              <div className="what">
                <strong>{line.name}</strong>
                <span className="muted">
                  {line.sku} · {dateTime(line.soldAt)}
                </span>
                <span className="muted">
                  {t('Credit: {who}', { who: creditSummary(line.credits) })}
                </span>
              </div>
              <div className="money">
                <strong>{money(line.net)}</strong>
                {line.remainingNet !== line.net && (
                  <span className="warn">
                    {t('Refunded: {amount}', { amount: money(line.net - line.remainingNet) })}
                  </span>
                )}
                {mine && (
                  <span className="muted">
                    {t('Your share {share} %', { share: percentOfShare(mine.share) })}
                  </span>
                )}
              </div>
              <button
                type="button"
                disabled={!props.online}
                onClick={() => {
                  setDone(null);
                  setEditing(line);
                }}
              >
                {t('Supervisor edit')}
              </button>
            </li>
          );
        })}
      </ul>
      {editing && (
        <CreditEdit
          tablet={props.tablet}
          line={editing}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            setDone({ tone: 'info', code: 'CREDIT_CHANGED', text: 'Credit changed' });
            load();
          }}
        />
      )}
    </main>
  );
}

function Period({ title, period }: { title: string; period: ClerkPeriod }) {
  const t = useWords();
  const money = useMoney();
  return (
    <section className="period" aria-label={title}>
      <h2>{title}</h2>
      <dl>
        <dt>{t('Sales')}</dt>
        <dd>{money(period.sales)}</dd>
        <dt>{t('Commission')}</dt>
        <dd className="commission">{money(period.commission)}</dd>
        <dt>{t('Lines')}</dt>
        <dd>{period.lines}</dd>
      </dl>
    </section>
  );
}

/** [CL11] The new split, the supervisor's id and PIN, and the reason. */
function CreditEdit(props: {
  tablet: Tablet;
  line: CreditedLineView;
  onClose(): void;
  onDone(): void;
}) {
  const t = useWords();
  const [supervisorId, setSupervisorId] = useState(`${props.tablet.config.storeId}-E`);
  const [pin, setPin] = useState('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<ScreenNote | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <CreditSheet
      title={t('Change the credit of this line')}
      credits={props.line.credits}
      note={note}
      busy={busy}
      onClose={props.onClose}
      onSave={(after) => {
        setBusy(true);
        void props.tablet.clerk
          .editCredit(props.line, after, reason.trim(), { supervisorId: supervisorId.trim(), pin })
          .then((outcome) => {
            if (outcome.ok) props.onDone();
            else {
              setNote(noteOfRefusal(outcome));
              setPin('');
            }
          })
          .finally(() => setBusy(false));
      }}
    >
      <SupervisorFields
        supervisorId={supervisorId}
        onSupervisorId={setSupervisorId}
        pin={pin}
        onPin={setPin}
        before={
          <label>
            <span>{t('Reason')}</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
        }
      />
    </CreditSheet>
  );
}
