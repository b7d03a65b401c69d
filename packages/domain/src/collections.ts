/**
 * The 13 synced collections (the free RxDB limit): their schemas, which way
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

export type CatalogCollection = keyof typeof CATALOG_SCHEMAS;
export type CollectionName = CatalogCollection | DomainCollection;

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
};

export const SCHEMAS = { ...CATALOG_SCHEMAS, ...DOMAIN_SCHEMAS } as const;

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
};

export const COLLECTION_NAMES = Object.keys(COLLECTIONS) as CollectionName[];

/** The collections of facts: written on a device, flowing up ([D1]). */
export const FACT_COLLECTIONS = [
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
