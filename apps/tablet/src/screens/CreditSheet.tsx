/**
 * [CM1] Who a line is credited to: staff ids and shares in percent (up to
 * five staff, 100 % in all; the desk or the server says whether a split is
 * valid). Used for a cart line and, with a supervisor's approval, for a
 * line already sold.
 */
import { useState, type ReactNode } from 'react';
import { evenCredits, MAX_CREDITED_STAFF, type LineCredit } from '@pos/domain';
import { Note, Sheet } from './common';
import { creditsOfRows, percentOfShare, rowsOfCredits, sharesTotal, type CreditRow } from './view';
import { useWords, type ScreenNote } from './words';

export function CreditSheet(props: {
  title: string;
  credits: readonly LineCredit[];
  note: ScreenNote | null;
  busy?: boolean;
  /** What else the edit needs (a supervisor's approval, a reason). */
  children?: ReactNode;
  onSave(credits: LineCredit[]): void;
  onClose(): void;
}) {
  const t = useWords();
  const [rows, setRows] = useState<CreditRow[]>(() => rowsOfCredits(props.credits));
  const total = sharesTotal(rows);
  const set = (i: number, row: Partial<CreditRow>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...row } : r)));

  return (
    <Sheet title={props.title} onClose={props.onClose} wide>
      <p className="hint">{t('Who sold this line')}</p>
      <table className="credit-rows">
        <thead>
          <tr>
            <th>{t('Staff id')}</th>
            <th>{t('Share %')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <td>
                <input
                  aria-label={`${t('Staff id')} ${i + 1}`}
                  autoCapitalize="characters"
                  value={row.staffId}
                  onChange={(e) => set(i, { staffId: e.target.value.toUpperCase() })}
                />
              </td>
              <td>
                <input
                  aria-label={`${t('Share %')} ${i + 1}`}
                  inputMode="decimal"
                  className="share"
                  value={row.percent}
                  onChange={(e) => set(i, { percent: e.target.value })}
                />
              </td>
              <td>
                <button
                  type="button"
                  className="remove"
                  aria-label={`${t('Remove')} ${row.staffId}`}
                  disabled={rows.length <= 1}
                  onClick={() => setRows(rows.filter((_, j) => j !== i))}
                >
                  {t('Remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="credit-tools">
        <button
          type="button"
          disabled={rows.length >= MAX_CREDITED_STAFF}
          onClick={() => setRows([...rows, { staffId: '', percent: '' }])}
        >
          + {t('Add staff')}
        </button>
        <button
          type="button"
          onClick={() => {
            const ids = rows.map((r) => r.staffId.trim().toUpperCase()).filter(Boolean);
            if (ids.length > 0) setRows(rowsOfCredits(evenCredits(ids)));
          }}
        >
          {t('Split evenly')}
        </button>
        <span className={total === 10_000 ? 'total ok' : 'total warn'}>
          {t('Shares add up to {n} %', { n: percentOfShare(total) })}
        </span>
      </div>
      {props.children}
      <Note note={props.note} />
      <div className="actions">
        <button type="button" onClick={props.onClose}>
          {t('Cancel')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={props.busy}
          onClick={() => props.onSave(creditsOfRows(rows))}
        >
          {t('Save')}
        </button>
      </div>
    </Sheet>
  );
}
