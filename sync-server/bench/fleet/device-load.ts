/**
 * One load generator of the fleet benchmark, in a process of its own (run
 * with `node --import tsx`, driven over IPC by fleet.bench.ts). Each device
 * it plays does what a till's replication does: every down collection polls
 * its `_changes` (feed=normal, since its last seq, limit 2000, the device's
 * headers), again at once when the page was full, else after the poll
 * interval; and the till pushes a sale to `saleFacts/_bulk_docs` every
 * sale interval. Each device has its own keep-alive connections.
 */
import { Agent, request } from 'node:http';
import { syncVersionHeaders } from '@pos/domain';
import { DOWN_COLLECTIONS, device, prices, products, sale, type ChainSize } from './chain';
import { record, type Histogram } from './histogram';

export type Kind = 'poll' | 'push';

export type ToGenerator =
  | {
      type: 'init';
      size: ChainSize;
      run: string;
      base: string;
      pollMs: number;
      saleEveryMs: number;
      phase: string;
      /** Sales built ahead per device (more are built when they run out). */
      salesAhead: number;
    }
  | { type: 'add'; devices: number[]; staggerMs: number }
  | { type: 'phase'; phase: string; saleEveryMs: number }
  | { type: 'stop' };

export type Tick = {
  /** Requests answered in the last second, by kind: ok, failed, and rows (changes read, sales accepted). */
  poll: { ok: number; failed: number; rows: number };
  push: { ok: number; failed: number; rows: number };
};

export type FromGenerator =
  | { type: 'ready' }
  | { type: 'added'; devices: number }
  | { type: 'tick'; tick: Tick }
  | {
      type: 'report';
      /** Latencies by `${phase} ${kind}`. */
      histograms: Record<string, Histogram>;
      /** Failures by `${kind} ${status or error}`. */
      failures: Record<string, number>;
      firstFailures: string[];
      /** Sales the server accepted (each push row ok). */
      accepted: number;
    };

const LIMIT = 2000;
const send = (message: FromGenerator) => {
  if (process.connected) process.send!(message);
};

let config: Extract<ToGenerator, { type: 'init' }>;
let catalog: ReturnType<typeof products>;
let list: ReturnType<typeof prices>;
let phase = '';
let saleEveryMs = 30_000;
let stopped = false;
let inFlight = 0;
let drained: (() => void) | null = null;
const histograms: Record<string, Histogram> = {};
const failures: Record<string, number> = {};
const firstFailures: string[] = [];
let accepted = 0;
const emptyTick = (): Tick => ({
  poll: { ok: 0, failed: 0, rows: 0 },
  push: { ok: 0, failed: 0, rows: 0 },
});
let tick = emptyTick();
const timers = new Set<NodeJS.Timeout>();
let ticker: NodeJS.Timeout | undefined;
/** Each device's: push at a random point within the (new) sale interval. */
const reschedulers: (() => void)[] = [];

function later(ms: number, work: () => void): NodeJS.Timeout {
  const timer = setTimeout(() => {
    timers.delete(timer);
    if (!stopped) work();
  }, ms);
  timers.add(timer);
  return timer;
}

function fail(kind: Kind, what: string, detail: string): void {
  tick[kind].failed++;
  const key = `${kind} ${what}`;
  failures[key] = (failures[key] ?? 0) + 1;
  if (firstFailures.length < 5) firstFailures.push(`${key}: ${detail.slice(0, 300)}`);
}

/** One request; resolves with the status and body text (status 0: no answer). */
function call(
  agent: Agent,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  const base = new URL(config.base);
  return new Promise((resolve) => {
    const req = request(
      { agent, host: base.hostname, port: base.port, method, path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        res.on('error', (error) => resolve({ status: 0, text: error.message }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, text: error.message }));
    req.end(body);
  });
}

/** One request of `kind`, timed; `handle` sees its answer before the request stops counting as in flight. */
async function timed(
  kind: Kind,
  work: () => Promise<{ status: number; text: string }>,
  handle: (answer: { status: number; text: string }) => void,
): Promise<void> {
  inFlight++;
  const label = `${phase} ${kind}`;
  const started = performance.now();
  try {
    const answer = await work();
    record((histograms[label] ??= {}), performance.now() - started);
    handle(answer);
  } finally {
    inFlight--;
    if (stopped && inFlight === 0) drained?.();
  }
}

function startDevice(d: number, staggerMs: number): void {
  const { deviceId, token } = device(config.size, d);
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const headers = {
    authorization: `Bearer ${token}`,
    ...syncVersionHeaders(),
    'x-pos-app-version': 'fleet-bench',
    'x-pos-facts-waiting': '0',
  };
  const bodies: string[] = [];
  let next = 0;
  const build = (upTo: number) => {
    for (let n = bodies.length; n < upTo; n++) {
      const { id, ...rest } = sale(config.size, catalog, list, d, n, config.run);
      bodies.push(JSON.stringify({ docs: [{ _id: id, ...rest }] }));
    }
  };
  build(config.salesAhead);

  const poll = (db: string, since: string) => {
    void timed(
      'poll',
      () =>
        call(
          agent,
          'GET',
          `/${db}/_changes?style=all_docs&feed=normal&since=${since}&include_docs=true&limit=${LIMIT}`,
          headers,
        ),
      ({ status, text }) => {
        let nextSince = since;
        let full = false;
        if (status === 200) {
          const page = JSON.parse(text) as { results: unknown[]; last_seq: number | string };
          tick.poll.ok++;
          tick.poll.rows += page.results.length;
          nextSince = String(page.last_seq);
          full = page.results.length >= LIMIT;
        } else {
          fail('poll', String(status || 'network'), `${deviceId} ${db}: ${text}`);
        }
        later(full ? 0 : config.pollMs, () => poll(db, nextSince));
      },
    );
  };

  let pushTimer: NodeJS.Timeout | undefined;
  let pushing = false;
  const schedulePush = (ms: number) => {
    if (pushTimer) {
      clearTimeout(pushTimer);
      timers.delete(pushTimer);
    }
    pushTimer = later(ms, push);
  };
  const push = () => {
    pushTimer = undefined;
    pushing = true;
    if (next >= bodies.length) build(bodies.length + 10);
    const body = bodies[next]!;
    void timed(
      'push',
      () =>
        call(
          agent,
          'POST',
          '/saleFacts/_bulk_docs',
          { ...headers, 'content-type': 'application/json' },
          body,
        ),
      ({ status, text }) => {
        const rows = status === 201 ? (JSON.parse(text) as { ok?: boolean }[]) : [];
        if (status === 201 && rows.every((row) => row.ok)) {
          tick.push.ok++;
          tick.push.rows += rows.length;
          accepted += rows.length;
          next++;
        } else {
          // The till keeps the sale and pushes it again next time.
          fail('push', String(status || 'network'), `${deviceId}: ${text}`);
        }
        pushing = false;
        // ±10 % around the interval, so the devices do not fall into step.
        schedulePush(saleEveryMs * (0.9 + Math.random() * 0.2));
      },
    );
  };
  reschedulers.push(() => {
    if (!pushing) schedulePush(Math.random() * saleEveryMs);
  });

  // A device comes up somewhere in the stagger window; its collections'
  // first polls spread over one poll interval, as replicas drift apart.
  const start = Math.random() * staggerMs;
  for (const db of DOWN_COLLECTIONS) {
    later(start + Math.random() * config.pollMs, () => poll(db, 'now'));
  }
  schedulePush(start + Math.random() * saleEveryMs);
}

process.on('message', (message: ToGenerator) => {
  switch (message.type) {
    case 'init':
      config = message;
      catalog = products(message.size);
      list = prices(catalog);
      phase = message.phase;
      saleEveryMs = message.saleEveryMs;
      ticker = setInterval(() => {
        send({ type: 'tick', tick });
        tick = emptyTick();
      }, 1000);
      send({ type: 'ready' });
      break;
    case 'add':
      for (const d of message.devices) startDevice(d, message.staggerMs);
      send({ type: 'added', devices: message.devices.length });
      break;
    case 'phase':
      phase = message.phase;
      if (message.saleEveryMs !== saleEveryMs) {
        saleEveryMs = message.saleEveryMs;
        for (const reschedule of reschedulers) reschedule();
      }
      break;
    case 'stop':
      stopped = true;
      clearInterval(ticker);
      for (const timer of timers) clearTimeout(timer);
      void new Promise<void>((resolve) => {
        drained = resolve;
        if (inFlight === 0) resolve();
      }).then(() => {
        send({ type: 'report', histograms, failures, firstFailures, accepted });
        process.disconnect();
      });
      break;
  }
});
