/**
 * The period a report covers, as the console's buttons name it (today, the
 * last 7 days, or days chosen), turned into the instants the server's
 * report asks for. Days are the stores' calendar days (their UTC offset);
 * `to` is exclusive. Pure: the clock is an argument.
 */

export type PeriodChoice =
  | { kind: 'today' }
  | { kind: 'last-7-days' }
  /** Calendar days `YYYY-MM-DD`, both included. */
  | { kind: 'custom'; fromDay: string; toDay: string };

export type ReportPeriod = {
  /** The first instant, ISO 8601 UTC. */
  from: string;
  /** The instant after the last, ISO 8601 UTC (exclusive). */
  to: string;
  /** The period's last calendar day: the day whose tried-not-bought list is shown. */
  lastDay: string;
};

/** The longest custom period the console asks for. */
export const MAX_PERIOD_DAYS = 366;

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The calendar day `YYYY-MM-DD` of `instant` at `utcOffsetMinutes`. */
export function calendarDay(instant: Date, utcOffsetMinutes: number): string {
  return new Date(instant.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Milliseconds since the epoch of `day`'s first instant at `utcOffsetMinutes`, or null if `day` is no calendar day. */
function dayStart(day: string, utcOffsetMinutes: number): number | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const utc = Date.UTC(y, m - 1, d);
  if (new Date(utc).toISOString().slice(0, 10) !== day) return null;
  return utc - utcOffsetMinutes * 60_000;
}

/** The period `choice` names at `now`, or why it cannot be asked for. */
export function reportPeriod(
  choice: PeriodChoice,
  now: Date,
  utcOffsetMinutes: number,
): { ok: true; period: ReportPeriod } | { ok: false; reason: string } {
  const today = calendarDay(now, utcOffsetMinutes);
  const todayStart = dayStart(today, utcOffsetMinutes)!;
  if (choice.kind === 'today' || choice.kind === 'last-7-days') {
    const days = choice.kind === 'today' ? 1 : 7;
    return {
      ok: true,
      period: {
        from: new Date(todayStart - (days - 1) * DAY_MS).toISOString(),
        to: new Date(todayStart + DAY_MS).toISOString(),
        lastDay: today,
      },
    };
  }
  const from = dayStart(choice.fromDay, utcOffsetMinutes);
  const to = dayStart(choice.toDay, utcOffsetMinutes);
  if (from === null || to === null) return { ok: false, reason: 'Choose both days' };
  if (to < from) return { ok: false, reason: 'The first day is after the last' };
  if ((to - from) / DAY_MS + 1 > MAX_PERIOD_DAYS) {
    return { ok: false, reason: 'At most 366 days' };
  }
  return {
    ok: true,
    period: {
      from: new Date(from).toISOString(),
      to: new Date(to + DAY_MS).toISOString(),
      lastDay: choice.toDay,
    },
  };
}
