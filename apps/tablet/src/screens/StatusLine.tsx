/** Always on screen: online or offline, orders and facts waiting, the last sync, the hub; who is signed in. */
import { useDateTime } from '@pos/ui';
import type { Staff } from '@pos/domain';
import { useWords } from './words';

export type StatusFigures = {
  online: boolean;
  waiting: number;
  lastSync: string | null;
  hub: 'connected' | 'disconnected' | 'none';
};

export function StatusLine(props: {
  storeName: string;
  staff: Staff | null;
  status: StatusFigures;
  languageLabel: string;
  onLanguage(): void;
  onSignOut(): void;
}) {
  const t = useWords();
  const { time } = useDateTime();
  const { status } = props;
  return (
    <header className="status-line" aria-label="Status">
      <span className="store-label">{props.storeName}</span>
      <span className={status.online ? 'pill ok' : 'pill warn'} data-online={status.online}>
        {status.online ? t('Online') : t('Offline')}
      </span>
      <span className={status.waiting > 0 ? 'pill warn' : 'pill'}>
        {status.waiting > 0 ? t('{n} waiting to upload', { n: status.waiting }) : t('All sent')}
      </span>
      <span className="pill">
        {status.lastSync
          ? t('Last sync {time}', { time: time(status.lastSync) })
          : t('Never synced')}
      </span>
      <span
        className={
          status.hub === 'connected' ? 'pill ok' : status.hub === 'none' ? 'pill' : 'pill warn'
        }
      >
        {status.hub === 'connected'
          ? t('Hub connected')
          : status.hub === 'none'
            ? t('No hub')
            : t('Hub not connected')}
      </span>
      <span className="spacer" />
      {props.staff && (
        <span className="staff">
          {props.staff.name} · {props.staff.id}
        </span>
      )}
      <button
        type="button"
        className="language"
        aria-label={t('Language')}
        onClick={props.onLanguage}
      >
        {props.languageLabel}
      </button>
      {props.staff && (
        <button type="button" className="sign-out" onClick={props.onSignOut}>
          {t('Sign out')}
        </button>
      )}
    </header>
  );
}
