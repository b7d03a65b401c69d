/**
 * The HQ console: sign-in, then the screens the signed-in user's role may
 * see (access.ts), in zh-CN or English. Each screen is its own file in
 * screens/; they share the console context (kit.tsx) and the API client
 * (api.ts). The open screen is named in the address's fragment
 * (`#screen=inventory`), so a link opens it.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SessionAnswer } from '@pos/domain';
import type { Language } from '@pos/ui';
import { ConsoleApiError, consoleApi } from './api';
import {
  ADMIN_TOKEN_USER,
  adminTokenSession,
  forgetCredential,
  keepCredential,
  openScreen,
  screensFor,
  takeCredential,
  type Credential,
  type ScreenId,
} from './access';
import { ConsoleProvider, failureText, type ConsoleContext, type Say } from './kit';
import { ROLE_WORDS, SCREEN_WORDS, say } from './messages';
import { SignIn } from './screens/SignIn';
import { Dashboard } from './screens/Dashboard';
import { TryOns } from './screens/TryOns';
import { Exceptions } from './screens/Exceptions';
import { Inventory } from './screens/Inventory';
import { Transfers } from './screens/Transfers';
import { Labels } from './screens/Labels';
import { Users } from './screens/Users';
import { Account } from './screens/Account';

const LANGUAGE_KEY = 'console.language';

function initialLanguage(): Language {
  return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

function screenOfAddress(): string {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get('screen') ?? '';
}

const SCREEN_VIEWS: Record<ScreenId, () => React.JSX.Element> = {
  dashboard: Dashboard,
  tryons: TryOns,
  exceptions: Exceptions,
  inventory: Inventory,
  transfers: Transfers,
  labels: Labels,
  users: Users,
  account: Account,
};

export function App() {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const [credential, setCredential] = useState<Credential | null>(() => takeCredential(window));
  const [session, setSession] = useState<SessionAnswer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const [asked, setAsked] = useState<string>(screenOfAddress);
  const [seenStores, setSeenStores] = useState<string[]>([]);
  const t: Say = useCallback((text, values) => say(language, text, values), [language]);

  const signOut = useCallback((wasRefused: boolean) => {
    forgetCredential(window);
    setCredential(null);
    setSession(null);
    setRefused(wasRefused);
  }, []);

  const api = useMemo(
    () => consoleApi({ token: credential?.token ?? null, onUnauthorized: () => signOut(true) }),
    [credential, signOut],
  );

  // Who the credential is: the server says; an admin token it does not describe is an HQ admin.
  useEffect(() => {
    if (!credential) return;
    const abort = new AbortController();
    api.session(abort.signal).then(
      (answer) => setSession(answer),
      (failure: unknown) => {
        if (abort.signal.aborted) return;
        if (failure instanceof ConsoleApiError && failure.status === 401) return;
        if (credential.kind === 'admin') setSession(adminTokenSession(new Date()));
        else setProblem(failureText(t, failure));
      },
    );
    return () => abort.abort();
    // t changes with the language only; the session is asked once per credential.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, credential]);

  const noteStores = useCallback((ids: readonly string[]) => {
    setSeenStores((known) => {
      const fresh = ids.filter((id) => !known.includes(id));
      return fresh.length ? [...known, ...fresh].sort() : known;
    });
  }, []);

  // A session that names no stores (an admin token): learn them from the devices' health.
  const namesNoStores = session !== null && session.stores.length === 0;
  useEffect(() => {
    if (!namesNoStores) return;
    const abort = new AbortController();
    api.devices(undefined, abort.signal).then(
      (answer) => noteStores(answer.rows.map((row) => row.storeId)),
      () => undefined,
    );
    return () => abort.abort();
  }, [api, namesNoStores, noteStores]);

  const screen: ScreenId = session ? openScreen(session, asked) : 'dashboard';

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = `${t(SCREEN_WORDS[screen])} · ${t('HQ console')}`;
    localStorage.setItem(LANGUAGE_KEY, language);
  }, [language, t, screen]);

  const go = (next: ScreenId) => {
    setAsked(next);
    window.history.replaceState(null, '', `#screen=${next}`);
  };

  const context: ConsoleContext | null = useMemo(
    () =>
      session && credential
        ? { language, t, api, session, credentialKind: credential.kind, seenStores, noteStores }
        : null,
    [language, t, api, session, credential, seenStores, noteStores],
  );

  const View = SCREEN_VIEWS[screen];

  return (
    <div className="console">
      <header className="top-bar">
        <div className="brand">
          <span className="brand-mark">HQ</span>
          <span>{t('HQ console')}</span>
        </div>
        <nav className="screens" aria-label={t('Screens')}>
          {session &&
            screensFor(session)
              .filter((s) => s !== 'account')
              .map((s) => (
                <button
                  type="button"
                  key={s}
                  className={s === screen ? 'screen current' : 'screen'}
                  aria-current={s === screen ? 'page' : undefined}
                  onClick={() => go(s)}
                >
                  {t(SCREEN_WORDS[s])}
                </button>
              ))}
        </nav>
        <div className="top-actions">
          {session && (
            <button
              type="button"
              className="link-button who"
              onClick={() => go('account')}
              title={t(SCREEN_WORDS.account)}
            >
              {session.user.id === ADMIN_TOKEN_USER
                ? t('HQ admin token')
                : session.user.displayName}{' '}
              · {t(ROLE_WORDS[session.user.role])}
            </button>
          )}
          <button
            type="button"
            className="link-button"
            aria-label={t('Language')}
            onClick={() => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN')}
          >
            {language === 'zh-CN' ? 'English' : '中文'}
          </button>
          {credential && (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                if (credential.kind === 'session') void api.signOut().catch(() => undefined);
                signOut(false);
              }}
            >
              {t('Sign out')}
            </button>
          )}
        </div>
      </header>
      {context ? (
        <ConsoleProvider value={context}>
          <View key={screen} />
        </ConsoleProvider>
      ) : credential ? (
        <main className="screen-body">
          {problem ? (
            <p className="error banner" role="alert">
              {problem}
            </p>
          ) : (
            <p className="hint">{t('Loading…')}</p>
          )}
        </main>
      ) : (
        <SignIn
          t={t}
          refused={refused}
          onSignedIn={(signedIn) => {
            keepCredential(window, signedIn);
            setRefused(false);
            setProblem(null);
            setCredential(signedIn);
          }}
        />
      )}
    </div>
  );
}
