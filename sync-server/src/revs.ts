/**
 * CouchDB-style revisions: `N-hash`, where N counts the writes of a document
 * and the hash is of its content in canonical form. [R1]-[R2]
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal content has one text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    // A null prototype keeps a "__proto__" key an ordinary key.
    const sorted = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

/** [R2] Same content, whatever the key order (PostgreSQL's jsonb reorders keys). */
export function sameContent(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function revGeneration(rev: string): number {
  const n = Number.parseInt(rev, 10);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** [R1] The revision a write produces: one generation after `previous`, hashed over the content. */
export function nextRev(previous: string | null, body: unknown): string {
  const generation = previous === null ? 1 : revGeneration(previous) + 1;
  const hash = createHash('md5').update(canonicalJson(body)).digest('hex');
  return `${generation}-${hash}`;
}
