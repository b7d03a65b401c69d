/**
 * What every screen uses: the console context (language, words, API,
 * session), a live loader that asks again every 5 s (HC2), tables that
 * export CSV (HC6), figures, the store picker and the freshness line.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { ConsolePermission, SessionAnswer } from '@pos/domain';
import { dateTime, type Language } from '@pos/ui';
import { ConsoleApiError, type ConsoleApi } from './api';
import { can, pickerStores } from './access';
import { toCsv, type CsvCell } from './csv';
import { AGO_WORDS, agoParts } from './format';

export type Say = (text: string, values?: Record<string, string | number>) => string;

/** The stores' UTC offset: the demo chain's stores are all in China (UTC+8). */
export const STORE_UTC_OFFSET_MINUTES = 480;
export const STORE_TIME_ZONE = 'Asia/Shanghai';
export const REFRESH_MS = 5_000;

export type ConsoleContext = {
  language: Language;
  t: Say;
  api: ConsoleApi;
  session: SessionAnswer;
  /** An admin token has no console user of its own (no TOTP, no password). */
  credentialKind: 'session' | 'admin';
  /** Stores seen in answers, for pickers when the session names none. */
  seenStores: string[];
  noteStores: (ids: readonly string[]) => void;
};

const Context = createContext<ConsoleContext | null>(null);
export const ConsoleProvider = Context.Provider;

export function useConsole(): ConsoleContext {
  const context = useContext(Context);
  if (!context) throw new Error('useConsole outside the console');
  return context;
}

/** [HC9] Whether the signed-in user may `permission`. */
export function useCan(permission: ConsolePermission): boolean {
  return can(useConsole().session, permission);
}

/** A time of day with seconds in the stores' time zone: 14:05:09. */
export function clockTime(language: Language, iso: string): string {
  return new Intl.DateTimeFormat(language, {
    timeZone: STORE_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** A date and time in the stores' time zone (2026/12/07 14:05), or a dash for none. */
export function when(language: Language, iso: string | null | undefined): string {
  if (!iso || !Number.isFinite(Date.parse(iso))) return '–';
  return dateTime({ language, timeZone: STORE_TIME_ZONE }, iso);
}

/** The reason a request failed, in words. */
export function failureText(t: Say, failure: unknown): string {
  if (failure instanceof ConsoleApiError && failure.status === 0) return t(failure.message);
  if (failure instanceof ConsoleApiError && failure.status === 404) {
    return t('Not available on this server yet ({reason})', { reason: failure.message });
  }
  const reason = failure instanceof Error ? failure.message : String(failure);
  return t('Could not load: {reason}', { reason });
}

export type Live<T> = {
  data: T | null;
  error: string | null;
  /** When the last answer came. */
  at: string | null;
  reload: () => void;
};

/**
 * [HC2] `load` now, again every 5 s and whenever `key` changes; a failed
 * refresh keeps the last answer and says why. 401 is the API's business
 * (back to sign-in).
 */
export function useLive<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string,
  live = true,
): Live<T> {
  const { t } = useConsole();
  // The answer is kept with the question it answers: a new key shows none until its own comes.
  const [answer, setAnswer] = useState<{ key: string; data: T; at: string } | null>(null);
  const [failed, setFailed] = useState<{ key: string; error: string } | null>(null);
  const [count, setCount] = useState(0);
  const latest = useRef({ load, t });
  useEffect(() => {
    latest.current = { load, t };
  });
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setCount((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [live]);
  useEffect(() => {
    const abort = new AbortController();
    latest.current.load(abort.signal).then(
      (data) => {
        if (abort.signal.aborted) return;
        setAnswer({ key, data, at: new Date().toISOString() });
        setFailed(null);
      },
      (failure: unknown) => {
        if (abort.signal.aborted) return;
        setFailed({ key, error: failureText(latest.current.t, failure) });
      },
    );
    return () => abort.abort();
  }, [key, count]);
  const data = answer?.key === key ? answer.data : null;
  const at = answer?.key === key ? answer.at : null;
  const error = failed?.key === key ? failed.error : null;
  const reload = useCallback(() => setCount((n) => n + 1), []);
  return { data, error, at, reload };
}

/** Re-renders every second, for "updated 3 s ago". */
export function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** "3 s ago" in the screen's language, or a dash. */
export function Ago({ iso }: { iso: string | null | undefined }) {
  const { t } = useConsole();
  const now = useNow();
  const parts = agoParts(now, iso ?? null);
  return <>{parts ? t(AGO_WORDS[parts.unit], { n: parts.value }) : '–'}</>;
}

/** [HC2] [HC10] The last answer's time and how fresh the figures behind it are. */
export function FreshnessLine({
  at,
  appliedThrough,
  behind,
}: {
  at: string | null;
  appliedThrough?: string | null;
  behind?: number;
}) {
  const { t, language } = useConsole();
  return (
    <div className="freshness" data-freshness>
      {appliedThrough !== undefined && (
        <span>
          {t('Figures through the fact received')} <Ago iso={appliedThrough} />
          {behind ? ` · ${t('{n} facts still to apply', { n: behind })}` : ''}
        </span>
      )}
      <span>{at ? t('Updated {time}', { time: clockTime(language, at) }) : t('Loading…')}</span>
      <span className="hint">{t('Refreshes every 5 s')}</span>
    </div>
  );
}

export function ErrorBanner({ text }: { text: string | null | undefined }) {
  return text ? (
    <p className="error banner" role="alert">
      {text}
    </p>
  ) : null;
}

export function Figure({
  label,
  value,
  name,
  note,
  tone,
}: {
  label: string;
  value: string;
  name: string;
  note?: string;
  tone?: 'good' | 'bad';
}) {
  return (
    <div className={tone ? `figure ${tone}` : 'figure'} data-figure={name}>
      <div className="figure-label">{label}</div>
      <div className="figure-value">{value}</div>
      {note && <div className="figure-note">{note}</div>}
    </div>
  );
}

/** Offers `csv` as a file download named `name`. */
export function download(name: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export type Column<R> = {
  header: string;
  /** The cell's value, as the CSV has it. */
  value: (row: R) => CsvCell;
  /** What the screen shows, when not the value. */
  render?: (row: R) => ReactNode;
  number?: boolean;
  /** A column of buttons, left out of the CSV. */
  noExport?: boolean;
  /** In the CSV only (the screen shows it another way). */
  csvOnly?: boolean;
};

/** [HC6] A table with its title and an "Export CSV" of exactly its rows. */
export function DataTable<R>({
  title,
  name,
  columns,
  rows,
  rowKey,
  rowClass,
  onRow,
  selected,
  file,
  empty,
  actions,
}: {
  title: string;
  name: string;
  columns: Column<R>[];
  rows: readonly R[];
  rowKey: (row: R) => string;
  rowClass?: (row: R) => string | undefined;
  onRow?: (row: R) => void;
  selected?: string | null;
  /** The CSV's file name without `.csv`. */
  file: string;
  empty: string;
  actions?: ReactNode;
}) {
  const { t } = useConsole();
  const shown = columns.filter((c) => !c.csvOnly);
  const exportCsv = () => {
    const exported = columns.filter((c) => !c.noExport);
    download(
      `${file}.csv`,
      toCsv(
        exported.map((c) => c.header),
        rows.map((row) => exported.map((c) => c.value(row))),
      ),
    );
  };
  return (
    <section className="panel table-panel" data-table={name} aria-label={title}>
      <div className="panel-head">
        <h2>{title}</h2>
        <div className="panel-actions">
          {actions}
          <button type="button" className="link-button" onClick={exportCsv} disabled={!rows.length}>
            {t('Export CSV')}
          </button>
        </div>
      </div>
      {rows.length ? (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                {shown.map((c) => (
                  <th key={c.header} className={c.number ? 'number' : undefined}>
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const key = rowKey(row);
                const classes = [
                  rowClass?.(row),
                  onRow ? 'clickable' : undefined,
                  key === selected ? 'selected' : undefined,
                ]
                  .filter(Boolean)
                  .join(' ');
                return (
                  <tr
                    key={key}
                    data-key={key}
                    className={classes || undefined}
                    onClick={onRow ? () => onRow(row) : undefined}
                  >
                    {shown.map((c) => (
                      <td key={c.header} className={c.number ? 'number' : undefined}>
                        {c.render ? c.render(row) : String(c.value(row) ?? '–')}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="empty">{empty}</p>
      )}
    </section>
  );
}

/** The hint a master-detail screen shows until a row is chosen. */
export function EmptyDetail({ hint }: { hint: string }) {
  return (
    <div className="panel detail-panel empty-detail">
      <p className="hint">{hint}</p>
    </div>
  );
}

/** [HC9] Whether the session may ask for every store at once (it sees them all). */
export function useSeesAll(): boolean {
  return useConsole().session.user.stores === 'all';
}

/** [HC9] A store picker listing only the session's stores ("all" when it sees them all). */
export function StorePicker({
  value,
  onChange,
  allowAll,
}: {
  value: string;
  onChange: (store: string) => void;
  allowAll: boolean;
}) {
  const { t, session, seenStores } = useConsole();
  const stores = pickerStores(session, seenStores);
  const all = allowAll && session.user.stores === 'all';
  return (
    <label className="picker">
      {t('Store')}
      {stores.length || all ? (
        <select value={value} onChange={(e) => onChange(e.target.value)}>
          {all && <option value="">{t('All stores')}</option>}
          {!all && !value && <option value="">{t('Choose a store')}</option>}
          {stores.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name === s.id ? s.id : `${s.id} ${s.name}`}
            </option>
          ))}
        </select>
      ) : (
        <input value={value} onChange={(e) => onChange(e.target.value.trim())} size={8} />
      )}
    </label>
  );
}

/**
 * The store a screen asks about: chosen in its picker; until then, all
 * stores when `allowAll` and the session sees them all, else the first of
 * the session's.
 */
export function useStore(allowAll: boolean): [string, (store: string) => void] {
  const { session, seenStores } = useConsole();
  const first =
    allowAll && session.user.stores === 'all'
      ? ''
      : (pickerStores(session, seenStores)[0]?.id ?? '');
  const [chosen, setStore] = useState<string | null>(null);
  return [chosen ?? first, setStore];
}
