/**
 * Embedded storage: PostgreSQL compiled to WASM (PGlite) in a data directory,
 * or in memory for tests. One process owns the directory.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { SqlSyncStorage, type SqlDriver, type WriteGroupOptions } from './sql-storage';

export const DEFAULT_DATA_DIR = '.data/pglite';
export const IN_MEMORY = 'memory://';

export type PgliteOptions = {
  /** Start from this `dumpDataDir()` tarball instead of an empty cluster (skips initdb). */
  loadDataDir?: Blob;
  /** How write transactions are grouped ([ST9]). */
  writeGroup?: WriteGroupOptions;
};

export async function openPgliteStorage(
  dataDir: string = DEFAULT_DATA_DIR,
  options: PgliteOptions = {},
): Promise<SqlSyncStorage> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dirname(dataDir), { recursive: true });
  const pg = new PGlite(dataDir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
  return SqlSyncStorage.open('pglite', pgliteDriver(pg), undefined, options.writeGroup);
}

/**
 * The storage's SQL driver over a PGlite instance; `onStatement` sees every
 * statement sent (tests count a write group's statements with it).
 */
export function pgliteDriver(pg: PGlite, onStatement?: (sql: string) => void): SqlDriver {
  const rows = async <R>(q: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) => {
    onStatement?.(sql);
    return (await q.query<R>(sql, params ? [...params] : undefined)).rows;
  };
  return {
    query: (sql, params) => rows(pg, sql, params),
    transaction: (work) =>
      pg.transaction((tx) => work({ query: (sql, params) => rows(tx, sql, params) })),
    async listen(channel, onPayload) {
      await pg.listen(channel, onPayload);
    },
    close: () => pg.close(),
  };
}
