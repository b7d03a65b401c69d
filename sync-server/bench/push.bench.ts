/**
 * Push ingest: C concurrent clients (devices spread over stores) each push
 * sales as a till does, one after another for S seconds: the sale fact
 * (3 lines, built with the domain's checkout) to `saleFacts/_bulk_docs`. A
 * sale counts when the server accepted it; it records the fact, its stock
 * movements (`ledgerMovementsForSale`) and the stock levels they move in one
 * transaction, and the run ends by checking that every accepted unit left the
 * stock levels. Ours on PGlite, on PostgreSQL when `DATABASE_URL` is set, and
 * beside them the peer: express-pouchdb on PouchDB 9 with LevelDB receiving
 * the same requests as plain document writes.
 *
 * Every part runs in a process of its own: the server (or servers), the
 * peer, and the clients (`--client-processes`, their request bodies built
 * before the clock starts), so no server shares its event loop with the
 * load. This process only starts them, samples PostgreSQL, and prints.
 *
 *   npx tsx sync-server/bench/push.bench.ts [--seconds 60] [--clients 50] [--stores 10] [--skus 1000]
 *     [--per-request 1]   (sales per _bulk_docs request: more shows what batching writes would give)
 *     [--on-hand 1000000] (units of every SKU each store starts with, so tills sell what is on the
 *                          shelf; 0 seeds no stock and every line oversells: 3 exceptions a sale)
 *     [--client-processes 2]
 *   DATABASE_URL=postgres://... npx tsx sync-server/bench/push.bench.ts
 *     [--servers 1]       (server processes on the one PostgreSQL; `1,2` measures each in turn;
 *                          device i pushes to server i mod N)
 *     [--rollups on|off|both]   ([RM6] the dashboards' rollup worker and device health, on by
 *     default as the server ships; `both` runs each backend with and without them and prints
 *     the rollup lag, received → applied, and the throughput of each)
 *     [--profile DIR]     (a V8 CPU profile of each server process, written to DIR)
 *
 * Prints accepted sales/s, request latency, the CPU seconds of the server
 * processes, of the clients and of the PostgreSQL backends serving the
 * servers, whether the stored facts and stock levels match what was
 * accepted, and on PostgreSQL how many sessions waited on the storage's
 * write lock and what its holder was doing. No assertions: a benchmark.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Queryable } from '../src/storage/sql-storage';
import { load, openPostgresBench, type BenchStorage } from './bench-support';
import type { ClientConfig, ClientResult } from './push/client-process';
import { LINES, type Shape } from './push/fixture';
import { seedChain, type ServerConfig } from './push/server-process';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '50' },
    stores: { type: 'string', default: '10' },
    skus: { type: 'string', default: '1000' },
    'on-hand': { type: 'string', default: '1000000' },
    'per-request': { type: 'string', default: '1' },
    'client-processes': { type: 'string', default: '2' },
    servers: { type: 'string', default: '1' },
    'skip-pglite': { type: 'boolean', default: false },
    'skip-peer': { type: 'boolean', default: false },
    rollups: { type: 'string', default: 'on' },
    profile: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const STORES = Number(values.stores);
const SKUS = Number(values.skus);
const ON_HAND = Number(values['on-hand']);
const PER_REQUEST = Number(values['per-request']);
const CLIENT_PROCESSES = Number(values['client-processes']);
const SERVERS = values.servers.split(',').map(Number);
const ROLLUPS = values.rollups;
if (ROLLUPS !== 'on' && ROLLUPS !== 'off' && ROLLUPS !== 'both') {
  console.error('--rollups is on, off or both');
  process.exit(2);
}
if (
  ![SECONDS, CLIENTS, STORES, SKUS, PER_REQUEST, CLIENT_PROCESSES, ...SERVERS].every(
    (n) => Number.isInteger(n) && n > 0,
  ) ||
  SKUS < 3 ||
  !(Number.isInteger(ON_HAND) && ON_HAND >= 0)
) {
  console.error(
    'usage: push.bench.ts [--seconds 60] [--clients 50] [--stores 10] [--skus 1000 (≥ 3)] [--on-hand 1000000] [--per-request 1] ' +
      '[--client-processes 2] [--servers 1[,2]] [--rollups on|off|both] [--profile DIR] [--skip-pglite] [--skip-peer]',
  );
  process.exit(2);
}
const shape: Shape = { clients: CLIENTS, stores: STORES, skus: SKUS, onHand: ON_HAND };

const SALES = 'saleFacts';
/** The storage's write lock (sql-storage.ts), an advisory lock on this key. */
const WRITE_LOCK_KEY = 7_346_001;
/** PostgreSQL pool size of each server process (as `openPostgresStorage`'s default would be, doubled for the load). */
const POOL = 20;

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

type Child = {
  process: ChildProcess;
  /** The next message that satisfies `test`. */
  next<T>(test: (message: Record<string, unknown>) => boolean): Promise<T>;
};

function start(file: string, execArgv: string[] = []): Child {
  const child = fork(here(file), [], {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    process: child,
    next: <T>(test: (message: Record<string, unknown>) => boolean) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (message: Record<string, unknown>) => {
          if (!test(message)) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(message as T);
        };
        const onExit = (code: number | null) =>
          reject(new Error(`${file} exited (${code}) before answering`));
        child.on('message', onMessage);
        child.once('exit', onExit);
      }),
  };
}

async function stop(child: Child): Promise<void> {
  if (child.process.exitCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.send({ stop: true });
  await exited;
}

/** CPU seconds (user + system) a process has used, from /proc; 0 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The PostgreSQL backends connected to `database` on this machine, by their command line. */
function backendsOf(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.startsWith('postgres: ') && cmd.includes(` ${database} `)) pids.push(Number(entry));
    } catch {
      // Gone since the listing.
    }
  }
  return pids;
}

/** CPU used by a set of processes over a span, counting processes that appear during it. */
function cpuMeter(pids: () => number[]): () => number {
  const before = new Map(pids().map((pid) => [pid, cpuSeconds(pid)]));
  return () => pids().reduce((sum, pid) => sum + cpuSeconds(pid) - (before.get(pid) ?? 0), 0);
}

/** What the clients saw together (their CPU is printed in `cpu`), with the run's labels. */
type Run = Omit<ClientResult, 'cpuSeconds'> & {
  label: string;
  load: string;
  cpu: string;
  extra: string[];
};

/** Starts the client processes against `bases`, lets them push for SECONDS, and adds up what they saw. */
async function drive(
  label: string,
  bases: string[],
  auth: boolean,
  meters: [string, () => () => number][],
): Promise<Run> {
  const run = String(Date.now() % 1e6).padStart(6, '0');
  const clients = Array.from({ length: Math.min(CLIENT_PROCESSES, CLIENTS) }, (_, p) => {
    const child = start('./push/client-process.ts');
    const config: ClientConfig = {
      shape,
      devices: Array.from({ length: CLIENTS }, (_, d) => d).filter(
        (d) => d % CLIENT_PROCESSES === p,
      ),
      bases,
      auth,
      seconds: SECONDS,
      perRequest: PER_REQUEST,
      run,
    };
    const ready = child.next((m) => 'ready' in m);
    child.process.send({ start: config });
    return { child, ready };
  });
  await Promise.all(clients.map((c) => c.ready));
  const loadBefore = load();
  const started = meters.map(([name, meter]) => [name, meter()] as const);
  const results = clients.map(({ child }) => {
    const result = child.next<{ result: ClientResult }>((m) => 'result' in m);
    child.process.send({ go: true });
    return result;
  });
  const all = (await Promise.all(results)).map((m) => m.result);
  const used = started.map(([name, meter]) => `${name} ${meter().toFixed(1)} s`);
  const seconds = Math.max(...all.map((r) => r.seconds));
  const clientCpu = all.reduce((sum, r) => sum + r.cpuSeconds, 0);
  return {
    label,
    accepted: all.reduce((sum, r) => sum + r.accepted, 0),
    units: all.reduce((sum, r) => sum + r.units, 0),
    refused: all.reduce((sum, r) => sum + r.refused, 0),
    firstRefusal: all.find((r) => r.firstRefusal)?.firstRefusal ?? null,
    seconds,
    latencies: all.flatMap((r) => r.latencies),
    load: `${loadBefore} before, ${load()} after`,
    cpu: `CPU over the run: ${[...used, `clients ${clientCpu.toFixed(1)} s`].join(', ')} (of ${(2 * seconds).toFixed(0)} core-seconds on 2 cores)`,
    extra: [],
  };
}

/**
 * Samples PostgreSQL every 20 ms: how many sessions wait for the storage's
 * write lock (an advisory lock), and what the session holding it is doing
 * (running a statement, idle in its transaction while the server computes or
 * the round trip runs, or waiting on an IO such as the commit's WAL flush).
 */
function sampleWriteLock(sql: Queryable): () => Promise<string[]> {
  const waits: number[] = [];
  const holder = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const rows = await sql.query<{ granted: boolean; what: string }>(
        `SELECT l.granted,
                a.state || coalesce(' ' || a.wait_event_type || '/' || a.wait_event, '')
                  || CASE WHEN a.state = 'active' AND a.wait_event IS NULL
                          THEN ': ' || left(regexp_replace(a.query, '\\s+', ' ', 'g'), 48) ELSE '' END AS what
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.objid = $1 AND a.datname = current_database()`,
        [WRITE_LOCK_KEY],
      );
      waits.push(rows.filter((r) => !r.granted).length);
      const held = rows.find((r) => r.granted);
      const what = held ? held.what : '(lock free)';
      holder.set(what, (holder.get(what) ?? 0) + 1);
      // The sampling interval of a measurement, not a wait for an event.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    const mean = waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length);
    const lines = [
      `sessions waiting on the write lock: mean ${mean.toFixed(1)}, max ${Math.max(0, ...waits)} (${waits.length} samples)`,
      'the write lock holder was:',
    ];
    for (const [what, n] of [...holder].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
      lines.push(`  ${((100 * n) / waits.length).toFixed(0).padStart(3)}% ${what}`);
    }
    return lines;
  };
}

/** Queries the PGlite of a server process over IPC. */
function queriesThrough(child: Child): Queryable {
  let tags = 0;
  return {
    async query<R>(text: string, params?: readonly unknown[]) {
      const tag = ++tags;
      const answer = child.next<{ rows?: R[]; error?: string }>((m) => m.tag === tag);
      child.process.send({ query: text, params, tag });
      const { rows, error } = await answer;
      if (error !== undefined) throw new Error(error);
      return rows!;
    },
  };
}

async function ours(
  backend: 'pglite' | { url: string },
  servers: number,
  rollups: boolean,
): Promise<Run> {
  let bench: BenchStorage | null = null;
  const config = (): ServerConfig['backend'] => {
    if (backend === 'pglite') return { kind: 'pglite', shape };
    return { kind: 'postgres', url: backend.url, schema: bench!.schema! };
  };
  if (backend !== 'pglite') {
    bench = await openPostgresBench(backend.url, { max: 2 });
    await seedChain(bench, shape);
  }
  const children: Child[] = [];
  try {
    const bases: string[] = [];
    for (let s = 0; s < servers; s++) {
      // Node names each thread's profile by process and thread id.
      const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : [];
      const child = start('./push/server-process.ts', profile);
      children.push(child);
      const listening = child.next<{ listening: string }>((m) => 'listening' in m);
      child.process.send({
        start: { backend: config(), rollups, max: POOL } satisfies ServerConfig,
      });
      bases.push((await listening).listening);
    }
    const sql = bench ? bench.sql : queriesThrough(children[0]!);
    const meters: [string, () => () => number][] = [
      [
        servers === 1 ? 'server' : `${servers} servers`,
        () => cpuMeter(() => children.map((c) => c.process.pid!)),
      ],
    ];
    if (backend !== 'pglite') {
      const database = new URL(backend.url).pathname.slice(1) || 'postgres';
      meters.push(['PostgreSQL backends', () => cpuMeter(() => backendsOf(database))]);
    }
    const stopSampling = bench ? sampleWriteLock(bench.sql) : null;
    const label =
      `sync-server on ${bench ? bench.label : 'PGlite (in memory)'}` +
      `${servers > 1 ? `, ${servers} server processes` : ''}, rollups ${rollups ? 'on' : 'off'}`;
    const run = await drive(label, bases, true, meters);
    if (stopSampling) run.extra.push(...(await stopSampling()));
    if (rollups) {
      run.extra.push(
        await rollupLag(sql, run.accepted, async () => {
          const lags: number[] = [];
          for (const child of children) {
            const answer = child.next<{ lags: number[] }>((m) => 'lags' in m);
            child.process.send({ lags: true });
            lags.push(...(await answer).lags);
          }
          return lags;
        }),
      );
    }
    // The projections: every accepted sale's movements are in the stock levels.
    const [check] = await sql.query<{ facts: string; levels: string; on_hand: string }>(
      `SELECT count(*) FILTER (WHERE db = $1) AS facts,
              count(*) FILTER (WHERE db = 'stock') AS levels,
              coalesce(sum((body->>'onHand')::bigint) FILTER (WHERE db = 'stock'), 0) AS on_hand
         FROM docs`,
      [SALES],
    );
    const seeded = ON_HAND > 0 ? STORES * SKUS * ON_HAND : 0;
    const gone = seeded - Number(check?.on_hand);
    const consistent = Number(check?.facts) === run.accepted && gone === run.units;
    run.extra.push(
      `stored: ${check?.facts} sale facts, ${check?.levels} stock levels that lost ${gone} units ` +
        `(${run.units} sold): ${consistent ? 'consistent' : 'INCONSISTENT'}`,
    );
    return run;
  } finally {
    for (const child of children) await stop(child);
    await bench?.close();
  }
}

/** [RM6] Waits (polling, up to 2 min) until the rollups hold every accepted sale; prints the lag. */
async function rollupLag(
  sql: Queryable,
  accepted: number,
  lagsOf: () => Promise<number[]>,
): Promise<string> {
  const ended = performance.now();
  let rolled = 0;
  while (performance.now() - ended < 120_000) {
    const [row] = await sql.query<{ n: string | null }>(
      'SELECT sum(sales) AS n FROM rollup_sales_hour',
    );
    rolled = Number(row?.n ?? 0);
    if (rolled >= accepted) break;
    // The polling interval of a measurement, not a wait for an event.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const drained = performance.now() - ended;
  const sorted = (await lagsOf()).sort((a, b) => a - b);
  return (
    `rollup lag (received -> applied) over ${sorted.length} facts: p50 ${percentile(sorted, 50)} ms, ` +
    `p95 ${percentile(sorted, 95)} ms, max ${sorted.at(-1) ?? 0} ms; ${rolled} of ${accepted} sales ` +
    `in the rollups ${drained.toFixed(0)} ms after the pushes ended`
  );
}

async function peer(): Promise<Run | string> {
  const child = start('./push/peer-process.ts');
  try {
    const started = await child.next<{ listening?: string; unavailable?: string }>(
      (m) => 'listening' in m || 'unavailable' in m,
    );
    if (started.unavailable !== undefined) return started.unavailable;
    return await drive(
      'express-pouchdb 4, PouchDB 9 LevelDB (plain writes)',
      [started.listening!],
      false,
      [['peer', () => cpuMeter(() => [child.process.pid!])]],
    );
  } finally {
    await stop(child);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

function show(run: Run): string[] {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const rate = run.accepted / run.seconds;
  return [
    `  ${run.label}:`,
    `    ${run.accepted} sales accepted in ${run.seconds.toFixed(1)} s = ${Math.round(rate)} sales/s, ` +
      `${run.refused} refused (${run.load})`,
    `    per request: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`,
    `    ${run.cpu}`,
    ...(run.firstRefusal ? [`    first refusal: ${run.firstRefusal}`] : []),
    ...run.extra.map((line) => `    ${line}`),
  ];
}

console.log(
  `push ingest: ${CLIENTS} clients over ${STORES} stores in ${Math.min(CLIENT_PROCESSES, CLIENTS)} ` +
    `process(es), ${SECONDS} s, sale facts of ${LINES} lines (the server moves stock for each line), ` +
    `${PER_REQUEST} sale(s) per _bulk_docs request`,
);
const runs: Run[] = [];
const modes = ROLLUPS === 'both' ? [false, true] : [ROLLUPS === 'on'];
for (const rollups of modes) {
  if (!values['skip-pglite']) runs.push(await ours('pglite', 1, rollups));
}
const url = process.env.DATABASE_URL;
for (const rollups of modes) {
  for (const servers of SERVERS) if (url) runs.push(await ours({ url }, servers, rollups));
}
const theirs = values['skip-peer'] ? 'skipped' : await peer();
for (const run of runs) console.log(show(run).join('\n'));
if (typeof theirs === 'string') console.log(`  peer: not measured: ${theirs}`);
else {
  console.log(show(theirs).join('\n'));
  for (const run of runs) {
    const ratio = run.accepted / run.seconds / (theirs.accepted / theirs.seconds);
    console.log(`  ratio ${run.label} / peer (sales/s): ${ratio.toFixed(2)}x`);
  }
}
process.exit(0);
