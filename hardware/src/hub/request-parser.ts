/**
 * Parses one client message into a HubRequest. Pure; [H1] never throws: any
 * text is a request or an error reply that says what is wrong.
 */
import { PAYMENT_TENDER_SCHEMA, validateAgainstSchema, type SaleReceipt } from '@pos/domain';
import type {
  HubReply,
  HubRequest,
  HubRequestType,
  ReceiptColumns,
  ReceiptLanguage,
} from './protocol';

export type ParsedRequest = { ok: true; request: HubRequest } | { ok: false; reply: HubReply };

const REQUEST_TYPES: readonly HubRequestType[] = [
  'printer:print-receipt',
  'drawer:open',
  'device:status',
];
const LANGUAGES: readonly ReceiptLanguage[] = ['en', 'zh-CN'];
const MAX_ID_LENGTH = 128;

const text = { type: 'string', maxLength: 1000 } as const;
const minor = { type: 'integer', minimum: -1e13, maximum: 1e13 } as const;
const count = { type: 'integer', minimum: 0, maximum: 1e12 } as const;

/** [H2] The domain's SaleReceipt as a schema (its tenders use the domain's tender schema). */
export const SALE_RECEIPT_SCHEMA = {
  type: 'object',
  properties: {
    storeName: text,
    storeAddress: text,
    footer: text,
    saleId: text,
    soldAt: { type: 'string', maxLength: 40 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
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

/** [H2] What the schema cannot say: each tender kind carries its own fields. */
function tenderProblems(receipt: SaleReceipt): string[] {
  return receipt.tenders.flatMap((tender, i) => {
    const at = `receipt.tenders[${i}]`;
    const t = tender as Record<string, unknown>;
    if ((tender.kind === 'card' || tender.kind === 'mobile') && typeof t.reference !== 'string')
      return [`${at}.reference is required for a ${tender.kind} tender`];
    if (tender.kind === 'mobile' && typeof t.provider !== 'string')
      return [`${at}.provider is required for a mobile tender`];
    if (tender.kind === 'points' && typeof t.points !== 'number')
      return [`${at}.points is required for a points tender`];
    return [];
  });
}

export function parseHubRequest(message: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return fail(null, 'BAD_REQUEST', 'the message is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(null, 'BAD_REQUEST', 'the message must be a JSON object');
  }
  const { id, type } = value as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    return fail(null, 'BAD_REQUEST', `"id" must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  if (!REQUEST_TYPES.includes(type as HubRequestType)) {
    return fail(
      id,
      'UNKNOWN_REQUEST',
      `unknown request type ${JSON.stringify(type)}; expected one of ${REQUEST_TYPES.join(', ')}`,
    );
  }
  if (type !== 'printer:print-receipt') return { ok: true, request: { id, type } as HubRequest };

  const { receipt, columns, language, jobId } = value as Record<string, unknown>;
  if (columns !== undefined && columns !== 32 && columns !== 48) {
    return fail(id, 'BAD_REQUEST', '"columns" must be 32 or 48');
  }
  if (language !== undefined && !LANGUAGES.includes(language as ReceiptLanguage)) {
    return fail(id, 'BAD_REQUEST', `"language" must be one of ${LANGUAGES.join(', ')}`);
  }
  if (
    jobId !== undefined &&
    (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > MAX_ID_LENGTH)
  ) {
    return fail(id, 'BAD_REQUEST', `"jobId" must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  const problems = validateAgainstSchema(SALE_RECEIPT_SCHEMA, receipt);
  const shown = problems.length
    ? problems.map((p) => `${p.path.replace(/^\$/, 'receipt')} ${p.message}`)
    : tenderProblems(receipt as SaleReceipt);
  if (shown.length > 0) {
    return fail(id, 'BAD_REQUEST', `invalid receipt: ${shown.slice(0, 5).join('; ')}`);
  }
  return {
    ok: true,
    request: {
      id,
      type,
      receipt: receipt as SaleReceipt,
      ...(columns === undefined ? {} : { columns: columns as ReceiptColumns }),
      ...(language === undefined ? {} : { language: language as ReceiptLanguage }),
      ...(typeof jobId === 'string' ? { jobId } : {}),
    },
  };
}

function fail(
  id: string | null,
  code: 'BAD_REQUEST' | 'UNKNOWN_REQUEST',
  message: string,
): ParsedRequest {
  return { ok: false, reply: { type: 'reply', id, ok: false, error: { code, message } } };
}
