/**
 * Item-level stock: every tagged garment is an EPC (SGTIN-96, with its
 * serial) with a state at a store. The server keeps the states; a till holds
 * each SKU's sold and sellable EPCs (storeState kind `items`) so it refuses
 * a sold EPC offline. Counts compare what readers saw with what is expected.
 * Pure. See SPEC.md [IT1]-[IT9].
 */
import { id, time } from './schema-fields';
import { validateAgainstSchema, type SchemaProblem } from './validate';

/** [IT1] Where an item is, as far as the chain knows. */
export const ITEM_STATES = [
  'in-stock',
  'fitting-room',
  'sold',
  'returned',
  'in-transit',
  'missing',
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/** [IT1] The states in which an item is in the store and may be sold. */
export const SELLABLE_ITEM_STATES: readonly ItemState[] = ['in-stock', 'fitting-room', 'returned'];

/** [IT2] What happens to an item. */
export type ItemEvent =
  | 'tagged'
  | 'enter-fitting-room'
  | 'leave-fitting-room'
  | 'sell'
  | 'return'
  | 'ship-out'
  | 'receive'
  | 'count-missing'
  | 'count-found';

/** One tagged item as the server holds it. */
export type ItemRecord = {
  /** The EPC, 24 upper-case hex digits. */
  epc: string;
  storeId: string;
  sku: string;
  gtin: string;
  serial: string;
  state: ItemState;
  /** The sale that sold it, while sold. */
  saleId?: string;
  updatedAt: string;
};

/**
 * [IT4] The storeState document of kind `items` (id `items:<storeId>:<sku>`):
 * one SKU's EPCs at the store, the sellable ones and the sold ones, so a till
 * refuses a sold EPC offline and knows a tag's SKU without a lookup.
 */
export type StoreItemsDoc = {
  id: string;
  kind: 'items';
  storeId: string;
  sku: string;
  gtin: string;
  /** EPCs in a sellable state ([IT1]), sorted. */
  sellable: string[];
  /** EPCs sold and not returned, sorted. */
  sold: string[];
  updatedAt: string;
};

const epcList = {
  type: 'array',
  maxItems: 20_000,
  items: { type: 'string', pattern: '^[0-9A-F]{24}$', maxLength: 24 },
} as const;

const STORE_ITEMS_SCHEMA = {
  type: 'object',
  properties: {
    id,
    kind: { type: 'string', enum: ['items'] },
    storeId: id,
    sku: id,
    gtin: { type: 'string', pattern: '^\\d{14}$', maxLength: 14 },
    sellable: epcList,
    sold: epcList,
    updatedAt: time,
  },
  required: ['id', 'kind', 'storeId', 'sku', 'gtin', 'sellable', 'sold', 'updatedAt'],
  additionalProperties: false,
} as const;

/** [IT4] The id of a store's `items` document for a SKU. */
export const storeItemsDocId = (storeId: string, sku: string): string => `items:${storeId}:${sku}`;

/** [IT4] Problems of a storeState `items` document. */
export function storeItemsProblems(value: unknown): SchemaProblem[] {
  const problems = validateAgainstSchema(STORE_ITEMS_SCHEMA, value);
  if (problems.length) return problems;
  const doc = value as StoreItemsDoc;
  if (doc.id !== storeItemsDocId(doc.storeId, doc.sku)) {
    return [{ path: '$.id', message: `must be ${storeItemsDocId(doc.storeId, doc.sku)}` }];
  }
  return [];
}

/** [IT6] What a count compares: a zone's or the whole store's read. */
export type CountScope =
  /** Every item expected in the store. */
  | { kind: 'store' }
  /** A zone's or a shelf's read: the items expected of the SKUs it read. */
  | { kind: 'skus-read'; zone?: string };

/** One expected item of a count. */
export type ExpectedItem = { epc: string; sku: string };

/** [IT7] An EPC read that was not expected: a known SKU (in another state or store) or not ours. */
export type UnexpectedItem = {
  epc: string;
  /** The SKU its GTIN names, when the chain sells it. */
  sku: string | null;
  reason: 'not-expected' | 'unknown-gtin' | 'not-sgtin';
};

/** [IT8] One SKU's line of a count. */
export type CountSkuLine = {
  sku: string;
  expected: number;
  found: number;
  missing: number;
  unexpected: number;
  /** found + unexpected: the units the count saw. */
  counted: number;
  /** found ÷ expected in basis points (10,000 when nothing was expected and nothing seen). */
  accuracyBp: number;
};

/** [IT7] [IT8] A count's outcome. */
export type CountResult = {
  scope: CountScope;
  found: ExpectedItem[];
  missing: ExpectedItem[];
  unexpected: UnexpectedItem[];
  /** By SKU, sorted by SKU. */
  bySku: CountSkuLine[];
  /** [IT8] Units: found ÷ expected, in basis points. */
  unitAccuracyBp: number;
  /** [IT8] SKUs: the share whose counted units equal the expected, in basis points. */
  skuAccuracyBp: number;
};

/** [IT9] One SKU's stock adjustment from an approved count: counted less the ledger's on hand. */
export type CountAdjustment = { sku: string; onHand: number; counted: number; delta: number };
