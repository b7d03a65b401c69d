/**
 * Opens the storage, optionally seeds the demo chain, and serves HTTP (HTTPS
 * with a certificate). Used by
 * the CLI, the demo launcher and tests.
 */
import { seedDemo } from './demo-data';
import { DEMO_KEYS_WARNING, DEMO_PRIVACY_KEYS, type PrivacyKeys } from './pii/keyring';
import { encryptPlaintextMembers, type MigrationResult } from './pii/migrate-members';
import type { RequestLogger } from './json-log';
import type { RateLimitOptions } from './rate-limit';
import { createSyncServer, type Logger } from './server';
import type { ShopOptions } from './shop/routes';
import type { TryOnOptions } from './rfid/tryon-routes';
import type { TlsOptions } from './tls';
import type { ServerVersions } from './version';
import { openStorage, type StorageConfig } from './storage/open-storage';
import type { SyncStorage } from './storage/storage';
import { seedConsoleUsers } from './console/users';
import { seedInventoryDemo } from './inventory/demo';
import { seedDemoLabels } from './esl/demo';

export type StartOptions = {
  /** Default 5984 (CouchDB's); 0 picks a free port. */
  port?: number;
  host?: string;
  /** PostgreSQL URL; when absent, PGlite in `dataDir`. */
  databaseUrl?: string;
  /** [FL1] A direct URL for LISTEN; when set, `databaseUrl` goes through a transaction-mode pooler. */
  databaseSessionUrl?: string;
  /** [FL4] The largest number of pooled PostgreSQL connections of this process (default 10). */
  databasePoolMax?: number;
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
  /** [SHP1]-[SHP9] The online shop: its page's folder, the SMS and payment providers. */
  shop?: ShopOptions;
  /** [TB9] The clerk's tablet page at `/tablet/` (`apps/tablet/dist`); none: not served. */
  tablet?: { staticDir?: string };
  /** [HC7] The HQ console's page at `/console/` (`apps/console/dist`); none: not served. */
  console?: { staticDir?: string };
  /** [RI6]-[RI10] Try-on reports' policy and the suggestions outbox sweep. */
  tryOns?: TryOnOptions;
  /** [FL5] `false`: every poll reads the database (default: empty polls answered from memory). */
  quietFeeds?: false;
  /** [PK2] Members' keys (e.g. `privacyKeysFromEnv()`); default the demo keys, with a warning. */
  privacy?: PrivacyKeys;
};

export type RunningSyncServer = {
  url: string;
  storage: SyncStorage;
  /** [PK11] The encryption of members stored in plaintext, run in the background after listen. */
  migrated: Promise<MigrationResult>;
  /** Stops the HTTP server, then closes the storage. */
  close(): Promise<void>;
};

export function storageConfig(
  options: Pick<StartOptions, 'databaseUrl' | 'databaseSessionUrl' | 'databasePoolMax' | 'dataDir'>,
): StorageConfig {
  if (options.databaseUrl) {
    return {
      databaseUrl: options.databaseUrl,
      ...(options.databaseSessionUrl ? { databaseSessionUrl: options.databaseSessionUrl } : {}),
      ...(options.databasePoolMax !== undefined
        ? { databasePoolMax: options.databasePoolMax }
        : {}),
    };
  }
  return options.dataDir === undefined ? {} : { dataDir: options.dataDir };
}

export async function startSyncServer(options: StartOptions = {}): Promise<RunningSyncServer> {
  const storage = await openStorage(storageConfig(options));
  const privacy = options.privacy ?? DEMO_PRIVACY_KEYS;
  const log =
    options.log ?? ((level, message) => console.error(`[sync-server] ${level}: ${message}`));
  if (privacy.demo) log('warn', DEMO_KEYS_WARNING);
  try {
    if (options.seedDemo) {
      await seedDemo(storage, privacy);
      // [UC15] The demo's console users (scrypt: kept out of seedDemo, which every test server runs).
      await seedConsoleUsers(storage);
      // [IV15] Safety stock (one SKU low at S001); [SV1] S001's shelf-label service and its labels.
      await seedInventoryDemo(storage);
      await seedDemoLabels(storage);
    }
    const server = createSyncServer({
      storage,
      privacy,
      ...(options.now ? { now: options.now } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.requestLog ? { requestLog: options.requestLog } : {}),
      ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
      ...(options.quietFeeds === false ? { quietFeeds: false as const } : {}),
      ...(options.versions ? { versions: options.versions } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.shop ? { shop: options.shop } : {}),
      ...(options.tablet ? { tablet: options.tablet } : {}),
      ...(options.console ? { console: options.console } : {}),
      ...(options.tryOns ? { tryOns: options.tryOns } : {}),
    });
    const url = await server.listen(options.port ?? 5984, options.host ?? '127.0.0.1');
    // [PK11] While serving: a failure is logged, and the next start resumes it.
    const migrated = encryptPlaintextMembers(storage, privacy).then(
      (result) => {
        if (result.members || result.sales) {
          log('info', 'members stored in plaintext were encrypted', { ...result });
        }
        return result;
      },
      (error: unknown) => {
        log(
          'error',
          'encrypting members stored in plaintext failed; it resumes at the next start',
          {
            error: error instanceof Error ? error.message : String(error),
          },
        );
        return { members: 0, sales: 0 };
      },
    );
    return {
      url,
      storage,
      migrated,
      async close() {
        await server.close();
        await migrated;
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
