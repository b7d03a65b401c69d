/**
 * The sale fact of the checkout, its JSON
 * schema, the rules the server checks again on push, and the receipt built
 * from it. See SPEC.md [SF1]-[SF3].
 */
import type { TaxClass } from './documents';
import type { Minor } from './money';
import type { Channel, LineAdjustment } from './promotion-types';
import type { PriceBasis, TaxBreakdown } from './tax';
import type { PaymentTender } from './tender';
import { validateAgainstSchema, type SchemaProblem } from './validate';
import { count, currency, id, minor, text } from './schema-fields';
import { isOwnFactId, isWellFormedSku, timeProblems } from './fact-rules';
import { CURRENCY_DIGITS } from './currency';
import { creditProblems, type LineCredit } from './commission';
import { decodeSgtin96 } from './sgtin';

export type SaleFactLine = {
  lineId: string;
  sku: string;
  name: string;
  gtin: string;
  category: string;
  taxClass: TaxClass;
  quantity: number;
  unitPrice: Minor;
  amount: Minor;
  discount: Minor;
  net: Minor;
  /** What the customer paid for this line: net, plus its tax when exclusive, plus its share of cash rounding. */
  paid: Minor;
  grams?: number;
  adjustments: LineAdjustment[];
  /** [TK4] The staff credited with the line, when it came from a clerk's take-now code. */
  credits?: LineCredit[];
  /** [RC5] The tagged items sold on the line, one EPC per unit, when it was rung up by RFID. */
  epcs?: string[];
};

/** The immutable sale fact of the checkout: the only kind of sale. */
export type SaleFact = {
  id: string;
  storeId: string;
  deviceId: string;
  channel: Channel;
  soldAt: string;
  currency: string;
  priceBasis: PriceBasis;
  cashierId?: string;
  memberId?: string;
  /**
   * [PI4] A member the till could not find offline, by the blind index of
   * the phone number the customer gave; the server attaches the sale (and
   * its points) to the member with that index.
   */
  memberPhoneIndex?: string;
  /**
   * The same in plaintext, as tills of an earlier version recorded it. Still
   * accepted so that their unsynced sales are kept; the server replaces it
   * by `memberPhoneIndex` before it stores the sale ([PI4]).
   */
  memberPhone?: string;
  /** [TK4] The clerk's tablet cart the sale's credited lines came from. */
  takeNowCartId?: string;
  lines: SaleFactLine[];
  subtotal: Minor;
  discount: Minor;
  tax: TaxBreakdown['classes'];
  total: Minor;
  rounding: Minor;
  due: Minor;
  tenders: PaymentTender[];
  change: Minor;
  coupons: string[];
  points: { earned: number; redeemed: number };
};

const taxClass = { type: 'string', enum: ['VAT13', 'VAT9', 'VAT6', 'VAT0'] } as const;

export const ADJUSTMENT_SCHEMA = {
  type: 'object',
  properties: {
    source: { type: 'string', enum: ['promotion', 'coupon', 'manual'] },
    id,
    name: text,
    quantity: count,
    amount: minor,
  },
  required: ['source', 'id', 'name', 'quantity', 'amount'],
  additionalProperties: false,
} as const;

export const PAYMENT_TENDER_SCHEMA = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['cash', 'card', 'mobile', 'points'] },
    amount: minor,
    reference: { type: 'string', maxLength: 64 },
    provider: { type: 'string', enum: ['alipay', 'wechat', 'unionpay'] },
    points: count,
  },
  required: ['kind', 'amount'],
  additionalProperties: false,
} as const;

/** [SF1] The JSON schema of a sale fact (RxDB shape; primary key `id`). */
export const SALE_FACT_SCHEMA = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id,
    storeId: id,
    deviceId: id,
    channel: { type: 'string', enum: ['store', 'online', 'clerk'] },
    soldAt: { type: 'string', maxLength: 40 },
    currency,
    priceBasis: { type: 'string', enum: ['inclusive', 'exclusive'] },
    cashierId: id,
    memberId: id,
    memberPhone: { type: 'string', pattern: '^1[3-9]\\d{9}$', maxLength: 11 },
    memberPhoneIndex: { type: 'string', pattern: '^[0-9a-f]{32}$', maxLength: 32 },
    takeNowCartId: id,
    lines: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: {
        type: 'object',
        properties: {
          lineId: id,
          sku: id,
          name: text,
          gtin: { type: 'string', maxLength: 14 },
          category: text,
          taxClass,
          quantity: { type: 'integer', minimum: 1, maximum: 100000 },
          unitPrice: minor,
          amount: minor,
          discount: minor,
          net: minor,
          paid: minor,
          grams: count,
          adjustments: { type: 'array', maxItems: 50, items: ADJUSTMENT_SCHEMA },
          credits: {
            type: 'array',
            maxItems: 5,
            items: {
              type: 'object',
              properties: { staffId: id, share: { type: 'integer', minimum: 1, maximum: 10000 } },
              required: ['staffId', 'share'],
              additionalProperties: false,
            },
          },
          epcs: {
            type: 'array',
            maxItems: 999,
            items: { type: 'string', pattern: '^[0-9A-F]{24}$', maxLength: 24 },
          },
        },
        required: [
          'lineId',
          'sku',
          'name',
          'gtin',
          'category',
          'taxClass',
          'quantity',
          'unitPrice',
          'amount',
          'discount',
          'net',
          'paid',
          'adjustments',
        ],
        additionalProperties: false,
      },
    },
    subtotal: minor,
    discount: minor,
    tax: {
      type: 'array',
      maxItems: 4,
      items: {
        type: 'object',
        properties: { taxClass, rateBp: count, net: minor, tax: minor, gross: minor },
        required: ['taxClass', 'rateBp', 'net', 'tax', 'gross'],
        additionalProperties: false,
      },
    },
    total: minor,
    rounding: minor,
    due: minor,
    tenders: { type: 'array', maxItems: 10, items: PAYMENT_TENDER_SCHEMA },
    change: minor,
    coupons: { type: 'array', maxItems: 20, items: id },
    points: {
      type: 'object',
      properties: { earned: count, redeemed: count },
      required: ['earned', 'redeemed'],
      additionalProperties: false,
    },
  },
  required: [
    'id',
    'storeId',
    'deviceId',
    'channel',
    'soldAt',
    'currency',
    'priceBasis',
    'lines',
    'subtotal',
    'discount',
    'tax',
    'total',
    'rounding',
    'due',
    'tenders',
    'change',
    'coupons',
    'points',
  ],
  additionalProperties: false,
} as const;

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/**
 * [SF2] What the server checks on push beyond the schema: each line's amount,
 * discount (= its adjustments) and net; the totals; the lines' `paid` summing
 * to `due`; tenders minus change equal to `due` with change from cash only
 * and no electronic overpayment; the id minted by the selling device [D4];
 * the time an instant [FT1]; well-formed SKUs [SK4]; a known currency [M4];
 * every points tender naming its points, `points.redeemed` equal to their sum
 * (0 with none), and a sale paid in points naming its member by id.
 * Lists every problem; never throws.
 */
export function validateSaleFact(value: unknown): SchemaProblem[] {
  const problems = validateAgainstSchema(SALE_FACT_SCHEMA, value);
  if (problems.length) return problems;
  const sale = value as SaleFact;
  const add = (path: string, message: string): void => void problems.push({ path, message });
  sale.lines.forEach((line, i) => {
    const at = `$.lines[${i}]`;
    if (line.unitPrice * line.quantity !== line.amount)
      add(`${at}.amount`, 'must equal unitPrice × quantity');
    if (sum(line.adjustments.map((a) => a.amount)) !== line.discount) {
      add(`${at}.discount`, 'must equal the sum of its adjustments');
    }
    if (line.amount - line.discount !== line.net || line.net < 0) {
      add(`${at}.net`, 'must equal amount − discount and not be negative');
    }
  });
  if (sum(sale.lines.map((l) => l.amount)) !== sale.subtotal)
    add('$.subtotal', 'must equal the sum of the line amounts');
  if (sum(sale.lines.map((l) => l.discount)) !== sale.discount)
    add('$.discount', 'must equal the sum of the line discounts');
  const net = sum(sale.lines.map((l) => l.net));
  const tax = sale.priceBasis === 'exclusive' ? sum(sale.tax.map((t) => t.tax)) : 0;
  if (net + tax !== sale.total)
    add('$.total', 'must equal the lines’ net (plus tax when exclusive)');
  if (sale.total + sale.rounding !== sale.due || sale.due < 0)
    add('$.due', 'must equal total + rounding');
  if (sum(sale.lines.map((l) => l.paid)) !== sale.due)
    add('$.lines', 'the lines’ paid must sum to due');
  const cash = sum(sale.tenders.filter((t) => t.kind === 'cash').map((t) => t.amount));
  const other = sum(sale.tenders.filter((t) => t.kind !== 'cash').map((t) => t.amount));
  if (sale.tenders.some((t) => t.amount <= 0)) add('$.tenders', 'every tender must be positive');
  if (other > sale.due) add('$.tenders', 'card, mobile and points cannot exceed what is due');
  if (sale.change < 0 || sale.change > cash)
    add('$.change', 'change comes from cash and is not negative');
  if (cash + other - sale.change !== sale.due)
    add('$.tenders', 'tenders minus change must equal due');
  if (!isOwnFactId(sale.deviceId, sale.id)) {
    add('$.id', 'must be the device id, "-", then letters and digits (a ULID)');
  }
  for (const message of timeProblems(sale, ['soldAt'])) add('$.soldAt', message);
  sale.lines.forEach((line, i) => {
    if (!isWellFormedSku(line.sku)) add(`$.lines[${i}].sku`, 'is not a well-formed SKU');
    // [CM1] [TK4] A line a clerk sold carries a well-formed credit.
    if (line.credits !== undefined) {
      for (const message of creditProblems(line.credits)) add(`$.lines[${i}].credits`, message);
    }
  });
  for (const problem of saleEpcProblems(sale)) problems.push(problem);
  if (!Object.hasOwn(CURRENCY_DIGITS, sale.currency)) {
    add('$.currency', 'must be a currency the domain knows');
  }
  // Points as sent: the schema leaves `points` optional on every tender.
  const pointsTenders = sale.tenders.flatMap((t) =>
    t.kind === 'points' ? [t as { points?: number }] : [],
  );
  sale.tenders.forEach((t, i) => {
    const points = (t as { points?: number }).points;
    if (t.kind === 'points' && !(Number.isSafeInteger(points) && (points ?? 0) > 0)) {
      add(`$.tenders[${i}].points`, 'a points tender must name its points (a positive integer)');
    }
  });
  if (sale.points.redeemed !== sum(pointsTenders.map((t) => t.points ?? 0))) {
    add('$.points.redeemed', 'must equal the sum of the points tenders’ points');
  }
  if (pointsTenders.length > 0 && sale.memberId === undefined) {
    add('$.memberId', 'a sale paid in points must name its member');
  }
  const namings = [sale.memberId, sale.memberPhone, sale.memberPhoneIndex].filter(
    (n) => n !== undefined,
  );
  if (namings.length > 1) {
    add(
      sale.memberPhoneIndex !== undefined ? '$.memberPhoneIndex' : '$.memberPhone',
      'a sale names its member by id or, when unknown offline, by phone, not both',
    );
  }
  return problems;
}

/**
 * [RC5] The tagged items of a sale: a line's EPCs are one per unit (never on
 * a weighed line), each once in the whole sale, each an SGTIN-96 EPC naming
 * the line's GTIN. Lists every problem; never throws.
 */
export function saleEpcProblems(sale: Pick<SaleFact, 'lines'>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  sale.lines.forEach((line, i) => {
    if (line.epcs === undefined) return;
    const at = `$.lines[${i}].epcs`;
    if (line.grams !== undefined) {
      problems.push({ path: at, message: 'a weighed line is never rung up by RFID' });
    }
    if (line.epcs.length !== line.quantity) {
      problems.push({ path: at, message: 'must hold one EPC per unit (as many as the quantity)' });
    }
    line.epcs.forEach((epc, k) => {
      if (seen.has(epc)) {
        problems.push({ path: `${at}[${k}]`, message: `EPC ${epc} is in the sale more than once` });
      }
      seen.add(epc);
      const tag = decodeSgtin96(epc);
      if (!tag.ok) {
        problems.push({ path: `${at}[${k}]`, message: `is not an SGTIN-96 EPC: ${tag.message}` });
      } else if (tag.gtin !== line.gtin) {
        problems.push({
          path: `${at}[${k}]`,
          message: `names GTIN ${tag.gtin}, not the line's ${line.gtin}`,
        });
      }
    });
  });
  return problems;
}

/** A saving on a receipt line: what one promotion, coupon or manual discount took off. */
export type SaleReceiptSaving = { source: LineAdjustment['source']; label: string; amount: Minor };

export type SaleReceipt = {
  storeName: string;
  storeAddress: string;
  /** Printed at the bottom as given (e.g. return policy, thanks); the printer's default when absent. */
  footer?: string;
  saleId: string;
  soldAt: string;
  currency: string;
  priceBasis: PriceBasis;
  cashierId?: string;
  cashierName?: string;
  lines: {
    name: string;
    quantity: number;
    grams?: number;
    unitPrice: Minor;
    amount: Minor;
    /** One row per adjustment: what each promotion, coupon or discount took off. */
    savings: SaleReceiptSaving[];
    net: Minor;
    /** The line's price was overridden from `listPrice`, approved by `by` (a staff id, and name when known). */
    override?: SaleReceiptOverride;
  }[];
  subtotal: Minor;
  discount: Minor;
  /** Tax per class; the printer words the label ("VAT 13%", "增值税 13%"). */
  tax: { taxClass: TaxClass; rateBp: number; tax: Minor; gross: Minor }[];
  total: Minor;
  rounding: Minor;
  due: Minor;
  /** As paid: kind, amount, and the card/mobile reference, mobile provider or points used. */
  tenders: PaymentTender[];
  change: Minor;
  /** The member of the sale; `name` and `pointsBalance` (after this sale) when the caller knows them. */
  member?: { id: string; name?: string; pointsBalance?: number };
  points?: { earned: number; redeemed: number };
  /** Printed as a QR and a Code 128 so a return finds this sale (codes.ts). */
  receiptCode?: string;
};

/** A price override on a receipt line: the list price it replaced and who approved it. */
export type SaleReceiptOverride = { listPrice: Minor; by: string; byName?: string };

/** What the receipt shows beyond the sale fact, as known to the till when it prints. */
export type SaleReceiptContext = {
  cashierName?: string;
  /** Lines whose price was overridden, by line id, as the cart held them. */
  priceOverrides?: ({ lineId: string } & SaleReceiptOverride)[];
  /** The member's name and point balance after this sale, as the replica holds them. */
  member?: { name?: string; pointsBalance?: number };
};

/**
 * [SF3] The receipt as data: every figure is copied from the sale fact (or,
 * for the member's balance, from `context`); printers never compute.
 */
export function buildSaleReceipt(
  sale: SaleFact,
  store: { name: string; address: string; footer?: string },
  receiptCode?: string,
  context: SaleReceiptContext = {},
): SaleReceipt {
  const member = context.member;
  const overrides = new Map((context.priceOverrides ?? []).map((o) => [o.lineId, o]));
  return {
    storeName: store.name,
    storeAddress: store.address,
    ...(store.footer !== undefined ? { footer: store.footer } : {}),
    saleId: sale.id,
    soldAt: sale.soldAt,
    currency: sale.currency,
    priceBasis: sale.priceBasis,
    ...(sale.cashierId !== undefined ? { cashierId: sale.cashierId } : {}),
    ...(context.cashierName !== undefined ? { cashierName: context.cashierName } : {}),
    lines: sale.lines.map((l) => ({
      name: l.name,
      quantity: l.quantity,
      ...(l.grams !== undefined ? { grams: l.grams } : {}),
      unitPrice: l.unitPrice,
      amount: l.amount,
      savings: l.adjustments.map((a) => ({ source: a.source, label: a.name, amount: a.amount })),
      net: l.net,
      ...overrideOf(overrides.get(l.lineId)),
    })),
    subtotal: sale.subtotal,
    discount: sale.discount,
    tax: sale.tax.map((t) => ({
      taxClass: t.taxClass,
      rateBp: t.rateBp,
      tax: t.tax,
      gross: t.gross,
    })),
    total: sale.total,
    rounding: sale.rounding,
    due: sale.due,
    tenders: sale.tenders.map((t) => ({ ...t })),
    change: sale.change,
    ...(sale.memberId !== undefined
      ? {
          member: {
            id: sale.memberId,
            ...(member?.name !== undefined ? { name: member.name } : {}),
            ...(member?.pointsBalance !== undefined ? { pointsBalance: member.pointsBalance } : {}),
          },
          points: { ...sale.points },
        }
      : {}),
    ...(receiptCode !== undefined ? { receiptCode } : {}),
  };
}

/** [SR3] A line's override as printed: copied as given, nothing when there is none. */
function overrideOf(given: ({ lineId: string } & SaleReceiptOverride) | undefined): {
  override?: SaleReceiptOverride;
} {
  if (!given) return {};
  return {
    override: {
      listPrice: given.listPrice,
      by: given.by,
      ...(given.byName !== undefined ? { byName: given.byName } : {}),
    },
  };
}
