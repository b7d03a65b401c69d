/**
 * The sync server's command line: serving, provisioning device and admin
 * tokens, importing CSV files and generating a demo chain. Every command uses DATABASE_URL when set, else embedded PGlite in
 * `--data-dir` (default .data/pglite). See README.md "Command line".
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CONSOLE_ROLES, pointsProgrammeProblems, type PointsProgramme } from '@pos/domain';
import {
  TOKEN_ROTATION_GRACE_MS,
  provisionAdminToken,
  provisionDeviceToken,
  rotateDeviceToken,
} from './auth';
import { DEFAULT_CHAIN, DEMO_STAFF_PIN, type ChainSize } from './demo-chain';
import { generateChain, type ChainProgress } from './demo-chain-load';
import { formatProblem, IMPORT_KINDS, isImportKind } from './import/csv-import';
import { jsonLogger, jsonRequestLog } from './json-log';
import { writePointsProgramme } from './ledgers';
import { ENCODINGS, importCsv, type Encoding } from './import/import-store';
import { DEFAULT_RATE_LIMIT, validRateLimit, type RateLimitOptions } from './rate-limit';
import { DEMO_KEYS_WARNING, privacyKeysFromEnv, type PrivacyKeys } from './pii/keyring';
import { encryptPlaintextMembers } from './pii/migrate-members';
import { rewrapMemberKeys } from './pii/member-vault';
import { startSyncServer, storageConfig } from './start';
import { databaseSettingsFromEnv, describeStorage, openStorage } from './storage/open-storage';
import { certificateFingerprint, readTlsFiles, tlsFilesOf } from './tls';
import type { SyncStorage } from './storage/storage';
import { dataRequestCommand, exportMemberCommand } from './pii/data-requests-cli';
import type { PrivacyOptions } from './pii/privacy-routes';
import { issueChannelToken } from './orders/channel-tokens';
import { addConsoleUserCommand } from './console/users';
import { SyncError } from './protocol';

/**
 * The vault and read log the command line reads personal data through:
 * none is configured here yet, so an export is refused rather than
 * incomplete.
 */
function privacyOf(storage: SyncStorage): PrivacyOptions {
  void storage;
  return {};
}

const USAGE = `usage: sync-server serve [--port 5984] [--host 127.0.0.1] [--seed-demo]
         [--rate-limit-burst ${DEFAULT_RATE_LIMIT.burst}] [--rate-limit-per-second ${DEFAULT_RATE_LIMIT.perSecond}] [--no-rate-limit]
         [--quiet]                                                  no JSON line per request on stdout
         [--no-quiet-feeds]                                         every poll reads the database (default: an
                                                                    empty poll is answered from LISTEN's news)
         [--tls-cert cert.pem --tls-key key.pem]                    HTTPS (or TLS_CERT_FILE, TLS_KEY_FILE)
       sync-server provision-device --store S001 --device S001-POS2   prints the device's new token once
       sync-server revoke-device --device S001-POS2
       sync-server rotate-device-token S001-POS2 [--grace-hours 24]  prints a new token once; the old one
                                                                    works until the new one is used or the grace ends
       sync-server list-devices
       sync-server provision-admin --name hq-tools                     prints the admin token once
       sync-server revoke-admin --name hq-tools
       sync-server issue-channel-token --name shop-web --channel shop|mini-program|delivery-platform
                                                                    prints the channel's orders-API token once
       sync-server import <${IMPORT_KINDS.join('|')}> <file.csv> [--encoding utf-8|gb18030]
                                                                    all rows or none; problems by line
       sync-server generate-chain [--stores ${DEFAULT_CHAIN.stores}] [--skus ${DEFAULT_CHAIN.skus}] [--members ${DEFAULT_CHAIN.members}] [--seed 1]
         [--assortment ${DEFAULT_CHAIN.assortment}] [--promotions ${DEFAULT_CHAIN.promotions}] [--coupons ${DEFAULT_CHAIN.coupons}]
                                                                    a deterministic demo chain (same seed, same documents)
       sync-server set-points-programme <programme.json>            the earn rules sales are credited by
                                                                    {"earnRules": [{"tier", "category"?, "points", "per"}], "redemption"?}
       sync-server data-request <memberId> access|deletion [--channel store] [--note "..."]
                                                                    records a data-subject request; prints its id and due date
       sync-server export-member <requestId> [--format csv|json]    the export answering an access request, on stdout
       sync-server rotate-master-key                                rewraps every member's data key under the
                                                                    current (first) key of PII_MASTER_KEYS
       sync-server add-console-user --name east --role regional-manager --stores S001,S002 [--display-name "East"]
                                                                    a console user (roles: ${CONSOLE_ROLES.join(', ')};
                                                                    stores "all" for hq-admin and analyst); the password
                                                                    from CONSOLE_PASSWORD, else read from stdin
       sync-server encrypt-members                                  encrypts members and sales stored in plaintext
                                                                    (serve also does it in the background)
options of every command:
  --data-dir .data/pglite   the embedded PGlite directory (stop a PGlite server before using it)
  DATABASE_URL              use this PostgreSQL instead of the embedded PGlite
  DATABASE_SESSION_URL      a direct connection for LISTEN; DATABASE_URL is then a
                            transaction-mode pooler (PgBouncer)
  DATABASE_POOL_MAX         pooled PostgreSQL connections per process (default 10)
  PII_MASTER_KEYS           members' master keys, id:base64 (32 bytes), comma-separated, current first
  PII_INDEX_KEY             the phone blind-index key, id:hex (tills hold the same); neither: demo keys`;

const COMMANDS = [
  'serve',
  'provision-device',
  'revoke-device',
  'rotate-device-token',
  'list-devices',
  'provision-admin',
  'revoke-admin',
  'issue-channel-token',
  'import',
  'generate-chain',
  'set-points-programme',
  'data-request',
  'export-member',
  'rotate-master-key',
  'encrypt-members',
  'add-console-user',
] as const;
type Command = (typeof COMMANDS)[number];

class UsageError extends Error {}

type Values = {
  port: string;
  host: string;
  'data-dir'?: string | undefined;
  'seed-demo': boolean;
  store?: string | undefined;
  device?: string | undefined;
  name?: string | undefined;
  'rate-limit-burst'?: string | undefined;
  'rate-limit-per-second'?: string | undefined;
  'no-rate-limit': boolean;
  'no-quiet-feeds': boolean;
  quiet: boolean;
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'grace-hours'?: string | undefined;
  encoding?: string | undefined;
  seed?: string | undefined;
  stores?: string | undefined;
  skus?: string | undefined;
  members?: string | undefined;
  assortment?: string | undefined;
  promotions?: string | undefined;
  coupons?: string | undefined;
  channel?: string | undefined;
  note?: string | undefined;
  format?: string | undefined;
  role?: string | undefined;
  'display-name'?: string | undefined;
};

/** How many import problems are printed; the rest are counted. */
const SHOWN_PROBLEMS = 100;

function required(values: Values, name: 'store' | 'device' | 'name'): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

function rateLimitOf(values: Values): RateLimitOptions | false {
  if (values['no-rate-limit']) return false;
  const limit = {
    burst: Number(values['rate-limit-burst'] ?? DEFAULT_RATE_LIMIT.burst),
    perSecond: Number(values['rate-limit-per-second'] ?? DEFAULT_RATE_LIMIT.perSecond),
  };
  const invalid = validRateLimit(limit);
  if (invalid) throw new UsageError(`rate limit: ${invalid}`);
  return limit;
}

function storageOptions(values: Values) {
  let database: ReturnType<typeof databaseSettingsFromEnv>;
  try {
    database = databaseSettingsFromEnv(process.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    ...database,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  };
}

async function withStorage<T>(values: Values, work: (storage: SyncStorage) => Promise<T>) {
  const storage = await openStorage(storageConfig(storageOptions(values)));
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

/** [PK2] The keys from the environment (the demo keys when none are set). */
function privacyKeysFromEnvOrUsage(): PrivacyKeys {
  try {
    return privacyKeysFromEnv();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The same, with the loud warning when they are the demo keys. */
function privacyKeys(): PrivacyKeys {
  const keys = privacyKeysFromEnvOrUsage();
  if (keys.demo) console.error(DEMO_KEYS_WARNING);
  return keys;
}

async function serve(values: Values): Promise<number> {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number, got ${values.port}`);
  }
  const files = tlsFilesOf({ certFile: values['tls-cert'], keyFile: values['tls-key'] });
  const tls = files ? readTlsFiles(files) : null;
  const options = {
    port,
    host: values.host,
    ...(tls ? { tls } : {}),
    ...storageOptions(values),
    seedDemo: values['seed-demo'],
    rateLimit: rateLimitOf(values),
    ...(values['no-quiet-feeds'] ? { quietFeeds: false as const } : {}),
    privacy: privacyKeysFromEnvOrUsage(),
    log: jsonLogger(),
    ...(values.quiet ? {} : { requestLog: jsonRequestLog() }),
  };
  const running = await startSyncServer(options);
  console.log(
    `sync-server listening on ${running.url} (storage: ${describeStorage(storageConfig(options))})`,
  );
  if (tls) console.log(`certificate SHA-256 fingerprint: ${certificateFingerprint(tls.cert)}`);
  if (options.seedDemo)
    console.log('demo data seeded; demo device tokens: demo-s001-pos1, demo-s002-pos1');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`${signal}: stopping`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return 0;
}

async function importFile(values: Values, args: string[]): Promise<number> {
  const [kind, file, ...extra] = args;
  if (!kind || !isImportKind(kind)) {
    throw new UsageError(`import: name a kind (${IMPORT_KINDS.join(', ')}), got ${kind ?? 'none'}`);
  }
  if (!file || extra.length) throw new UsageError('import: name one CSV file');
  const encoding = (values.encoding ?? 'utf-8').toLowerCase();
  if (!(ENCODINGS as readonly string[]).includes(encoding)) {
    throw new UsageError(`--encoding must be ${ENCODINGS.join(' or ')}, got ${values.encoding}`);
  }
  const bytes = readFileSync(file);
  const started = performance.now();
  const privacy = kind === 'members' ? privacyKeys() : undefined;
  const result = await withStorage(values, (s) =>
    importCsv(s, kind, bytes, encoding as Encoding, privacy ? { privacy } : {}),
  );
  if (!result.ok) {
    console.error(`${file}: ${result.problems.length} problem(s); nothing was imported`);
    for (const problem of result.problems.slice(0, SHOWN_PROBLEMS)) {
      console.error(formatProblem(problem));
    }
    if (result.problems.length > SHOWN_PROBLEMS) {
      console.error(`... and ${result.problems.length - SHOWN_PROBLEMS} more`);
    }
    return 1;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `imported ${result.rows} ${result.db} from ${file} in ${seconds.toFixed(1)} s: ` +
      `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`,
  );
  return 0;
}

function count(values: Values, name: keyof ChainSize | 'seed', fallback: number): number {
  const text = values[name];
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new UsageError(`--${name} must be a whole number >= 0, got ${text}`);
  }
  return n;
}

async function generate(values: Values): Promise<number> {
  const seed = count(values, 'seed', 1);
  const size: ChainSize = {
    stores: count(values, 'stores', DEFAULT_CHAIN.stores),
    skus: count(values, 'skus', DEFAULT_CHAIN.skus),
    members: count(values, 'members', DEFAULT_CHAIN.members),
    assortment: count(values, 'assortment', DEFAULT_CHAIN.assortment),
    promotions: count(values, 'promotions', DEFAULT_CHAIN.promotions),
    coupons: count(values, 'coupons', DEFAULT_CHAIN.coupons),
  };
  if (size.stores < 1 || size.skus < 1)
    throw new UsageError('--stores and --skus must be at least 1');
  console.log(`generating a demo chain, seed ${seed}: ${JSON.stringify(size)}`);
  let lastPrint = 0;
  const progress = (p: ChainProgress) => {
    const finished = p.done === p.total;
    if (!finished && performance.now() - lastPrint < 5000) return;
    lastPrint = performance.now();
    console.log(
      `${p.db} ${p.done}/${p.total}; ${p.allDone} documents, ${Math.round(p.docsPerSecond)} docs/s`,
    );
  };
  const result = await withStorage(values, (s) =>
    generateChain(s, { seed, size, onProgress: progress, privacy: privacyKeys() }),
  );
  console.log(
    `done: ${result.docs} documents in ${result.seconds.toFixed(1)} s ` +
      `(${Math.round(result.docs / Math.max(result.seconds, 1e-9))} docs/s): ` +
      `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`,
  );
  console.log(`every generated staff member's PIN is ${DEMO_STAFF_PIN} (demo data only)`);
  return 0;
}

/** [PT6] Sets the chain's points programme from a JSON file, checked like the admin route's. */
async function setPointsProgramme(values: Values, args: string[]): Promise<number> {
  const [file, ...extra] = args;
  if (!file || extra.length) throw new UsageError('set-points-programme: name one JSON file');
  let programme: unknown;
  try {
    programme = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`${file}: not JSON (${(error as Error).message}); nothing was set`);
    return 1;
  }
  const problems = pointsProgrammeProblems(programme);
  if (problems.length) {
    console.error(`${file}: not a points programme; nothing was set`);
    for (const problem of problems.slice(0, SHOWN_PROBLEMS)) console.error(problem);
    return 1;
  }
  const changed = await withStorage(values, (s) =>
    s.transaction((tx) =>
      writePointsProgramme(tx, programme as PointsProgramme, new Date().toISOString(), 'cli'),
    ),
  );
  console.log(
    changed
      ? `points programme set from ${file}: sales recorded from now on earn by it`
      : `points programme unchanged: ${file} is the one in force`,
  );
  return 0;
}

/** The password typed at a prompt (or piped): the first line of stdin. */
async function readPassword(name: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(`password for ${name} (shown as typed): `);
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) return line;
  } finally {
    lines.close();
  }
  throw new UsageError('no password: set CONSOLE_PASSWORD or type it on stdin');
}

async function run(command: Command, values: Values, args: string[]): Promise<number> {
  const takesArgs = [
    'import',
    'set-points-programme',
    'data-request',
    'export-member',
    'rotate-device-token',
  ].includes(command);
  if (!takesArgs && args.length) throw new UsageError(`unexpected ${args.join(' ')}`);
  switch (command) {
    case 'import':
      return importFile(values, args);
    case 'generate-chain':
      return generate(values);
    case 'set-points-programme':
      return setPointsProgramme(values, args);
    case 'serve':
      return serve(values);
    case 'data-request': {
      const result = await withStorage(values, (s) =>
        dataRequestCommand(s, args, {
          channel: values.channel,
          note: values.note,
          now: new Date(),
        }),
      );
      if (!result.ok) throw new UsageError(result.reason);
      process.stdout.write(result.text);
      return 0;
    }
    case 'export-member': {
      const [requestId, ...extra] = args;
      if (!requestId || extra.length) throw new UsageError('export-member: name one request id');
      const format = values.format ?? 'json';
      if (format !== 'csv' && format !== 'json') {
        throw new UsageError(`--format must be csv or json, got ${format}`);
      }
      const text = await withStorage(values, (s) =>
        exportMemberCommand(s, requestId, format, privacyOf(s)),
      );
      process.stdout.write(text);
      return 0;
    }
    case 'rotate-master-key': {
      // [PK7] Reads go on during the rewrap: each document names its master key.
      const keys = privacyKeys();
      const rewrapped = await withStorage(values, (s) =>
        rewrapMemberKeys(s, keys, (n) => console.log(`${n} data keys rewrapped so far`)),
      );
      console.log(
        `${rewrapped} member data keys rewrapped under ${keys.kms.currentKekId}; ` +
          'the earlier master keys can be removed from PII_MASTER_KEYS',
      );
      return 0;
    }
    case 'encrypt-members': {
      const keys = privacyKeys();
      const { members, sales } = await withStorage(values, (s) => encryptPlaintextMembers(s, keys));
      console.log(`${members} members encrypted, ${sales} sales pseudonymised`);
      return 0;
    }
    case 'provision-device': {
      const device = { storeId: required(values, 'store'), deviceId: required(values, 'device') };
      const { token, replaced } = await withStorage(values, (s) => provisionDeviceToken(s, device));
      console.log(
        `device ${device.deviceId} is bound to store ${device.storeId}` +
          (replaced ? ` (its ${replaced} earlier token(s) no longer work)` : ''),
      );
      console.log('token (shown once; configure it on the device, it is stored only hashed):');
      console.log(token);
      return 0;
    }
    case 'revoke-device': {
      const deviceId = required(values, 'device');
      const removed = await withStorage(values, (s) => s.revokeDevice(deviceId));
      if (!removed) {
        console.error(`device ${deviceId} has no token`);
        return 1;
      }
      console.log(`device ${deviceId} revoked: its next request gets 401`);
      return 0;
    }
    case 'rotate-device-token': {
      const [deviceId, ...extra] = args;
      if (!deviceId || extra.length) throw new UsageError('rotate-device-token: name one device');
      const hours = Number(values['grace-hours'] ?? TOKEN_ROTATION_GRACE_MS / 3_600_000);
      if (!Number.isFinite(hours) || hours < 0 || hours > 24 * 365) {
        throw new UsageError(
          `--grace-hours must be a number of hours from 0 to 8760, got ${values['grace-hours']}`,
        );
      }
      const graceMs = Math.round(hours * 3_600_000);
      const rotated = await withStorage(values, (s) => rotateDeviceToken(s, deviceId, { graceMs }));
      console.log(
        `device ${rotated.deviceId} (store ${rotated.storeId}) has a new token; its earlier token ` +
          `works until the new one is first used, and at the latest until ${rotated.previousValidUntil}`,
      );
      console.log('token (shown once; configure it on the device, it is stored only hashed):');
      console.log(rotated.token);
      return 0;
    }
    case 'list-devices': {
      const devices = await withStorage(values, (s) => s.listDevices());
      for (const d of devices) console.log(`${d.storeId}\t${d.deviceId}`);
      if (!devices.length) console.log('no devices are provisioned');
      return 0;
    }
    case 'provision-admin': {
      const name = required(values, 'name');
      const { token, replaced } = await withStorage(values, (s) => provisionAdminToken(s, name));
      console.log(
        `admin ${name} provisioned` +
          (replaced ? ` (its ${replaced} earlier token(s) no longer work)` : ''),
      );
      console.log('token (shown once; it reads every store and writes stores, products, prices):');
      console.log(token);
      return 0;
    }
    case 'issue-channel-token': {
      const name = required(values, 'name');
      let issued: Awaited<ReturnType<typeof issueChannelToken>>;
      try {
        issued = await withStorage(values, (s) =>
          issueChannelToken(s, { name, channel: values.channel ?? '' }, 'cli'),
        );
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      console.log(
        `channel client ${name} (${issued.channel}) issued a token` +
          (issued.replaced ? ` (its ${issued.replaced} earlier token(s) no longer work)` : ''),
      );
      console.log(`token (shown once; it places and reads ${issued.channel} orders only):`);
      console.log(issued.token);
      return 0;
    }
    case 'add-console-user': {
      const name = required(values, 'name');
      const role = values.role;
      if (!role) throw new UsageError('--role is required');
      const password = process.env.CONSOLE_PASSWORD ?? (await readPassword(name));
      try {
        const line = await withStorage(values, (s) =>
          addConsoleUserCommand(
            s,
            { name, role, stores: values.stores, displayName: values['display-name'] },
            password,
          ),
        );
        console.log(line);
      } catch (error) {
        if (error instanceof SyncError) {
          console.error(`add-console-user: ${error.reason}`);
          return 1;
        }
        throw error;
      }
      return 0;
    }
    case 'revoke-admin': {
      const name = required(values, 'name');
      const removed = await withStorage(values, (s) => s.revokeAdmin(name));
      if (!removed) {
        console.error(`admin ${name} has no token`);
        return 1;
      }
      console.log(`admin ${name} revoked: its next request gets 401`);
      return 0;
    }
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string', default: '5984' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string' },
        'seed-demo': { type: 'boolean', default: false },
        store: { type: 'string' },
        device: { type: 'string' },
        name: { type: 'string' },
        'rate-limit-burst': { type: 'string' },
        'rate-limit-per-second': { type: 'string' },
        'no-rate-limit': { type: 'boolean', default: false },
        'no-quiet-feeds': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'grace-hours': { type: 'string' },
        encoding: { type: 'string' },
        seed: { type: 'string' },
        stores: { type: 'string' },
        skus: { type: 'string' },
        members: { type: 'string' },
        assortment: { type: 'string' },
        promotions: { type: 'string' },
        coupons: { type: 'string' },
        channel: { type: 'string' },
        note: { type: 'string' },
        format: { type: 'string' },
        role: { type: 'string' },
        'display-name': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [command, ...extra] = positionals;
    if (!COMMANDS.includes(command as Command)) {
      throw new UsageError(command ? `unknown command ${command}` : 'name a command');
    }
    return await run(command as Command, values, extra);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('sync-server:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
