/** The X or Z report on screen; the hub prints it through the receipt printer's queue. */
import type { ShiftReportOnScreen } from '@pos/domain';
import { useDateTime, useMoney, useT } from '../locale';
import { tenderName } from '../tender-names';
import { DialogActions } from './DialogActions';
import { Modal } from './Modal';

export function ReportDialog({
  report,
  onClose,
}: {
  report: ShiftReportOnScreen;
  onClose(): void;
}) {
  const t = useT();
  const money = useMoney();
  const { dateTime } = useDateTime();
  const totals = report.kind === 'x' ? report.totals : report.fact.totals;
  const shift = report.kind === 'x' ? report.shift : report.fact;
  const expected = report.kind === 'x' ? report.expectedCash : report.fact.expectedCash;
  const rows: [string, string][] = [
    [t('Sales'), `${totals.sales.count} · ${money(totals.sales.amount)}`],
    [t('Returns'), `${totals.returns.count} · ${money(totals.returns.amount)}`],
    [t('Discounts'), money(totals.discount)],
    ...totals.tenders.map((x): [string, string] => [t(tenderName(x.kind)), money(x.amount)]),
    [t('No-sale drawer opens'), String(totals.noSaleOpens)],
    [t('Opening float'), money(shift.openingFloat)],
    [t('Expected cash'), money(expected)],
    ...(report.kind === 'z'
      ? ([
          [t('Cash counted'), money(report.fact.countedCash)],
          [t('Variance'), money(report.fact.variance)],
        ] as [string, string][])
      : []),
  ];
  const title = report.kind === 'x' ? t('X report') : t('Z report');
  return (
    <Modal title={title} onCancel={onClose} onSubmit={onClose}>
      <p>
        {shift.cashierId} · {dateTime(shift.openedAt)}
      </p>
      <table className="report">
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <th>{label}</th>
              <td className="num">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="note">
        {t('Printed on the receipt printer; if it is not ready, it prints when it is.')}
      </p>
      <DialogActions confirm={t('Close')} onCancel={onClose} focusConfirm />
    </Modal>
  );
}
