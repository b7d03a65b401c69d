/**
 * The device's local replica: one RxDB database holding what the device needs
 * to sell offline. Storage comes in as an argument: Dexie (IndexedDB) in the
 * renderer, memory in Node tests.
 */
import {
  addRxPlugin,
  createRxDatabase,
  getAllCollectionDocuments,
  type MigrationStrategies,
  type RxCollection,
  type RxDatabase,
  type RxJsonSchema,
  type RxStorage,
} from 'rxdb';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import {
  COLLECTION_NAMES,
  LEGACY_FACT_COLLECTIONS,
  SCHEMAS,
  factKindOf,
  toFact,
  type CollectionName,
  type DocumentByCollection,
  type FactBodyByKind,
} from '@pos/domain';
import { REPLICA_MIGRATIONS } from './migrations';

// Local documents hold device-only state (the sales outbox); they never replicate.
addRxPlugin(RxDBLocalDocumentsPlugin);
// A newer schema version migrates the documents on the device at open.
addRxPlugin(RxDBMigrationSchemaPlugin);

/**
 * The fact collections of the earlier layout (one per kind), which a device
 * no longer opens: their facts live in `facts` ([DK1] [DK5]). `pointEntries`
 * is among them: the server derives point entries, a device writes none ([FX3]).
 */
export const OLD_FACT_COLLECTIONS = [...LEGACY_FACT_COLLECTIONS, 'pointEntries'] as const;
export type OldFactCollection = (typeof OLD_FACT_COLLECTIONS)[number];

/** A collection this device keeps. */
export type ReplicaCollectionName = Exclude<CollectionName, OldFactCollection>;

export type ReplicaCollections = {
  [K in ReplicaCollectionName]: RxCollection<DocumentByCollection[K]>;
};

export type ReplicaDatabase = RxDatabase<ReplicaCollections>;

/**
 * [DS1] The collections this device keeps: 11 of RxDB's free 13 per process,
 * the eight down collections of one kind, `chain`, `storeState` and `facts`.
 */
export const REPLICA_COLLECTIONS: readonly ReplicaCollectionName[] = COLLECTION_NAMES.filter(
  (name): name is ReplicaCollectionName =>
    !(OLD_FACT_COLLECTIONS as readonly string[]).includes(name),
);

/**
 * Indexes the device's lookups need beyond the domain schema's own: the
 * cashier finds a member by phone among the store's members. They change
 * only how the device stores documents, never what a valid document is.
 */
export const LOCAL_INDEXES: Partial<Record<ReplicaCollectionName, string[]>> = {
  members: ['phone'],
};

export type CollectionDefinition = {
  schema: RxJsonSchema<unknown>;
  migrationStrategies?: MigrationStrategies;
};

/** Each collection's schema (from the domain, with the local indexes) and its migrations. */
export function replicaDefinitions(): Record<ReplicaCollectionName, CollectionDefinition> {
  return Object.fromEntries(
    REPLICA_COLLECTIONS.map((name) => {
      const schema = structuredClone(SCHEMAS[name]) as unknown as RxJsonSchema<unknown>;
      const indexes = LOCAL_INDEXES[name];
      if (indexes) schema.indexes = [...(schema.indexes ?? []), ...indexes];
      const migrationStrategies = REPLICA_MIGRATIONS[name];
      return [name, migrationStrategies ? { schema, migrationStrategies } : { schema }];
    }),
  ) as Record<ReplicaCollectionName, CollectionDefinition>;
}

export async function openReplica(options: {
  name: string;
  storage: RxStorage<unknown, unknown>;
  /** The collections' schemas and migrations; tests of a migration pass their own. */
  definitions?: Record<ReplicaCollectionName, CollectionDefinition>;
  /** Called after each fact the layout migration copies (tests interrupt it here). */
  onFactCopied?: (copied: number) => void;
}): Promise<ReplicaDatabase> {
  const db = await createRxDatabase<ReplicaCollections>({
    name: options.name,
    storage: options.storage,
    multiInstance: false,
    eventReduce: true,
    closeDuplicates: true,
    localDocuments: true,
  });
  try {
    await migrateFactCollections(db, options.onFactCopied);
    await db.addCollections(options.definitions ?? replicaDefinitions());
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/**
 * [DK5] Brings a device from the layout of one fact collection per kind to
 * `facts`, before anything else opens: every old fact is copied into `facts`
 * with its kind, as an upsert by id (ids never change, [D4]), and only once
 * all are copied are the old collections removed. A copy interrupted (a
 * crash, the app closed) is run again from the start at the next open, and
 * nothing is lost or doubled. `pointEntries` is removed without copying:
 * the server derives point entries and holds them; a device's copy is only a
 * replay the server already has ([FX3]). Opens at most the five old
 * collections and `facts` at once, within RxDB's 13.
 */
async function migrateFactCollections(
  replica: ReplicaDatabase,
  onFactCopied?: (copied: number) => void,
): Promise<void> {
  const db = replica as unknown as RxDatabase;
  const present = new Set(
    (await getAllCollectionDocuments(db.internalStore)).map((doc) => doc.data.name),
  );
  const old = OLD_FACT_COLLECTIONS.filter((name) => present.has(name));
  if (old.length === 0) return;
  const definitions = Object.fromEntries(
    old.map((name) => [name, { schema: structuredClone(SCHEMAS[name]) }]),
  ) as unknown as Record<string, CollectionDefinition>;
  definitions.facts = replicaDefinitions().facts;
  const opened = await db.addCollections(definitions);
  let copied = 0;
  for (const name of LEGACY_FACT_COLLECTIONS) {
    const collection = opened[name];
    if (!collection) continue;
    const kind = factKindOf(name);
    for (const doc of await collection.find().exec()) {
      const body = doc.toJSON() as FactBodyByKind[typeof kind];
      await opened.facts!.upsert(toFact(kind, body));
      onFactCopied?.(++copied);
    }
  }
  for (const name of old) await opened[name]!.remove();
  // `facts` is opened again with the rest of the replica.
  await opened.facts!.close();
}
