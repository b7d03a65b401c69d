/** A dialog's buttons: Cancel (Esc) and, when given, the confirming one (Enter). */
import { useT } from '../locale';

export function DialogActions({
  confirm,
  onCancel,
  focusConfirm,
  busy,
}: {
  confirm?: string;
  onCancel(): void;
  focusConfirm?: boolean;
  busy?: boolean;
}) {
  const t = useT();
  return (
    <div className="actions">
      <button type="button" onClick={onCancel}>
        {t('Cancel')} <kbd>Esc</kbd>
      </button>
      {confirm && (
        <button type="submit" autoFocus={focusConfirm} disabled={busy}>
          {confirm} <kbd>Enter</kbd>
        </button>
      )}
    </div>
  );
}
