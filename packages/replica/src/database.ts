/**
 * The device's local replica: one RxDB database holding what the device needs
 * to sell offline. Storage comes in as an argument: Dexie (IndexedDB) in the
 * renderer, memory in Node tests.
 */
import {
  addRxPlugin,
  createRxDatabase,
  type RxCollection,
  type RxDatabase,
  type RxStorage,
} from 'rxdb';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';

// Local documents hold device-only state (the sales outbox); they never replicate.
addRxPlugin(RxDBLocalDocumentsPlugin);
import { SCHEMAS, type CollectionName, type DocumentByCollection } from '@pos/domain';

export type ReplicaCollections = {
  [K in CollectionName]: RxCollection<DocumentByCollection[K]>;
};

export type ReplicaDatabase = RxDatabase<ReplicaCollections>;

/** The collections this device keeps. RxDB's free build allows 13 per process. */
export const REPLICA_COLLECTIONS: readonly CollectionName[] = [
  'stores',
  'products',
  'prices',
  'stock',
  'sales',
];

export async function openReplica(options: {
  name: string;
  storage: RxStorage<unknown, unknown>;
}): Promise<ReplicaDatabase> {
  const db = await createRxDatabase<ReplicaCollections>({
    name: options.name,
    storage: options.storage,
    multiInstance: false,
    eventReduce: true,
    closeDuplicates: true,
    localDocuments: true,
  });
  await db.addCollections(
    Object.fromEntries(
      REPLICA_COLLECTIONS.map((name) => [name, { schema: structuredClone(SCHEMAS[name]) }]),
    ),
  );
  return db;
}
