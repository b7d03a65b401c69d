/**
 * Rules a pushed sale must satisfy beyond its schema, and the stock movements
 * it implies. [S1]-[S4], [L1]
 */
import type { Sale } from './documents';
import { validateDocument, type SchemaProblem } from './validate';

/**
 * [S1] Each line's amount is unit price times quantity. [S2] The total is the
 * sum of the lines. [S3] Tenders minus change equal the total, and change is
 * never negative. [S4] The id starts with the device id, so two devices can
 * never mint the same id.
 */
export function validateSale(value: unknown): SchemaProblem[] {
  const problems = validateDocument('sales', value);
  if (problems.length) return problems;
  const sale = value as Sale;
  sale.lines.forEach((line, i) => {
    if (line.unitPrice * line.quantity !== line.amount) {
      problems.push({ path: `$.lines[${i}].amount`, message: 'must equal unitPrice × quantity' });
    }
  });
  const linesTotal = sale.lines.reduce((sum, line) => sum + line.amount, 0);
  if (linesTotal !== sale.total) {
    problems.push({ path: '$.total', message: `must equal the sum of the lines (${linesTotal})` });
  }
  const tendered = sale.tenders.reduce((sum, t) => sum + t.amount, 0);
  if (sale.change < 0) problems.push({ path: '$.change', message: 'must not be negative' });
  if (tendered - sale.change !== sale.total) {
    problems.push({ path: '$.tenders', message: 'tenders minus change must equal the total' });
  }
  if (!sale.id.startsWith(`${sale.deviceId}-`)) {
    problems.push({ path: '$.id', message: 'must start with the device id' });
  }
  return problems;
}

export type StockMovement = {
  storeId: string;
  sku: string;
  /** Negative when stock leaves the store. */
  delta: number;
  reason: 'sale';
  factId: string;
};

/** [L1] A sale moves each sold quantity out of the selling store, one movement per SKU. */
export function stockMovementsForSale(sale: Sale): StockMovement[] {
  const bySku = new Map<string, number>();
  for (const line of sale.lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return [...bySku].map(([sku, quantity]) => ({
    storeId: sale.storeId,
    sku,
    delta: -quantity,
    reason: 'sale',
    factId: sale.id,
  }));
}

export function stockLevelId(storeId: string, sku: string): string {
  return `${storeId}:${sku}`;
}
