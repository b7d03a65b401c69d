/**
 * What tills of earlier versions stored, for tests of the upgrade: the
 * members schema at version 0 (name and phone in plaintext, indexed by
 * phone on the device), and a raw view of a memory-stored replica.
 */
import type { RxJsonSchema } from 'rxdb';
import type { getRxStorageMemory } from 'rxdb/plugins/storage-memory';

const id = { type: 'string', maxLength: 100 } as const;

/** The members schema of version 0, with the local index on `phone` the device added. */
export const MEMBERS_SCHEMA_V0 = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id,
    phone: { type: 'string', pattern: '^1[3-9]\\d{9}$', maxLength: 11 },
    name: { type: 'string', maxLength: 200 },
    tier: id,
    homeStoreId: id,
    points: { type: 'integer', minimum: 0, maximum: 1e9 },
    status: { type: 'string', enum: ['active', 'closed'] },
  },
  required: ['id', 'phone', 'name', 'tier', 'homeStoreId', 'points', 'status'],
  additionalProperties: false,
  indexes: ['phone'],
} as unknown as RxJsonSchema<unknown>;

/**
 * Everything a memory-stored database holds, as the storage holds it (not
 * through RxDB's documents): every stored document of every collection and
 * version, local documents and RxDB's own, and every index key, as text.
 * Read it once the database is closed: the memory storage applies a write
 * to its maps lazily, and closing applies what is pending.
 */
export function rawStorageText(
  storage: ReturnType<typeof getRxStorageMemory>,
  databaseName: string,
  /** Only this collection's storage (every schema version of it). */
  collection?: string,
): string {
  const parts: string[] = [];
  const prefix = collection ? `${databaseName}--${collection}--` : `${databaseName}--`;
  for (const [key, state] of storage.collectionStates) {
    if (!key.startsWith(prefix)) continue;
    parts.push(key);
    for (const doc of state.documents.values()) parts.push(JSON.stringify(doc));
    for (const index of Object.values(state.byIndex)) {
      for (const [indexString] of index.docsWithIndex) parts.push(indexString);
    }
  }
  return parts.join('\n');
}
