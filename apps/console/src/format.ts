/**
 * How the console writes figures: money in yuan from integer fen, minutes,
 * shares, how long ago an answer was made, and the arithmetic of a
 * suggestion (`working` lines) as numbered steps with their results lined
 * up. Pure: the clock is an argument.
 */
import { formatMoney } from '@pos/domain';
import type { Language } from '@pos/ui';

/** Integer fen as the screen language's yuan: ¥1,234.50. */
export function yuan(language: Language, fen: number): string {
  return Number.isSafeInteger(fen) ? formatMoney(fen, 'CNY', language) : '–';
}

/** Minutes with no decimals beyond one, or a dash for none: `12 min`, `4.5 min`. */
export function minutes(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  return `${Math.round(value * 10) / 10} min`;
}

/** `part` of `whole` as a percentage with one decimal, or a dash when `whole` is 0. */
export function share(part: number, whole: number): string {
  if (!whole) return '–';
  return `${((part / whole) * 100).toFixed(1)}%`;
}

/** [HC10] How long before `now` the instant `iso` was, in whole seconds, minutes, hours or days. */
export function agoParts(
  now: Date,
  iso: string | null,
): { unit: 's' | 'min' | 'h' | 'd'; value: number } | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  const seconds = Math.max(0, Math.floor((now.getTime() - ms) / 1000));
  if (seconds < 60) return { unit: 's', value: seconds };
  if (seconds < 3600) return { unit: 'min', value: Math.floor(seconds / 60) };
  if (seconds < 86_400) return { unit: 'h', value: Math.floor(seconds / 3600) };
  return { unit: 'd', value: Math.floor(seconds / 86_400) };
}

/** The words of `agoParts`, one template per unit. */
export const AGO_WORDS = {
  s: '{n} s ago',
  min: '{n} min ago',
  h: '{n} h ago',
  d: '{n} d ago',
} as const;

/** One step of a suggestion's arithmetic. */
export type WorkingStep = { step: number; text: string; result: string | null };

/**
 * [HC11] A suggestion's `working` lines as numbered steps, in the order the
 * server did them; a line `… = value` has its value split off so results
 * line up in a column. Blank lines are dropped.
 */
export function workingSteps(lines: readonly string[]): WorkingStep[] {
  return lines
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line, index) => {
      const at = line.lastIndexOf(' = ');
      return at > 0
        ? { step: index + 1, text: line.slice(0, at), result: line.slice(at + 3).trim() }
        : { step: index + 1, text: line, result: null };
    });
}

/** [HC11] The steps as plain text (for a CSV cell or a copy): `1. a = 3; 2. b`. */
export function workingText(lines: readonly string[]): string {
  return workingSteps(lines)
    .map((s) => `${s.step}. ${s.text}${s.result === null ? '' : ` = ${s.result}`}`)
    .join('; ');
}

/**
 * [HC12] A store-local date and time (`YYYY-MM-DDTHH:MM`, as a
 * datetime-local field gives it) at `utcOffsetMinutes` as an ISO instant,
 * or null when it is no such time.
 */
export function localToInstant(local: string, utcOffsetMinutes: number): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  if (h > 23 || mi > 59) return null;
  const utc = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(utc).toISOString().slice(0, 10) !== local.slice(0, 10)) return null;
  return new Date(utc - utcOffsetMinutes * 60_000).toISOString();
}

/**
 * [HC12] A price typed in yuan (`12`, `12.5`, `12.50`) as integer fen, or
 * null when it is not a positive amount with at most two decimals.
 */
export function fenOfYuan(text: string): number | null {
  const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return fen > 0 ? fen : null;
}

/** [HC13] Seconds from a label push's start to 95 % of its labels acknowledged, or null (not yet). */
export function secondsTo95(push: {
  startedAt: string | null;
  ack95At: string | null;
}): number | null {
  if (!push.startedAt || !push.ack95At) return null;
  const ms = Date.parse(push.ack95At) - Date.parse(push.startedAt);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : null;
}

/** [HC11] Weeks of cover with one decimal; a source that sells nothing has endless cover (∞). */
export function weeksOfCover(weeks: number): string {
  if (!Number.isFinite(weeks) || weeks >= 999) return '∞';
  return weeks.toFixed(1);
}
