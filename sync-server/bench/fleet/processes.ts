/**
 * The fleet benchmark's processes: sync server processes (the CLI's
 * `serve`), HAProxy in front of them with a stats socket, and the CPU time
 * of any process read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/storage/pgbouncer-support';

export type Child = { pid: number; name: string; close(): Promise<void> };

const CLI = new URL('../../src/cli.ts', import.meta.url).pathname;
export const HAPROXY_BIN = process.env.HAPROXY ?? '/usr/sbin/haproxy';

/** Spawns a command and resolves once `ready` appears in its output; stops it with SIGTERM. */
async function startChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: string,
): Promise<Child & { process: ChildProcess }> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      // Keep the tail only: a server's log lines go on for the whole run.
      output = (output + chunk.toString()).slice(-4000);
      if (output.includes(ready)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`${name} exited before it was ready:\n${output}`)));
  });
  return {
    pid: child.pid!,
    name,
    process: child,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A sync server process (`serve`, rate limit as shipped, no request log) on a free port. */
export async function startServer(
  name: string,
  env: { DATABASE_URL: string; DATABASE_SESSION_URL?: string; DATABASE_POOL_MAX?: string },
  extraArgs: string[] = [],
  /** Write a V8 CPU profile of the process here when it stops. */
  profileDir?: string,
): Promise<Child & { port: number }> {
  const port = await freePort();
  const child = await startChild(
    name,
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      '--import',
      'tsx',
      CLI,
      'serve',
      '--port',
      String(port),
      '--quiet',
      ...extraArgs,
    ],
    { ...process.env, ...env },
    'sync-server listening on',
  );
  return { ...child, port };
}

export type Haproxy = Child & {
  url: string;
  /** `show stat`: one row per frontend, backend and server, by column name. */
  stats(): Promise<Record<string, string>[]>;
};

/** HAProxy in HTTP mode with keep-alive, least connections over `ports`. */
export async function startHaproxy(ports: number[]): Promise<Haproxy> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pos-haproxy-'));
  const socket = join(dir, 'stats.sock');
  const config = [
    'global',
    // Two file descriptors per connection (device side and server side), within the usual 20,000.
    '  maxconn 9000',
    '  nbthread 1',
    `  stats socket ${socket} mode 600 level admin`,
    'defaults',
    '  mode http',
    '  option http-keep-alive',
    '  timeout connect 5s',
    // Requests beyond a server's maxconn wait in HAProxy's queue, up to this long, then get 503.
    '  timeout queue 30s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  timeout http-keep-alive 60s',
    '  maxconn 9000',
    'frontend devices',
    `  bind 127.0.0.1:${port}`,
    '  default_backend sync',
    'backend sync',
    '  balance leastconn',
    '  http-reuse always',
    ...ports.map((p, i) => `  server s${i + 1} 127.0.0.1:${p} maxconn 1000`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'haproxy.cfg'), config);
  // -db: stay in the foreground; -V: say when it is ready.
  const child = spawn(HAPROXY_BIN, ['-db', '-f', join(dir, 'haproxy.cfg')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  const stats = () =>
    new Promise<Record<string, string>[]>((resolve, reject) => {
      const conn = connect(socket);
      let text = '';
      conn.on('data', (c) => (text += c.toString()));
      conn.on('error', reject);
      conn.on('end', () => {
        const [head, ...rows] = text.trim().split('\n');
        const columns = (head ?? '').replace(/^# /, '').split(',');
        resolve(
          rows.map((row) => Object.fromEntries(row.split(',').map((v, i) => [columns[i], v]))),
        );
      });
      conn.end('show stat\n');
    });
  // Ready when its stats socket answers.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`HAProxy exited:\n${output}`);
    try {
      await stats();
      break;
    } catch (error) {
      if (i > 100) throw error;
      // Waiting for the socket file to appear: no event to wait on.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    pid: child.pid!,
    name: 'haproxy',
    url: `http://127.0.0.1:${port}`,
    stats,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return null;
  }
}

/**
 * CPU used by groups of processes between samples: each group's pids may
 * change (PostgreSQL backends come and go); a pid's first sample counts from
 * then on, not from its start.
 */
export class CpuMeter {
  private last = new Map<number, number>();
  private totals = new Map<string, number>();

  sample(groups: Record<string, number[]>): void {
    const seen = new Map<number, number>();
    for (const [group, pids] of Object.entries(groups)) {
      for (const pid of pids) {
        const now = cpuSeconds(pid);
        if (now === null) continue;
        const before = this.last.get(pid);
        if (before !== undefined) {
          this.totals.set(group, (this.totals.get(group) ?? 0) + (now - before));
        }
        seen.set(pid, now);
      }
    }
    this.last = seen;
  }

  /** CPU seconds per group since the last `reset`. */
  take(): Map<string, number> {
    const totals = this.totals;
    this.totals = new Map();
    return totals;
  }
}
