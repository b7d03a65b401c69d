/**
 * The synced collections (a device opens at most 13, the free RxDB limit): their schemas, which way
 * they flow, who may see them, and one validator for all of them. Clients and
 * the server import this; nobody keeps a second list. See SPEC.md [D1], [DS1]-[DS2].
 */
import {
  CATALOG_SCHEMAS,
  type Price,
  type Product,
  type StockLevel,
  type Store,
} from './documents';
import type { Staff } from './checkout';
import type { Coupon } from './coupons';
import type { PointEntry, Member } from './points';
import type { Promotion } from './promotion-types';
import type { ReturnFact } from './returns';
import type { SaleFact } from './sale-fact';
import {
  DOMAIN_COLLECTIONS,
  DOMAIN_SCHEMAS,
  validateDomainDocument,
  type DomainCollection,
} from './schemas';
import type { CollectionFlow } from './schema-fields';
import type { ShiftFact } from './shift';
import type { LedgerMovement } from './stock-ledger';
import { validateAgainstSchema, type SchemaProblem } from './validate';
import { isWellFormedSku } from './fact-rules';
import { MULTI_KIND_SCHEMAS, validateFact, validateStateDocument, type Fact } from './kinds';

export type CatalogCollection = keyof typeof CATALOG_SCHEMAS;
export type CollectionName = CatalogCollection | DomainCollection | MultiKind;
type MultiKind = keyof typeof MULTI_KIND_SCHEMAS;

export type DocumentByCollection = {
  stores: Store;
  products: Product;
  prices: Price;
  stock: StockLevel;
  staff: Staff;
  members: Member;
  promotions: Promotion;
  coupons: Coupon;
  saleFacts: SaleFact;
  returns: ReturnFact;
  stockMovements: LedgerMovement;
  pointEntries: PointEntry;
  shifts: ShiftFact;
  facts: Fact;
  chain: { id: string; kind: string; updatedAt?: string };
  storeState: { id: string; kind: string; storeId: string; updatedAt?: string };
};

export const SCHEMAS = { ...CATALOG_SCHEMAS, ...DOMAIN_SCHEMAS, ...MULTI_KIND_SCHEMAS } as const;

/**
 * [D1] Chain-wide and store-private state is owned by the server and flows
 * down only; facts are written on a device, flow up only and never change.
 */
export const COLLECTIONS: Record<CollectionName, CollectionFlow> = {
  stores: { direction: 'down', scope: 'chain' },
  products: { direction: 'down', scope: 'chain' },
  prices: { direction: 'down', scope: 'chain' },
  stock: { direction: 'down', scope: 'store', storeField: 'storeId' },
  ...DOMAIN_COLLECTIONS,
  // [DK1] Multi-kind: every fact a device writes; chain-wide and one store's server-owned state.
  facts: { direction: 'up', scope: 'store', storeField: 'storeId' },
  chain: { direction: 'down', scope: 'chain' },
  storeState: { direction: 'down', scope: 'store', storeField: 'storeId' },
};

export const COLLECTION_NAMES = Object.keys(COLLECTIONS) as CollectionName[];

/**
 * The collections of facts: written on a device, flowing up ([D1]). A device
 * writes `facts` [DK1]; the server still accepts the per-kind ones of the
 * earlier layout for one protocol version [DK5].
 */
export const FACT_COLLECTIONS = [
  'facts',
  'saleFacts',
  'returns',
  'stockMovements',
  'pointEntries',
  'shifts',
] as const satisfies readonly CollectionName[];
export type FactCollection = (typeof FACT_COLLECTIONS)[number];

export function isCollectionName(value: string): value is CollectionName {
  return Object.hasOwn(COLLECTIONS, value);
}

/** [V1] [DS2] Validates a document of any synced collection: schema, then the rules of its kind ([SK4] a product's id is a well-formed SKU). */
export function validateDocument(collection: CollectionName, value: unknown): SchemaProblem[] {
  if (collection === 'facts') return validateFact(value);
  if (collection === 'chain' || collection === 'storeState') {
    return validateStateDocument(collection, value);
  }
  if (Object.hasOwn(DOMAIN_SCHEMAS, collection)) {
    return validateDomainDocument(collection as DomainCollection, value);
  }
  const problems = validateAgainstSchema(CATALOG_SCHEMAS[collection as CatalogCollection], value);
  if (
    problems.length === 0 &&
    collection === 'products' &&
    !isWellFormedSku((value as Product).id)
  ) {
    return [{ path: '$.id', message: 'is not a well-formed SKU' }];
  }
  return problems;
}
