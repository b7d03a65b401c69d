/** A supervisor approves on the cashier's screen with their own staff id and PIN. */
import { useState } from 'react';
import type { Permission, Staff } from '@pos/domain';
import { useMessageText, useT } from '../locale';
import type { ScreenMessage } from '../i18n/messages';
import { DialogActions } from './DialogActions';
import { Modal } from './Modal';
import { StaffCredentials } from './StaffCredentials';

/** What an approval answers: the approver, or why not (a coded message). */
export type ApprovalAnswer =
  | { ok: true; value: Staff }
  | { ok: false; code: string; message: string; params?: Record<string, string> };

const APPROVAL_REASON: Record<Permission, string> = {
  'void-line': 'A supervisor approves voiding this line.',
  'price-override': 'A supervisor approves changing this price.',
  'cart-discount': 'A supervisor approves a discount on this sale.',
  refund: 'A supervisor approves this refund.',
  'no-sale': 'A supervisor approves opening the drawer without a sale.',
};

export function ApprovalDialog(props: {
  permission: Permission;
  approve(staffId: string, pin: string): Promise<ApprovalAnswer>;
  onApproved(staff: Staff): void;
  onCancel(): void;
}) {
  const t = useT();
  const words = useMessageText();
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<ScreenMessage | null>(null);
  return (
    <Modal
      title={t('Supervisor approval')}
      onCancel={props.onCancel}
      onSubmit={() =>
        void props.approve(staffId, pin).then((result) => {
          if (!result.ok) {
            setError({
              tone: 'error',
              text: result.message,
              code: result.code,
              ...(result.params ? { params: result.params } : {}),
            });
            setPin('');
          } else props.onApproved(result.value);
        })
      }
    >
      <p>{t(APPROVAL_REASON[props.permission])}</p>
      <StaffCredentials staffId={staffId} pin={pin} onStaffId={setStaffId} onPin={setPin} />
      {error && <p role="alert">{words(error)}</p>}
      <DialogActions confirm={t('Approve')} onCancel={props.onCancel} />
    </Modal>
  );
}
