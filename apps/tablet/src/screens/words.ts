/** The screens' words in the chosen language, from messages.ts. */
import { useLocale } from '@pos/ui';
import type { Notice, Outcome, Refusal } from '@pos/app-core';
import { say, saidText, statusText, type Said } from '../messages';
import type { OrderStatus } from '@pos/domain';

/** `t('English {n}', { n })` in the screen's language. */
export function useWords(): (text: string, values?: Record<string, string | number>) => string {
  const { language } = useLocale();
  return (text, values) => say(language, text, values);
}

/** A refusal's or notice's words, by its code. */
export function useSaid(): (said: Said) => string {
  const { language } = useLocale();
  return (said) => saidText(language, said);
}

export function useStatusText(): (status: OrderStatus) => string {
  const { language } = useLocale();
  return (status) => statusText(language, status);
}

/** A message a screen shows: what was refused, or what was done. */
export type ScreenNote = { tone: 'info' | 'error' } & Said;

export function noteOfRefusal(refusal: Refusal): ScreenNote {
  return {
    tone: 'error',
    code: refusal.code,
    text: refusal.message,
    ...(refusal.params ? { params: refusal.params } : {}),
    ...(refusal.context ? { context: refusal.context } : {}),
  };
}

export function noteOfNotice(notice: Notice): ScreenNote {
  return {
    tone: notice.tone,
    text: notice.text,
    ...(notice.code ? { code: notice.code } : {}),
    ...(notice.params ? { params: notice.params } : {}),
    ...(notice.context ? { context: notice.context } : {}),
  };
}

/** What an outcome says: its refusal, or its error notice, or its last notice; null when silent. */
export function noteOf(outcome: Outcome<unknown>): ScreenNote | null {
  if (!outcome.ok) return noteOfRefusal(outcome);
  const notice = outcome.notices.find((n) => n.tone === 'error') ?? outcome.notices.at(-1);
  return notice ? noteOfNotice(notice) : null;
}
