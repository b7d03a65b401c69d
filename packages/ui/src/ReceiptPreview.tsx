/** What was just sold or refunded, on screen while the cart is empty: total, tenders, change. */
import type { ReturnFact, SaleFact } from '@pos/domain';
import { useMoney, useT } from './locale';
import { tenderName } from './tender-names';

export function ReceiptPreview({
  sale,
  refund,
}: {
  sale: SaleFact | null;
  refund: ReturnFact | null;
}) {
  const t = useT();
  const money = useMoney();
  if (refund) {
    return (
      <div className="paid" role="status" aria-label="Refund">
        <h2>
          {t('Refund')} {money(refund.refund)}
        </h2>
        {refund.tenders.map((tender, i) => (
          <p key={i}>
            {t(tenderName(tender.kind))} {money(tender.amount)}
            {'reference' in tender ? ` (${tender.reference})` : ''}
          </p>
        ))}
        <p className="note">
          {t(
            'The refund receipt goes to the receipt printer; if it is not ready, it prints when it is.',
          )}
        </p>
      </div>
    );
  }
  if (!sale) return <p className="hint">{t('Scan an item to start a sale.')}</p>;
  return (
    <div className="paid" role="status">
      <h2>{t('Paid')}</h2>
      <p>
        {t('Total')} {money(sale.due)} ·{' '}
        {sale.tenders
          .map((tender) => `${t(tenderName(tender.kind))} ${money(tender.amount)}`)
          .join(' · ')}
      </p>
      {sale.points.earned > 0 && (
        <p>
          +{sale.points.earned} {t('Points')}
        </p>
      )}
      <p className="change">
        {t('Change')} {money(sale.change)}
      </p>
    </div>
  );
}
