/** The till's status bar: the shared one, fed from the till's and the screen's state. */
import { StatusBar as SharedStatusBar } from '@pos/ui';
import type { Till } from './boot';
import { usePosStore } from './store';
import { useTill } from './till-state';

export function StatusBar({ till }: { till: Till }) {
  const storeName = usePosStore((s) => s.storeName);
  const staff = useTill((s) => s.staff);
  const sync = usePosStore((s) => s.sync);
  const waiting = usePosStore((s) => s.waitingUploads);
  const language = usePosStore((s) => s.language);
  const devices = usePosStore((s) => s.devices);
  return (
    <SharedStatusBar
      storeName={storeName}
      staff={staff}
      sync={sync}
      waitingUploads={waiting}
      devices={devices}
      onSignOut={() => {
        usePosStore.getState().setPaying(false);
        till.session.signOut();
      }}
      onSwitchLanguage={() =>
        usePosStore.setState({ language: language === 'zh-CN' ? 'en' : 'zh-CN' })
      }
    />
  );
}
