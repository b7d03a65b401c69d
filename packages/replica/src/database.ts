/**
 * The device's local replica: one RxDB database holding what the device needs
 * to sell offline. Storage comes in as an argument: Dexie (IndexedDB) in the
 * renderer, memory in Node tests.
 */
import {
  addRxPlugin,
  createRxDatabase,
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
  SCHEMAS,
  type CollectionName,
  type DocumentByCollection,
} from '@pos/domain';
import { REPLICA_MIGRATIONS } from './migrations';

// Local documents hold device-only state (the sales outbox); they never replicate.
addRxPlugin(RxDBLocalDocumentsPlugin);
// A newer schema version migrates the documents on the device at open.
addRxPlugin(RxDBMigrationSchemaPlugin);

export type ReplicaCollections = {
  [K in CollectionName]: RxCollection<DocumentByCollection[K]>;
};

export type ReplicaDatabase = RxDatabase<ReplicaCollections>;

/** The collections this device keeps: all 13 synced ones, RxDB's free limit per process. */
export const REPLICA_COLLECTIONS: readonly CollectionName[] = COLLECTION_NAMES;

/**
 * Indexes the device's lookups need beyond the domain schema's own: the
 * cashier finds a member by phone among the store's members. They change
 * only how the device stores documents, never what a valid document is.
 */
export const LOCAL_INDEXES: Partial<Record<CollectionName, string[]>> = {
  members: ['phone'],
};

export type CollectionDefinition = {
  schema: RxJsonSchema<unknown>;
  migrationStrategies?: MigrationStrategies;
};

/** Each collection's schema (from the domain, with the local indexes) and its migrations. */
export function replicaDefinitions(): Record<CollectionName, CollectionDefinition> {
  return Object.fromEntries(
    REPLICA_COLLECTIONS.map((name) => {
      const schema = structuredClone(SCHEMAS[name]) as unknown as RxJsonSchema<unknown>;
      const indexes = LOCAL_INDEXES[name];
      if (indexes) schema.indexes = [...(schema.indexes ?? []), ...indexes];
      const migrationStrategies = REPLICA_MIGRATIONS[name];
      return [name, migrationStrategies ? { schema, migrationStrategies } : { schema }];
    }),
  ) as Record<CollectionName, CollectionDefinition>;
}

export async function openReplica(options: {
  name: string;
  storage: RxStorage<unknown, unknown>;
  /** The collections' schemas and migrations; tests of a migration pass their own. */
  definitions?: Record<CollectionName, CollectionDefinition>;
}): Promise<ReplicaDatabase> {
  const db = await createRxDatabase<ReplicaCollections>({
    name: options.name,
    storage: options.storage,
    multiInstance: false,
    eventReduce: true,
    closeDuplicates: true,
    localDocuments: true,
  });
  await db.addCollections(options.definitions ?? replicaDefinitions());
  return db;
}
