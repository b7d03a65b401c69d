/**
 * `tsx sync-server/src/cli.ts serve [--port 5984] [--host 127.0.0.1]
 *   [--data-dir .data/pglite] [--seed-demo]`
 * Uses DATABASE_URL when set, else embedded PGlite in the data directory.
 */
import { parseArgs } from 'node:util';
import { startSyncServer, storageConfig } from './start';
import { describeStorage } from './storage/open-storage';

const USAGE = `usage: sync-server serve [--port 5984] [--host 127.0.0.1] [--data-dir .data/pglite] [--seed-demo]
  DATABASE_URL  use this PostgreSQL instead of the embedded PGlite`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string', default: '5984' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string' },
        'seed-demo': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'serve') {
    console.error(USAGE);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, got ${values.port}\n${USAGE}`);
    return 2;
  }
  const options = {
    port,
    host: values.host,
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    seedDemo: values['seed-demo'],
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('sync-server failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
