/**
 * Imports one CSV file into the storage: decode, read and validate every row
 * (csv-import.ts), check that referenced stores and products exist, then
 * write every document in one transaction. On any problem nothing is
 * written. [IM3]-[IM5]
 */
import iconv from 'iconv-lite';
import { hashPin, type CollectionName, type MemberRecord } from '@pos/domain';
import { loadDocs, type LoadCounts, type LoadOptions } from '../bulk-load';
import { DEMO_PRIVACY_KEYS, type PrivacyKeys } from '../pii/keyring';
import { writeMemberRecords } from '../pii/member-vault';
import type { JsonObject } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import {
  readImport,
  type ImportKind,
  type ImportOptions,
  type ImportProblem,
  type ImportRow,
} from './csv-import';

export const ENCODINGS = ['utf-8', 'gb18030'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export type ImportResult =
  | ({ ok: true; db: CollectionName; rows: number } & LoadCounts)
  | { ok: false; problems: ImportProblem[] };

/** [IM4] The file's bytes as text: strict UTF-8 (a bad byte is a problem), or GB18030. */
export function decodeCsv(
  bytes: Uint8Array,
  encoding: Encoding,
): { ok: true; text: string } | { ok: false; problem: ImportProblem } {
  if (encoding === 'gb18030')
    return { ok: true, text: iconv.decode(Buffer.from(bytes), 'gb18030') };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // Name the line of the first bad byte (a line feed is never part of a UTF-8 sequence).
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let line = 1;
    for (let start = 0; start < bytes.length; line++) {
      const feed = bytes.indexOf(10, start);
      const end = feed === -1 ? bytes.length : feed;
      try {
        decoder.decode(bytes.subarray(start, end));
      } catch {
        break;
      }
      start = end + 1;
    }
    return {
      ok: false,
      problem: {
        line,
        column: null,
        message: 'is not valid UTF-8; if the file is from a Chinese Excel, use --encoding gb18030',
      },
    };
  }
}

/** Documents read per reference check. */
const REFERENCE_BATCH = 5000;

const MISSING: Partial<Record<CollectionName, string>> = {
  stores: 'store',
  products: 'product',
};

/**
 * How an imported document replaces a stored one: members keep their point
 * balance; a staff member whose PIN is unchanged keeps the stored salt and
 * hash, so importing the same file again changes nothing.
 */
function replaceOptions(db: CollectionName, rows: readonly ImportRow[]): LoadOptions {
  if (db !== 'staff') return {};
  const pins = new Map(rows.map((row) => [row.doc.id as string, row.pin]));
  return {
    merge: (existing: JsonObject, incoming: JsonObject): JsonObject => {
      const pin = pins.get(incoming.id as string);
      const salt = existing.pinSalt;
      if (pin === undefined || typeof salt !== 'string') return incoming;
      let same: boolean;
      try {
        same = hashPin(pin, salt) === existing.pinHash;
      } catch {
        same = false; // a malformed stored salt: store the new hash
      }
      return same ? { ...incoming, pinSalt: salt, pinHash: existing.pinHash } : incoming;
    },
  };
}

/**
 * [IM5] Reads, checks and writes one file of `kind` in one transaction:
 * either every row is stored (created, updated, or unchanged when equal) or
 * nothing is, and the problems are returned with their lines.
 */
export async function importCsv(
  storage: SyncStorage,
  kind: ImportKind,
  bytes: Uint8Array,
  encoding: Encoding = 'utf-8',
  options: ImportOptions & { privacy?: PrivacyKeys } = {},
): Promise<ImportResult> {
  const decoded = decodeCsv(bytes, encoding);
  if (!decoded.ok) return { ok: false, problems: [decoded.problem] };
  const parsed = readImport(kind, decoded.text, options);
  if (!parsed.ok) return parsed;
  const { db, rows } = parsed;

  return storage.transaction(async (tx): Promise<ImportResult> => {
    const problems: ImportProblem[] = [];
    const wanted = new Map<CollectionName, Set<string>>();
    for (const row of rows) {
      for (const ref of row.references) {
        const ids = wanted.get(ref.db) ?? new Set<string>();
        wanted.set(ref.db, ids.add(ref.id));
      }
    }
    const missing = new Set<string>();
    for (const [refDb, idSet] of wanted) {
      const ids = [...idSet];
      for (let from = 0; from < ids.length; from += REFERENCE_BATCH) {
        const batch = ids.slice(from, from + REFERENCE_BATCH);
        const found = await tx.getDocs(refDb, batch);
        for (const id of batch) if (!found.has(id)) missing.add(`${refDb}/${id}`);
      }
    }
    if (missing.size) {
      for (const row of rows) {
        for (const ref of row.references) {
          if (!missing.has(`${ref.db}/${ref.id}`)) continue;
          problems.push({
            line: row.line,
            column: ref.column,
            message: `there is no ${MISSING[ref.db] ?? ref.db} ${ref.id} (import ${ref.db} first)`,
          });
        }
      }
      return { ok: false, problems };
    }
    const docs = rows.map((row) => row.doc);
    if (db === 'members') {
      // [PK3] Encrypted through the intake; members keep their point balance.
      const privacy = options.privacy ?? DEMO_PRIVACY_KEYS;
      const { created, updated, unchanged } = await writeMemberRecords(
        tx,
        privacy,
        docs as unknown as MemberRecord[],
        { keepPoints: true },
      );
      return { ok: true, db, rows: rows.length, created, updated, unchanged };
    }
    const counts = await loadDocs(tx, db, docs, replaceOptions(db, rows));
    return { ok: true, db, rows: rows.length, ...counts };
  });
}
