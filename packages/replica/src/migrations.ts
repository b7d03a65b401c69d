/**
 * How documents already on a device are brought to a newer schema version of
 * their collection when the app is updated. RxDB runs these at open, before
 * the replica is used: strategy `k` turns a document of version k-1 into one
 * of version k. See README.md "Schema migrations" for the rule.
 *
 * Also here: what the device rewrites of its own facts at open so that no
 * member's phone stays on it in plaintext ([PI4]).
 */
import type { MigrationStrategies } from 'rxdb';
import {
  maskName,
  maskPhone,
  phoneIndex,
  phoneTailIndex,
  pseudonymiseSale,
  type CollectionName,
  type FactBodyByKind,
  type FactKind,
  type IndexKey,
  type Member,
  type SaleFact,
} from '@pos/domain';
import type { ReplicaDatabase } from './database';

/** A member as version 0 of the members schema stored them: name and phone in plaintext. */
export type MemberVersion0 = Omit<
  Member,
  'maskedName' | 'maskedPhone' | 'phoneIndex' | 'phoneTailIndex' | 'indexKeyId'
> & { name: string; phone: string };

/**
 * [PI1] Members version 0 → 1: the name and phone masked, the phone's blind
 * indexes when the device holds the index key (else none: the member is then
 * found by id or online until the server sends the member again). The
 * plaintext is dropped, never kept beside the masked values. Fields RxDB
 * keeps on a stored document pass through.
 */
export function memberToVersion1(doc: MemberVersion0, indexKey?: IndexKey): Member {
  const { name, phone, ...rest } = doc;
  return {
    ...rest,
    maskedName: maskName(name),
    maskedPhone: maskPhone(phone),
    ...(indexKey
      ? {
          phoneIndex: phoneIndex(indexKey, phone),
          phoneTailIndex: phoneTailIndex(indexKey, phone),
          indexKeyId: indexKey.id,
        }
      : {}),
  };
}

/**
 * One entry per collection whose schema version went above 0, with a strategy
 * for every version from 1 to the current one. `indexKey` is the device's
 * blind-index key when its provisioning holds one.
 */
export function replicaMigrations(
  indexKey?: IndexKey,
): Partial<Record<CollectionName, MigrationStrategies>> {
  return {
    members: {
      1: (doc: MemberVersion0): Member => memberToVersion1(doc, indexKey),
    },
  };
}

/** [PI4] A fact of a kind as it is kept on the device: a sale pseudonymised when the key is known. */
export function pseudonymiseKind<K extends FactKind>(
  kind: K,
  body: FactBodyByKind[K],
  indexKey: IndexKey | undefined,
): FactBodyByKind[K] {
  if (kind !== 'sale' || !indexKey) return body;
  return pseudonymiseSale(body as SaleFact, indexKey) as FactBodyByKind[K];
}

/**
 * [PI4] Sales on this device that name their member by a phone in plaintext
 * (recorded by an earlier version of the till) are rewritten to name them by
 * the phone's blind index. Every sale is kept, uploaded or not: an unsynced
 * sale uploads in its new form, and one the server already holds is the
 * same as the server stored it, since the server pseudonymises on ingest.
 * Returns how many sales were rewritten.
 */
export async function pseudonymiseStoredSales(
  db: ReplicaDatabase,
  indexKey: IndexKey,
): Promise<number> {
  const named = await db.facts
    .find({ selector: { kind: 'sale', memberPhone: { $exists: true } } })
    .exec();
  for (const doc of named) {
    await doc.incrementalModify(
      (fact) => pseudonymiseSale(fact as SaleFact & { kind: 'sale' }, indexKey) as typeof fact,
    );
  }
  return named.length;
}
