/**
 * How documents already on a device are brought to a newer schema version of
 * their collection when the app is updated. RxDB runs these at open, before
 * the replica is used: strategy `k` turns a document of version k-1 into one
 * of version k. See README.md "Schema migrations" for the rule.
 */
import type { MigrationStrategies } from 'rxdb';
import type { CollectionName } from '@pos/domain';

/**
 * One entry per collection whose schema version went above 0, with a strategy
 * for every version from 1 to the current one. Empty while every domain
 * schema is at version 0.
 */
export const REPLICA_MIGRATIONS: Partial<Record<CollectionName, MigrationStrategies>> = {};
