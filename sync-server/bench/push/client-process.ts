/**
 * Clients of the push benchmark in a process of their own: each device pushes
 * its sales to `saleFacts/_bulk_docs` one request after another until the
 * time is up. The request bodies are built before the clock starts (a few
 * sales per device with the domain's checkout, as JSON text with a hole for
 * the id) so that a request costs the client little more than its HTTP
 * round trip. Started by push.bench.ts with `fork`; IPC:
 *   ← { start: ClientConfig }  → { ready: true }
 *   ← { go: true }             → { result: ClientResult }
 */
import { Agent, request } from 'node:http';
import { chain, makeSale, unitsOf, type Device, type Shape } from './fixture';

export type ClientConfig = {
  shape: Shape;
  /** The devices (indexes into the chain's) this process drives. */
  devices: number[];
  /** Server base URLs; device i pushes to bases[i % bases.length]. */
  bases: string[];
  /** Sends the device's token (ours) or nothing (the peer). */
  auth: boolean;
  seconds: number;
  perRequest: number;
  /** Tells this run's sale ids from earlier runs'. */
  run: string;
};

export type ClientResult = {
  accepted: number;
  /** Units sold in the accepted sales: what the stock levels must have lost. */
  units: number;
  refused: number;
  firstRefusal: string | null;
  seconds: number;
  latencies: number[];
  cpuSeconds: number;
};

/** Different sales per device, reused round robin with fresh ids. */
const VARIANTS = 12;
const HOLE = '@@SALE-ID@@';

type Template = { parts: string[]; units: number };

function templates(shape: Shape, device: Device): Template[] {
  const fixture = chain(shape);
  return Array.from({ length: VARIANTS }, (_, n) => {
    const sale = makeSale(fixture, device, n, HOLE);
    const { id: _id, ...rest } = sale;
    // As RxDB's push sends a document: `_id` for `id`.
    const text = JSON.stringify({ _id: HOLE, ...rest });
    return { parts: text.split(HOLE), units: unitsOf(sale) };
  });
}

async function drive(config: ClientConfig): Promise<ClientResult> {
  const fixture = chain(config.shape);
  const agent = new Agent({ keepAlive: true, maxSockets: config.devices.length });
  const latencies: number[] = [];
  let accepted = 0;
  let units = 0;
  let refused = 0;
  let firstRefusal: string | null = null;
  const post = (base: URL, headers: Record<string, string>, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        base,
        {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const prepared = config.devices.map((index) => {
    const device = fixture.devices[index]!;
    return {
      device,
      url: new URL(`${config.bases[index % config.bases.length]}/saleFacts/_bulk_docs`),
      headers: {
        'content-type': 'application/json',
        ...(config.auth ? { authorization: `Bearer ${device.token}` } : {}),
      },
      templates: templates(config.shape, device),
    };
  });
  process.send!({ ready: true });
  await new Promise((resolve) => process.once('message', resolve));
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + config.seconds * 1000;
  await Promise.all(
    prepared.map(async ({ device, url, headers, templates }) => {
      for (let n = 0; performance.now() < deadline; n += config.perRequest) {
        const docs: string[] = [];
        let saleUnits = 0;
        for (let k = 0; k < config.perRequest; k++) {
          const t = templates[(n + k) % VARIANTS]!;
          // A ULID-shaped suffix: the run, then the device's counter.
          const id = `${device.deviceId}-01J${config.run}${String(n + k).padStart(17, '0')}`;
          docs.push(t.parts.join(id));
          saleUnits += t.units;
        }
        const t0 = performance.now();
        const { status, text } = await post(url, headers, `{"docs":[${docs.join(',')}]}`);
        latencies.push(performance.now() - t0);
        let problem: string | null = null;
        if (status !== 201) problem = `${status} ${text.slice(0, 300)}`;
        else if (text.includes('"error"')) {
          const rows = JSON.parse(text) as { ok?: boolean; error?: string }[];
          const bad = rows.find((row) => !row.ok && row.error);
          if (bad) problem = `${status} ${JSON.stringify(bad).slice(0, 300)}`;
        }
        if (problem === null) {
          accepted += config.perRequest;
          units += saleUnits;
        } else {
          refused++;
          firstRefusal ??= problem;
          // A refusing server answers fast; do not spin.
          if (refused > 1000) return;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  return {
    accepted,
    units,
    refused,
    firstRefusal,
    seconds,
    latencies,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

process.once('message', (message: { start?: ClientConfig }) => {
  if (!message.start) throw new Error('the first message is { start }');
  drive(message.start).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
