/** Always on screen: the store, who is signed in, online or offline, facts waiting, devices. */
import type { Till } from './boot';
import { deviceStateText, problemText, useT } from './i18n';
import { usePosStore } from './store';

export function StatusBar({ till }: { till: Till }) {
  const t = useT();
  const storeName = usePosStore((s) => s.storeName);
  const staff = usePosStore((s) => s.staff);
  const sync = usePosStore((s) => s.sync);
  const waiting = usePosStore((s) => s.waitingUploads);
  const language = usePosStore((s) => s.language);
  const devices = usePosStore((s) => s.devices);
  const lastSync = sync.lastSyncAt
    ? new Date(sync.lastSyncAt).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' })
    : null;
  return (
    <header className="status-bar" aria-label="Till status">
      <span className="store">{storeName}</span>
      {staff && (
        <span className="staff">
          {staff.name} ({staff.id})
          <button type="button" className="link" onClick={() => till.session.signOut()}>
            {t('Sign out')}
          </button>
        </span>
      )}
      <span className={sync.online ? 'ok' : 'warn'} title={sync.lastError ?? ''}>
        {sync.online ? t('Online') : t('Offline, selling locally')}
      </span>
      {!sync.online && sync.lastError && (
        <span className="reason">{offlineReason(sync.lastError)}</span>
      )}
      <span className={waiting > 0 ? 'warn' : 'ok'} aria-label="Sales waiting to upload">
        {waiting === 0
          ? t('All sales uploaded')
          : language === 'zh-CN'
            ? `${waiting} 笔待上传`
            : `${waiting} ${waiting === 1 ? 'sale' : 'sales'} waiting to upload`}
      </span>
      {lastSync && (
        <span>
          {t('Last sync')} {lastSync}
        </span>
      )}
      {devices.map((device) =>
        device.problems?.length ? (
          device.problems.map((problem) => (
            <span key={`${device.id}:${problem.code}`} className="warn" role="alert">
              {problemText(language, problem)}
              {device.queuedReceipts
                ? language === 'zh-CN'
                  ? `（${device.queuedReceipts} 张小票等待打印）`
                  : ` (${device.queuedReceipts} receipts waiting)`
                : ''}
            </span>
          ))
        ) : (
          <span key={device.id} className={device.state === 'ready' ? 'ok' : 'warn'}>
            {t(device.kind)}:{' '}
            {device.state === 'ready' ? t('ready') : deviceStateText(language, device)}
          </span>
        ),
      )}
      <button
        type="button"
        className="link"
        aria-label="Language 语言"
        onClick={() => usePosStore.setState({ language: language === 'zh-CN' ? 'en' : 'zh-CN' })}
      >
        {language === 'zh-CN' ? 'English' : '中文'}
      </button>
    </header>
  );
}

/** What an offline terminal tells the cashier, in words, with what to do. */
function offlineReason(error: string): string {
  if (/answered 401/.test(error))
    return 'This till is not recognised by the server: call the supervisor';
  if (/answered 5\d\d/.test(error))
    return 'The sync server has a problem; sales upload when it is back';
  return 'No connection to the sync server; sales upload when it is back';
}
