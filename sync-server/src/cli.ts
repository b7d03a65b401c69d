/**
 * The sync server's command line: serving, and provisioning device and admin
 * tokens. Every command uses DATABASE_URL when set, else embedded PGlite in
 * `--data-dir` (default .data/pglite). See README.md "Command line".
 */
import { parseArgs } from 'node:util';
import { provisionAdminToken, provisionDeviceToken } from './auth';
import { DEFAULT_RATE_LIMIT, validRateLimit, type RateLimitOptions } from './rate-limit';
import { startSyncServer, storageConfig } from './start';
import { describeStorage, openStorage } from './storage/open-storage';
import type { SyncStorage } from './storage/storage';

const USAGE = `usage: sync-server serve [--port 5984] [--host 127.0.0.1] [--seed-demo]
         [--rate-limit-burst ${DEFAULT_RATE_LIMIT.burst}] [--rate-limit-per-second ${DEFAULT_RATE_LIMIT.perSecond}] [--no-rate-limit]
       sync-server provision-device --store S001 --device S001-POS2   prints the device's new token once
       sync-server revoke-device --device S001-POS2
       sync-server list-devices
       sync-server provision-admin --name hq-tools                     prints the admin token once
       sync-server revoke-admin --name hq-tools
options of every command:
  --data-dir .data/pglite   the embedded PGlite directory (stop a PGlite server before using it)
  DATABASE_URL              use this PostgreSQL instead of the embedded PGlite`;

const COMMANDS = [
  'serve',
  'provision-device',
  'revoke-device',
  'list-devices',
  'provision-admin',
  'revoke-admin',
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
};

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
  return {
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
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

async function serve(values: Values): Promise<number> {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number, got ${values.port}`);
  }
  const options = {
    port,
    host: values.host,
    ...storageOptions(values),
    seedDemo: values['seed-demo'],
    rateLimit: rateLimitOf(values),
  };
  const running = await startSyncServer(options);
  console.log(
    `sync-server listening on ${running.url} (storage: ${describeStorage(storageConfig(options))})`,
  );
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

async function run(command: Command, values: Values): Promise<number> {
  switch (command) {
    case 'serve':
      return serve(values);
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
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [command, ...extra] = positionals;
    if (!COMMANDS.includes(command as Command) || extra.length) {
      throw new UsageError(command ? `unknown command ${command}` : 'name a command');
    }
    return await run(command as Command, values);
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
