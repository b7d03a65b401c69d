import type { SyncStorage } from './storage';
import { DEFAULT_DATA_DIR, openPgliteStorage } from './pglite';
import { openPostgresStorage } from './postgres';

export type StorageConfig =
  | {
      databaseUrl: string;
      /** [FL1] A direct URL for LISTEN; when set, `databaseUrl` is a transaction-mode pooler. */
      databaseSessionUrl?: string;
      /** [FL4] The largest number of pooled connections of this process (default 10). */
      databasePoolMax?: number;
    }
  | { dataDir?: string };

/** PostgreSQL when a database URL is given, else embedded PGlite in `dataDir`. */
export function openStorage(config: StorageConfig): Promise<SyncStorage> {
  if ('databaseUrl' in config) {
    return openPostgresStorage(config.databaseUrl, {
      ...(config.databaseSessionUrl ? { sessionConnectionString: config.databaseSessionUrl } : {}),
      ...(config.databasePoolMax !== undefined ? { max: config.databasePoolMax } : {}),
    });
  }
  return openPgliteStorage(config.dataDir ?? DEFAULT_DATA_DIR);
}

/**
 * [FL1] [FL4] The PostgreSQL settings from the environment: `DATABASE_URL`,
 * `DATABASE_SESSION_URL` (LISTEN's direct connection when DATABASE_URL goes
 * through PgBouncer in transaction mode) and `DATABASE_POOL_MAX`. Throws a
 * clear error for a pool size that is not a positive whole number.
 */
export function databaseSettingsFromEnv(env: NodeJS.ProcessEnv): {
  databaseUrl?: string;
  databaseSessionUrl?: string;
  databasePoolMax?: number;
} {
  const { DATABASE_URL: url, DATABASE_SESSION_URL: sessionUrl, DATABASE_POOL_MAX: max } = env;
  if (!url) {
    if (sessionUrl) throw new Error('DATABASE_SESSION_URL is set but DATABASE_URL is not');
    return {};
  }
  if (max !== undefined && max !== '' && !/^[1-9]\d{0,4}$/.test(max)) {
    throw new Error(`DATABASE_POOL_MAX must be a positive whole number, got "${max}"`);
  }
  return {
    databaseUrl: url,
    ...(sessionUrl && sessionUrl !== url ? { databaseSessionUrl: sessionUrl } : {}),
    ...(max ? { databasePoolMax: Number(max) } : {}),
  };
}

export function describeStorage(config: StorageConfig): string {
  if ('databaseUrl' in config) {
    const session = config.databaseSessionUrl
      ? ` (pooler; LISTEN on ${redactUrl(config.databaseSessionUrl)})`
      : '';
    return `postgres ${redactUrl(config.databaseUrl)}${session}`;
  }
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
