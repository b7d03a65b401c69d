/**
 * The HQ console. One screen for now, 试穿转化 Try-on conversion: the
 * period's totals, conversion by style, colour, size, clerk and store, and
 * the day's tried-not-bought list, each table exportable as CSV. Refreshed
 * every 10 s. Signs in with an HQ admin token (access.ts).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import {
  CONVERSION_DIMENSIONS,
  type ConversionDimension,
  type ConversionRow,
  type TriedNotBoughtAnswer,
  type TryOnReportAnswer,
} from '@pos/domain';
import { dateTime, type Language } from '@pos/ui';
import { ConsoleApiError, fetchConversion, fetchTriedNotBought } from './api';
import { forgetToken, keepToken, takeToken } from './access';
import { toCsv, type CsvCell } from './csv';
import { DIMENSION_WORDS, ratePercent, say } from './messages';
import { calendarDay, reportPeriod, type PeriodChoice, type ReportPeriod } from './period';

/** The stores' UTC offset: the demo chain's stores are all in China (UTC+8). */
const STORE_UTC_OFFSET_MINUTES = 480;
const STORE_TIME_ZONE = 'Asia/Shanghai';
const REFRESH_MS = 10_000;
const LANGUAGE_KEY = 'console.language';

/** A time of day with seconds in the stores' time zone: 14:05:09. */
function clockTime(language: Language, iso: string): string {
  return new Intl.DateTimeFormat(language, {
    timeZone: STORE_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

type Say = (text: string, values?: Record<string, string | number>) => string;

function initialLanguage(): Language {
  return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

export function App() {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const [token, setToken] = useState<string | null>(() => takeToken(window));
  const [refused, setRefused] = useState(false);
  const t: Say = useCallback((text, values) => say(language, text, values), [language]);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = `${t('Try-on conversion')} · ${t('HQ console')}`;
    localStorage.setItem(LANGUAGE_KEY, language);
  }, [language, t]);

  const signOut = useCallback((wasRefused: boolean) => {
    forgetToken(window);
    setToken(null);
    setRefused(wasRefused);
  }, []);

  return (
    <div className="console">
      <header className="top-bar">
        <div className="brand">
          <span className="brand-mark">HQ</span>
          <span>{t('HQ console')}</span>
        </div>
        <nav className="screens">
          <span className="screen current" aria-current="page">
            {t('Try-on conversion')}
          </span>
        </nav>
        <div className="top-actions">
          <button
            type="button"
            className="link-button"
            aria-label={t('Language')}
            onClick={() => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN')}
          >
            {language === 'zh-CN' ? 'English' : '中文'}
          </button>
          {token && (
            <button type="button" className="link-button" onClick={() => signOut(false)}>
              {t('Sign out')}
            </button>
          )}
        </div>
      </header>
      {token ? (
        <TryOnConversion
          key={token}
          token={token}
          language={language}
          t={t}
          onRefused={() => signOut(true)}
        />
      ) : (
        <SignIn
          t={t}
          refused={refused}
          onToken={(entered) => {
            keepToken(window, entered);
            setRefused(false);
            setToken(entered);
          }}
        />
      )}
    </div>
  );
}

function SignIn({
  t,
  refused,
  onToken,
}: {
  t: Say;
  refused: boolean;
  onToken: (token: string) => void;
}) {
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) onToken(text.trim());
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} className="panel">
        <h1>{t('Sign in')}</h1>
        <p className="hint">
          {t('Enter the HQ admin token once; it is kept for this browser tab only.')}
        </p>
        {refused && (
          <p className="error" role="alert">
            {t('The token was refused: enter it again')}
          </p>
        )}
        <label>
          {t('HQ admin token')}
          <input
            type="password"
            autoComplete="off"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoFocus
          />
        </label>
        <button type="submit" className="primary" disabled={!text.trim()}>
          {t('Sign in')}
        </button>
      </form>
    </main>
  );
}

type Loaded = {
  period: ReportPeriod;
  report: TryOnReportAnswer;
  notBought: TriedNotBoughtAnswer;
  at: string;
};

function TryOnConversion({
  token,
  language,
  t,
  onRefused,
}: {
  token: string;
  language: Language;
  t: Say;
  onRefused: () => void;
}) {
  const today = calendarDay(new Date(), STORE_UTC_OFFSET_MINUTES);
  const [choice, setChoice] = useState<PeriodChoice>({ kind: 'today' });
  const [customFrom, setCustomFrom] = useState(today);
  const [customTo, setCustomTo] = useState(today);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [periodProblem, setPeriodProblem] = useState<string | null>(null);
  const [refreshCount, setRefreshCount] = useState(0);
  const locale = useMemo(() => ({ language, timeZone: STORE_TIME_ZONE }), [language]);
  // The latest callbacks, so a new render does not ask the server again.
  const latest = useRef({ onRefused, t });
  useEffect(() => {
    latest.current = { onRefused, t };
  });

  useEffect(() => {
    const timer = setInterval(() => setRefreshCount((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    const asked = reportPeriod(choice, new Date(), STORE_UTC_OFFSET_MINUTES);
    // A chosen period is checked when it is chosen; today and 7 days always are.
    if (!asked.ok) return;
    const abort = new AbortController();
    const { period } = asked;
    Promise.all([
      fetchConversion(token, period, abort.signal),
      fetchTriedNotBought(token, period.lastDay, abort.signal),
    ]).then(
      ([report, notBought]) => {
        setLoaded({ period, report, notBought, at: new Date().toISOString() });
        setError(null);
      },
      (failure: unknown) => {
        if (abort.signal.aborted) return;
        if (failure instanceof ConsoleApiError && failure.status === 401) {
          latest.current.onRefused();
        } else if (failure instanceof ConsoleApiError && failure.status === 0) {
          setError(failure.message);
        } else {
          const reason = failure instanceof Error ? failure.message : String(failure);
          setError(latest.current.t('Could not load: {reason}', { reason }));
        }
      },
    );
    return () => abort.abort();
  }, [choice, token, refreshCount]);

  const report = loaded?.report;
  const label = (key: string | null) => key ?? t('Unknown');

  return (
    <main className="screen-body">
      <section className="toolbar" aria-label={t('Period')}>
        <h1>{t('Try-on conversion')}</h1>
        <div className="period" role="group" aria-label={t('Period')}>
          <button
            type="button"
            className={choice.kind === 'today' ? 'chip selected' : 'chip'}
            aria-pressed={choice.kind === 'today'}
            onClick={() => {
              setPeriodProblem(null);
              setChoice({ kind: 'today' });
            }}
          >
            {t('Today')}
          </button>
          <button
            type="button"
            className={choice.kind === 'last-7-days' ? 'chip selected' : 'chip'}
            aria-pressed={choice.kind === 'last-7-days'}
            onClick={() => {
              setPeriodProblem(null);
              setChoice({ kind: 'last-7-days' });
            }}
          >
            {t('Last 7 days')}
          </button>
          <form
            className={choice.kind === 'custom' ? 'custom selected' : 'custom'}
            onSubmit={(event) => {
              event.preventDefault();
              const chosen: PeriodChoice = { kind: 'custom', fromDay: customFrom, toDay: customTo };
              const asked = reportPeriod(chosen, new Date(), STORE_UTC_OFFSET_MINUTES);
              setPeriodProblem(asked.ok ? null : asked.reason);
              if (asked.ok) setChoice(chosen);
            }}
          >
            <span>{t('Custom')}</span>
            <label>
              {t('From')}
              <input
                type="date"
                value={customFrom}
                max={today}
                onChange={(e) => setCustomFrom(e.target.value)}
              />
            </label>
            <label>
              {t('To')}
              <input
                type="date"
                value={customTo}
                max={today}
                onChange={(e) => setCustomTo(e.target.value)}
              />
            </label>
            <button type="submit" className="chip">
              {t('Show')}
            </button>
          </form>
        </div>
        <div className="freshness">
          <span>{t('All stores')}</span>
          <span>
            {loaded ? t('Updated {time}', { time: clockTime(language, loaded.at) }) : t('Loading…')}
          </span>
          <span className="hint">{t('Refreshes every 10 s')}</span>
        </div>
      </section>
      {(periodProblem ?? error) && (
        <p className="error banner" role="alert">
          {t(periodProblem ?? error ?? '')}
        </p>
      )}
      <section className="totals" aria-label={t('Try-on conversion')}>
        <Figure label={t('Try-ons')} value={report ? String(report.tryOns) : '–'} name="tryOns" />
        <Figure
          label={t('Converted')}
          value={report ? String(report.converted) : '–'}
          name="converted"
        />
        <Figure
          label={t('Conversion rate')}
          value={report ? ratePercent(report.rateBp) : '–'}
          name="rate"
          note={t('Sold within 4 hours of the try-on, by the item’s EPC serial')}
        />
      </section>
      <section className="dimensions">
        {CONVERSION_DIMENSIONS.map((dimension) => (
          <DimensionTable
            key={dimension}
            dimension={dimension}
            rows={report?.by[dimension] ?? []}
            label={label}
            t={t}
            fileStem={loaded ? `${loaded.period.from.slice(0, 10)}_${loaded.period.lastDay}` : ''}
          />
        ))}
      </section>
      <NotBoughtTable
        answer={loaded?.notBought ?? null}
        label={label}
        t={t}
        when={(iso) => dateTime(locale, iso)}
      />
    </main>
  );
}

function Figure({
  label,
  value,
  name,
  note,
}: {
  label: string;
  value: string;
  name: string;
  note?: string;
}) {
  return (
    <div className="figure" data-figure={name}>
      <div className="figure-label">{label}</div>
      <div className="figure-value">{value}</div>
      {note && <div className="figure-note">{note}</div>}
    </div>
  );
}

/** Offers `csv` as a file download named `name`. */
function download(name: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function DimensionTable({
  dimension,
  rows,
  label,
  t,
  fileStem,
}: {
  dimension: ConversionDimension;
  rows: readonly ConversionRow[];
  label: (key: string | null) => string;
  t: Say;
  fileStem: string;
}) {
  const words = DIMENSION_WORDS[dimension];
  const header = [t(words.column), t('Try-ons'), t('Converted'), t('Rate')];
  const exportCsv = () => {
    const cells: CsvCell[][] = rows.map((r) => [
      label(r.key),
      r.tryOns,
      r.converted,
      ratePercent(r.rateBp),
    ]);
    download(`tryon-conversion-by-${dimension}_${fileStem}.csv`, toCsv(header, cells));
  };
  return (
    <div className="panel table-panel" data-dimension={dimension}>
      <div className="panel-head">
        <h2>{t(words.title)}</h2>
        <button type="button" className="link-button" onClick={exportCsv} disabled={!rows.length}>
          {t('Export CSV')}
        </button>
      </div>
      {rows.length ? (
        <table>
          <thead>
            <tr>
              {header.map((h, i) => (
                <th key={h} className={i ? 'number' : undefined}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key ?? ''} data-key={row.key ?? ''}>
                <td>{label(row.key)}</td>
                <td className="number">{row.tryOns}</td>
                <td className="number">{row.converted}</td>
                <td className="number">
                  <span className="rate-track" aria-hidden="true">
                    <span className="rate-bar" style={{ width: `${row.rateBp / 100}%` }} />
                  </span>
                  {ratePercent(row.rateBp)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">{t('No try-ons in this period')}</p>
      )}
    </div>
  );
}

function NotBoughtTable({
  answer,
  label,
  t,
  when,
}: {
  answer: TriedNotBoughtAnswer | null;
  label: (key: string | null) => string;
  t: Say;
  when: (iso: string) => string;
}) {
  const items = answer?.items ?? [];
  const header = [
    t('EPC'),
    t('SKU'),
    t('Style'),
    t('Colour'),
    t('Size'),
    t('Store'),
    t('Try-ons'),
    t('Last tried'),
  ];
  const exportCsv = () => {
    if (!answer) return;
    const cells: CsvCell[][] = items.map((item) => [
      item.epc,
      label(item.sku),
      label(item.styleId),
      label(item.colour),
      label(item.size),
      item.storeId,
      item.tryOns,
      item.lastClosedAt,
    ]);
    download(`tried-not-bought_${answer.day}.csv`, toCsv(header, cells));
  };
  return (
    <section className="panel table-panel not-bought" data-list="not-bought">
      <div className="panel-head">
        <h2>{t('Tried, not bought: {day}', { day: answer?.day ?? '…' })}</h2>
        <button type="button" className="link-button" onClick={exportCsv} disabled={!items.length}>
          {t('Export CSV')}
        </button>
      </div>
      {items.length ? (
        <table>
          <thead>
            <tr>
              {header.map((h, i) => (
                <th key={h} className={i === 6 ? 'number' : undefined}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={`${item.storeId}/${item.epc}`} data-epc={item.epc}>
                <td className="mono">{item.epc}</td>
                <td>{label(item.sku)}</td>
                <td>{label(item.styleId)}</td>
                <td>{label(item.colour)}</td>
                <td>{label(item.size)}</td>
                <td>{item.storeId}</td>
                <td className="number">{item.tryOns}</td>
                <td>{when(item.lastClosedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">{t('Nothing tried and not bought that day')}</p>
      )}
    </section>
  );
}
