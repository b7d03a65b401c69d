/**
 * Schemas of the synced documents beyond the catalog: staff, members,
 * promotions, coupons, ledger movements, point entries, sale facts, shift
 * closes and returns. collections.ts joins them with the catalog's into the
 * 13 synced collections (the free RxDB limit). See SPEC.md [DS1]-[DS2].
 */
import { PAYMENT_TENDER_SCHEMA, SALE_FACT_SCHEMA, validateSaleFact } from './sale-fact';
import { validateAgainstSchema, type SchemaProblem } from './validate';
import { promotionProblems } from './promotion-engine';
import type { Promotion } from './promotion-types';
import { movementProblems, type LedgerMovement } from './stock-ledger';
import { pointEntryProblems, type PointEntry } from './points';
import { couponProblems, type Coupon } from './coupons';
import { SHIFT_SCHEMA, shiftProblems, type ShiftFact } from './shift';
import { count, id, minor, text, time, type CollectionFlow } from './schema-fields';
import { isWellFormedSku, returnProblems, timeProblems } from './fact-rules';
import type { ReturnFact } from './returns';

const ids = { type: 'array', maxItems: 1000, items: id } as const;
const target = {
  type: 'object',
  properties: { skus: ids, categories: ids, brands: ids },
  additionalProperties: false,
} as const;
const channels = {
  type: 'array',
  maxItems: 3,
  items: { type: 'string', enum: ['store', 'online', 'clerk'] },
} as const;
const blindIndex = { type: 'string', pattern: '^[0-9a-f]{32}$', maxLength: 32 } as const;
const hour = { type: 'integer', minimum: 0, maximum: 24 } as const;

const doc = <P extends Record<string, object>, R extends readonly string[]>(
  properties: P,
  required: R,
) =>
  ({
    version: 0,
    primaryKey: 'id',
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  }) as const;

/** [DS1] JSON schemas (RxDB shape) of the domain core's documents. */
export const DOMAIN_SCHEMAS = {
  staff: doc(
    {
      id,
      name: text,
      storeId: id,
      roles: {
        type: 'array',
        maxItems: 3,
        items: { type: 'string', enum: ['cashier', 'supervisor', 'manager'] },
      },
      pinSalt: { type: 'string', pattern: '^[0-9a-f]{16,64}$', maxLength: 64 },
      pinHash: { type: 'string', pattern: '^[0-9a-f]{64}$', maxLength: 64 },
      status: { type: 'string', enum: ['active', 'left'] },
    },
    ['id', 'name', 'storeId', 'roles', 'pinSalt', 'pinHash', 'status'],
  ),
  // [PI1] Masked display fields and blind indexes, never a name or phone in
  // plaintext. Version 1: version 0 held them in plaintext.
  members: {
    ...doc(
      {
        id,
        maskedName: { type: 'string', maxLength: 8 },
        maskedPhone: { type: 'string', pattern: '^(?:1[3-9]\\d\\*{4}\\d{4}|\\*)$', maxLength: 11 },
        phoneIndex: blindIndex,
        phoneTailIndex: blindIndex,
        indexKeyId: id,
        tier: id,
        homeStoreId: id,
        points: count,
        status: { type: 'string', enum: ['active', 'closed', 'erased'] },
      },
      ['id', 'maskedName', 'maskedPhone', 'tier', 'homeStoreId', 'points', 'status'],
    ),
    version: 1,
    indexes: ['phoneIndex', 'phoneTailIndex'],
  },
  promotions: doc(
    {
      id,
      name: text,
      status: { type: 'string', enum: ['active', 'retired'] },
      priority: { type: 'integer', minimum: -1e6, maximum: 1e6 },
      exclusive: { type: 'boolean' },
      target,
      rule: {
        type: 'object',
        properties: {
          kind: {
            type: 'string',
            enum: [
              'percent-off',
              'amount-off',
              'fixed-price',
              'buy-x-get-y',
              'bundle',
              'spend-threshold',
            ],
          },
          bp: { type: 'integer', minimum: 1, maximum: 10000 },
          amount: minor,
          price: minor,
          buy: count,
          get: count,
          quantity: count,
          tiers: {
            type: 'array',
            minItems: 1,
            maxItems: 20,
            items: {
              type: 'object',
              properties: { spend: minor, save: minor },
              required: ['spend', 'save'],
              additionalProperties: false,
            },
          },
          repeat: { type: 'boolean' },
        },
        required: ['kind'],
        additionalProperties: false,
      },
      stores: ids,
      channels,
      memberTiers: ids,
      window: {
        type: 'object',
        properties: {
          from: time,
          to: time,
          weekdays: {
            type: 'array',
            maxItems: 7,
            items: { type: 'integer', minimum: 0, maximum: 6 },
          },
          hours: {
            type: 'object',
            properties: { from: hour, to: hour },
            required: ['from', 'to'],
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
    },
    ['id', 'name', 'priority', 'target', 'rule'],
  ),
  coupons: doc(
    {
      id,
      campaignId: id,
      name: text,
      status: { type: 'string', enum: ['issued', 'redeemed', 'void'] },
      benefit: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['amount', 'percent'] },
          amount: minor,
          bp: { type: 'integer', minimum: 1, maximum: 10000 },
          cap: minor,
        },
        required: ['kind'],
        additionalProperties: false,
      },
      minSpend: minor,
      validFrom: time,
      validTo: time,
      target,
      stores: ids,
      channels,
      memberId: id,
      combinesWith: {
        type: 'object',
        properties: {
          mode: { type: 'string', enum: ['all-promotions', 'no-promotions', 'listed'] },
          promotionIds: ids,
        },
        required: ['mode'],
        additionalProperties: false,
      },
      combinesWithCoupons: { type: 'boolean' },
    },
    [
      'id',
      'campaignId',
      'name',
      'status',
      'benefit',
      'minSpend',
      'validFrom',
      'validTo',
      'target',
      'combinesWith',
      'combinesWithCoupons',
    ],
  ),
  stockMovements: doc(
    {
      id,
      location: id,
      sku: id,
      kind: {
        type: 'string',
        enum: [
          'sale',
          'return',
          'receive',
          'adjust',
          'transfer-out',
          'transfer-in',
          'reserve',
          'release',
        ],
      },
      quantity: { type: 'integer', minimum: -1e9, maximum: 1e9 },
      at: time,
      factId: id,
      reservationId: id,
      expiresAt: time,
      counterpart: id,
    },
    ['id', 'location', 'sku', 'kind', 'quantity', 'at'],
  ),
  pointEntries: doc(
    {
      id,
      memberId: id,
      kind: {
        type: 'string',
        enum: ['earn', 'redeem', 'reverse-earn', 'reverse-redeem', 'adjust'],
      },
      points: { type: 'integer', minimum: -1e9, maximum: 1e9 },
      factId: id,
      at: time,
    },
    ['id', 'memberId', 'kind', 'points', 'factId', 'at'],
  ),
  saleFacts: SALE_FACT_SCHEMA,
  shifts: SHIFT_SCHEMA,
  returns: doc(
    {
      id,
      saleId: id,
      storeId: id,
      deviceId: id,
      returnedAt: time,
      lines: {
        type: 'array',
        minItems: 1,
        maxItems: 500,
        items: {
          type: 'object',
          properties: {
            lineId: id,
            sku: id,
            quantity: { type: 'integer', minimum: 1, maximum: 100000 },
            refund: minor,
            epcs: {
              type: 'array',
              maxItems: 999,
              items: { type: 'string', pattern: '^[0-9A-F]{24}$', maxLength: 24 },
            },
          },
          required: ['lineId', 'sku', 'quantity', 'refund'],
          additionalProperties: false,
        },
      },
      refund: minor,
      tenders: { type: 'array', maxItems: 10, items: PAYMENT_TENDER_SCHEMA },
      points: {
        type: 'object',
        properties: { reversedEarn: count, restoredRedeem: count },
        required: ['reversedEarn', 'restoredRedeem'],
        additionalProperties: false,
      },
    },
    ['id', 'saleId', 'storeId', 'deviceId', 'returnedAt', 'lines', 'refund', 'tenders', 'points'],
  ),
} as const;

export type DomainCollection = keyof typeof DOMAIN_SCHEMAS;

/** [D1] for the new documents: server-owned state flows down, facts flow up. */
export const DOMAIN_COLLECTIONS: Record<DomainCollection, CollectionFlow> = {
  staff: { direction: 'down', scope: 'chain' },
  // A terminal keeps its own store's members; others are looked up online.
  members: { direction: 'down', scope: 'store', storeField: 'homeStoreId' },
  promotions: { direction: 'down', scope: 'chain' },
  coupons: { direction: 'down', scope: 'chain' },
  stockMovements: { direction: 'up', scope: 'store', storeField: 'location' },
  pointEntries: { direction: 'up', scope: 'chain' },
  saleFacts: { direction: 'up', scope: 'store', storeField: 'storeId' },
  shifts: { direction: 'up', scope: 'store', storeField: 'storeId' },
  returns: { direction: 'up', scope: 'store', storeField: 'storeId' },
};

/**
 * [DS2] Validates a document of a domain collection: its schema, then the
 * business rules of its kind (promotions PR1, coupons CP4, movements SL1,
 * point entries MP4, sale facts SF2, shifts SH4, returns RT7; times FT1, SKUs
 * SK4). Lists every problem; never throws.
 */
export function validateDomainDocument(
  collection: DomainCollection,
  value: unknown,
): SchemaProblem[] {
  if (collection === 'saleFacts') return validateSaleFact(value);
  const problems = validateAgainstSchema(DOMAIN_SCHEMAS[collection], value);
  if (problems.length) return problems;
  const rules =
    collection === 'promotions'
      ? promotionProblems(value as Promotion)
      : collection === 'stockMovements'
        ? stockMovementRules(value as LedgerMovement)
        : collection === 'pointEntries'
          ? [
              ...pointEntryProblems(value as PointEntry),
              ...timeProblems(value as PointEntry, ['at']),
            ]
          : collection === 'coupons'
            ? couponProblems(value as Coupon)
            : collection === 'shifts'
              ? shiftProblems(value as ShiftFact)
              : collection === 'returns'
                ? returnProblems(value as ReturnFact)
                : [];
  return rules.map((message) => ({ path: '$', message }));
}

/** [SL1] [FT1] [SK4] A stock movement's kind rules, its times and its SKU. */
function stockMovementRules(movement: LedgerMovement): string[] {
  return [
    ...movementProblems(movement),
    ...timeProblems(movement, ['at', 'expiresAt']),
    ...(isWellFormedSku(movement.sku) ? [] : ['sku is not a well-formed SKU']),
  ];
}
