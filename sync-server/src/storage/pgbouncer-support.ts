/**
 * A PgBouncer in transaction mode in front of a PostgreSQL, started as a
 * child process from a generated ini and userlist in a temporary directory.
 * For the PgBouncer integration test and the fleet benchmark; the server
 * itself never starts one (see docs/decisions/chain-scale.md).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where Debian's package puts the binary; `PGBOUNCER` overrides. */
export const PGBOUNCER_BIN = process.env.PGBOUNCER ?? '/usr/sbin/pgbouncer';

/** Why PgBouncer cannot run here, or null when it can. */
export function pgbouncerMissing(): string | null {
  const probe = spawnSync(PGBOUNCER_BIN, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return `the PgBouncer binary ${PGBOUNCER_BIN} could not be run (install the pgbouncer package, or set PGBOUNCER)`;
  }
  return null;
}

export type PgBouncerDatabase = {
  /** The real database's name (default: the target URL's). */
  dbname?: string;
  /** Run on every new server connection, e.g. `SET search_path = my_schema`. */
  connectQuery?: string;
};

export type PgBouncerOptions = {
  /** The PostgreSQL it pools: host, port, user and password are taken from it. */
  targetUrl: string;
  /** The names clients connect to, each a database at the target. */
  databases: Record<string, PgBouncerDatabase>;
  /** Server connections per (database, user) pair (default 20). */
  poolSize?: number;
  /** Client connections it accepts (default 1,000). */
  maxClientConn?: number;
};

export type RunningPgBouncer = {
  /** Its process id, for CPU sampling. */
  pid: number;
  port: number;
  /** A URL of `database` through PgBouncer, as the target's user. */
  url(database: string): string;
  /** A `SHOW ...` command on its admin console: the rows. */
  show(what: 'POOLS' | 'STATS' | 'CLIENTS' | 'SERVERS'): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
};

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

export async function startPgBouncer(options: PgBouncerOptions): Promise<RunningPgBouncer> {
  const target = new URL(options.targetUrl);
  const user = decodeURIComponent(target.username || 'postgres');
  const password = decodeURIComponent(target.password);
  const host = target.hostname || '127.0.0.1';
  const defaultDb = decodeURIComponent(target.pathname.slice(1)) || user;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pos-pgbouncer-'));
  // PgBouncer runs as `postgres` when started by root: it must read these files.
  chmodSync(dir, 0o755);
  const databases = Object.entries(options.databases).map(([name, db]) => {
    const parts = [
      `host=${host}`,
      `port=${target.port || '5432'}`,
      `dbname=${db.dbname ?? defaultDb}`,
      `user=${user}`,
      ...(password ? [`password=${password}`] : []),
      ...(db.connectQuery ? [`connect_query=${quote(db.connectQuery)}`] : []),
    ];
    return `${name} = ${parts.join(' ')}`;
  });
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" "${password}"\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      ...databases,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      `auth_type = ${password ? 'plain' : 'trust'}`,
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 20}`,
      `max_client_conn = ${options.maxClientConn ?? 1000}`,
      'ignore_startup_parameters = extra_float_digits',
      `admin_users = ${user}`,
      `stats_users = ${user}`,
      // PgBouncer's own log lines stay out of the test's and benchmark's output.
      'log_connections = 0',
      'log_disconnections = 0',
      'log_pooler_errors = 1',
      '',
    ].join('\n'),
  );
  chmodSync(join(dir, 'pgbouncer.ini'), 0o644);
  chmodSync(join(dir, 'userlist.txt'), 0o644);
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(
    PGBOUNCER_BIN,
    [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Ready when it says it listens on its port (it logs to stderr).
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`listening on 127.0.0.1:${port}`)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`PgBouncer exited (${code}) before listening:\n${output.slice(-2000)}`)),
    );
  });
  const urlOf = (database: string) =>
    `postgres://${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ''}@127.0.0.1:${port}/${database}`;
  let admin: pg.Client | null = null;
  return {
    pid: child.pid!,
    port,
    url: urlOf,
    async show(what) {
      if (!admin) {
        admin = new pg.Client({ connectionString: urlOf('pgbouncer') });
        await admin.connect();
      }
      return (await admin.query(`SHOW ${what}`)).rows as Record<string, unknown>[];
    },
    async close() {
      await (admin as pg.Client | null)?.end().catch(() => {});
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
