/**
 * [EG10] The store's shelf-label service: a device of the store with its own
 * token. Each round it posts the acknowledgements waiting in its outbox,
 * asks the sync server for the labels to draw (`GET /_esl/work`), binds and
 * pushes the new ones through the gateway driver, reads the labels' states
 * back, retries failures, and records each outcome in its durable JSON-lines
 * outbox before posting it (`POST /_esl/acks`). Through a WAN outage it
 * keeps pushing what it has and the acknowledgements wait.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION, type LabelAck, type LabelWork } from '@pos/domain';
import { errorMessage } from '../errors';
import { JsonLinesLog } from '../durable/json-lines-log';
import { pinnedFetch } from '../zones/fact-push';
import type { EslDriver, LabelPushItem } from './driver';

export type ShelfLabelServiceOptions = {
  /** The sync server, e.g. `https://10.0.0.2:5984`. */
  serverUrl: string;
  /** The service's device token. */
  token: string;
  /** The sync server's certificate fingerprint (SHA-256), when it is self-signed. */
  certFingerprint?: string;
  driver: EslDriver;
  /** Where the outbox file lives. */
  dataDir: string;
  /** Between rounds (default 2 s). */
  intervalMs?: number;
  /** Pushes of one label before its failure is reported (default 3). */
  attempts?: number;
  /** A label pending longer than this is reported failed (default 10 min). */
  pendingTimeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: object) => void;
};

export type ShelfLabelServiceStatus = {
  inFlight: number;
  acksWaiting: number;
  serverReachable: boolean;
  lastError: string | null;
  rounds: number;
};

export type ShelfLabelService = {
  /** One round: post acks, fetch work, push, read states. */
  runOnce(): Promise<void>;
  /** Rounds every `intervalMs` until `close`. */
  start(): void;
  status(): ShelfLabelServiceStatus;
  close(): Promise<void>;
};

type InFlight = LabelPushItem & { pushId: string; attempts: number; since: number };

type OutboxLine = { ack: LabelAck } | { posted: string[] } | { bound: [string, string][] };

const ackKey = (a: LabelAck) => `${a.labelId}|${a.pushId}|${a.status}|${a.at}`;

/** Compact when the file has this many more lines than live entries. */
const COMPACT_AFTER_LINES = 5_000;

/** A line of the file, or null for one that is torn or not ours. */
function parseOutboxLine(value: unknown): OutboxLine | null {
  if (typeof value !== 'object' || value === null) return null;
  const line = value as Record<string, unknown>;
  const ack = line.ack as Partial<LabelAck> | undefined;
  if (
    typeof ack?.labelId === 'string' &&
    typeof ack.pushId === 'string' &&
    typeof ack.status === 'string' &&
    typeof ack.at === 'string'
  ) {
    return { ack: ack as LabelAck };
  }
  if (Array.isArray(line.posted) && line.posted.every((k) => typeof k === 'string')) {
    return { posted: line.posted as string[] };
  }
  if (
    Array.isArray(line.bound) &&
    line.bound.every(
      (pair) =>
        Array.isArray(pair) &&
        pair.length === 2 &&
        typeof pair[0] === 'string' &&
        typeof pair[1] === 'string',
    )
  ) {
    return { bound: line.bound as [string, string][] };
  }
  return null;
}

/** [EG10] The acks not yet posted and the labels bound at the gateway, in a JSON-lines file synced to disk. */
export class LabelOutbox {
  readonly #waiting = new Map<string, LabelAck>();
  readonly bound = new Map<string, string>();
  readonly #log: JsonLinesLog<OutboxLine>;

  constructor(readonly path: string) {
    this.#log = new JsonLinesLog<OutboxLine>(path, 'the shelf-label outbox');
    for (const line of this.#log.read(parseOutboxLine)) this.#apply(line);
    this.#compact();
  }

  #apply(line: OutboxLine): void {
    if ('ack' in line) this.#waiting.set(ackKey(line.ack), line.ack);
    else if ('posted' in line) for (const k of line.posted) this.#waiting.delete(k);
    else for (const [id, sku] of line.bound) this.bound.set(id, sku);
  }

  #append(lines: OutboxLine[]): void {
    if (!lines.length) return;
    this.#log.append(lines);
    for (const l of lines) this.#apply(l);
    if (this.#log.lineCount > COMPACT_AFTER_LINES + this.#waiting.size + 1) this.#compact();
  }

  /** Rewrites the file with only what is live, atomically. */
  #compact(): void {
    this.#log.rewrite([
      { bound: [...this.bound] },
      ...[...this.#waiting.values()].map((ack) => ({ ack })),
    ]);
  }

  record(acks: readonly LabelAck[]): void {
    this.#append(acks.map((ack) => ({ ack })));
  }
  posted(acks: readonly LabelAck[]): void {
    if (acks.length) this.#append([{ posted: acks.map(ackKey) }]);
  }
  recordBound(pairs: [string, string][]): void {
    if (pairs.length) this.#append([{ bound: pairs }]);
  }
  waiting(): LabelAck[] {
    return [...this.#waiting.values()];
  }
  close(): void {
    this.#log.close();
  }
}

const ACK_BATCH = 2000;
const BIND_CONCURRENCY = 8;

export function createShelfLabelService(options: ShelfLabelServiceOptions): ShelfLabelService {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const attempts = options.attempts ?? 3;
  const pendingTimeoutMs = options.pendingTimeoutMs ?? 10 * 60_000;
  const doFetch =
    options.fetch ??
    (options.certFingerprint !== undefined
      ? pinnedFetch(options.certFingerprint)
      : globalThis.fetch.bind(globalThis));
  const base = options.serverUrl.replace(/\/+$/, '');
  mkdirSync(options.dataDir, { recursive: true });
  const outbox = new LabelOutbox(join(options.dataDir, 'esl-outbox.jsonl'));
  const inFlight = new Map<string, InFlight>();
  const state = { serverReachable: true, lastError: null as string | null, rounds: 0 };
  const headers = {
    Authorization: `Bearer ${options.token}`,
    [PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION),
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const fail = (error: unknown, what: string) => {
    state.lastError = `${what}: ${errorMessage(error)}`;
    log('warn', 'shelf labels', { error: state.lastError });
  };

  async function postAcks(): Promise<void> {
    const waiting = outbox.waiting();
    for (let i = 0; i < waiting.length; i += ACK_BATCH) {
      const batch = waiting.slice(i, i + ACK_BATCH);
      let response: Response;
      try {
        response = await doFetch(`${base}/_esl/acks`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ acks: batch }),
        });
      } catch (error) {
        state.serverReachable = false;
        return fail(error, 'posting acks');
      }
      state.serverReachable = true;
      const text = await response.text();
      if (response.status === 400) {
        // Refused as invalid: never accepted by any retry, so not kept.
        log('error', 'acks refused', { reason: text.slice(0, 300) });
        outbox.posted(batch);
        continue;
      }
      if (!response.ok)
        return fail(new Error(`${response.status} ${text.slice(0, 200)}`), 'posting acks');
      outbox.posted(batch);
    }
  }

  async function fetchWork(): Promise<LabelWork | null> {
    try {
      const response = await doFetch(`${base}/_esl/work`, { method: 'GET', headers });
      state.serverReachable = true;
      if (!response.ok) {
        fail(
          new Error(`${response.status} ${(await response.text()).slice(0, 200)}`),
          'fetching work',
        );
        return null;
      }
      return (await response.json()) as LabelWork;
    } catch (error) {
      state.serverReachable = false;
      fail(error, 'fetching work');
      return null;
    }
  }

  const ack = (
    item: InFlight,
    status: 'acked' | 'failed',
    extra: Partial<LabelAck> = {},
  ): LabelAck => ({
    labelId: item.labelId,
    hash: item.hash,
    pushId: item.pushId,
    status,
    at: now().toISOString(),
    ...extra,
  });

  async function push(items: InFlight[], outcomes: LabelAck[]): Promise<void> {
    if (!items.length) return;
    const toBind = items.filter((i) => outbox.bound.get(i.labelId) !== i.sku);
    const bound: [string, string][] = [];
    // CloudEsl binds one label per request: a few at a time.
    for (let i = 0; i < toBind.length; i += BIND_CONCURRENCY) {
      await Promise.all(
        toBind.slice(i, i + BIND_CONCURRENCY).map(async (item) => {
          try {
            await options.driver.bind(item.labelId, item.sku);
            bound.push([item.labelId, item.sku]);
          } catch (error) {
            inFlight.delete(item.labelId);
            const reason = `bind: ${errorMessage(error)}`.slice(0, 200);
            outcomes.push(ack(item, 'failed', { error: reason }));
          }
        }),
      );
    }
    outbox.recordBound(bound);
    const pushable = items.filter((i) => inFlight.get(i.labelId) === i);
    let accepted;
    try {
      accepted = await options.driver.push(pushable);
    } catch (error) {
      // The gateway is unreachable: the labels stay in flight and are pushed again next round.
      for (const i of pushable) i.attempts--;
      return fail(error, 'pushing');
    }
    for (const a of accepted) {
      if (a.accepted) continue;
      const item = inFlight.get(a.labelId);
      if (!item) continue;
      inFlight.delete(a.labelId);
      outcomes.push(ack(item, 'failed', { error: a.error.slice(0, 200) }));
    }
  }

  async function runOnce(): Promise<void> {
    state.rounds++;
    await postAcks();
    const outcomes: LabelAck[] = [];
    const work = await fetchWork();
    const fresh: InFlight[] = [];
    for (const item of work?.items ?? []) {
      const known = inFlight.get(item.labelId);
      if (known && known.hash === item.hash && known.pushId === item.pushId) continue;
      const entry: InFlight = {
        labelId: item.labelId,
        sku: item.content.sku,
        content: item.content,
        hash: item.hash,
        pushId: item.pushId,
        attempts: 1,
        since: now().getTime(),
      };
      inFlight.set(item.labelId, entry);
      fresh.push(entry);
    }
    await push(fresh, outcomes);
    // Read the states of what is in flight (not what was just pushed and not yet read).
    const again: InFlight[] = [];
    if (inFlight.size) {
      let states;
      try {
        states = await options.driver.status([...inFlight.keys()]);
      } catch (error) {
        fail(error, 'reading label states');
        states = new Map();
      }
      const t = now().getTime();
      for (const item of [...inFlight.values()]) {
        const s = states.get(item.labelId);
        const battery =
          s?.batteryPct === null || s?.batteryPct === undefined ? {} : { batteryPct: s.batteryPct };
        if (s && s.hash === item.hash && s.state === 'acked') {
          inFlight.delete(item.labelId);
          outcomes.push(ack(item, 'acked', battery));
        } else if (s && s.hash === item.hash && s.state === 'failed') {
          if (item.attempts < attempts) {
            item.attempts++;
            again.push(item);
          } else {
            inFlight.delete(item.labelId);
            outcomes.push(
              ack(item, 'failed', { error: (s.error ?? 'failed').slice(0, 200), ...battery }),
            );
          }
        } else if (t - item.since > pendingTimeoutMs) {
          inFlight.delete(item.labelId);
          outcomes.push(ack(item, 'failed', { error: 'not acknowledged by the gateway in time' }));
        }
      }
    }
    await push(again, outcomes);
    // Durable first, then posted.
    outbox.record(outcomes);
    if (outcomes.length) await postAcks();
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) => fail(error, 'round'))
        .then(schedule);
    }, options.intervalMs ?? 2000);
  }

  return {
    runOnce: () => (running = running.then(runOnce)),
    start() {
      running = running.then(runOnce).catch((error: unknown) => fail(error, 'round'));
      void running.then(schedule);
    },
    status: () => ({
      inFlight: inFlight.size,
      acksWaiting: outbox.waiting().length,
      serverReachable: state.serverReachable,
      lastError: state.lastError,
      rounds: state.rounds,
    }),
    async close() {
      closed = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
      outbox.close();
    },
  };
}
