/** The lines of a sale to return: a quantity for each, at most what is left to return. */
import { useState } from 'react';
import type { ReturnDraft } from '@pos/domain';
import { useDateTime, useMoney, useT } from '../locale';
import { DialogActions } from './DialogActions';
import { Modal } from './Modal';

export function ReturnDialog(props: {
  draft: ReturnDraft;
  onRefund(lines: { lineId: string; quantity: number }[]): void;
  onCancel(): void;
}) {
  const t = useT();
  const money = useMoney();
  const { dateTime } = useDateTime();
  const { sale, previous } = props.draft;
  const returned = new Map<string, number>();
  for (const r of previous) {
    for (const l of r.lines) returned.set(l.lineId, (returned.get(l.lineId) ?? 0) + l.quantity);
  }
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const request = Object.entries(quantities)
    .map(([lineId, q]) => ({ lineId, quantity: Number(q) }))
    .filter((r) => r.quantity > 0);
  return (
    <Modal
      title={t('Return')}
      onCancel={props.onCancel}
      onSubmit={() => request.length && props.onRefund(request)}
      wide
    >
      <p>
        {sale.id} · {dateTime(sale.soldAt)}
      </p>
      <table>
        <thead>
          <tr>
            <th>{t('Item')}</th>
            <th className="num">{t('Qty')}</th>
            <th className="num">{t('Amount')}</th>
            <th className="num">{t('Return')}</th>
          </tr>
        </thead>
        <tbody>
          {sale.lines.map((line, i) => {
            const left = line.quantity - (returned.get(line.lineId) ?? 0);
            return (
              <tr key={line.lineId}>
                <td>{line.name}</td>
                <td className="num">{line.quantity}</td>
                <td className="num">{money(line.paid)}</td>
                <td className="num">
                  <input
                    aria-label={`Return quantity ${line.name}`}
                    autoFocus={i === 0}
                    type="number"
                    min={0}
                    max={left}
                    disabled={left === 0}
                    value={quantities[line.lineId] ?? ''}
                    onChange={(e) =>
                      setQuantities({ ...quantities, [line.lineId]: e.target.value })
                    }
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="note">
        {t(
          'The refund receipt goes to the receipt printer; if it is not ready, it prints when it is.',
        )}
      </p>
      <DialogActions confirm={t('Refund')} onCancel={props.onCancel} />
    </Modal>
  );
}
