/**
 * Lays out the shift's X and Z reports and the refund receipt of a return on
 * 32 or 48 columns, with English or Chinese labels, like receipt-layout.ts.
 * They print the domain's figures; they never compute one [SR1][SR2].
 * [LY4] Every body line is exactly `columns` wide, amounts end at the last
 *       column; names are wrapped, figures never.
 * [LY5] A shift report shows: store header; its title (X or Z); shift,
 *       cashier, opened and printed (X) or closed (Z) times; the float,
 *       sales and returns (count and amount), discounts; the money per
 *       tender kind; the expected cash, and on a Z report the counted cash
 *       and the variance; drawer opens without a sale; a closing line.
 * [LY8] A consent slip shows: its title in the receipt's language, then in
 *       the other; the member's masked name; the link as a QR code; until
 *       when it opens the page, in the store's time zone.
 * [LY9] A pickup or return slip of an online order shows: the store; its
 *       title; the order, the fact and the time, the cashier; each line with
 *       the units handed over (and left) or returned (and refunded); a
 *       return's refund and where it goes.
 * [LY10] A packing slip shows: the store; its title; the parcel, its order
 *       numbers, when it was packed and by whom; the courier and waybill
 *       (also as Code 128); the recipient masked as on the label ([FS8]);
 *       each line with its units packed and any short; the units in all.
 * [LY6] A refund receipt shows: store header; its title; the return, the
 *       sale it returns against, time and cashier; each returned line with
 *       its quantity and refund; the refund total; where the money went back
 *       (with card/mobile reference or points); the member's points taken
 *       and given back; footer.
 */
import {
  formatMinorPlain,
  maskName,
  maskPhone,
  orderNumber,
  type ReturnReceipt,
  type ShiftReport,
} from '@pos/domain';
import type { ConsentSlip, PackingSlip, PickupSlip, ReceiptLanguage } from '../hub/protocol';
import {
  barcodeOf,
  formatSaleTime,
  labelled,
  tenderNames,
  type PrintItem,
  type PrintLine,
  type ReceiptLayoutOptions,
} from './receipt-layout';
import { displayWidth, justifyToWidth, padEndToWidth, wrapToWidth } from './text-width';

const WORDS = {
  en: {
    xTitle: 'X REPORT',
    zTitle: 'Z REPORT',
    xNote: 'Shift still open',
    zNote: 'Shift closed',
    shift: 'Shift',
    cashier: 'Cashier',
    opened: 'Opened',
    printed: 'Printed',
    closed: 'Closed',
    float: 'Opening float',
    sales: (n: number) => `Sales (${n})`,
    returns: (n: number) => `Returns (${n})`,
    discount: 'Discounts given',
    tendersTitle: 'Taken per tender',
    mobile: 'Mobile pay',
    expected: 'Expected cash',
    counted: 'Counted cash',
    variance: 'Variance',
    noSale: 'Drawer opens, no sale',
    refundTitle: 'REFUND',
    returnId: 'Return',
    sale: 'Sale',
    time: 'Time',
    refund: 'REFUND TOTAL',
    refundedTo: (to: string) => `Refunded to ${to}`,
    reference: 'Ref',
    points: (n: number) => `${n} points`,
    memberPoints: 'Member points',
    reversed: 'Taken back',
    restored: 'Given back',
    footer: 'Thank you for shopping with us',
  },
  'zh-CN': {
    xTitle: 'X 报表',
    zTitle: 'Z 报表',
    xNote: '班次未结束',
    zNote: '班次已结束',
    shift: '班次',
    cashier: '收银员',
    opened: '开班',
    printed: '打印',
    closed: '交班',
    float: '备用金',
    sales: (n: number) => `销售 (${n} 笔)`,
    returns: (n: number) => `退货 (${n} 笔)`,
    discount: '优惠合计',
    tendersTitle: '各支付方式收款',
    mobile: '移动支付',
    expected: '应有现金',
    counted: '实点现金',
    variance: '差额',
    noSale: '无销售开钱箱',
    refundTitle: '退货退款',
    returnId: '退货单号',
    sale: '原单号',
    time: '时间',
    refund: '退款合计',
    refundedTo: (to: string) => `退回 ${to}`,
    reference: '参考号',
    points: (n: number) => `${n} 积分`,
    memberPoints: '会员积分',
    reversed: '扣回',
    restored: '退还',
    footer: '谢谢惠顾，欢迎再次光临',
  },
} as const;

type Words = (typeof WORDS)[ReceiptLanguage];

function toolkit(options: ReceiptLayoutOptions) {
  const { columns } = options;
  const language = options.language ?? 'en';
  const words: Words = WORDS[language];
  const money = (amount: number) => formatMinorPlain(amount);
  const row = (label: string, value: string, bold = false): PrintLine => ({
    text: justifyToWidth(label, value, columns),
    ...(bold ? { bold } : {}),
  });
  const rule: PrintLine = { text: '-'.repeat(columns) };
  const centered = (text: string, bold = false): PrintLine[] =>
    wrapToWidth(text, columns).map((line): PrintLine => ({
      text: line,
      align: 'center',
      ...(bold ? { bold } : {}),
    }));
  /** The store's name, centred in double size (half as many columns). */
  const storeTitle = (storeName: string): PrintLine[] =>
    wrapToWidth(storeName, columns / 2).map((text): PrintLine => ({
      text,
      align: 'center',
      bold: true,
      doubleSize: true,
    }));
  const header = (storeName: string, storeAddress: string): PrintLine[] => [
    ...storeTitle(storeName),
    ...centered(storeAddress),
    rule,
  ];
  const time = (at: string) => formatSaleTime(at, options.timeZone);
  const tenderKind = (kind: 'cash' | 'card' | 'mobile' | 'points') =>
    kind === 'mobile' ? words.mobile : tenderNames(language)[kind];
  return {
    columns,
    words,
    money,
    row,
    rule,
    centered,
    storeTitle,
    header,
    time,
    tenderKind,
    language,
  };
}

/** [LY5] The X or Z report, line by line. */
export function layoutShiftReport(report: ShiftReport, options: ReceiptLayoutOptions): PrintItem[] {
  const { columns, words, money, row, rule, centered, header, time, tenderKind } = toolkit(options);
  const z = report.kind === 'z';
  return [
    ...header(report.storeName, report.storeAddress),
    ...centered(z ? words.zTitle : words.xTitle, true),
    ...labelled(words.shift, report.shiftId, columns),
    ...labelled(words.cashier, report.cashierName ?? report.cashierId, columns),
    ...labelled(words.opened, time(report.openedAt), columns),
    ...labelled(z ? words.closed : words.printed, time(report.at), columns),
    rule,
    row(words.float, money(report.openingFloat)),
    row(words.sales(report.sales.count), money(report.sales.amount)),
    row(words.returns(report.returns.count), money(-report.returns.amount)),
    row(words.discount, money(report.discount)),
    rule,
    { text: padEndToWidth(words.tendersTitle, columns) },
    ...report.tenders.map((t) => row(`  ${tenderKind(t.kind)}`, money(t.amount))),
    rule,
    row(words.expected, money(report.expectedCash), true),
    ...(report.countedCash !== undefined ? [row(words.counted, money(report.countedCash))] : []),
    ...(report.variance !== undefined
      ? [row(words.variance, signed(money(report.variance), report.variance), true)]
      : []),
    row(words.noSale, String(report.noSaleOpens)),
    rule,
    ...centered(z ? words.zNote : words.xNote),
  ];
}

/** [LY6] The refund receipt, line by line. */
export function layoutReturnReceipt(
  receipt: ReturnReceipt,
  options: ReceiptLayoutOptions,
): PrintItem[] {
  const { columns, words, money, row, rule, centered, header, time, tenderKind } = toolkit(options);
  const figures = receipt.lines.map((line) => ({
    line,
    quantity: `x${line.quantity}`,
    amount: money(-line.refund),
  }));
  const amountWidth = Math.max(...figures.map((f) => f.amount.length), 0);
  const quantityWidth = Math.max(...figures.map((f) => f.quantity.length), 0);
  const items = figures.flatMap(({ line, quantity, amount }): PrintLine[] => {
    const right = `${quantity.padStart(quantityWidth)}  ${amount.padStart(amountWidth)}`;
    if (displayWidth(line.name) + 1 + displayWidth(right) <= columns) {
      return [{ text: justifyToWidth(line.name, right, columns) }];
    }
    return [
      ...wrapToWidth(line.name, columns).map((text) => ({ text: padEndToWidth(text, columns) })),
      { text: justifyToWidth('', right, columns) },
    ];
  });
  const tenders = receipt.tenders.flatMap((tender): PrintLine[] => {
    const to =
      tender.kind === 'mobile' || tender.kind === 'card'
        ? tenderKind(tender.kind)
        : tenderNames(options.language ?? 'en')[tender.kind];
    return [
      row(words.refundedTo(to), money(tender.amount)),
      ...(tender.kind === 'card' || tender.kind === 'mobile'
        ? labelled(`  ${words.reference}`, tender.reference, columns)
        : []),
      ...(tender.kind === 'points'
        ? [{ text: padEndToWidth(`  ${words.points(tender.points)}`, columns) }]
        : []),
    ];
  });
  const member = receipt.member;
  const memberBlock: PrintLine[] = member
    ? [
        rule,
        row(words.memberPoints, member.name ?? member.id),
        row(`  ${words.reversed}`, `-${member.reversedEarn}`),
        ...(member.restoredRedeem > 0
          ? [row(`  ${words.restored}`, `+${member.restoredRedeem}`)]
          : []),
      ]
    : [];
  return [
    ...header(receipt.storeName, receipt.storeAddress),
    ...centered(words.refundTitle, true),
    ...labelled(words.returnId, receipt.returnId, columns),
    ...labelled(words.sale, receipt.saleId, columns),
    ...labelled(words.time, time(receipt.returnedAt), columns),
    ...(receipt.cashierName !== undefined || receipt.cashierId !== undefined
      ? labelled(words.cashier, receipt.cashierName ?? receipt.cashierId ?? '', columns)
      : []),
    rule,
    ...items,
    rule,
    row(words.refund, money(receipt.refund), true),
    ...tenders,
    ...memberBlock,
    rule,
    ...centered(receipt.footer ?? words.footer),
  ];
}

/** A variance with its sign: "+1.00" over, "-1.00" short, "0.00" even. */
function signed(text: string, amount: number): string {
  return amount > 0 ? `+${text}` : text;
}

const CONSENT_SLIP_WORDS = {
  en: {
    title: 'Scan to choose what we may use your data for',
    validUntil: (at: string) => `Valid until ${at}`,
  },
  'zh-CN': {
    title: '扫码管理您的个人信息授权',
    validUntil: (at: string) => `有效期至 ${at}`,
  },
} as const;

/** [LY8] A member's consent slip: both titles, the masked name, the link's QR code, its expiry. */
export function layoutConsentSlip(slip: ConsentSlip, options: ReceiptLayoutOptions): PrintItem[] {
  const { rule, centered, time, language } = toolkit(options);
  const other: ReceiptLanguage = language === 'en' ? 'zh-CN' : 'en';
  return [
    ...centered(CONSENT_SLIP_WORDS[language].title, true),
    ...centered(CONSENT_SLIP_WORDS[other].title),
    rule,
    ...(slip.maskedName ? centered(slip.maskedName, true) : []),
    { code: 'qr', data: slip.url },
    ...centered(CONSENT_SLIP_WORDS[language].validUntil(time(slip.expiresAt))),
    rule,
  ];
}

const PICKUP_SLIP_WORDS = {
  en: {
    pickup: 'ONLINE ORDER PICKUP',
    return: 'ONLINE ORDER RETURN',
    order: 'Order',
    slip: 'Slip',
    time: 'Time',
    cashier: 'Cashier',
    handedOver: (n: number) => `handed over x${n}`,
    left: (n: number) => `left ${n}`,
    returned: (n: number) => `returned x${n}`,
    allCollected: 'All items collected',
    someLeft: 'Items left to collect: show your code again',
    refund: 'REFUND TOTAL',
    refundTo: { original: 'To the original payment', cash: 'In cash' },
  },
  'zh-CN': {
    pickup: '线上订单自提',
    return: '线上订单退货',
    order: '订单',
    slip: '单号',
    time: '时间',
    cashier: '收银员',
    handedOver: (n: number) => `交付 x${n}`,
    left: (n: number) => `剩余 ${n}`,
    returned: (n: number) => `退货 x${n}`,
    allCollected: '商品已全部取走',
    someLeft: '还有商品待取：下次请再出示取货码',
    refund: '退款合计',
    refundTo: { original: '原路退回', cash: '现金退款' },
  },
} as const;

/** [LY9] An online order's pickup or return slip: what was handed over or returned, and what is left. */
export function layoutPickupSlip(slip: PickupSlip, options: ReceiptLayoutOptions): PrintItem[] {
  const { columns, money, row, rule, centered, storeTitle, time, language } = toolkit(options);
  const words = PICKUP_SLIP_WORDS[language];
  const lines = slip.lines.flatMap((line): PrintLine[] => {
    const what =
      slip.purpose === 'pickup'
        ? `${words.handedOver(line.quantity)}${line.left !== undefined ? `  ${words.left(line.left)}` : ''}`
        : `${words.returned(line.quantity)}${line.refund !== undefined ? `  ${money(line.refund)}` : ''}`;
    return [
      ...wrapToWidth(`${line.name} (${line.sku})`, columns).map((text) => ({
        text: padEndToWidth(text, columns),
      })),
      { text: justifyToWidth('', what, columns) },
    ];
  });
  const anyLeft = slip.lines.some((l) => (l.left ?? 0) > 0);
  const ending: PrintLine[] =
    slip.purpose === 'pickup'
      ? centered(anyLeft ? words.someLeft : words.allCollected)
      : [
          row(words.refund, money(slip.refund ?? 0), true),
          ...(slip.refundTo ? [row('', words.refundTo[slip.refundTo])] : []),
        ];
  return [
    ...storeTitle(slip.storeName),
    rule,
    ...centered(slip.purpose === 'pickup' ? words.pickup : words.return, true),
    // [OD12] The number the customer's phone shows, then the full id for the record.
    ...labelled(words.order, orderNumber(slip.orderId), columns),
    ...(orderNumber(slip.orderId) === slip.orderId
      ? []
      : wrapToWidth(slip.orderId, columns).map((text): PrintLine => ({ text }))),
    ...labelled(words.slip, slip.factId, columns),
    ...labelled(words.time, time(slip.at), columns),
    ...(slip.cashierName !== undefined || slip.cashierId !== undefined
      ? labelled(words.cashier, slip.cashierName ?? slip.cashierId ?? '', columns)
      : []),
    rule,
    ...lines,
    rule,
    ...ending,
  ];
}

const PACKING_SLIP_WORDS = {
  en: {
    title: 'PACKING SLIP',
    parcel: 'Parcel',
    orders: 'Order(s)',
    packed: 'Packed',
    staff: 'Packed by',
    carrier: 'Courier',
    waybill: 'Waybill',
    shipTo: 'Ship to',
    quantity: (n: number) => `x${n}`,
    short: (n: number) => `short ${n}`,
    total: (n: number) => `${n} item(s) in this parcel`,
    shortNote: 'Items marked short follow separately',
  },
  'zh-CN': {
    title: '装箱单',
    parcel: '包裹',
    orders: '订单',
    packed: '打包时间',
    staff: '打包员',
    carrier: '快递',
    waybill: '运单号',
    shipTo: '收件人',
    quantity: (n: number) => `x${n}`,
    short: (n: number) => `缺货 ${n}`,
    total: (n: number) => `本包裹共 ${n} 件`,
    shortNote: '缺货商品将另行发出',
  },
} as const;

/** [LY10] The slip packed in a parcel: its orders, what is in it and what was short. */
export function layoutPackingSlip(slip: PackingSlip, options: ReceiptLayoutOptions): PrintItem[] {
  const { columns, rule, centered, storeTitle, time, language } = toolkit(options);
  const words = PACKING_SLIP_WORDS[language];
  const lines = slip.lines.flatMap((line): PrintLine[] => [
    ...wrapToWidth(`${line.name} (${line.sku})`, columns).map((text) => ({
      text: padEndToWidth(text, columns),
    })),
    {
      text: justifyToWidth(
        '',
        `${words.quantity(line.quantity)}${line.short ? `  ${words.short(line.short)}` : ''}`,
        columns,
      ),
    },
  ]);
  const units = slip.lines.reduce((sum, line) => sum + line.quantity, 0);
  const anyShort = slip.lines.some((line) => (line.short ?? 0) > 0);
  // [FS8] As on the label: masked, whatever the caller passed.
  const recipient = `${maskName(slip.shipTo.name)} ${maskPhone(slip.shipTo.phone)}`;
  return [
    ...storeTitle(slip.storeName),
    rule,
    ...centered(words.title, true),
    ...labelled(words.parcel, slip.shipmentId, columns),
    ...labelled(words.orders, slip.orderNumbers.join(' '), columns),
    ...labelled(words.packed, time(slip.packedAt), columns),
    ...(slip.staffId !== undefined ? labelled(words.staff, slip.staffId, columns) : []),
    ...labelled(words.carrier, slip.carrier, columns),
    ...labelled(words.waybill, slip.trackingNo, columns),
    ...barcodeOf(slip.trackingNo, columns),
    rule,
    ...labelled(words.shipTo, recipient, columns),
    ...[slip.shipTo.region, slip.shipTo.detail].flatMap((part) =>
      wrapToWidth(part, columns).map((text): PrintLine => ({ text: padEndToWidth(text, columns) })),
    ),
    rule,
    ...lines,
    rule,
    ...centered(words.total(units), true),
    ...(anyShort ? centered(words.shortNote) : []),
  ];
}
