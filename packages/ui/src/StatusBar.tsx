/** Always on screen: the store, who is signed in, online or offline, facts waiting, devices. */
import type { DeviceStatus } from '@pos/hardware/protocol';
import { deviceStateText, problemText } from './i18n/messages';
import { useDateTime, useLocale, useT } from './locale';

export function StatusBar(props: {
  storeName: string;
  staff: { id: string; name: string } | null;
  sync: { online: boolean; lastError: string | null; lastSyncAt: string | null };
  waitingUploads: number;
  devices: DeviceStatus[];
  onSignOut(): void;
  onSwitchLanguage(): void;
}) {
  const t = useT();
  const { language } = useLocale();
  const { time } = useDateTime();
  const { sync, staff, devices } = props;
  const waiting = props.waitingUploads;
  return (
    <header className="status-bar" aria-label="Till status">
      <span className="store">{props.storeName}</span>
      {staff && (
        <span className="staff">
          {staff.name} ({staff.id})
          <button type="button" className="link" onClick={props.onSignOut}>
            {t('Sign out')}
          </button>
        </span>
      )}
      <span className={sync.online ? 'ok' : 'warn'} title={sync.lastError ?? ''}>
        {sync.online ? t('Online') : t('Offline, selling locally')}
      </span>
      {!sync.online && sync.lastError && (
        <span className="reason">{t(offlineReason(sync.lastError))}</span>
      )}
      <span className={waiting > 0 ? 'warn' : 'ok'} aria-label="Sales waiting to upload">
        {waiting === 0
          ? t('All sales uploaded')
          : language === 'zh-CN'
            ? `${waiting} 笔待上传`
            : `${waiting} ${waiting === 1 ? 'sale' : 'sales'} waiting to upload`}
      </span>
      {sync.lastSyncAt && (
        <span>
          {t('Last sync')} {time(sync.lastSyncAt)}
        </span>
      )}
      {devices.map((device) =>
        device.problems?.length ? (
          device.problems.map((problem) => (
            <span key={`${device.id}:${problem.code}`} className="warn" role="alert">
              {problemText(language, problem)}
              {device.queuedReceipts ? queuedText(language, device) : ''}
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
        onClick={props.onSwitchLanguage}
      >
        {language === 'zh-CN' ? 'English' : '中文'}
      </button>
    </header>
  );
}

/** How many receipts (or, on a label printer, labels) wait for the printer, in words. */
function queuedText(language: string, device: DeviceStatus): string {
  const n = device.queuedReceipts ?? 0;
  const label = device.kind === 'label-printer';
  if (language === 'zh-CN') return `（${n} ${label ? '张面单' : '张小票'}等待打印）`;
  return ` (${n} ${label ? (n === 1 ? 'label' : 'labels') : n === 1 ? 'receipt' : 'receipts'} waiting)`;
}

/** What an offline terminal tells the cashier, in words, with what to do. */
function offlineReason(error: string): string {
  if (/answered 401/.test(error))
    return 'This till is not recognised by the server: call the supervisor';
  if (/answered 5\d\d/.test(error))
    return 'The sync server has a problem; sales upload when it is back';
  return 'No connection to the sync server; sales upload when it is back';
}
