/**
 * The headers the replica sends with every request to the sync server: the
 * device's token and the sync contract's versions (`@pos/domain`
 * sync-contract.ts), so an incompatible server refuses instead of serving
 * documents this device would misread ([VC1]-[VC5] in the sync server SPEC).
 */
import { SCHEMA_VERSIONS, syncVersionHeaders, type SchemaVersions } from '@pos/domain';
import type { ReplicaDatabase } from './database';
import type { SyncTarget } from './replication';

/**
 * The domain's schema version ([DS3]) of each collection the replica opened.
 * Not RxDB's stored version: a change of local indexes alone raises that one
 * on the device and changes nothing on the wire.
 */
export function replicaSchemaVersions(db: ReplicaDatabase): SchemaVersions {
  const domain: Readonly<Record<string, number>> = SCHEMA_VERSIONS;
  return Object.fromEntries(
    Object.entries(db.collections).map(([name, collection]) => [
      name,
      Object.hasOwn(domain, name) ? domain[name]! : collection.schema.version,
    ]),
  );
}

/** [RM8] The header a device names its app version in, for the HQ console's device health. */
export const APP_VERSION_HEADER = 'X-Pos-App-Version';
/** [RM8] The header a device says how many of its facts wait to be pushed in. */
export const FACTS_WAITING_HEADER = 'X-Pos-Facts-Waiting';

/**
 * Authorization plus `X-Pos-Protocol` and `X-Pos-Schema` (and
 * `X-Pos-App-Version` when the target names one). The schema versions
 * are the target's if given, else the replica's (`db`), else the domain's.
 */
export function syncRequestHeaders(
  target: SyncTarget,
  db?: ReplicaDatabase,
): Record<string, string> {
  const schemas = target.schemaVersions ?? (db ? replicaSchemaVersions(db) : SCHEMA_VERSIONS);
  return {
    Authorization: `Bearer ${target.token}`,
    ...syncVersionHeaders(schemas),
    ...(target.appVersion ? { [APP_VERSION_HEADER]: target.appVersion } : {}),
  };
}
