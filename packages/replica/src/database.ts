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
  type IndexKey,
} from '@pos/domain';
import { pseudonymiseKind, pseudonymiseStoredSales, replicaMigrations } from './migrations';

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
 * Indexes the device's lookups need beyond the domain schema's own. They
 * change only how the device stores documents, never what a valid document
 * is. None today: members are found by phone through the domain schema's
 * own index on `phoneIndex` ([PI2]).
 */
export const LOCAL_INDEXES: Partial<Record<ReplicaCollectionName, string[]>> = {};

export type CollectionDefinition = {
  schema: RxJsonSchema<unknown>;
  migrationStrategies?: MigrationStrategies;
};

/**
 * Each collection's schema (from the domain, with the local indexes) and its
 * migrations; `indexKey`, when the device holds it, lets the members
 * migration keep blind indexes ([PI1]).
 */
export function replicaDefinitions(
  indexKey?: IndexKey,
): Record<ReplicaCollectionName, CollectionDefinition> {
  const migrations = replicaMigrations(indexKey);
  return Object.fromEntries(
    REPLICA_COLLECTIONS.map((name) => {
      const schema = structuredClone(SCHEMAS[name]) as unknown as RxJsonSchema<unknown>;
      const indexes = LOCAL_INDEXES[name];
      if (indexes) schema.indexes = [...(schema.indexes ?? []), ...indexes];
      markIndexedFieldsRequired(schema);
      const migrationStrategies = migrations[name];
      return [name, migrationStrategies ? { schema, migrationStrategies } : { schema }];
    }),
  ) as Record<ReplicaCollectionName, CollectionDefinition>;
}

/**
 * RxDB's Dexie storage refuses an index on a field its schema does not
 * require (error DXE1), and the members' `phoneIndex` and `phoneTailIndex`
 * are absent on an erased member ([PI5]) and on a member migrated without
 * the index key. In the device's storage schema they are listed as required,
 * which changes no document (the replica does not validate documents): an
 * IndexedDB index simply leaves out a record without the field, so such a
 * member is found by id, never by a phone index.
 */
function markIndexedFieldsRequired(schema: RxJsonSchema<unknown>): void {
  const plain = schema as unknown as { indexes?: (string | string[])[]; required?: string[] };
  const fields = (plain.indexes ?? []).flat().filter((field) => !field.includes('.'));
  const required = plain.required ?? [];
  const missing = fields.filter((field) => !required.includes(field));
  if (missing.length) plain.required = [...required, ...new Set(missing)];
}

/**
 * Documents a collection migrates per batch when its schema version
 * went up. RxDB's own (10) makes every batch a few IndexedDB transactions
 * for ten documents (docs/benchmarks.md, "Stock levels schema upgrade").
 */
export const MIGRATION_BATCH_SIZE = 1000;

export async function openReplica(options: {
  name: string;
  storage: RxStorage<unknown, unknown>;
  /** The collections' schemas and migrations; tests of a migration pass their own. */
  definitions?: Record<ReplicaCollectionName, CollectionDefinition>;
  /** Called after each fact the layout migration copies (tests interrupt it here). */
  onFactCopied?: (copied: number) => void;
  /**
   * [PI2] The chain's blind-index key from the device's provisioning (never
   * from the replica). With it, members of an earlier version keep their
   * blind indexes and sales recorded with a phone in plaintext are
   * pseudonymised at open ([PI4]); without it, neither happens.
   */
  indexKey?: IndexKey;
  /** Documents per batch of a schema migration at open; MIGRATION_BATCH_SIZE unless given. */
  migrationBatchSize?: number;
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
    await migrateFactCollections(db, options.onFactCopied, options.indexKey);
    await addMigratedCollections(
      db,
      options.definitions ?? replicaDefinitions(options.indexKey),
      options.migrationBatchSize ?? MIGRATION_BATCH_SIZE,
    );
    if (options.indexKey) await pseudonymiseStoredSales(db, options.indexKey);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/**
 * [DS3] Opens the collections, then migrates each one whose stored documents
 * are of an earlier schema version, `batchSize` documents at a time, before
 * the replica is handed out: until then RxDB refuses writes to it.
 */
async function addMigratedCollections(
  replica: ReplicaDatabase,
  definitions: Record<ReplicaCollectionName, CollectionDefinition>,
  batchSize: number,
): Promise<void> {
  const db = replica as unknown as RxDatabase;
  const opened = await db.addCollections(
    Object.fromEntries(
      Object.entries(definitions).map(([name, definition]) => [
        name,
        { ...definition, autoMigrate: false },
      ]),
    ),
  );
  // What RxDB's autoMigrate does, with the batch size: a collection with
  // nothing to migrate is done at once (and takes writes from then on).
  for (const collection of Object.values(opened)) {
    if (collection.schema.version > 0) await collection.migratePromise(batchSize);
  }
}

/**
 * [DK5] Brings a device from the layout of one fact collection per kind to
 * `facts`, before anything else opens: every old fact is copied into `facts`
 * with its kind, as an upsert by id (ids never change, [D4]), and only once
 * all are copied are the old collections removed. A copy interrupted (a
 * crash, the app closed) is run again from the start at the next open, and
 * nothing is lost or doubled. `pointEntries` is removed without copying:
 * the server derives point entries and holds them; a device's copy is only a
 * replay the server already has ([FX3]). A sale that names its member by a
 * phone in plaintext is copied pseudonymised when the device holds the
 * index key ([PI4]). Opens at most the five old collections and `facts` at
 * once, within RxDB's 13.
 */
async function migrateFactCollections(
  replica: ReplicaDatabase,
  onFactCopied?: (copied: number) => void,
  indexKey?: IndexKey,
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
      await opened.facts!.upsert(toFact(kind, pseudonymiseKind(kind, body, indexKey)));
      onFactCopied?.(++copied);
    }
  }
  for (const name of old) await opened[name]!.remove();
  // `facts` is opened again with the rest of the replica.
  await opened.facts!.close();
}
