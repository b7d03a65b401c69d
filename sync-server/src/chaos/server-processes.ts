/**
 * Sync server processes started through the command line (`cli.ts serve`)
 * on one PostgreSQL, killed with SIGKILL and started again by the chaos
 * test. Every exit the test did not cause is recorded: a server must never
 * exit on its own. [RB6]
 */
import { spawn, type ChildProcess } from 'node:child_process';

const CLI = new URL('../cli.ts', import.meta.url).pathname;

type Proc = { child: ChildProcess; url: string | null; killed: boolean; output: string[] };

export type ServerProcesses = {
  /** URLs of the processes that are up. */
  urls(): string[];
  /** Starts one more process and resolves when it listens. */
  start(): Promise<string>;
  /** SIGKILLs one process that is up (the oldest), and starts a new one in its place. */
  killOne(): Promise<void>;
  /** Exits the test did not cause, with the end of their output. */
  unexpectedExits: string[];
  kills: number;
  restarts: number;
  stopAll(): Promise<void>;
};

export function serverProcesses(
  databaseUrl: string,
  onChange: (urls: string[]) => void,
  /** How many processes to keep up: one that exits on its own is recorded and replaced. */
  size = 2,
): ServerProcesses {
  const procs = new Set<Proc>();
  const unexpectedExits: string[] = [];
  let stopping = false;
  const urls = () => [...procs].flatMap((p) => (p.url && !p.killed ? [p.url] : []));

  const start = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CLI, 'serve', '--port', '0', '--no-rate-limit', '--quiet'],
        { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const proc: Proc = { child, url: null, killed: false, output: [] };
      procs.add(proc);
      const keep = (chunk: Buffer) => {
        const text = chunk.toString();
        proc.output.push(text);
        if (proc.output.length > 50) proc.output.shift();
        const match = /listening on (http:\/\/\S+)/.exec(text);
        if (match?.[1] && !proc.url) {
          proc.url = match[1];
          onChange(urls());
          resolve(proc.url);
        }
      };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      child.on('exit', (code, signal) => {
        procs.delete(proc);
        onChange(urls());
        if (!proc.killed && !stopping) {
          unexpectedExits.push(
            `pid ${child.pid} exited (code ${code}, signal ${signal}): ${proc.output.join('').slice(-2000)}`,
          );
          if (proc.url && procs.size < size) void start().catch(() => {});
        }
        if (!proc.url) reject(new Error(`server exited before listening: ${proc.output.join('')}`));
      });
    });

  const result: ServerProcesses = {
    urls,
    start,
    unexpectedExits,
    kills: 0,
    restarts: 0,
    async killOne() {
      const victim = [...procs].find((p) => p.url && !p.killed);
      if (!victim) return;
      victim.killed = true;
      onChange(urls());
      const exited = new Promise((r) => victim.child.once('exit', r));
      victim.child.kill('SIGKILL');
      await exited;
      result.kills += 1;
      await start();
      result.restarts += 1;
    },
    async stopAll() {
      stopping = true;
      await Promise.all(
        [...procs].map((p) => {
          const exited = new Promise((r) => p.child.once('exit', r));
          p.killed = true;
          p.child.kill('SIGKILL');
          return exited;
        }),
      );
    },
  };
  return result;
}
