/**
 * 我的账户 My account: who is signed in, their role and stores, and their
 * own TOTP: start it (the server makes the secret), scan the QR code or
 * type the secret into an authenticator app, confirm with a code.
 */
import { useState, type FormEvent } from 'react';
import type { TotpSetupAnswer } from '@pos/domain';
import { Qr } from '@pos/ui';
import { pickerStores } from '../access';
import { PERMISSION_WORDS, ROLE_WORDS } from '../messages';
import { ErrorBanner, failureText, useConsole, when } from '../kit';

export function Account() {
  const { t, api, session, language, seenStores, credentialKind } = useConsole();
  const [setup, setSetup] = useState<TotpSetupAnswer | null>(null);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const user = session.user;
  const stores = pickerStores(session, seenStores);
  const start = async () => {
    setProblem(null);
    try {
      setSetup(await api.startTotp());
    } catch (failure) {
      setProblem(failureText(t, failure));
    }
  };
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      await api.confirmTotp(code.trim());
      setConfirmed(true);
      setSetup(null);
    } catch (failure) {
      setProblem(failureText(t, failure));
    }
  };
  return (
    <main className="screen-body">
      <section className="toolbar">
        <h1>{t('My account')}</h1>
      </section>
      <section className="grid-2">
        <div className="panel detail-panel">
          <h2>
            {user.displayName} <span className="hint">{user.name}</span>
          </h2>
          <dl className="facts">
            <dt>{t('Role')}</dt>
            <dd>{t(ROLE_WORDS[user.role])}</dd>
            <dt>{t('Stores')}</dt>
            <dd>
              {user.stores === 'all'
                ? t('All stores')
                : stores.map((s) => `${s.id} ${s.name === s.id ? '' : s.name}`.trim()).join(', ')}
            </dd>
            <dt>{t('May')}</dt>
            <dd>{session.permissions.map((p) => t(PERMISSION_WORDS[p])).join(' · ')}</dd>
            <dt>{t('Session ends')}</dt>
            <dd>{when(language, session.expiresAt)}</dd>
          </dl>
        </div>
        <div className="panel detail-panel stacked-form" aria-label={t('Two-step sign-in (TOTP)')}>
          <h2>{t('Two-step sign-in (TOTP)')}</h2>
          {credentialKind === 'admin' ? (
            <p className="hint">{t('An HQ admin token has no TOTP: sign in as a console user')}</p>
          ) : user.totpEnabled || confirmed ? (
            <p className="good" role="status">
              {t('On: signing in asks for a code from your authenticator app')}
            </p>
          ) : setup ? (
            <form className="stacked-form" onSubmit={(e) => void confirm(e)}>
              <p className="hint">
                {t('Scan the code with an authenticator app, or type the secret into it')}
              </p>
              <Qr text={setup.otpauthUrl} label={t('TOTP QR code')} />
              <div className="mono secret">{setup.secret}</div>
              <label>
                {t('Code from your authenticator app')}
                <input
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                />
              </label>
              <button type="submit" className="primary" disabled={!/^\d{6}$/.test(code.trim())}>
                {t('Confirm')}
              </button>
            </form>
          ) : (
            <>
              <p className="hint">{t('Off: signing in asks for the password only')}</p>
              <button type="button" className="primary" onClick={() => void start()}>
                {t('Set up TOTP')}
              </button>
            </>
          )}
          <ErrorBanner text={problem} />
        </div>
      </section>
    </main>
  );
}
