/**
 * Many devices: a chain of 500 stores × 5 tills (2,500 devices) against K
 * sync server processes on one PostgreSQL, the servers behind HAProxy and
 * their pooled connections through PgBouncer in transaction mode, LISTEN on
 * a direct session connection of each ([FL1]-[FL4]).
 *
 *   generators (child processes, a few hundred devices each, own keep-alive connections)
 *     -> HAProxy (http mode, leastconn) -> K × `sync-server serve`
 *       -> PgBouncer (transaction mode) -> PostgreSQL   (pooled queries and writes)
 *       -> PostgreSQL directly                          (each server's LISTEN)
 *
 * Each device polls every down collection's `_changes` every 5 s and pushes a
 * sale every 30 s (steady), then every 3 s (peak). Sampled every second:
 * PostgreSQL backends of the database, PgBouncer's pools, the CPU of every
 * process (servers, PgBouncer, the database's backends, HAProxy, the load
 * generators) and, per request kind, latency and failures. `--ramp` runs one
 * server process and adds devices in steps until p99 passes 1 s, requests
 * fail or throughput stops following the devices: where one process saturates.
 *
 *   createdb bench_fleet   (its own database: the run makes a schema in it and drops it)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:55432/bench_fleet npx tsx sync-server/bench/fleet.bench.ts
 *     [--stores 500] [--per-store 5] [--servers 2] [--warmup 30] [--steady 120] [--peak 90]
 *     [--generators 4] [--pool-max 10] [--bouncer-pool 20] [--skus 3000]
 *     [--ramp [--ramp-step 250] [--ramp-seconds 30] [--ramp-max 5000]]
 *     [--quiet-feeds on|off]   ([FL5] empty polls answered from memory, on as the server ships)
 *     [--profile-dir DIR]      (a V8 CPU profile of each server process, written when it stops)
 *
 * Everything shares this machine's cores: CPU per 1,000 devices is the
 * telling figure. No assertions: a benchmark.
 */
import { randomUUID } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { provisionDevice } from '../src/auth';
import { openPostgresStorage } from '../src/storage/postgres';
import {
  pgbouncerMissing,
  startPgBouncer,
  type RunningPgBouncer,
} from '../src/storage/pgbouncer-support';
import { load, seedDocs, type BenchStorage } from './bench-support';
import * as chain from './fleet/chain';
import type { FromGenerator, Tick, ToGenerator } from './fleet/device-load';
import { count, merge, percentile, type Histogram } from './fleet/histogram';
import { CpuMeter, startHaproxy, startServer, type Child, type Haproxy } from './fleet/processes';

const { values } = parseArgs({
  options: {
    stores: { type: 'string', default: '500' },
    'per-store': { type: 'string', default: '5' },
    skus: { type: 'string', default: '3000' },
    stocked: { type: 'string', default: '60' },
    servers: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '30' },
    steady: { type: 'string', default: '120' },
    peak: { type: 'string', default: '90' },
    'poll-ms': { type: 'string', default: '5000' },
    'sale-every': { type: 'string', default: '30' },
    'peak-sale-every': { type: 'string', default: '3' },
    generators: { type: 'string', default: '4' },
    'pool-max': { type: 'string', default: '10' },
    'bouncer-pool': { type: 'string', default: '20' },
    ramp: { type: 'boolean', default: false },
    'quiet-feeds': { type: 'string', default: 'on' },
    'profile-dir': { type: 'string' },
    'ramp-step': { type: 'string', default: '250' },
    'ramp-seconds': { type: 'string', default: '30' },
    'ramp-max': { type: 'string', default: '5000' },
  },
});
const num = (name: keyof typeof values) => Number(values[name]);
const RAMP = values.ramp;
const SERVERS = RAMP ? 1 : num('servers');
const size: chain.ChainSize = {
  stores: num('stores'),
  perStore: num('per-store'),
  skus: num('skus'),
  stocked: num('stocked'),
};
const POLL_MS = num('poll-ms');
const SALE_MS = num('sale-every') * 1000;
const PEAK_SALE_MS = num('peak-sale-every') * 1000;
const GENERATORS = num('generators');
const RAMP_STEP = num('ramp-step');
const RAMP_SECONDS = num('ramp-seconds');
const RAMP_MAX = num('ramp-max');
const FLEET = size.stores * size.perStore;
const DEVICES = RAMP ? Math.min(RAMP_MAX, FLEET) : FLEET;
const url = process.env.DATABASE_URL;
const numbers = [
  ...Object.values(size),
  SERVERS,
  POLL_MS,
  SALE_MS,
  PEAK_SALE_MS,
  GENERATORS,
  RAMP_STEP,
  RAMP_SECONDS,
  RAMP_MAX,
  num('warmup'),
  num('steady'),
  num('peak'),
];
if (!url || !numbers.every((n) => Number.isInteger(n) && n > 0) || size.stocked < 3) {
  console.error(
    'usage: DATABASE_URL=postgres://.../bench_fleet fleet.bench.ts [--stores 500] [--per-store 5] ' +
      '[--servers 2] [--warmup 30] [--steady 120] [--peak 90] [--generators 4] [--ramp]',
  );
  process.exit(2);
}
const missing = pgbouncerMissing();
if (missing) {
  console.error(`fleet: ${missing}`);
  process.exit(2);
}

const run = String(Date.now() % 1e6).padStart(6, '0');
const schema = `fleet_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const sampler = new pg.Client({ connectionString: url, application_name: 'fleet-sampler' });
const cleanups: (() => Promise<void>)[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function seed(): Promise<void> {
  const started = performance.now();
  const storage = await openPostgresStorage(url!, {
    schema,
    max: 10,
    applicationName: 'fleet-seed',
  });
  await sampler.query(`SET search_path = ${schema}`);
  const sql = {
    query: <R>(text: string, params?: readonly unknown[]) =>
      sampler.query(text, params ? [...params] : undefined).then((r) => r.rows as R[]),
  };
  const bench: BenchStorage = { storage, label: 'seed', sql, close: () => storage.close() };
  try {
    const catalog = chain.products(size);
    await seedDocs(
      bench,
      'stores',
      chain.stores(size).map((s) => ({ id: s.id, body: s, storeId: null })),
    );
    await seedDocs(
      bench,
      'products',
      catalog.map((p) => ({ id: p.id, body: p, storeId: null })),
    );
    await seedDocs(
      bench,
      'prices',
      chain.prices(catalog).map((p) => ({ id: p.id, body: p, storeId: null })),
    );
    await seedDocs(
      bench,
      'stock',
      chain.stockLevels(size, catalog).map((s) => ({ id: s.id, body: s, storeId: s.storeId })),
    );
    const ids = Array.from({ length: DEVICES }, (_, d) => d);
    // A few at a time: one transaction each, the storage's own path.
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(
        ids.slice(i, i + 25).map((d) => {
          const device = chain.device(size, d);
          return provisionDevice(storage, device.token, device);
        }),
      );
    }
  } finally {
    await storage.close();
  }
  console.log(
    `seeded ${size.stores} stores, ${size.skus} SKUs with prices, ${size.stores * size.stocked} stock levels, ` +
      `${DEVICES} device tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

type Generator = {
  child: ChildProcess;
  report: Promise<Extract<FromGenerator, { type: 'report' }>>;
};

/** Per-second figures, tagged with the phase they were taken in. */
type Sample = {
  phase: string;
  devices: number;
  tick: Tick;
  cpu: Map<string, number>;
  pgPooled: number;
  pgListen: number;
  pgActive: number;
  clActive: number;
  clWaiting: number;
  svActive: number;
  svIdle: number;
  maxWaitMs: number;
  haproxyToServers: number;
};

const samples: Sample[] = [];
let phase = 'warm-up';
let devicesNow = 0;
const tick: Tick = {
  poll: { ok: 0, failed: 0, rows: 0 },
  push: { ok: 0, failed: 0, rows: 0 },
};

function onTick(t: Tick): void {
  for (const kind of ['poll', 'push'] as const) {
    tick[kind].ok += t[kind].ok;
    tick[kind].failed += t[kind].failed;
    tick[kind].rows += t[kind].rows;
  }
}

async function startGenerators(base: string): Promise<Generator[]> {
  const script = new URL('./fleet/device-load.ts', import.meta.url).pathname;
  const generators: Generator[] = [];
  const longest = RAMP
    ? RAMP_SECONDS * Math.ceil(DEVICES / RAMP_STEP)
    : num('warmup') + num('steady') + num('peak');
  for (let g = 0; g < GENERATORS; g++) {
    const child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const report = new Promise<Extract<FromGenerator, { type: 'report' }>>((resolve) => {
      child.on('message', (message: FromGenerator) => {
        if (message.type === 'ready') ready();
        else if (message.type === 'tick') onTick(message.tick);
        else if (message.type === 'report') resolve(message);
      });
    });
    const init: ToGenerator = {
      type: 'init',
      size,
      run: `${run}${g}`.slice(-6),
      base,
      pollMs: POLL_MS,
      saleEveryMs: SALE_MS,
      phase,
      salesAhead: Math.ceil((longest * 1000) / (RAMP ? SALE_MS : PEAK_SALE_MS)) + 2,
    };
    child.send(init);
    await isReady;
    generators.push({ child, report });
  }
  return generators;
}

/** Devices [from, to) dealt round-robin to the generators, coming up over `staggerMs`. */
async function addDevices(generators: Generator[], from: number, to: number, staggerMs: number) {
  const added = generators.map((g, i) => {
    const devices: number[] = [];
    for (let d = from + i; d < to; d += generators.length) devices.push(d);
    return new Promise<void>((resolve) => {
      const onMessage = (message: FromGenerator) => {
        if (message.type !== 'added') return;
        g.child.off('message', onMessage);
        resolve();
      };
      g.child.on('message', onMessage);
      g.child.send({ type: 'add', devices, staggerMs } satisfies ToGenerator);
    });
  });
  await Promise.all(added);
  devicesNow = to;
}

function setPhase(generators: Generator[], name: string, saleEveryMs: number): void {
  phase = name;
  for (const g of generators) g.child.send({ type: 'phase', phase: name, saleEveryMs });
}

/** One sample a second until stopped. */
function startSampling(
  bouncer: RunningPgBouncer,
  servers: Child[],
  haproxy: Haproxy,
  generators: Generator[],
) {
  const cpu = new CpuMeter();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      const [activity] = (
        await sampler.query<{ pids: number[] | null; listen: number; all: number; active: number }>(
          `SELECT array_agg(pid) AS pids,
                  count(*) FILTER (WHERE application_name LIKE 'pos-sync-listen%')::int AS listen,
                  count(*)::int AS all,
                  count(*) FILTER (WHERE state = 'active')::int AS active
             FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend'
              AND pid <> pg_backend_pid()`,
        )
      ).rows;
      const pools = (await bouncer.show('POOLS')).find((row) => row.database === 'pos') ?? {};
      const proxy = await haproxy.stats();
      cpu.sample({
        servers: servers.map((s) => s.pid),
        pgbouncer: [bouncer.pid],
        postgres: activity?.pids ?? [],
        haproxy: [haproxy.pid],
        generators: generators.map((g) => g.child.pid!),
      });
      const n = (v: unknown) => Number(v ?? 0);
      samples.push({
        phase,
        devices: devicesNow,
        tick: structuredClone(tick),
        cpu: cpu.take(),
        pgPooled: n(activity?.all) - n(activity?.listen),
        pgListen: n(activity?.listen),
        pgActive: n(activity?.active),
        clActive: n(pools.cl_active),
        clWaiting: n(pools.cl_waiting),
        svActive: n(pools.sv_active),
        svIdle: n(pools.sv_idle) + n(pools.sv_used),
        maxWaitMs: n(pools.maxwait) * 1000 + n(pools.maxwait_us) / 1000,
        haproxyToServers: proxy
          .filter((row) => row.pxname === 'sync' && row.svname !== 'BACKEND')
          .reduce((sum, row) => sum + n(row.scur), 0),
      });
      for (const kind of ['poll', 'push'] as const) {
        tick[kind] = { ok: 0, failed: 0, rows: 0 };
      }
      // The sampling interval of a measurement, not a wait for an event.
      await sleep(Math.max(0, 1000 - (performance.now() - started)));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
const GROUPS = ['servers', 'pgbouncer', 'postgres', 'haproxy', 'generators'] as const;

type PhaseFigures = {
  phase: string;
  seconds: number;
  devices: number;
  pollsPerSecond: number;
  salesPerSecond: number;
  failures: number;
  poll: Histogram;
  push: Histogram;
  cores: Record<(typeof GROUPS)[number], number>;
  pgPooled: [number, number];
  pgListen: number;
  svActive: [number, number];
  clWaitingMax: number;
  maxWaitMs: number;
  /** HAProxy's sessions to the servers (its stats socket): mean, max. */
  proxied: [number, number];
  load: string;
};

function figuresOf(name: string, histograms: Record<string, Histogram>): PhaseFigures {
  const rows = samples.filter((s) => s.phase === name);
  const seconds = rows.length;
  const cores = Object.fromEntries(
    GROUPS.map((g) => [g, rows.reduce((sum, s) => sum + (s.cpu.get(g) ?? 0), 0) / (seconds || 1)]),
  ) as PhaseFigures['cores'];
  return {
    phase: name,
    seconds,
    devices: max(rows.map((s) => s.devices)),
    pollsPerSecond: mean(rows.map((s) => s.tick.poll.ok)),
    salesPerSecond: mean(rows.map((s) => s.tick.push.rows)),
    failures: rows.reduce((sum, s) => sum + s.tick.poll.failed + s.tick.push.failed, 0),
    poll: histograms[`${name} poll`] ?? {},
    push: histograms[`${name} push`] ?? {},
    cores,
    pgPooled: [mean(rows.map((s) => s.pgPooled)), max(rows.map((s) => s.pgPooled))],
    pgListen: max(rows.map((s) => s.pgListen)),
    svActive: [mean(rows.map((s) => s.svActive)), max(rows.map((s) => s.svActive))],
    clWaitingMax: max(rows.map((s) => s.clWaiting)),
    maxWaitMs: max(rows.map((s) => s.maxWaitMs)),
    proxied: [mean(rows.map((s) => s.haproxyToServers)), max(rows.map((s) => s.haproxyToServers))],
    load: phaseLoads.get(name) ?? load(),
  };
}

const phaseLoads = new Map<string, string>();
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

function printPhase(f: PhaseFigures): void {
  const perK = (cores: number) => ((100 * cores) / (f.devices / 1000)).toFixed(1);
  const total = GROUPS.reduce((sum, g) => sum + f.cores[g], 0);
  console.log(
    `\n${f.phase}: ${f.devices} devices, ${f.seconds} s (${f.load})\n` +
      `  polls: ${f.pollsPerSecond.toFixed(0)}/s, p50 ${ms(percentile(f.poll, 50))} ms, ` +
      `p99 ${ms(percentile(f.poll, 99))} ms, max ${ms(percentile(f.poll, 100))} ms (${count(f.poll)})\n` +
      `  pushes: ${f.salesPerSecond.toFixed(1)} sales/s, p50 ${ms(percentile(f.push, 50))} ms, ` +
      `p99 ${ms(percentile(f.push, 99))} ms, max ${ms(percentile(f.push, 100))} ms (${count(f.push)})\n` +
      `  failed requests: ${f.failures}\n` +
      `  PostgreSQL backends: through PgBouncer mean ${f.pgPooled[0].toFixed(1)} max ${f.pgPooled[1]}, ` +
      `LISTEN (direct) ${f.pgListen}; PgBouncer server connections active mean ${f.svActive[0].toFixed(1)} ` +
      `max ${f.svActive[1]}, clients waiting max ${f.clWaitingMax}, longest wait ${f.maxWaitMs.toFixed(0)} ms\n` +
      `  HAProxy sessions to the servers: mean ${f.proxied[0].toFixed(0)}, max ${f.proxied[1]}\n` +
      `  CPU (cores; % of a core per 1,000 devices): ` +
      GROUPS.map((g) => `${g} ${f.cores[g].toFixed(2)} (${perK(f.cores[g])}%)`).join(', ') +
      `; all ${total.toFixed(2)} (${perK(total)}%)`,
  );
}

async function main(): Promise<void> {
  await sampler.connect();
  cleanups.push(async () => {
    await sampler.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sampler.end();
  });
  await seed();
  const bouncer = await startPgBouncer({
    targetUrl: url!,
    databases: { pos: { connectQuery: `SET search_path = ${schema}` } },
    poolSize: num('bouncer-pool'),
    maxClientConn: 2000,
  });
  cleanups.unshift(() => bouncer.close());
  const servers: (Child & { port: number })[] = [];
  for (let i = 0; i < SERVERS; i++) {
    const server = await startServer(
      `server ${i + 1}`,
      {
        DATABASE_URL: bouncer.url('pos'),
        DATABASE_SESSION_URL: url!,
        DATABASE_POOL_MAX: values['pool-max']!,
      },
      values['quiet-feeds'] === 'off' ? ['--no-quiet-feeds'] : [],
      values['profile-dir'],
    );
    servers.push(server);
    cleanups.unshift(() => server.close());
  }
  const haproxy = await startHaproxy(servers.map((s) => s.port));
  cleanups.unshift(() => haproxy.close());
  const generators = await startGenerators(haproxy.url);
  const stopSampling = startSampling(bouncer, servers, haproxy, generators);
  console.log(
    `fleet: ${DEVICES} devices (${size.stores} stores × ${size.perStore}), ${SERVERS} server process(es) ` +
      `behind HAProxy, PgBouncer transaction pool ${values['bouncer-pool']}, ${values['pool-max']} pooled ` +
      `connections per server, ${GENERATORS} load generator processes; each device polls ` +
      `${chain.DOWN_COLLECTIONS.length} collections every ${POLL_MS / 1000} s; empty polls from memory ` +
      `([FL5]) ${values['quiet-feeds'] === 'off' ? 'off' : 'on'}`,
  );
  const phases: string[] = [];
  if (!RAMP) {
    await addDevices(generators, 0, DEVICES, num('warmup') * 1000 * 0.8);
    const timed = async (name: string, seconds: number, saleMs: number) => {
      setPhase(generators, name, saleMs);
      phases.push(name);
      console.log(`${new Date().toISOString()} ${name}: ${seconds} s`);
      await sleep(seconds * 1000);
      phaseLoads.set(name, load());
    };
    await timed('warm-up', num('warmup'), SALE_MS);
    await timed(`steady (a sale every ${SALE_MS / 1000} s)`, num('steady'), SALE_MS);
    await timed(`peak (a sale every ${PEAK_SALE_MS / 1000} s)`, num('peak'), PEAK_SALE_MS);
  } else {
    for (let n = RAMP_STEP; n <= DEVICES; n += RAMP_STEP) {
      const name = `ramp ${n}`;
      // The new devices come up over the first half of the step; the second half is measured.
      await addDevices(generators, n - RAMP_STEP, n, (RAMP_SECONDS * 1000) / 2);
      setPhase(generators, `${name} (coming up)`, SALE_MS);
      await sleep((RAMP_SECONDS * 1000) / 2);
      setPhase(generators, name, SALE_MS);
      phases.push(name);
      await sleep((RAMP_SECONDS * 1000) / 2);
      phaseLoads.set(name, load());
      const rows = samples.filter((s) => s.phase === name);
      const polls = mean(rows.map((s) => s.tick.poll.ok));
      const failed = rows.reduce((sum, s) => sum + s.tick.poll.failed + s.tick.push.failed, 0);
      const expected = (n * chain.DOWN_COLLECTIONS.length * 1000) / POLL_MS;
      console.log(
        `${new Date().toISOString()} ${name}: ${polls.toFixed(0)} polls/s of ${expected.toFixed(0)} expected, ` +
          `${failed} failed (${load()})`,
      );
      if (failed > 0 || polls < 0.9 * expected) break;
    }
  }
  // Stop: each generator lets its requests in flight finish, then reports
  // (sampled apart: the drain is no phase's figure).
  phase = 'stopping';
  for (const g of generators) g.child.send({ type: 'stop' } satisfies ToGenerator);
  const reports = await Promise.all(generators.map((g) => g.report));
  await stopSampling();
  const histograms: Record<string, Histogram> = {};
  const failures: Record<string, number> = {};
  let accepted = 0;
  for (const report of reports) {
    for (const [key, h] of Object.entries(report.histograms)) merge((histograms[key] ??= {}), h);
    for (const [key, n] of Object.entries(report.failures))
      failures[key] = (failures[key] ?? 0) + n;
    accepted += report.accepted;
  }
  const figures = phases.map((name) => figuresOf(name, histograms));
  for (const f of figures) printPhase(f);
  if (RAMP) {
    const over = figures.find(
      (f) =>
        percentile(f.poll, 99) > 1000 ||
        percentile(f.push, 99) > 1000 ||
        f.failures > 0 ||
        f.pollsPerSecond < (0.9 * f.devices * chain.DOWN_COLLECTIONS.length * 1000) / POLL_MS,
    );
    const good = figures.filter((f) => f !== over && (!over || f.devices < over.devices)).at(-1);
    console.log(
      over
        ? `\none server process saturates between ${good?.devices ?? 0} and ${over.devices} devices`
        : `\none server process kept up with ${figures.at(-1)?.devices ?? 0} devices (the ramp's end)`,
    );
  }
  if (Object.keys(failures).length) {
    console.log(`\nfailures: ${JSON.stringify(failures)}`);
    for (const report of reports) for (const line of report.firstFailures) console.log(`  ${line}`);
  }
  // [FL5] How many polls each server answered from memory.
  for (const server of values['quiet-feeds'] === 'off' ? [] : servers) {
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    const gauge = (name: string) =>
      Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const quiet = gauge('pos_sync_quiet_polls');
    const read = gauge('pos_sync_read_polls');
    console.log(
      `${server.name}: ${quiet} polls answered from memory, ${read} read the database ` +
        `(${((100 * quiet) / Math.max(1, quiet + read)).toFixed(0)}% from memory)`,
    );
  }
  const [stored] = (
    await sampler.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${schema}.docs WHERE db = 'saleFacts'`,
    )
  ).rows;
  console.log(
    `\nsales accepted ${accepted}, stored ${stored?.n}: ${accepted === stored?.n ? 'consistent' : 'INCONSISTENT'}`,
  );
  for (const g of generators) g.child.kill();
}

try {
  await main();
} finally {
  for (const cleanup of cleanups) await cleanup().catch((e: unknown) => console.error(e));
}
process.exit(0);
