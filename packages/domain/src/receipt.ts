/**
 * The receipt as data: every figure comes from the sale. Printers lay it out;
 * they never compute. [R1]
 */
import type { Sale, Store } from './documents';

export type Receipt = {
  storeName: string;
  storeAddress: string;
  saleId: string;
  soldAt: string;
  currency: string;
  lines: { name: string; quantity: number; unitPrice: number; amount: number }[];
  total: number;
  tenders: { label: string; amount: number }[];
  change: number;
  footer: string;
};

const TENDER_LABEL = { cash: 'Cash' } as const;

/** [R1] The receipt shows each line, the total, each tender and the change of the sale. */
export function buildReceipt(sale: Sale, store: Pick<Store, 'name' | 'address'>): Receipt {
  return {
    storeName: store.name,
    storeAddress: store.address,
    saleId: sale.id,
    soldAt: sale.soldAt,
    currency: sale.currency,
    lines: sale.lines.map(({ name, quantity, unitPrice, amount }) => ({
      name,
      quantity,
      unitPrice,
      amount,
    })),
    total: sale.total,
    tenders: sale.tenders.map((t) => ({ label: TENDER_LABEL[t.kind], amount: t.amount })),
    change: sale.change,
    footer: 'Thank you',
  };
}
