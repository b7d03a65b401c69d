/**
 * [ST15] Documents found by what they hold rather than by id: a member's
 * sales, point entries, consents, messages and requests. Used by the storage
 * and by its write transactions.
 */
import type { CollectionName } from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { DocMatch, DocRow } from './storage';
import type { Queryable } from './write-group';

export const FIND_DOCS_MAX = 1000;

/** [ST15] The documents of `db` matching `match`, by seq; uses docs_member_id when a member is named. */
export async function selectMatchingDocs(
  q: Queryable,
  db: CollectionName,
  match: DocMatch,
): Promise<DocRow[]> {
  const limit = Math.max(1, Math.min(match.limit ?? FIND_DOCS_MAX, FIND_DOCS_MAX));
  const byMember = match.memberId !== undefined;
  // [ST16] An order's status also as text equality, so docs_order_status
  // serves the sweeps of held and paid orders instead of a scan of every order.
  const status = match.fields?.status;
  const byStatus = typeof status === 'string';
  const params: unknown[] = [db, JSON.stringify(match.fields ?? {}), limit];
  if (byMember) params.push(match.memberId);
  if (byStatus) params.push(status);
  const rows = await q.query<{
    id: string;
    rev: string;
    seq: number | string;
    store_id: string | null;
    body: JsonObject;
  }>(
    `SELECT id, rev, seq, store_id, body FROM docs
      WHERE db = $1 AND body @> $2::jsonb
        ${byMember ? `AND body ? 'memberId' AND body->>'memberId' = $4` : ''}
        ${byStatus ? `AND body->>'status' = $${params.length}` : ''}
      ORDER BY seq LIMIT $3`,
    params,
  );
  return rows.map((raw) => ({
    db,
    id: raw.id,
    rev: raw.rev,
    seq: Number(raw.seq),
    storeId: raw.store_id,
    body: raw.body,
  }));
}
