/**
 * 异常 Exceptions: the review list by group, status and store (newest
 * first), an exception's detail with the facts behind it (as the server
 * masked them), its resolutions, and a form to record one (action and
 * note) for those who may resolve; the list updates after.
 */
import { useState, type FormEvent } from 'react';
import {
  RESOLUTION_ACTIONS,
  REVIEW_GROUPS,
  type ExceptionDetail,
  type ExceptionView,
  type ResolutionAction,
  type ReviewGroup,
} from '@pos/domain';
import { ACTION_WORDS, GROUP_WORDS } from '../messages';
import {
  DataTable,
  EmptyDetail,
  ErrorBanner,
  FreshnessLine,
  StorePicker,
  failureText,
  useCan,
  useConsole,
  useLive,
  useStore,
  when,
  type Column,
} from '../kit';

type Status = 'open' | 'resolved' | 'all';
const PAGE = 100;

export function Exceptions() {
  const { t, api, language } = useConsole();
  const [status, setStatus] = useState<Status>('open');
  const [group, setGroup] = useState<ReviewGroup | ''>('');
  const [store, setStore] = useStore(true);
  /** Older pages: the `receivedAt` each starts before. */
  const [before, setBefore] = useState<string[]>([]);
  const [chosen, setChosen] = useState<string | null>(null);
  const cursor = before.at(-1);
  const list = useLive(
    (signal) =>
      api.exceptions(
        {
          status,
          limit: PAGE,
          ...(group ? { group } : {}),
          ...(store ? { store } : {}),
          ...(cursor ? { before: cursor } : {}),
        },
        signal,
      ),
    `${status}|${group}|${store}|${cursor ?? ''}`,
  );
  const rows = list.data?.exceptions ?? [];
  const columns: Column<ExceptionView>[] = [
    {
      header: t('Received'),
      value: (e) => e.receivedAt,
      render: (e) => when(language, e.receivedAt),
    },
    { header: t('Group'), value: (e) => t(GROUP_WORDS[e.group]) },
    { header: t('Kind'), value: (e) => e.kind },
    { header: t('Store'), value: (e) => e.storeId ?? t('Online') },
    {
      header: t('Status'),
      value: (e) => t(e.status === 'open' ? 'Open' : 'Resolved'),
      render: (e) => (
        <span className={`status-chip ${e.status}`}>
          {t(e.status === 'open' ? 'Open' : 'Resolved')}
        </span>
      ),
    },
    {
      header: t('Last resolution'),
      value: (e) =>
        e.lastResolution
          ? `${t(ACTION_WORDS[e.lastResolution.action])}: ${e.lastResolution.note}`
          : '',
    },
  ];
  const reset = () => {
    setBefore([]);
    setChosen(null);
  };

  return (
    <main className="screen-body">
      <section className="toolbar">
        <h1>{t('Exceptions')}</h1>
        <div className="period" role="group" aria-label={t('Status')}>
          {(['open', 'resolved', 'all'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={s === status ? 'chip selected' : 'chip'}
              aria-pressed={s === status}
              onClick={() => {
                setStatus(s);
                reset();
              }}
            >
              {t(s === 'open' ? 'Open' : s === 'resolved' ? 'Resolved' : 'All')}
            </button>
          ))}
        </div>
        <label className="picker">
          {t('Group')}
          <select
            value={group}
            onChange={(e) => {
              setGroup(e.target.value as ReviewGroup | '');
              reset();
            }}
          >
            <option value="">{t('All groups')}</option>
            {REVIEW_GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(GROUP_WORDS[g])}
              </option>
            ))}
          </select>
        </label>
        <StorePicker
          value={store}
          onChange={(s) => {
            setStore(s);
            reset();
          }}
          allowAll
        />
        <FreshnessLine at={list.at} />
      </section>
      <ErrorBanner text={list.error} />
      <section className="master-detail">
        <div>
          <DataTable
            title={t('Exceptions')}
            name="exceptions"
            columns={columns}
            rows={rows}
            rowKey={(e) => e.id}
            onRow={(e) => setChosen(e.id)}
            selected={chosen}
            file={`exceptions_${status}${group ? `_${group}` : ''}${store ? `_${store}` : ''}`}
            empty={t('No exceptions here')}
            actions={
              <>
                {before.length > 0 && (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setBefore(before.slice(0, -1))}
                  >
                    {t('Newer')}
                  </button>
                )}
                {list.data?.more && rows.length > 0 && (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setBefore([...before, rows.at(-1)!.receivedAt])}
                  >
                    {t('Older')}
                  </button>
                )}
              </>
            }
          />
        </div>
        {chosen ? (
          <ExceptionPanel id={chosen} onResolved={list.reload} />
        ) : (
          <EmptyDetail hint={t('Choose an exception to see the facts behind it')} />
        )}
      </section>
    </main>
  );
}

/** A JSON value laid out for reading. */
function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

function ExceptionPanel({ id, onResolved }: { id: string; onResolved: () => void }) {
  const { t, api, language } = useConsole();
  const mayResolve = useCan('exceptions:resolve');
  const detail = useLive<ExceptionDetail>((signal) => api.exception(id, signal), id, false);
  const [action, setAction] = useState<ResolutionAction>('accepted');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const exception = detail.data?.exception;

  const record = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await api.resolve(id, { action, note: note.trim() });
      setNote('');
      detail.reload();
      onResolved();
    } catch (failure) {
      setProblem(failureText(t, failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel detail-panel" aria-label={t('Exception')} data-exception={id}>
      <ErrorBanner text={detail.error} />
      {exception ? (
        <>
          <div className="panel-head">
            <h2>
              {t(GROUP_WORDS[exception.group])} · {exception.kind}
            </h2>
            <span className={`status-chip ${exception.status}`}>
              {t(exception.status === 'open' ? 'Open' : 'Resolved')}
            </span>
          </div>
          <dl className="facts">
            <dt>{t('Store')}</dt>
            <dd>{exception.storeId ?? t('Online')}</dd>
            <dt>{t('Received')}</dt>
            <dd>{when(language, exception.receivedAt)}</dd>
            <dt>{t('Fact')}</dt>
            <dd className="mono">
              {exception.factDb}/{exception.factId}
            </dd>
          </dl>
          <h3>{t('Details')}</h3>
          <Json value={exception.details} />
          <h3>{t('The facts behind it')}</h3>
          {detail.data!.facts.length ? (
            detail.data!.facts.map((fact) => (
              <div key={`${fact.db}/${fact.id}`} className="fact">
                <div className="mono">
                  {fact.db}/{fact.id}
                </div>
                <Json value={fact.body} />
              </div>
            ))
          ) : (
            <p className="empty">{t('No facts are kept for it')}</p>
          )}
          <h3>{t('Resolutions')}</h3>
          {detail.data!.resolutions.length ? (
            <ol className="resolutions">
              {detail.data!.resolutions.map((r) => (
                <li key={r.id}>
                  <strong>{t(ACTION_WORDS[r.action])}</strong> · {r.userName} ·{' '}
                  {when(language, r.at)}
                  {r.note && <div>{r.note}</div>}
                </li>
              ))}
            </ol>
          ) : (
            <p className="empty">{t('None yet')}</p>
          )}
          {mayResolve && (
            <form className="resolve-form" onSubmit={(e) => void record(e)}>
              <label>
                {t('Action')}
                <select
                  value={action}
                  onChange={(e) => setAction(e.target.value as ResolutionAction)}
                >
                  {RESOLUTION_ACTIONS.map((a) => (
                    <option key={a} value={a}>
                      {t(ACTION_WORDS[a])}
                    </option>
                  ))}
                </select>
              </label>
              <label className="grow">
                {t('Note')}
                <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
              </label>
              <button type="submit" className="primary" disabled={busy || !note.trim()}>
                {t('Record resolution')}
              </button>
              <ErrorBanner text={problem} />
            </form>
          )}
        </>
      ) : (
        !detail.error && <p className="hint">{t('Loading…')}</p>
      )}
    </section>
  );
}
