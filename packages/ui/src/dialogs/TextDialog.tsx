/** One text field: a phone or member code, a coupon or receipt code, a quantity. */
import { useState } from 'react';
import { useT } from '../locale';
import { DialogActions } from './DialogActions';
import { Modal } from './Modal';

export function TextDialog(props: {
  title: string;
  label: string;
  initial?: string;
  numeric?: boolean;
  /** What the field expects, if a scan into it should fill it (a phone, a code); else scans go to the cart. */
  expects?: 'phone' | 'code';
  /** A line under the field: what it takes here, or what it cannot. */
  note?: string;
  onSubmit(text: string): void;
  onCancel(): void;
}) {
  const t = useT();
  const [text, setText] = useState(props.initial ?? '');
  return (
    <Modal
      title={props.title}
      onCancel={props.onCancel}
      onSubmit={() => text.trim() && props.onSubmit(text.trim())}
    >
      <label>
        {props.label}
        <input
          autoFocus
          data-expects={props.expects}
          inputMode={props.numeric ? 'numeric' : 'text'}
          value={text}
          onFocus={(e) => e.target.select()}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      {props.note && <p className="note">{props.note}</p>}
      <DialogActions confirm={t('Confirm')} onCancel={props.onCancel} />
    </Modal>
  );
}
