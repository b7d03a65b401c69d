/**
 * Opens the storage, optionally seeds the demo chain, and serves HTTP (HTTPS
 * with a certificate). Used by
 * the CLI, the demo launcher and tests.
 */
import { seedDemo } from './demo-data';
import type { RequestLogger } from './json-log';
import type { RateLimitOptions } from './rate-limit';
import { createSyncServer, type Logger } from './server';
import type { TlsOptions } from './tls';
import type { ServerVersions } from './version';
import { openStorage, type StorageConfig } from './storage/open-storage';
import type { SyncStorage } from './storage/storage';

export type StartOptions = {
  /** Default 5984 (CouchDB's); 0 picks a free port. */
  port?: number;
  host?: string;
  /** PostgreSQL URL; when absent, PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PGlite data directory (default `.data/pglite`), or 'memory://'. */
  dataDir?: string;
  seedDemo?: boolean;
  now?: () => Date;
  log?: Logger;
  /** One call per answered request (e.g. `jsonRequestLog()`); default none. */
  requestLog?: RequestLogger;
  /** Requests per device (token bucket); default `DEFAULT_RATE_LIMIT`, false for none. */
  rateLimit?: RateLimitOptions | false;
  /** The protocol and schema versions served; default this build's ([VC1]-[VC4]). */
  versions?: ServerVersions;
  /** [TX1] Serve HTTPS with this certificate and key (see `readTlsFiles`); plain HTTP when absent. */
  tls?: TlsOptions;
};

export type RunningSyncServer = {
  url: string;
  storage: SyncStorage;
  /** Stops the HTTP server, then closes the storage. */
  close(): Promise<void>;
};

export function storageConfig(
  options: Pick<StartOptions, 'databaseUrl' | 'dataDir'>,
): StorageConfig {
  if (options.databaseUrl) return { databaseUrl: options.databaseUrl };
  return options.dataDir === undefined ? {} : { dataDir: options.dataDir };
}

export async function startSyncServer(options: StartOptions = {}): Promise<RunningSyncServer> {
  const storage = await openStorage(storageConfig(options));
  try {
    if (options.seedDemo) await seedDemo(storage);
    const server = createSyncServer({
      storage,
      ...(options.now ? { now: options.now } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.requestLog ? { requestLog: options.requestLog } : {}),
      ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
      ...(options.versions ? { versions: options.versions } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
    });
    const url = await server.listen(options.port ?? 5984, options.host ?? '127.0.0.1');
    return {
      url,
      storage,
      async close() {
        await server.close();
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
