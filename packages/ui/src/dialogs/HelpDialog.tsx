/** The function keys and what each does. */
import { useT } from '../locale';
import { DialogActions } from './DialogActions';
import { Modal } from './Modal';

export function HelpDialog({
  keys,
  onClose,
}: {
  /** Each key and its (English, translated here) label. */
  keys: readonly (readonly [string, string])[];
  onClose(): void;
}) {
  const t = useT();
  return (
    <Modal title={t('Help')} onCancel={onClose} onSubmit={onClose}>
      <dl className="help">
        {keys.map(([key, label]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
        <div>
          <dt>
            <kbd>↑ ↓</kbd>
          </dt>
          <dd>{t('Choose a line')}</dd>
        </div>
      </dl>
      <DialogActions confirm={t('Close')} onCancel={onClose} focusConfirm />
    </Modal>
  );
}
