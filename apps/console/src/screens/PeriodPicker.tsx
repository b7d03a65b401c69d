/**
 * The period buttons of the reports (HC3): today, the last 7 days, or days
 * chosen; a chosen period is asked for only when it is one, else the
 * reason is shown.
 */
import { useState } from 'react';
import { STORE_UTC_OFFSET_MINUTES, useConsole } from '../kit';
import { calendarDay, reportPeriod, type PeriodChoice } from '../period';

export function PeriodPicker({
  choice,
  onChoice,
}: {
  choice: PeriodChoice;
  onChoice: (choice: PeriodChoice) => void;
}) {
  const { t } = useConsole();
  const today = calendarDay(new Date(), STORE_UTC_OFFSET_MINUTES);
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [problem, setProblem] = useState<string | null>(null);
  const chip = (kind: 'today' | 'last-7-days', words: string) => (
    <button
      type="button"
      className={choice.kind === kind ? 'chip selected' : 'chip'}
      aria-pressed={choice.kind === kind}
      onClick={() => {
        setProblem(null);
        onChoice({ kind });
      }}
    >
      {t(words)}
    </button>
  );
  return (
    <div className="period" role="group" aria-label={t('Period')}>
      {chip('today', 'Today')}
      {chip('last-7-days', 'Last 7 days')}
      <form
        className={choice.kind === 'custom' ? 'custom selected' : 'custom'}
        onSubmit={(event) => {
          event.preventDefault();
          const chosen: PeriodChoice = { kind: 'custom', fromDay: from, toDay: to };
          const asked = reportPeriod(chosen, new Date(), STORE_UTC_OFFSET_MINUTES);
          setProblem(asked.ok ? null : asked.reason);
          if (asked.ok) onChoice(chosen);
        }}
      >
        <span>{t('Custom')}</span>
        <label>
          {t('From')}
          <input type="date" value={from} max={today} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('To')}
          <input type="date" value={to} max={today} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit" className="chip">
          {t('Show')}
        </button>
      </form>
      {problem && (
        <span className="error" role="alert">
          {t(problem)}
        </span>
      )}
    </div>
  );
}
