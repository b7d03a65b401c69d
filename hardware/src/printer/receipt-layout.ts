/**
 * Lays a SaleReceipt out on 32 (58 mm paper) or 48 (80 mm paper) columns,
 * with English or Chinese labels, and encodes it as ESC/POS. It prints the
 * receipt's figures; it never computes one [LY7][SF3].
 * [LY1] Every body line is exactly `columns` wide, amounts end at the last
 *       column. [LY2] Names are wrapped or truncated, figures never.
 * [LY3] The receipt shows, in order: store header; sale, time, cashier; each
 *       line (a weighed line with its weight), its price override (the
 *       list price replaced and the approver) when any [SR3], and one row
 *       per saving;
 *       subtotal, discount, tax per class, total, cash rounding (only when
 *       not zero), amount due; each tender (card and mobile with their
 *       reference, points with the points used); change; the member's points
 *       (earned, redeemed when any, balance when given); the receipt code as
 *       a QR code (model 2, error correction M) and, when it fits the paper,
 *       a Code 128 with its text below, else as text; footer; partial cut.
 */
import { formatMinorPlain, type SaleReceipt } from '@pos/domain';
import type { ReceiptColumns, ReceiptLanguage } from '../hub/protocol';
import { code128Symbols, concatBytes, escpos, type Align } from './escpos';
import {
  displayWidth,
  justifyToWidth,
  padEndToWidth as padEnd,
  padStartToWidth,
  wrapToWidth,
} from './text-width';

export type ReceiptLayoutOptions = {
  columns: ReceiptColumns;
  /** Labels: 'en' (default) or 'zh-CN' (合计, 找零, 抹零 …). Names and the footer print as given. */
  language?: ReceiptLanguage;
  /** IANA zone to print the sale time in; default: the time as written in `soldAt`. */
  timeZone?: string;
};

export type PrintLine = { text: string; align?: Align; bold?: boolean; doubleSize?: boolean };
/** A symbol printed centered: a QR code, or a Code 128 `moduleWidth` dots per module. */
export type PrintCode =
  { code: 'qr'; data: string } | { code: 'code128'; data: string; moduleWidth: number };
export type PrintItem = PrintLine | PrintCode;

type Tender = SaleReceipt['tenders'][number];

const LABELS = {
  en: {
    sale: 'Sale',
    time: 'Time',
    cashier: 'Cashier',
    subtotal: 'Subtotal',
    discount: 'Discount',
    tax: (rate: string) => `VAT ${rate}%`,
    taxIncluded: (rate: string) => `incl. VAT ${rate}%`,
    total: 'TOTAL',
    rounding: 'Rounding',
    due: 'AMOUNT DUE',
    tender: {
      cash: 'Cash',
      card: 'Card',
      points: 'Points',
      alipay: 'Alipay',
      wechat: 'WeChat Pay',
      unionpay: 'UnionPay',
    },
    reference: 'Ref',
    override: (listPrice: string) => `Price override, was ${listPrice}`,
    pointsUsed: (points: number) => `${points} points`,
    change: 'CHANGE',
    memberPoints: 'Member points',
    earned: 'Earned',
    redeemed: 'Redeemed',
    balance: 'Balance',
    receiptCode: 'Receipt code for returns',
    footer: 'Thank you for shopping with us',
  },
  'zh-CN': {
    sale: '单号',
    time: '时间',
    cashier: '收银员',
    subtotal: '小计',
    discount: '优惠',
    tax: (rate: string) => `增值税 ${rate}%`,
    taxIncluded: (rate: string) => `含增值税 ${rate}%`,
    total: '合计',
    rounding: '抹零',
    due: '应付',
    tender: {
      cash: '现金',
      card: '银行卡',
      points: '积分抵扣',
      alipay: '支付宝',
      wechat: '微信支付',
      unionpay: '云闪付',
    },
    reference: '参考号',
    override: (listPrice: string) => `改价 原价 ${listPrice}`,
    pointsUsed: (points: number) => `使用 ${points} 积分`,
    change: '找零',
    memberPoints: '会员积分',
    earned: '本次获得',
    redeemed: '本次使用',
    balance: '积分余额',
    receiptCode: '退换货请出示此码',
    footer: '谢谢惠顾，欢迎再次光临',
  },
} as const;

/** Printable dots across the paper at 203 dpi: 58 mm → 384, 80 mm → 576. */
const PAPER_DOTS: Record<ReceiptColumns, number> = { 32: 384, 48: 576 };
/** Code 128 quiet zone, in modules, on each side. */
const QUIET_MODULES = 10;
const FEED_BEFORE_CUT = 3;

export function layoutReceipt(receipt: SaleReceipt, options: ReceiptLayoutOptions): PrintItem[] {
  const { columns } = options;
  const words = LABELS[options.language ?? 'en'];
  const money = (amount: number) => formatMinorPlain(amount);
  const minus = (amount: number) => money(-amount);
  const row = (label: string, value: string, bold = false): PrintLine => ({
    text: justifyToWidth(label, value, columns),
    ...(bold ? { bold } : {}),
  });
  const rule: PrintLine = { text: '-'.repeat(columns) };
  const centered = (text: string): PrintLine[] =>
    wrapToWidth(text, columns).map((line): PrintLine => ({ text: line, align: 'center' }));

  const itemFigures = receipt.lines.map((line) => ({
    line,
    quantityPrice:
      line.grams !== undefined
        ? formatKilograms(line.grams)
        : `${line.quantity} x ${money(line.unitPrice)}`,
    amount: money(line.amount),
  }));
  const amountWidth = Math.max(...itemFigures.map((item) => item.amount.length), 0);
  const quantityWidth = Math.max(...itemFigures.map((item) => item.quantityPrice.length), 0);

  const items = itemFigures.flatMap(({ line, quantityPrice, amount }): PrintLine[] => {
    const figures = `${quantityPrice.padStart(quantityWidth)}  ${amount.padStart(amountWidth)}`;
    const nameColumns = columns - displayWidth(figures) - 1;
    const head: PrintLine[] =
      displayWidth(line.name) <= nameColumns
        ? [{ text: justifyToWidth(line.name, figures, columns) }]
        : [
            ...wrapToWidth(line.name, columns).map((text) => ({ text: padEnd(text, columns) })),
            { text: padStartToWidth(figures, columns) },
          ];
    const override = line.override
      ? labelled(
          `  ${words.override(money(line.override.listPrice))}`,
          line.override.byName ?? line.override.by,
          columns,
        )
      : [];
    const savings = line.savings.map((saving) => row(`  ${saving.label}`, minus(saving.amount)));
    return [...head, ...override, ...savings];
  });

  const rate = (rateBp: number) => formatMinorPlain(rateBp).replace(/\.?0+$/, '');
  const taxes = receipt.tax.map((t) =>
    row(
      `${receipt.priceBasis === 'inclusive' ? words.taxIncluded(rate(t.rateBp)) : words.tax(rate(t.rateBp))} (${money(t.gross)})`,
      money(t.tax),
    ),
  );

  const tenders = receipt.tenders.flatMap((tender): PrintLine[] => [
    row(tenderLabel(tender, words.tender), money(tender.amount)),
    ...tenderDetail(tender, words, columns),
  ]);

  const points = receipt.points;
  const member = receipt.member;
  const memberBlock: PrintLine[] =
    member && points
      ? [
          rule,
          row(words.memberPoints, member.name ?? member.id),
          row(`  ${words.earned}`, `+${points.earned}`),
          ...(points.redeemed > 0 ? [row(`  ${words.redeemed}`, `-${points.redeemed}`)] : []),
          ...(member.pointsBalance !== undefined
            ? [row(`  ${words.balance}`, String(member.pointsBalance))]
            : []),
        ]
      : [];

  const code = receipt.receiptCode;
  const codeBlock: PrintItem[] = code
    ? [
        rule,
        ...centered(words.receiptCode),
        { code: 'qr', data: code },
        ...barcodeOf(code, columns),
      ]
    : [];

  return [
    ...wrapToWidth(receipt.storeName, columns / 2).map((text): PrintLine => ({
      text,
      align: 'center',
      bold: true,
      doubleSize: true,
    })),
    ...centered(receipt.storeAddress),
    rule,
    ...labelled(words.sale, receipt.saleId, columns),
    ...labelled(words.time, formatSaleTime(receipt.soldAt, options.timeZone), columns),
    ...(receipt.cashierName !== undefined || receipt.cashierId !== undefined
      ? labelled(words.cashier, receipt.cashierName ?? receipt.cashierId ?? '', columns)
      : []),
    rule,
    ...items,
    rule,
    row(words.subtotal, money(receipt.subtotal)),
    ...(receipt.discount !== 0 ? [row(words.discount, minus(receipt.discount))] : []),
    ...taxes,
    row(words.total, money(receipt.total), true),
    ...(receipt.rounding !== 0 ? [row(words.rounding, money(receipt.rounding))] : []),
    row(words.due, money(receipt.due), true),
    rule,
    ...tenders,
    row(words.change, money(receipt.change)),
    ...memberBlock,
    ...codeBlock,
    rule,
    ...centered(receipt.footer ?? words.footer),
  ];
}

/** The words of a tender kind or mobile provider on paper ("WeChat Pay", "现金"). */
export function tenderNames(language: ReceiptLanguage): (typeof LABELS)['en' | 'zh-CN']['tender'] {
  return LABELS[language].tender;
}

function tenderLabel(tender: Tender, names: (typeof LABELS)['en' | 'zh-CN']['tender']): string {
  return tender.kind === 'mobile' ? names[tender.provider] : names[tender.kind];
}

function tenderDetail(
  tender: Tender,
  words: (typeof LABELS)['en' | 'zh-CN'],
  columns: number,
): PrintLine[] {
  if (tender.kind === 'card' || tender.kind === 'mobile') {
    return labelled(`  ${words.reference}`, tender.reference, columns);
  }
  if (tender.kind === 'points')
    return [{ text: padEnd(`  ${words.pointsUsed(tender.points)}`, columns) }];
  return [];
}

/** "0.512 kg" from grams, without floating point. */
function formatKilograms(grams: number): string {
  return `${Math.trunc(grams / 1000)}.${String(grams % 1000).padStart(3, '0')} kg`;
}

/**
 * [LY3] The Code 128 of the receipt code at the widest module (3, then 2
 * dots) with which it and its quiet zones fit the paper; when it does not
 * fit, the code as centered text (the QR above carries it for scanners).
 */
export function barcodeOf(code: string, columns: ReceiptColumns): PrintItem[] {
  const symbols = code128Symbols(code);
  if (symbols !== undefined) {
    const modules = symbols * 11 + 2 + 2 * QUIET_MODULES;
    for (const moduleWidth of [3, 2]) {
      if (modules * moduleWidth <= PAPER_DOTS[columns]) {
        return [{ code: 'code128', data: code, moduleWidth }];
      }
    }
  }
  return wrapToWidth(code, columns).map((text): PrintLine => ({ text, align: 'center' }));
}

/** `label` and `value` on one line when they fit, else the label above the wrapped value. */
export function labelled(label: string, value: string, columns: number): PrintLine[] {
  if (displayWidth(label) + 1 + displayWidth(value) <= columns) {
    return [{ text: justifyToWidth(label, value, columns) }];
  }
  return [
    { text: padEnd(label, columns) },
    ...wrapToWidth(value, columns).map((text) => ({ text: padStartToWidth(text, columns) })),
  ];
}

/** The receipt as ESC/POS bytes: init, Chinese mode off, the lines and codes, a feed and a partial cut. */
export function renderReceipt(receipt: SaleReceipt, options: ReceiptLayoutOptions): Uint8Array {
  return renderPrintItems(layoutReceipt(receipt, options));
}

/** Laid-out items as ESC/POS bytes: init, Chinese mode off, the lines and codes, a feed and a partial cut. */
export function renderPrintItems(items: readonly PrintItem[]): Uint8Array {
  const parts: Uint8Array[] = [escpos.init(), escpos.chineseOff()];
  for (const item of items) {
    if ('code' in item) {
      parts.push(escpos.align('center'));
      if (item.code === 'qr') {
        parts.push(escpos.qrCode(item.data, { moduleSize: 6, errorCorrection: 'M' }));
      } else {
        parts.push(escpos.code128(item.data, { moduleWidth: item.moduleWidth, height: 80 }));
      }
      parts.push(escpos.align('left'));
      continue;
    }
    if (item.align) parts.push(escpos.align(item.align));
    if (item.bold) parts.push(escpos.bold(true));
    if (item.doubleSize) parts.push(escpos.size(2, 2));
    parts.push(escpos.line(item.text));
    if (item.doubleSize) parts.push(escpos.size(1, 1));
    if (item.bold) parts.push(escpos.bold(false));
    if (item.align) parts.push(escpos.align('left'));
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
