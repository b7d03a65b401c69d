/**
 * The documents a printer prints (sale receipt, X and Z reports, refund
 * receipt) as JSON schemas, stated once beside their types: the hub checks
 * every print request against them before it lays anything out.
 */
import { PAYMENT_TENDER_SCHEMA } from './sale-fact';
import { SHIFT_TOTALS_PROPERTIES, type TenderKind } from './shift';

import { currency, minor, time } from './schema-fields';

// Printed text and counts are bounded looser than stored documents: a receipt
// may carry a footer or a report a whole shift's count.
const text = { type: 'string', maxLength: 1000 } as const;
const count = { type: 'integer', minimum: 0, maximum: 1e12 } as const;

/** The SaleReceipt as a schema (its tenders use the tender schema); the hub checks print requests with it. */
export const SALE_RECEIPT_SCHEMA = {
  type: 'object',
  properties: {
    storeName: text,
    storeAddress: text,
    footer: text,
    saleId: text,
    soldAt: time,
    currency: currency,
    priceBasis: { type: 'string', enum: ['inclusive', 'exclusive'] },
    cashierId: text,
    cashierName: text,
    lines: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        properties: {
          name: text,
          quantity: { type: 'integer', minimum: -1e6, maximum: 1e6 },
          grams: count,
          unitPrice: minor,
          amount: minor,
          savings: {
            type: 'array',
            maxItems: 50,
            items: {
              type: 'object',
              properties: {
                source: { type: 'string', enum: ['promotion', 'coupon', 'manual'] },
                label: text,
                amount: minor,
              },
              required: ['source', 'label', 'amount'],
              additionalProperties: false,
            },
          },
          net: minor,
          override: {
            type: 'object',
            properties: { listPrice: minor, by: text, byName: text },
            required: ['listPrice', 'by'],
            additionalProperties: false,
          },
        },
        required: ['name', 'quantity', 'unitPrice', 'amount', 'savings', 'net'],
        additionalProperties: false,
      },
    },
    subtotal: minor,
    discount: minor,
    tax: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        properties: {
          taxClass: { type: 'string', maxLength: 16 },
          rateBp: count,
          tax: minor,
          gross: minor,
        },
        required: ['taxClass', 'rateBp', 'tax', 'gross'],
        additionalProperties: false,
      },
    },
    total: minor,
    rounding: minor,
    due: minor,
    tenders: { type: 'array', maxItems: 20, items: PAYMENT_TENDER_SCHEMA },
    change: minor,
    member: {
      type: 'object',
      properties: { id: text, name: text, pointsBalance: { type: 'integer' } },
      required: ['id'],
      additionalProperties: false,
    },
    points: {
      type: 'object',
      properties: { earned: count, redeemed: count },
      required: ['earned', 'redeemed'],
      additionalProperties: false,
    },
    receiptCode: { type: 'string', minLength: 1, maxLength: 300 },
  },
  required: [
    'storeName',
    'storeAddress',
    'saleId',
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
  ],
  additionalProperties: false,
} as const;

const TENDER_KINDS = ['cash', 'card', 'mobile', 'points'] as const satisfies readonly TenderKind[];

/** The ShiftReport (X or Z report) as a schema. */
export const SHIFT_REPORT_SCHEMA = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['x', 'z'] },
    storeName: text,
    storeAddress: text,
    shiftId: text,
    deviceId: text,
    cashierId: text,
    cashierName: text,
    currency: currency,
    openedAt: time,
    at: time,
    openingFloat: minor,
    ...SHIFT_TOTALS_PROPERTIES,
    expectedCash: minor,
    countedCash: minor,
    variance: minor,
  },
  required: [
    'kind',
    'storeName',
    'storeAddress',
    'shiftId',
    'deviceId',
    'cashierId',
    'currency',
    'openedAt',
    'at',
    'openingFloat',
    'sales',
    'returns',
    'discount',
    'tenders',
    'noSaleOpens',
    'expectedCash',
  ],
  additionalProperties: false,
} as const;

/** The ReturnReceipt (the refund receipt) as a schema. */
export const RETURN_RECEIPT_SCHEMA = {
  type: 'object',
  properties: {
    storeName: text,
    storeAddress: text,
    footer: text,
    returnId: text,
    saleId: text,
    returnedAt: time,
    currency: currency,
    cashierId: text,
    cashierName: text,
    lines: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        properties: {
          name: text,
          quantity: { type: 'integer', minimum: 1, maximum: 1e6 },
          refund: minor,
        },
        required: ['name', 'quantity', 'refund'],
        additionalProperties: false,
      },
    },
    refund: minor,
    tenders: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: [...TENDER_KINDS] },
          amount: minor,
          reference: text,
          points: count,
        },
        required: ['kind', 'amount'],
        additionalProperties: false,
      },
    },
    member: {
      type: 'object',
      properties: { id: text, name: text, reversedEarn: count, restoredRedeem: count },
      required: ['id', 'reversedEarn', 'restoredRedeem'],
      additionalProperties: false,
    },
  },
  required: [
    'storeName',
    'storeAddress',
    'returnId',
    'saleId',
    'returnedAt',
    'currency',
    'lines',
    'refund',
    'tenders',
  ],
  additionalProperties: false,
} as const;
