/**
 * Sign-in: the staff id (typed, or its digits on the keypad) and the PIN on
 * the keypad. The session's rules decide (wrong PINs, the lock) [TA1].
 */
import { useState } from 'react';
import type { Staff } from '@pos/domain';
import { Keypad } from '@pos/ui';
import type { Tablet } from '../tablet';
import { Note } from './common';
import { noteOfRefusal, useWords, type ScreenNote } from './words';

export function SignInScreen(props: { tablet: Tablet; onSignedIn(staff: Staff): void }) {
  const t = useWords();
  const { config } = props.tablet;
  const [staffId, setStaffId] = useState(`${config.storeId}-E`);
  const [pin, setPin] = useState('');
  const [field, setField] = useState<'staff' | 'pin'>('pin');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<ScreenNote | null>(null);

  const submit = () => {
    if (busy || !staffId.trim() || !pin) return;
    setBusy(true);
    void props.tablet.session
      .signIn(staffId.trim(), pin)
      .then((outcome) => {
        if (outcome.ok) props.onSignedIn(outcome.value);
        else {
          setNote(noteOfRefusal(outcome));
          setPin('');
          setField('pin');
        }
      })
      .finally(() => setBusy(false));
  };

  return (
    <main className="sign-in">
      <form
        className="sign-in-card"
        aria-label={t('Sign in')}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h1>{t('Clerk tablet')}</h1>
        <p className="store-name">{config.storeName}</p>
        <p className="hint">{t('Type your staff id, then your PIN on the keypad')}</p>
        <label className={field === 'staff' ? 'active' : ''}>
          <span>{t('Staff id')}</span>
          <input
            name="staffId"
            autoComplete="username"
            autoCapitalize="characters"
            value={staffId}
            onFocus={() => setField('staff')}
            onChange={(e) => setStaffId(e.target.value.toUpperCase())}
          />
        </label>
        <label className={field === 'pin' ? 'active' : ''}>
          <span>{t('PIN')}</span>
          <input
            name="pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onFocus={() => setField('pin')}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
          />
        </label>
        <Keypad
          digits
          label={field === 'pin' ? t('PIN') : t('Staff id')}
          value={field === 'pin' ? pin : staffId}
          maxLength={field === 'pin' ? 8 : 64}
          onChange={field === 'pin' ? setPin : setStaffId}
        />
        <Note note={note} />
        <button type="submit" className="primary wide" disabled={busy || !pin}>
          {busy ? t('Signing in…') : t('Sign in')}
        </button>
      </form>
    </main>
  );
}
