/**
 * Intl formatting for screens: money in the terminal's currency and times in
 * the STORE's time zone, each in the screen language's own format, so a
 * screen shows the same time as the receipt printed beside it.
 */
import { formatMoney, type Minor } from '@pos/domain';
import type { Language } from './i18n/messages';

export type Locale = { language: Language; currency: string; timeZone: string };

export function money(locale: Locale, amount: Minor): string {
  return formatMoney(amount, locale.currency, locale.language);
}

/** A date and time (ISO 8601) in the store's time zone: 2026/11/22 11:04 in zh-CN. */
export function dateTime(locale: Pick<Locale, 'language' | 'timeZone'>, iso: string): string {
  return new Intl.DateTimeFormat(locale.language, {
    timeZone: locale.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** A time of day (ISO 8601) in the store's time zone: 11:04. */
export function timeOfDay(locale: Pick<Locale, 'language' | 'timeZone'>, iso: string): string {
  return new Intl.DateTimeFormat(locale.language, {
    timeZone: locale.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** The IANA zone for a fixed offset from UTC (minutes east), for a store configured by offset. */
export function zoneOfOffset(utcOffsetMinutes: number): string {
  if (utcOffsetMinutes === 480) return 'Asia/Shanghai';
  if (utcOffsetMinutes % 60 !== 0) return 'UTC';
  // Etc/GMT zones count the other way round: Etc/GMT-8 is UTC+8.
  const hours = -utcOffsetMinutes / 60;
  return hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '+' : ''}${hours}`;
}
