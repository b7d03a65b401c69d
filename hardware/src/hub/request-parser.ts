/**
 * Parses one client message into a HubRequest. Pure; [H1] never throws: any
 * text is a request or an error reply that says what is wrong.
 */
import { validateAgainstSchema, type Receipt } from '@pos/domain';
import type { HubReply, HubRequest, HubRequestType, ReceiptColumns } from './protocol';

export type ParsedRequest = { ok: true; request: HubRequest } | { ok: false; reply: HubReply };

const REQUEST_TYPES: readonly HubRequestType[] = [
  'printer:print-receipt',
  'drawer:open',
  'device:status',
];
const MAX_ID_LENGTH = 128;

const text = { type: 'string', maxLength: 1000 } as const;
const minor = { type: 'integer', minimum: -1e13, maximum: 1e13 } as const;

/** The Receipt type as a schema. TODO: move next to Receipt in @pos/domain. */
export const RECEIPT_SCHEMA = {
  type: 'object',
  properties: {
    storeName: text,
    storeAddress: text,
    saleId: text,
    soldAt: { type: 'string', maxLength: 40 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    lines: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        properties: {
          name: text,
          quantity: { type: 'integer', minimum: -1e6, maximum: 1e6 },
          unitPrice: minor,
          amount: minor,
        },
        required: ['name', 'quantity', 'unitPrice', 'amount'],
        additionalProperties: false,
      },
    },
    total: minor,
    tenders: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        properties: { label: text, amount: minor },
        required: ['label', 'amount'],
        additionalProperties: false,
      },
    },
    change: minor,
    footer: text,
  },
  required: [
    'storeName',
    'storeAddress',
    'saleId',
    'soldAt',
    'currency',
    'lines',
    'total',
    'tenders',
    'change',
    'footer',
  ],
  additionalProperties: false,
} as const;

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

  const { receipt, columns } = value as Record<string, unknown>;
  if (columns !== undefined && columns !== 32 && columns !== 48) {
    return fail(id, 'BAD_REQUEST', '"columns" must be 32 or 48');
  }
  const problems = validateAgainstSchema(RECEIPT_SCHEMA, receipt);
  if (problems.length > 0) {
    const shown = problems
      .slice(0, 5)
      .map((p) => `${p.path.replace(/^\$/, 'receipt')} ${p.message}`);
    return fail(id, 'BAD_REQUEST', `invalid receipt: ${shown.join('; ')}`);
  }
  return {
    ok: true,
    request: {
      id,
      type,
      receipt: receipt as Receipt,
      ...(columns === undefined ? {} : { columns: columns as ReceiptColumns }),
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
