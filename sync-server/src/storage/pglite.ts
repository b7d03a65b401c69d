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
  const driver: SqlDriver = {
    async query<R>(sql: string, params?: readonly unknown[]) {
      return (await pg.query<R>(sql, params ? [...params] : undefined)).rows;
    },
    transaction(work) {
      return pg.transaction((tx) =>
        work({
          query: async <R>(sql: string, params?: readonly unknown[]) =>
            (await tx.query<R>(sql, params ? [...params] : undefined)).rows,
        }),
      );
    },
    async listen(channel, onPayload) {
      await pg.listen(channel, onPayload);
    },
    close: () => pg.close(),
  };
  return SqlSyncStorage.open('pglite', driver, undefined, options.writeGroup);
}
