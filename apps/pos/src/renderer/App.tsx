import { useEffect, useState } from 'react';
import { parseMinor } from '@pos/domain';
import type { Till } from './boot';
import { CheckoutScreen } from './CheckoutScreen';
import { ReportDialog, StaffCredentials } from './dialogs';
import { useT } from './i18n';
import { StatusBar } from './StatusBar';
import { usePosStore } from './store';

export function App({ till }: { till: Promise<Till | null> }) {
  const phase = usePosStore((s) => s.phase);
  const staff = usePosStore((s) => s.staff);
  const shift = usePosStore((s) => s.shift);
  const report = usePosStore((s) => s.report);
  const [ready, setReady] = useState<Till | null>(null);
  useEffect(() => {
    void till.then(setReady);
  }, [till]);

  if (phase.kind === 'failed') {
    return (
      <main className="screen center">
        <h1>The terminal could not start</h1>
        <p role="alert">{phase.error}</p>
      </main>
    );
  }
  if (phase.kind === 'starting' || !ready) {
    return (
      <main className="screen center">
        <h1>Starting…</h1>
        <p>{phase.kind === 'starting' ? phase.detail : 'Connecting devices'}</p>
        <InitialSyncBar />
      </main>
    );
  }
  return (
    <main className="screen">
      <StatusBar till={ready} />
      {!staff ? (
        <SignIn till={ready} />
      ) : !shift ? (
        <OpenShift till={ready} />
      ) : (
        <CheckoutScreen till={ready} />
      )}
      {report && (
        <ReportDialog report={report} onClose={() => usePosStore.setState({ report: null })} />
      )}
    </main>
  );
}

function InitialSyncBar() {
  const progress = usePosStore((s) => s.initialSync);
  if (!progress) return null;
  const { received, total, percent, secondsLeft } = progress;
  return (
    <div className="initial-sync">
      <progress aria-label="Catalog download" max={100} value={percent ?? undefined} />
      <p>
        {total === null
          ? `${received} items received`
          : `${received} of ${total} items (${percent}%)`}
        {secondsLeft !== null && secondsLeft > 0 && `, about ${secondsLeft} s left`}
      </p>
    </div>
  );
}

function SignIn({ till }: { till: Till }) {
  const t = useT();
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="panel center">
      <form
        className="card"
        aria-label={t('Sign in')}
        onSubmit={(event) => {
          event.preventDefault();
          void till.session.signIn(staffId, pin).then((problem) => {
            setError(problem);
            setPin('');
          });
        }}
      >
        <h1>{t('Sign in')}</h1>
        <StaffCredentials staffId={staffId} pin={pin} onStaffId={setStaffId} onPin={setPin} />
        {error && <p role="alert">{t(error)}</p>}
        <button type="submit">
          {t('Sign in')} <kbd>Enter</kbd>
        </button>
      </form>
    </section>
  );
}

function OpenShift({ till }: { till: Till }) {
  const t = useT();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="panel center">
      <form
        className="card"
        aria-label={t('Open the shift')}
        onSubmit={(event) => {
          event.preventDefault();
          try {
            void till.session.openShift(parseMinor(text));
          } catch {
            setError('Type the cash in the drawer, for example 500');
          }
        }}
      >
        <h1>{t('Open the shift')}</h1>
        <label>
          {t('Opening float')}
          <input
            autoFocus
            inputMode="decimal"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        {error && <p role="alert">{error}</p>}
        <button type="submit">
          {t('Open shift')} <kbd>Enter</kbd>
        </button>
      </form>
    </section>
  );
}
