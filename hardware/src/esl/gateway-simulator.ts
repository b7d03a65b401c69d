/**
 * [EG6]-[EG9] A CloudEsl gateway simulator: an HTTP server speaking the
 * driver's protocol (cloudesl-protocol.ts) over a store's labels and base
 * stations. An item update reaches each label bound to it through its base
 * station's queue (`perApPerSecond` labels per station per second), then
 * after the label's wake-up delay (5-60 s); a seeded fraction fails (out of
 * range, low battery, timeout), and `failLabels` always fail. Results are
 * asynchronous, read back with DescribeEslDevices, as from the real API.
 * `timeScale` runs the same protocol faster (delays divided by it).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BATCH_INSERT_MAX,
  decodeList,
  type ApInfo,
  type CloudEslAnswer,
  type EslDeviceInfo,
} from './cloudesl-protocol';
import { mulberry32 } from '../simulators/tag-floor';

export type GatewaySimulatorOptions = {
  storeId: string;
  /** The labels the gateway knows (their barcodes). */
  labels: readonly string[];
  /** Base stations; labels are spread over them in turn. Default one per 250 labels, at least 1. */
  aps?: number;
  /** Labels a station sends to per second (default 10). */
  perApPerSecond?: number;
  /** A label's wake-up delay after its station sent, uniformly from min to max (default 5-60 s). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** The fraction of updates that fail at random (default 0.005). */
  failureRate?: number;
  /** Labels whose every update fails (out of range). */
  failLabels?: readonly string[];
  /** The random seed (default 1). */
  seed?: number;
  /** Runs delays this many times faster (default 1: real time). */
  timeScale?: number;
  /** Requests per second answered before 429 Throttling (default 200). */
  requestsPerSecond?: number;
  host?: string;
  port?: number;
};

export type GatewaySimulator = {
  url: string;
  /** Counts of what happened, for tests and the benchmark. */
  stats(): { requests: number; throttled: number; updates: number; acked: number; failed: number };
  /** [EG9] Takes base stations off line (`online` false) or back. */
  setApsOnline(online: boolean): void;
  close(): Promise<void>;
};

type SimLabel = {
  barcode: string;
  ap: number;
  battery: number;
  signal: number;
  item: string | null;
  status: 'PENDING' | 'SUCCESS' | 'FAILED' | undefined;
  /** The hash being sent (PENDING) or last drawn. */
  hash: string | undefined;
  error: string | undefined;
  lastCommunicate: string | null;
  /** Bumped by each new update: an older job that finishes late is ignored. */
  version: number;
};

type Job = { label: SimLabel; version: number; hash: string };

const FAILURES = ['ESL_OUT_OF_RANGE', 'ESL_LOW_BATTERY', 'ESL_UPDATE_TIMEOUT'] as const;

export async function startGatewaySimulator(
  options: GatewaySimulatorOptions,
): Promise<GatewaySimulator> {
  const scale = options.timeScale ?? 1;
  const perAp = options.perApPerSecond ?? 10;
  const minDelay = options.minDelayMs ?? 5000;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const failureRate = options.failureRate ?? 0.005;
  const failLabels = new Set(options.failLabels ?? []);
  const random = mulberry32(options.seed ?? 1);
  const apCount = options.aps ?? Math.max(1, Math.ceil(options.labels.length / 250));
  const rps = options.requestsPerSecond ?? 200;
  const started = Date.now();
  /** Simulated milliseconds since start. */
  const simNow = () => (Date.now() - started) * scale;

  const labels = new Map<string, SimLabel>();
  options.labels.forEach((barcode, i) => {
    labels.set(barcode, {
      barcode,
      ap: i % apCount,
      battery: 60 + Math.floor(random() * 41),
      signal: 40 + Math.floor(random() * 50),
      item: null,
      status: undefined,
      hash: undefined,
      error: undefined,
      lastCommunicate: null,
      version: 0,
    });
  });
  const items = new Map<string, Record<string, string>>();
  const queues: Job[][] = Array.from({ length: apCount }, () => []);
  const nextSlot: number[] = Array.from({ length: apCount }, () => 0);
  const inFlight: (Job & { doneAt: number })[] = [];
  let apsOnline = true;
  const stats = { requests: 0, throttled: 0, updates: 0, acked: 0, failed: 0 };
  let bucket = { second: 0, used: 0 };

  function enqueue(label: SimLabel): void {
    const item = label.item === null ? undefined : items.get(label.item);
    const hash = item?.CustomizeFeatureB ?? item?.ActionPrice;
    if (hash === undefined) return;
    // The gateway knows what each label shows or is being sent: no second update for it.
    if ((label.status === 'PENDING' || label.status === 'SUCCESS') && label.hash === hash) return;
    label.version++;
    label.status = 'PENDING';
    label.hash = hash;
    label.error = undefined;
    // An idle station starts sending now, not at its last slot.
    if (!queues[label.ap]!.length) nextSlot[label.ap] = Math.max(nextSlot[label.ap]!, simNow());
    queues[label.ap]!.push({ label, version: label.version, hash });
    stats.updates++;
  }

  function tick(): void {
    const now = simNow();
    if (apsOnline) {
      for (let ap = 0; ap < apCount; ap++) {
        const queue = queues[ap]!;
        while (queue.length && nextSlot[ap]! <= now) {
          const job = queue.shift()!;
          const delay = minDelay + random() * (maxDelay - minDelay);
          inFlight.push({ ...job, doneAt: nextSlot[ap]! + delay });
          nextSlot[ap] = nextSlot[ap]! + 1000 / perAp;
        }
      }
    }
    for (let i = inFlight.length - 1; i >= 0; i--) {
      const job = inFlight[i]!;
      if (job.doneAt > now) continue;
      inFlight.splice(i, 1);
      const label = job.label;
      if (label.version !== job.version) continue;
      const roll = random();
      label.lastCommunicate = new Date().toISOString();
      if (failLabels.has(label.barcode) || roll < failureRate) {
        label.status = 'FAILED';
        label.error = failLabels.has(label.barcode)
          ? 'ESL_OUT_OF_RANGE'
          : FAILURES[Math.floor(random() * FAILURES.length)];
        stats.failed++;
      } else {
        label.status = 'SUCCESS';
        label.battery = Math.max(1, label.battery - (random() < 0.1 ? 1 : 0));
        stats.acked++;
      }
    }
  }
  const timer = setInterval(tick, 20);
  timer.unref();

  const answer = (extra: object = {}): CloudEslAnswer & object => ({
    RequestId: `SIM-${stats.requests}`,
    Success: true,
    Code: '200',
    Message: 'success',
    ...extra,
  });
  const refuse = (
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    headers = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(
      JSON.stringify({
        RequestId: `SIM-${stats.requests}`,
        Success: false,
        Code: code,
        ErrorCode: code,
        ErrorMessage: message,
        Message: message,
      }),
    );
  };
  const send = (res: ServerResponse, body: object) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const page = (form: URLSearchParams) => {
    const n = Number(form.get('PageNumber') ?? '1');
    const size = Number(form.get('PageSize') ?? '10');
    return {
      n: Number.isSafeInteger(n) && n >= 1 ? n : 1,
      size: Number.isSafeInteger(size) && size >= 1 && size <= 100 ? size : 10,
    };
  };

  function handle(form: URLSearchParams, res: ServerResponse): void {
    const action = form.get('Action');
    if (form.get('StoreId') !== options.storeId) {
      refuse(
        res,
        400,
        'StoreNotExist',
        `The specified store ${form.get('StoreId') ?? ''} does not exist.`,
      );
      return;
    }
    switch (action) {
      case 'BindEslDevice': {
        const label = labels.get(form.get('EslBarCode') ?? '');
        const item = form.get('ItemBarCode');
        if (!label) return refuse(res, 400, 'EslNotExist', 'The specified ESL does not exist.');
        if (!item || item.length > 64) {
          return refuse(res, 400, 'MandatoryParameters', 'ItemBarCode is mandatory.');
        }
        const moved = label.item !== item;
        label.item = item;
        if (moved) enqueue(label);
        return send(res, answer());
      }
      case 'BatchInsertItems': {
        const list = decodeList(form, 'ItemInfo', BATCH_INSERT_MAX);
        if ('error' in list) return refuse(res, 400, 'InvalidParameter', list.error);
        const results = list.map((item, i) => {
          const ok =
            typeof item.ItemBarCode === 'string' &&
            item.ItemBarCode.length <= 64 &&
            /^\d{1,20}$/.test(item.ItemId ?? '') &&
            typeof item.ItemTitle === 'string' &&
            /^\d{1,12}$/.test(item.ActionPrice ?? '');
          if (ok) items.set(item.ItemBarCode!, item);
          return ok
            ? { Index: i + 1, Success: true }
            : {
                Index: i + 1,
                Success: false,
                ErrorCode: 'MandatoryParameters',
                Message: 'ItemBarCode, ItemId, ItemTitle and ActionPrice are mandatory',
              };
        });
        const changed = new Set(
          list.filter((_, i) => results[i]!.Success).map((it) => it.ItemBarCode),
        );
        for (const label of labels.values()) {
          if (label.item !== null && changed.has(label.item)) enqueue(label);
        }
        return send(res, answer({ BatchResults: results }));
      }
      case 'DescribeEslDevices': {
        const { n, size } = page(form);
        const one = form.get('EslBarCode');
        const all = [...labels.values()].filter((l) => one === null || l.barcode === one);
        const devices: EslDeviceInfo[] = all.slice((n - 1) * size, n * size).map((l) => ({
          EslBarCode: l.barcode,
          StoreId: options.storeId,
          EslStatus:
            l.item === null
              ? 'ESL_STATUS_UNBIND'
              : l.status === 'FAILED' && l.error === 'ESL_OUT_OF_RANGE'
                ? 'ESL_STATUS_OFFLINE'
                : 'ESL_STATUS_ONLINE',
          BatteryLevel: l.battery,
          EslSignal: l.signal,
          LastCommunicateTime: l.lastCommunicate,
          Mac: l.barcode.toLowerCase(),
          Model: 'AESL0213',
          Type: 'ESL_TYPE_E_INK',
          ...(l.item === null ? {} : { ItemBarCode: l.item }),
          ...(l.status === undefined ? {} : { LastPushStatus: l.status }),
          ...(l.hash === undefined ? {} : { LastPushHash: l.hash }),
          ...(l.error === undefined ? {} : { LastPushError: l.error }),
        }));
        return send(
          res,
          answer({ EslDevices: devices, PageNumber: n, PageSize: size, TotalCount: all.length }),
        );
      }
      case 'DescribeApDevices': {
        const aps: ApInfo[] = Array.from({ length: apCount }, (_, i) => ({
          Mac: `AP${String(i + 1).padStart(10, '0')}`,
          StoreId: options.storeId,
          Status: apsOnline,
          BeActivate: true,
          Model: 'aliyun',
        }));
        return send(
          res,
          answer({ ApDevices: aps, PageNumber: 1, PageSize: 100, TotalCount: aps.length }),
        );
      }
      default:
        return refuse(
          res,
          400,
          'InvalidAction.NotFound',
          `Specified api ${action ?? ''} is not found.`,
        );
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const second = Math.floor(Date.now() / 1000);
    if (bucket.second !== second) bucket = { second, used: 0 };
    if (++bucket.used > rps) {
      stats.throttled++;
      refuse(res, 429, 'Throttling.User', 'Request was denied due to user flow control.', {
        'retry-after': '1',
      });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 1_000_000) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > 1_000_000)
        return refuse(res, 413, 'RequestTooLarge', 'The request body is too large.');
      const form = new URLSearchParams(new URL(req.url ?? '/', 'http://x').search);
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
        form.set(k, v);
      try {
        handle(form, res);
      } catch (error) {
        refuse(res, 500, 'InternalError', (error as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    stats: () => ({ ...stats }),
    setApsOnline(online) {
      apsOnline = online;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
