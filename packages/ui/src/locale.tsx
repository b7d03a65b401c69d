/** The screen's language, currency and the store's time zone, for every component below. */
import { createContext, useContext, type ReactNode } from 'react';
import { messageText, translate, type ScreenMessage } from './i18n/messages';
import { dateTime, money, timeOfDay, type Locale } from './format';

const LocaleContext = createContext<Locale>({
  language: 'zh-CN',
  currency: 'CNY',
  timeZone: 'Asia/Shanghai',
});

export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

/** The current language's words for the screen. */
export function useT(): (text: string) => string {
  const { language } = useLocale();
  return (text) => translate(language, text);
}

/** Amounts in the terminal's currency, formatted for its language with Intl. */
export function useMoney(): (amount: number) => string {
  const locale = useLocale();
  return (amount) => money(locale, amount);
}

/** Times in the store's time zone, in the language's format. */
export function useDateTime(): { dateTime(iso: string): string; time(iso: string): string } {
  const locale = useLocale();
  return { dateTime: (iso) => dateTime(locale, iso), time: (iso) => timeOfDay(locale, iso) };
}

/** The current language's wording of screen messages. */
export function useMessageText(): (message: ScreenMessage) => string {
  const { language } = useLocale();
  return (message) => messageText(language, message);
}
