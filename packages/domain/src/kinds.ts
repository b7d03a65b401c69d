/**
 * Multi-kind collections: one registry of document kinds per collection, so a
 * new kind of document is one registry entry, never a collection of its own
 * (RxDB opens at most 13 per process). See SPEC.md [DK1]-[DK4] and
 * docs/decisions/collection-layout.md.
 *
 * - `facts` flows up: every fact a device writes (sale, return, shift close,
 *   stock movement). [DK2] A fact is the document of its kind with `kind`
 *   added, flat; a stock movement's own kind moves to `movement` and its
 *   `location` to `storeId`, so every fact names its store the same way.
 * - `chain` (chain-wide) and `storeState` (one store's, by `storeId`) flow
 *   down: server-owned state of kinds that have no collection of their own.
 */
import {
  heldUnitsProblems,
  orderFactProblems,
  ORDER_FACT_SCHEMAS,
  storeOrderProblems,
  type OrderFactKind,
  type OrderPaymentFact,
  type OrderReturnFact,
  type PickupFact,
} from './order-facts';
import type { ReturnFact } from './returns';
import { shipmentProblems, type FulfilmentFact } from './shipments';
import type { SaleFact } from './sale-fact';
import { validateDomainDocument } from './schemas';
import { styleProblems } from './styles';
import { commissionRulesProblems } from './commission';
import { storeItemsProblems } from './item-stock';
import { storeTransferProblems } from './transfers';
import { id, time } from './schema-fields';
import type { ShiftFact } from './shift';
import { tryOnFactProblems, type TryOnFact } from './tryons';
import type { LedgerMovement, StockMovementKind } from './stock-ledger';
import type { SchemaProblem } from './validate';

const kindField = { type: 'string', maxLength: 40 } as const;

/**
 * [DK1] The RxDB schemas of the multi-kind collections: the fields every kind
 * has, indexed; the rest of a document is checked by its kind's validator.
 */
export const MULTI_KIND_SCHEMAS = {
  facts: {
    version: 0,
    primaryKey: 'id',
    type: 'object',
    properties: { id, kind: kindField, storeId: id },
    required: ['id', 'kind', 'storeId'],
    additionalProperties: true,
    indexes: ['kind'],
  },
  chain: {
    version: 0,
    primaryKey: 'id',
    type: 'object',
    properties: { id, kind: kindField, updatedAt: time },
    required: ['id', 'kind'],
    additionalProperties: true,
    indexes: ['kind'],
  },
  storeState: {
    version: 0,
    primaryKey: 'id',
    type: 'object',
    properties: { id, kind: kindField, storeId: id, updatedAt: time },
    required: ['id', 'kind', 'storeId'],
    additionalProperties: true,
    indexes: ['kind'],
  },
} as const;

export type MultiKindCollection = keyof typeof MULTI_KIND_SCHEMAS;

/** The fact collections of the earlier layout, one per kind; still accepted on push for one protocol version. */
export const LEGACY_FACT_COLLECTIONS = [
  'saleFacts',
  'returns',
  'shifts',
  'stockMovements',
] as const;
export type LegacyFactCollection = (typeof LEGACY_FACT_COLLECTIONS)[number];

/** The document of each fact kind as its validator reads it. */
export type FactBodyByKind = {
  sale: SaleFact;
  return: ReturnFact;
  shift: ShiftFact;
  stockMovement: LedgerMovement;
  pickup: PickupFact;
  orderPayment: OrderPaymentFact;
  orderReturn: OrderReturnFact;
  fulfilment: FulfilmentFact;
  tryOn: TryOnFact;
};

/** [DK2] A stock movement as a fact: its kind in `movement`, its location in `storeId`. */
export type StockMovementFact = Omit<LedgerMovement, 'kind' | 'location'> & {
  kind: 'stockMovement';
  movement: StockMovementKind;
  storeId: string;
};

/** [DK2] A document of the `facts` collection, by kind. */
export type Fact =
  | (SaleFact & { kind: 'sale' })
  | (ReturnFact & { kind: 'return' })
  | (ShiftFact & { kind: 'shift' })
  | StockMovementFact
  | (PickupFact & { kind: 'pickup' })
  | (OrderPaymentFact & { kind: 'orderPayment' })
  | (OrderReturnFact & { kind: 'orderReturn' })
  | (FulfilmentFact & { kind: 'fulfilment' })
  | (TryOnFact & { kind: 'tryOn' });

type FactKindEntry =
  | {
      /** The collection that held facts of this kind before `facts`. */
      legacy: LegacyFactCollection;
    }
  | {
      /** [OF1] A kind born in `facts`: the server-only storage that holds it. */
      storage: `_${string}`;
    };

/**
 * [DK1] The registry of fact kinds: a new kind is one entry here (with its
 * schema and rules in the domain), never a new collection.
 */
export const FACT_KINDS = {
  sale: { legacy: 'saleFacts' },
  return: { legacy: 'returns' },
  shift: { legacy: 'shifts' },
  stockMovement: { legacy: 'stockMovements' },
  pickup: { storage: '_pickupFacts' },
  orderPayment: { storage: '_orderPaymentFacts' },
  orderReturn: { storage: '_orderReturnFacts' },
  fulfilment: { storage: '_fulfilmentFacts' },
  // [TO4] A closed fitting-room session, from the store's fitting-room service.
  tryOn: { storage: '_tryOnFacts' },
} as const satisfies Record<string, FactKindEntry>;

/** [OF1] The fact kinds that only ever travel in `facts`, with no collection of an earlier layout. */
export type StoredFactKind = {
  [K in FactKind]: (typeof FACT_KINDS)[K] extends { storage: string } ? K : never;
}[FactKind];

/**
 * [OF1] How a kind born in `facts` is validated (its body, without `kind`):
 * a new kind is one entry here and one in `FACT_KINDS`.
 */
const STORED_FACT_PROBLEMS: { [K in StoredFactKind]: (body: unknown) => SchemaProblem[] } = {
  pickup: (body) => orderFactProblems('pickup', body),
  orderPayment: (body) => orderFactProblems('orderPayment', body),
  orderReturn: (body) => orderFactProblems('orderReturn', body),
  fulfilment: (body) => orderFactProblems('fulfilment', body),
  // [TO4]
  tryOn: tryOnFactProblems,
};

export const isStoredFactKind = (kind: FactKind): kind is StoredFactKind =>
  !('legacy' in FACT_KINDS[kind]);

/** [OF1] The order facts among them: those applied to an online order. */
export type OrderFactKindName = OrderFactKind;
export const isOrderFactKind = (kind: FactKind): kind is OrderFactKind =>
  Object.hasOwn(ORDER_FACT_SCHEMAS, kind);

/** Where the server stores facts of a kind: its earlier layout's collection, or its own storage. */
export function factStorageOf(kind: FactKind): string {
  const entry: FactKindEntry = FACT_KINDS[kind];
  return 'legacy' in entry ? entry.legacy : entry.storage;
}

export type FactKind = keyof typeof FACT_KINDS;

export function isFactKind(value: unknown): value is FactKind {
  return typeof value === 'string' && Object.hasOwn(FACT_KINDS, value);
}

/** The fact kind of a legacy fact collection. */
export function factKindOf(collection: LegacyFactCollection): FactKind {
  return (Object.keys(FACT_KINDS) as FactKind[]).find((k) => factStorageOf(k) === collection)!;
}

/** [DK2] The `facts` document of a fact of a kind (as its legacy collection held it). */
export function toFact<K extends FactKind>(kind: K, body: FactBodyByKind[K]): Fact {
  if (kind === 'stockMovement') {
    const { kind: movement, location, ...rest } = body as LedgerMovement;
    return { ...rest, kind: 'stockMovement', movement, storeId: location };
  }
  return { ...(body as object), kind } as Fact;
}

/**
 * [DK2] A `facts` document back as its kind's document, with the legacy
 * collection that held that kind (null for a kind born in `facts`, [OF1]);
 * null when it names no known kind.
 */
export function fromFact(fact: unknown):
  | {
      kind: FactKind & keyof typeof LEGACY_KIND;
      collection: LegacyFactCollection;
      body: Record<string, unknown>;
    }
  | { kind: StoredFactKind; collection: null; body: Record<string, unknown> }
  | null {
  if (typeof fact !== 'object' || fact === null || Array.isArray(fact)) return null;
  const { kind, ...rest } = fact as Record<string, unknown>;
  if (!isFactKind(kind)) return null;
  if (kind === 'stockMovement') {
    const { movement, storeId, ...others } = rest;
    const body: Record<string, unknown> = { ...others };
    if (movement !== undefined) body.kind = movement;
    if (storeId !== undefined) body.location = storeId;
    return { kind, collection: 'stockMovements', body };
  }
  if (isStoredFactKind(kind)) return { kind, collection: null, body: rest };
  return { kind, collection: LEGACY_KIND[kind], body: rest };
}

const LEGACY_KIND = {
  sale: 'saleFacts',
  return: 'returns',
  shift: 'shifts',
  stockMovement: 'stockMovements',
} as const satisfies Partial<Record<FactKind, LegacyFactCollection>>;

/**
 * [DK3] Validates a `facts` document: a known kind, then that kind's schema
 * and rules exactly as the kind's own collection had them ([DS2]).
 */
export function validateFact(value: unknown): SchemaProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '$', message: 'must be an object' }];
  }
  const kind = (value as { kind?: unknown }).kind;
  const found = fromFact(value);
  if (!found) {
    return [
      {
        path: '$.kind',
        message: `must be one of ${Object.keys(FACT_KINDS).join(', ')} (got ${JSON.stringify(kind) ?? 'nothing'})`,
      },
    ];
  }
  if (found.collection === null) return STORED_FACT_PROBLEMS[found.kind](found.body);
  return validateDomainDocument(found.collection, found.body);
}

/**
 * [DK4] The kinds of the down collections `chain` and `storeState`. None is
 * in use yet: a kind is added here with its validator when the server first
 * writes it (points programme, locations; orders, holds, pickups).
 */
export const CHAIN_KINDS: Record<string, (value: unknown) => SchemaProblem[]> = {
  // [VG1] A style with its colour and size variants.
  style: styleProblems,
  // [CM3] The chain's commission table.
  commissionRules: commissionRulesProblems,
};
export const STORE_STATE_KINDS: Record<string, (value: unknown) => SchemaProblem[]> = {
  // [OF2] An online order at its fulfilling store.
  order: storeOrderProblems,
  // [ATP3] The units orders hold of a SKU at the store.
  held: heldUnitsProblems,
  // [FT1] A parcel the store ships.
  shipment: shipmentProblems,
  // [IT4] One SKU's tagged items at the store, sellable and sold.
  items: storeItemsProblems,
  // [TF10] A transfer or delivery the store sends or receives.
  transfer: storeTransferProblems,
};

/** [DK4] Validates a `chain` or `storeState` document by the registry of its kind. */
export function validateStateDocument(
  collection: 'chain' | 'storeState',
  value: unknown,
): SchemaProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '$', message: 'must be an object' }];
  }
  const registry = collection === 'chain' ? CHAIN_KINDS : STORE_STATE_KINDS;
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !Object.hasOwn(registry, kind)) {
    const known = Object.keys(registry);
    return [
      {
        path: '$.kind',
        message: known.length
          ? `must be one of ${known.join(', ')}`
          : `no kind of ${collection} document is in use yet`,
      },
    ];
  }
  return registry[kind]!(value);
}
