/**
 * 登录 Sign in: name and password, then the TOTP code when the server asks
 * for it (all three sent again). For tools and the demo, an HQ admin token
 * may be entered instead.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { ConsoleApiError, consoleApi } from '../api';
import type { Credential } from '../access';
import type { Say } from '../kit';

export function SignIn({
  t,
  refused,
  onSignedIn,
}: {
  t: Say;
  refused: boolean;
  onSignedIn: (credential: Credential) => void;
}) {
  const api = useMemo(() => consoleApi({ token: null }), []);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [askCode, setAskCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [withToken, setWithToken] = useState(false);
  const [token, setToken] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (withToken) {
      if (token.trim()) onSignedIn({ token: token.trim(), kind: 'admin' });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const answer = await api.signIn({
        name: name.trim().toLowerCase(),
        password,
        ...(askCode ? { totp: code.trim() } : {}),
      });
      if (answer.ok) onSignedIn({ token: answer.token, kind: 'session' });
      else setAskCode(true);
    } catch (failure) {
      if (failure instanceof ConsoleApiError && failure.status === 401) {
        setProblem(
          askCode ? t('The name, password or code is wrong') : t('The name or password is wrong'),
        );
      } else if (failure instanceof ConsoleApiError && failure.status === 429) {
        setProblem(t('Too many attempts: wait a minute and try again'));
      } else {
        setProblem(
          failure instanceof ConsoleApiError && failure.status === 0
            ? t(failure.message)
            : t('Could not sign in: {reason}', {
                reason: failure instanceof Error ? failure.message : String(failure),
              }),
        );
      }
    } finally {
      setBusy(false);
    }
  };

  const ready = withToken
    ? !!token.trim()
    : !!name.trim() && !!password && (!askCode || /^\d{6}$/.test(code.trim()));

  return (
    <main className="sign-in">
      <form onSubmit={(e) => void submit(e)} className="panel" aria-label={t('Sign in')}>
        <h1>{t('Sign in')}</h1>
        {refused && (
          <p className="error" role="alert">
            {t('Your session has ended or was refused: sign in again')}
          </p>
        )}
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        {withToken ? (
          <>
            <p className="hint">
              {t('Enter the HQ admin token once; it is kept for this browser tab only.')}
            </p>
            <label>
              {t('HQ admin token')}
              <input
                type="password"
                autoComplete="off"
                value={token}
                onChange={(e) => setToken(e.target.value)}
                autoFocus
              />
            </label>
          </>
        ) : (
          <>
            <label>
              {t('Name')}
              <input
                name="username"
                autoComplete="username"
                value={name}
                onChange={(e) => setName(e.target.value)}
                disabled={askCode}
                autoFocus
              />
            </label>
            <label>
              {t('Password')}
              <input
                type="password"
                name="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                disabled={askCode}
              />
            </label>
            {askCode && (
              <label>
                {t('Code from your authenticator app')}
                <input
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  pattern="\d{6}"
                  maxLength={6}
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  autoFocus
                />
              </label>
            )}
          </>
        )}
        <button type="submit" className="primary" disabled={!ready || busy}>
          {t('Sign in')}
        </button>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setWithToken(!withToken);
            setProblem(null);
          }}
        >
          {withToken ? t('Sign in with name and password') : t('Use an HQ admin token')}
        </button>
      </form>
    </main>
  );
}
