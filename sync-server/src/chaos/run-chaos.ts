/**
 * The chaos run: terminals push sales through the fault proxy to server
 * processes on a PostgreSQL cluster of the run's own, while processes are
 * SIGKILLed and restarted, PostgreSQL's connections are terminated and
 * PostgreSQL itself is restarted. At the end every sale is stored once,
 * stock and points equal the model, and no server exited on its own.
 * Shared by the CI-sized integration test and `npm run chaos`. [RB5]-[RB7]
 */
import { provisionAdminToken, provisionDevice } from '../auth';
import { seedDemo } from '../demo-data';
import { readAll, readProjections } from '../fuzz/harness';
import { FuzzModel } from '../fuzz/model';
import { openPostgresStorage } from '../storage/postgres';
import { startFaultProxy, type FaultRates } from './fault-proxy';
import { startPostgresCluster } from './postgres-cluster';
import { serverProcesses } from './server-processes';
import { runTerminal, type TerminalDevice, type TerminalStats } from './terminal';

export type ChaosOptions = {
  terminals: number;
  salesPerTerminal: number;
  /** Server processes behind the proxy at any time. */
  servers?: number;
  /** A fault (kill, terminate, restart) after every this many acknowledged sales. */
  faultEvery?: number;
  /** Every this many faults, PostgreSQL itself is restarted. */
  postgresRestartEvery?: number;
  rates?: FaultRates;
  log?: (line: string) => void;
  /** The run stops when no sale is acknowledged for this long (default 90 s). */
  stallMs?: number;
};

export type ChaosReport = {
  sales: number;
  acknowledged: number;
  stored: number;
  /** Sales a terminal made that are not stored, or stored more than once. */
  lost: string[];
  duplicated: string[];
  /** Per-document errors a genuine sale got. */
  refused: string[];
  projectionDiffs: string[];
  unexpectedExits: string[];
  faults: Record<string, number>;
  kills: number;
  restarts: number;
  terminations: number;
  terminatedConnections: number;
  postgresRestarts: number;
  attempts: number;
  retries: Record<string, number>;
  /** Why the run stopped early, or null. */
  stalled: string | null;
  durationMs: number;
};

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const cluster = await startPostgresCluster();
  const devices: TerminalDevice[] = Array.from({ length: options.terminals }, (_, i) => {
    const storeId = i % 2 === 0 ? 'S001' : 'S002';
    return {
      deviceId: `${storeId}-T${String(i + 1).padStart(2, '0')}`,
      storeId,
      token: `chaos-terminal-${i + 1}`,
    };
  });
  const adminToken = await (async () => {
    const storage = await openPostgresStorage(cluster.url);
    try {
      await seedDemo(storage);
      for (const d of devices) await provisionDevice(storage, d.token, d);
      return (await provisionAdminToken(storage, 'chaos-hq')).token;
    } finally {
      await storage.close();
    }
  })();
  const proxy = await startFaultProxy({ ...(options.rates ? { rates: options.rates } : {}) });
  const servers = serverProcesses(
    cluster.url,
    (urls) => proxy.setUpstreams(urls),
    options.servers ?? 2,
  );
  const report: ChaosReport = {
    sales: 0,
    acknowledged: 0,
    stored: 0,
    lost: [],
    duplicated: [],
    refused: [],
    projectionDiffs: [],
    unexpectedExits: servers.unexpectedExits,
    faults: proxy.counts,
    kills: 0,
    restarts: 0,
    terminations: 0,
    terminatedConnections: 0,
    postgresRestarts: 0,
    attempts: 0,
    retries: {},
    stalled: null,
    durationMs: 0,
  };
  try {
    await Promise.all(Array.from({ length: options.servers ?? 2 }, () => servers.start()));
    const faultEvery = options.faultEvery ?? 20;
    const restartEvery = options.postgresRestartEvery ?? 5;
    let acked = 0;
    let faultsDone = 0;
    let chaosBusy = false;
    let done = false;
    const chaos: Promise<void>[] = [];
    // Tills make no new sale while a fault is being set up, so every sale
    // count sees its share of faults however long a restart takes.
    let gate: Promise<unknown> = Promise.resolve();
    // Faults are paced by progress (acknowledged sales), never by the clock.
    let lastAck = performance.now();
    let stalled = false;
    // A watchdog, so a run that stops making progress ends with a report instead of hanging.
    const watchdog = setInterval(() => {
      if (performance.now() - lastAck > (options.stallMs ?? 90_000)) stalled = true;
    }, 1000);
    const onAck = () => {
      acked += 1;
      lastAck = performance.now();
      if (done || chaosBusy || acked < (faultsDone + 1) * faultEvery) return;
      chaosBusy = true;
      const k = faultsDone++;
      const step = async () => {
        const kind =
          k % restartEvery === restartEvery - 1 ? 'pg-restart' : k % 2 === 0 ? 'kill' : 'terminate';
        log(`fault ${k + 1} after ${acked} sales: ${kind}`);
        if (kind === 'kill') await servers.killOne();
        else if (kind === 'terminate') {
          report.terminations += 1;
          report.terminatedConnections += await cluster.terminateBackends();
        } else {
          report.postgresRestarts += 1;
          await cluster.restart();
        }
        // Keep the pool at its size: a process that died on its own is replaced too.
        while (servers.urls().length < (options.servers ?? 2)) await servers.start();
      };
      const running = step()
        .catch((error: Error) => log(`fault ${k + 1} failed: ${error.message}`))
        .finally(() => (chaosBusy = false));
      gate = running;
      chaos.push(running);
    };
    const terminals: TerminalStats[] = await Promise.all(
      devices.map((d) =>
        runTerminal(() => proxy.url, d, options.salesPerTerminal, {
          batch: 5,
          onAck,
          beforeSale: () => gate,
          stopped: () => stalled,
        }),
      ),
    );
    clearInterval(watchdog);
    done = true;
    if (stalled) report.stalled = `no sale was acknowledged for ${options.stallMs ?? 90_000} ms`;
    await Promise.all(chaos);
    report.kills = servers.kills;
    report.restarts = servers.restarts;

    // The end state, read directly from a server process (not through the faults).
    const direct = servers.urls()[0] ?? (await servers.start());
    const made = terminals.flatMap((t) => t.sales);
    report.sales = made.length;
    report.acknowledged = terminals.reduce((s, t) => s + t.acknowledged, 0);
    report.attempts = terminals.reduce((s, t) => s + t.attempts, 0);
    for (const t of terminals) {
      report.refused.push(...t.refused);
      for (const [k, v] of Object.entries(t.retries))
        report.retries[k] = (report.retries[k] ?? 0) + v;
    }
    const stored = await readAll<{ _id: string; _rev: string }>(direct, adminToken, 'saleFacts');
    report.stored = stored.length;
    const times = new Map<string, number>();
    for (const s of stored) times.set(s._id, (times.get(s._id) ?? 0) + 1);
    for (const sale of made) {
      const n = times.get(sale.id) ?? 0;
      if (n === 0) report.lost.push(sale.id);
      if (n > 1) report.duplicated.push(sale.id);
    }
    // A sale is written once: its revision is the first.
    for (const s of stored)
      if (!s._rev.startsWith('1-')) report.duplicated.push(`${s._id} rewritten (${s._rev})`);
    const model = new FuzzModel(devices.map((d) => d.deviceId));
    for (const sale of made) {
      const device = devices.find((d) => d.deviceId === sale.deviceId)!;
      model.apply(
        'saleFacts',
        { kind: 'device', ...device },
        sale as unknown as Record<string, unknown>,
      );
    }
    report.projectionDiffs = model.compare(await readProjections(direct, adminToken));
  } finally {
    await servers.stopAll();
    await proxy.close();
    await cluster.stop();
    report.durationMs = performance.now() - started;
  }
  return report;
}

export function formatChaosReport(r: ChaosReport): string {
  return [
    `${r.sales} sales made, ${r.acknowledged} acknowledged, ${r.stored} stored; lost ${r.lost.length}, duplicated ${r.duplicated.length}, refused ${r.refused.length}`,
    `  requests: ${r.attempts} attempts by the terminals, retried: ${JSON.stringify(r.retries)}`,
    `  proxy: ${JSON.stringify(r.faults)}`,
    `  server kills ${r.kills}, restarts ${r.restarts}, connection terminations ${r.terminations} (${r.terminatedConnections} connections), PostgreSQL restarts ${r.postgresRestarts}`,
    `  unexpected server exits ${r.unexpectedExits.length}, projection differences ${r.projectionDiffs.length}`,
    ...(r.stalled ? [`  STALLED: ${r.stalled}`] : []),
    `  duration ${(r.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
