/**
 * A fault-injecting HTTP proxy in front of several sync server processes,
 * as a flaky store network and a load balancer would be: per request it may
 * drop the request, send it twice, hold it back, cut its body short, or
 * forward it and drop the answer. Upstreams come and go as processes are
 * killed and restarted. [RB5]
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultKind = 'drop-request' | 'duplicate' | 'delay' | 'truncate' | 'drop-response';

/** Chance of each fault per request, 0..1; the rest pass through untouched. */
export type FaultRates = Record<FaultKind, number>;

export const DEFAULT_FAULT_RATES: FaultRates = {
  'drop-request': 0.05,
  duplicate: 0.05,
  delay: 0.1,
  truncate: 0.05,
  'drop-response': 0.05,
};

export type FaultProxy = {
  url: string;
  /** Counts of requests by fault injected (and `none`, `no-upstream`, `upstream-error`). */
  counts: Record<string, number>;
  setUpstreams(urls: readonly string[]): void;
  close(): Promise<void>;
};

type Answer = { status: number; headers: IncomingMessage['headers']; body: Buffer };

/** Sends one request upstream; with `cutAt`, sends only that many body bytes and aborts. */
function forward(
  upstream: string,
  req: IncomingMessage,
  body: Buffer,
  cutAt?: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(req.url ?? '/', upstream);
    const out = httpRequest(
      target,
      {
        method: req.method,
        headers: { ...req.headers, host: target.host, connection: 'close' },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 502,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('upstream aborted its answer')));
      },
    );
    out.on('error', reject);
    if (cutAt === undefined) out.end(body);
    else {
      out.write(body.subarray(0, cutAt));
      // Give the bytes a moment on the wire, then cut the connection mid-body.
      setImmediate(() => {
        out.destroy();
        reject(new Error('truncated by the proxy'));
      });
    }
  });
}

export async function startFaultProxy(options: {
  rates?: FaultRates;
  /** Largest hold-back of a delayed request, in ms. */
  maxDelayMs?: number;
  random?: () => number;
}): Promise<FaultProxy> {
  const rates = options.rates ?? DEFAULT_FAULT_RATES;
  const random = options.random ?? Math.random;
  const maxDelay = options.maxDelayMs ?? 300;
  let upstreams: string[] = [];
  let next = 0;
  const counts: Record<string, number> = {};
  const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);
  const sockets = new Set<Socket>();

  const pickFault = (): FaultKind | 'none' => {
    let r = random();
    for (const [kind, rate] of Object.entries(rates) as [FaultKind, number][]) {
      if (r < rate) return kind;
      r -= rate;
    }
    return 'none';
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const upstream = upstreams.length ? upstreams[next++ % upstreams.length] : undefined;
    if (!upstream) {
      count('no-upstream');
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'bad_gateway', reason: 'no server process is up' }));
      return;
    }
    const fault = pickFault();
    count(fault);
    try {
      switch (fault) {
        case 'drop-request':
          req.socket.destroy();
          return;
        case 'truncate':
          await forward(upstream, req, body, Math.floor(random() * body.length)).catch(() => {});
          req.socket.destroy();
          return;
        case 'delay':
          await new Promise((r) => setTimeout(r, Math.floor(random() * maxDelay)));
          break;
        default:
          break;
      }
      const sends =
        fault === 'duplicate'
          ? [
              forward(upstream, req, body),
              forward(upstreams[next % upstreams.length] ?? upstream, req, body),
            ]
          : [forward(upstream, req, body)];
      const [answer] = await Promise.all(sends.map((s) => s.catch((e: Error) => e)));
      if (fault === 'drop-response') {
        req.socket.destroy();
        return;
      }
      if (!answer || answer instanceof Error) throw answer ?? new Error('no answer');
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      delete headers.connection;
      res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
      res.end(answer.body);
    } catch (error) {
      count('upstream-error');
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'bad_gateway', reason: (error as Error).message }));
      } else req.socket.destroy();
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setUpstreams(urls) {
      upstreams = [...urls];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
