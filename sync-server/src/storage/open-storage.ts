import type { SyncStorage } from './storage';
import { DEFAULT_DATA_DIR, openPgliteStorage } from './pglite';
import { openPostgresStorage } from './postgres';

export type StorageConfig = { databaseUrl: string } | { dataDir?: string };

/** PostgreSQL when a database URL is given, else embedded PGlite in `dataDir`. */
export function openStorage(config: StorageConfig): Promise<SyncStorage> {
  if ('databaseUrl' in config) return openPostgresStorage(config.databaseUrl);
  return openPgliteStorage(config.dataDir ?? DEFAULT_DATA_DIR);
}

export function describeStorage(config: StorageConfig): string {
  if ('databaseUrl' in config) return `postgres ${redactUrl(config.databaseUrl)}`;
  return `pglite ${config.dataDir ?? DEFAULT_DATA_DIR}`;
}

/** A database URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
