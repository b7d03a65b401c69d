/** Staff id and PIN fields: the sign-in screen and a supervisor's approval. */
import { useT } from '../locale';

export function StaffCredentials(props: {
  staffId: string;
  pin: string;
  onStaffId(value: string): void;
  onPin(value: string): void;
}) {
  const t = useT();
  return (
    <>
      <label>
        {t('Staff id')}
        <input autoFocus value={props.staffId} onChange={(e) => props.onStaffId(e.target.value)} />
      </label>
      <label>
        {t('PIN')}
        <input
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={props.pin}
          onChange={(e) => props.onPin(e.target.value)}
        />
      </label>
    </>
  );
}
