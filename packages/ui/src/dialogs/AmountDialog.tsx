/** One amount: a price override, a cart discount, the cash counted at close. */
import { useState } from 'react';
import { parseMinor, type Minor } from '@pos/domain';
import { AmountEntry } from '../AmountEntry';
import { useT } from '../locale';
import { DialogActions } from './DialogActions';
import { Modal } from './Modal';

export function AmountDialog(props: {
  title: string;
  label: string;
  /** A line about what confirming does, shown above the field. */
  note?: string;
  onSubmit(amount: Minor): void;
  onCancel(): void;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      title={props.title}
      onCancel={props.onCancel}
      onSubmit={() => {
        try {
          props.onSubmit(parseMinor(text));
        } catch {
          setError(t('Type an amount, for example 50 or 50.00'));
        }
      }}
    >
      {props.note && <p className="note">{props.note}</p>}
      <AmountEntry label={props.label} value={text} onChange={setText} />
      {error && <p role="alert">{error}</p>}
      <DialogActions confirm={t('Confirm')} onCancel={props.onCancel} />
    </Modal>
  );
}
