import { useEffect, useState, type ReactNode } from 'react';
import { parseMinor } from '@pos/domain';
import {
  LocaleProvider,
  ReportDialog,
  StaffCredentials,
  useMessageText,
  useT,
  type ScreenMessage,
} from '@pos/ui';
import type { Till } from './boot';
import { CheckoutScreen } from './CheckoutScreen';
import { StatusBar } from './StatusBar';
import { usePosStore } from './store';
import { tillState, useTill } from './till-state';

/** The screen's language, the currency and the store's time zone for every component. */
function Localised({ children }: { children: ReactNode }) {
  const language = usePosStore((s) => s.language);
  const currency = usePosStore((s) => s.currency);
  const timeZone = usePosStore((s) => s.timeZone);
  return <LocaleProvider locale={{ language, currency, timeZone }}>{children}</LocaleProvider>;
}

export function App({ till }: { till: Promise<Till | null> }) {
  return (
    <Localised>
      <Screens till={till} />
    </Localised>
  );
}

function Screens({ till }: { till: Promise<Till | null> }) {
  const phase = usePosStore((s) => s.phase);
  const staff = useTill((s) => s.staff);
  const shift = useTill((s) => s.shift);
  const report = useTill((s) => s.report);
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
      {report && <ReportDialog report={report} onClose={() => tillState.set({ report: null })} />}
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
  const words = useMessageText();
  const [error, setError] = useState<ScreenMessage | null>(null);
  return (
    <section className="panel center">
      <form
        className="card"
        aria-label={t('Sign in')}
        onSubmit={(event) => {
          event.preventDefault();
          void till.session.signIn(staffId, pin).then((result) => {
            if (result.ok) usePosStore.setState({ message: null });
            setError(
              result.ok
                ? null
                : {
                    tone: 'error',
                    text: result.message,
                    code: result.code,
                    ...(result.params ? { params: result.params } : {}),
                  },
            );
            setPin('');
          });
        }}
      >
        <h1>{t('Sign in')}</h1>
        <StaffCredentials staffId={staffId} pin={pin} onStaffId={setStaffId} onPin={setPin} />
        {error && <p role="alert">{words(error)}</p>}
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
            void till.session.openShift(parseMinor(text)).then(usePosStore.getState().show);
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
        {error && <p role="alert">{t(error)}</p>}
        <button type="submit">
          {t('Open shift')} <kbd>Enter</kbd>
        </button>
      </form>
    </section>
  );
}
