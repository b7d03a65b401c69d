/**
 * Lays a Receipt out on 32 (58 mm paper) or 48 (80 mm paper) columns and
 * encodes it as ESC/POS. It prints the receipt's figures; it never computes
 * one [R1]. [RL1] Every body line is exactly `columns` wide, amounts end at
 * the last column. [RL2] Names are wrapped or truncated, figures never.
 */
import { formatMinorPlain, type Receipt } from '@pos/domain';
import type { ReceiptColumns } from '../hub/protocol';
import { concatBytes, escpos, type Align } from './escpos';
import { displayWidth, justifyToWidth, padStartToWidth, wrapToWidth } from './text-width';

export type ReceiptLayoutOptions = {
  columns: ReceiptColumns;
  /** IANA zone to print the sale time in; default: the time as written in `soldAt`. */
  timeZone?: string;
};

export type PrintLine = { text: string; align?: Align; bold?: boolean; doubleSize?: boolean };

const FEED_BEFORE_CUT = 3;

export function layoutReceipt(receipt: Receipt, options: ReceiptLayoutOptions): PrintLine[] {
  const { columns } = options;
  const money = (amount: number) => formatMinorPlain(amount);
  const rule: PrintLine = { text: '-'.repeat(columns) };

  const itemFigures = receipt.lines.map((line) => ({
    name: line.name,
    quantityPrice: `${line.quantity} x ${money(line.unitPrice)}`,
    amount: money(line.amount),
  }));
  const amountWidth = Math.max(...itemFigures.map((item) => item.amount.length), 0);
  const quantityWidth = Math.max(...itemFigures.map((item) => item.quantityPrice.length), 0);

  const items = itemFigures.flatMap(({ name, quantityPrice, amount }): PrintLine[] => {
    const figures = `${quantityPrice.padStart(quantityWidth)}  ${amount.padStart(amountWidth)}`;
    const nameColumns = columns - displayWidth(figures) - 1;
    if (displayWidth(name) <= nameColumns)
      return [{ text: justifyToWidth(name, figures, columns) }];
    return [
      ...wrapToWidth(name, columns).map((text) => ({ text })),
      { text: padStartToWidth(figures, columns) },
    ];
  });

  return [
    ...wrapToWidth(receipt.storeName, columns / 2).map((text): PrintLine => ({
      text,
      align: 'center',
      bold: true,
      doubleSize: true,
    })),
    ...wrapToWidth(receipt.storeAddress, columns).map((text): PrintLine => ({
      text,
      align: 'center',
    })),
    rule,
    ...labelled('Sale', receipt.saleId, columns),
    ...labelled('Time', formatSaleTime(receipt.soldAt, options.timeZone), columns),
    rule,
    ...items,
    rule,
    { text: justifyToWidth('TOTAL', money(receipt.total), columns), bold: true },
    ...receipt.tenders.map((tender) => ({
      text: justifyToWidth(tender.label, money(tender.amount), columns),
    })),
    { text: justifyToWidth('CHANGE', money(receipt.change), columns) },
    rule,
    ...wrapToWidth(receipt.footer, columns).map((text): PrintLine => ({ text, align: 'center' })),
  ];
}

/** `label` and `value` on one line when they fit, else the label above the wrapped value. */
function labelled(label: string, value: string, columns: number): PrintLine[] {
  if (displayWidth(label) + 1 + displayWidth(value) <= columns) {
    return [{ text: justifyToWidth(label, value, columns) }];
  }
  return [{ text: label }, ...wrapToWidth(value, columns).map((text) => ({ text }))];
}

/** The receipt as ESC/POS bytes: init, the lines, a feed and a partial cut. */
export function renderReceipt(receipt: Receipt, options: ReceiptLayoutOptions): Uint8Array {
  const parts: Uint8Array[] = [escpos.init()];
  for (const line of layoutReceipt(receipt, options)) {
    if (line.align) parts.push(escpos.align(line.align));
    if (line.bold) parts.push(escpos.bold(true));
    if (line.doubleSize) parts.push(escpos.size(2, 2));
    parts.push(escpos.line(line.text));
    if (line.doubleSize) parts.push(escpos.size(1, 1));
    if (line.bold) parts.push(escpos.bold(false));
    if (line.align) parts.push(escpos.align('left'));
  }
  parts.push(escpos.feed(FEED_BEFORE_CUT), escpos.partialCut());
  return concatBytes(parts);
}

/** "2026-11-22 11:00:13" in `timeZone`, or the date and time exactly as `soldAt` writes them. */
export function formatSaleTime(soldAt: string, timeZone?: string): string {
  const date = new Date(soldAt);
  if (timeZone && !Number.isNaN(date.getTime())) {
    return new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).format(date);
  }
  const match =
    /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(soldAt);
  if (!match) return soldAt;
  const zone = match[3] === 'Z' ? ' UTC' : '';
  return `${match[1]} ${match[2]}${zone}`;
}
