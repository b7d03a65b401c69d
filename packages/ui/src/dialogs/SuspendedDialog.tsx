/** Carts put aside (挂单): pick one to resume. */
import { useT } from '../locale';
import { DialogActions } from './DialogActions';
import { Modal } from './Modal';

export type SuspendedCartSummary = { id: string; lines: number; label: string };

export function SuspendedDialog(props: {
  suspended: SuspendedCartSummary[];
  onPick(id: string): void;
  onCancel(): void;
}) {
  const t = useT();
  return (
    <Modal title={t('Suspended carts')} onCancel={props.onCancel}>
      {props.suspended.length === 0 && <p>{t('No carts put aside.')}</p>}
      <ul className="results">
        {props.suspended.map((s) => (
          <li key={s.id}>
            <button type="button" onClick={() => props.onPick(s.id)}>
              {t('Resume')}: {s.label} ({s.lines})
            </button>
          </li>
        ))}
      </ul>
      <DialogActions onCancel={props.onCancel} />
    </Modal>
  );
}
