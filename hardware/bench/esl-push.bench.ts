/**
 * `npx tsx hardware/bench/esl-push.bench.ts [--labels 1000] [--scale 1] [--interval 2000]`
 *
 * A price change reaching 1,000 shelf labels: the sync server (PGlite in
 * memory, the demo's catalog) with 1,000 labels bound at S001 to its 28 SKUs,
 * the store's shelf-label service (a round every `--interval` ms) and the
 * CloudEsl gateway simulator at real-time delays (`--scale 1`: 4 base
 * stations sending to 10 labels a second each, each label drawing 5-60 s
 * later, 0.5 % random failures, one label that always fails). Every SKU's
 * price changes at once, so every label's content changes; the labels were
 * never drawn, so the service also binds all 1,000 first. Measured: the time
 * from the price change to 95 % (and 99 %) of the labels acknowledged at the
 * server. Goal: 95 % within 2 minutes. Peer figure: Odoo's Pricer
 * integration syncs prices to the labels on a scheduled job every 12 hours.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelList, LabelPushView } from '@pos/domain';
import {
  createSyncServer,
  DEMO_SHELF_LABEL_SERVICES,
  demoLabelIds,
  openPgliteStorage,
  provisionAdminToken,
  seedDemo,
  seedDemoLabels,
} from '@pos/sync-server';
import { createCloudEslDriver } from '../src/esl/cloudesl-driver';
import { startGatewaySimulator } from '../src/esl/gateway-simulator';
import { createShelfLabelService } from '../src/esl/label-service';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const LABELS = option('labels', 1000);
const SCALE = option('scale', 1);
const INTERVAL = option('interval', 2000);
const [SERVICE] = DEMO_SHELF_LABEL_SERVICES;

const storage = await openPgliteStorage('memory://');
await seedDemo(storage);
const admin = (await provisionAdminToken(storage, 'bench')).token;
await seedDemoLabels(storage, { count: LABELS });
const server = createSyncServer({ storage, log: () => {}, rateLimit: false, holdSweeper: false });
const url = await server.listen(0, '127.0.0.1');
const sim = await startGatewaySimulator({
  storeId: 'S001',
  labels: demoLabelIds(LABELS),
  failLabels: ['L0417'],
  seed: 42,
  timeScale: SCALE,
});
const dir = mkdtempSync(join(tmpdir(), 'esl-bench-'));
const api = async <T>(path: string, body?: unknown): Promise<T> => {
  const response = await fetch(url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

const bound = (await api<LabelList>('/_console/labels?store=S001&limit=5000')).labels;
const skus = [...new Set(bound.map((l) => l.sku!))];
console.log(
  `${LABELS} labels on ${skus.length} SKUs at S001; simulator time scale ${SCALE}; service round every ${INTERVAL} ms`,
);

const t0 = performance.now();
let toPush = 0;
for (const [i, sku] of skus.entries()) {
  toPush += (
    await api<{ labelsToPush: number }>('/_console/prices', {
      priceList: 'CN-LIST',
      sku,
      amountFen: 20_000 + i,
    })
  ).labelsToPush;
}
console.log(
  `price change of ${skus.length} SKUs: ${toPush} labels to push (${Math.round(performance.now() - t0)} ms)`,
);

const service = createShelfLabelService({
  serverUrl: url,
  token: SERVICE.token,
  driver: createCloudEslDriver({ url: sim.url, storeId: 'S001' }),
  dataDir: dir,
  intervalMs: INTERVAL,
});
service.start();

const marks: Record<string, number | null> = { '50%': null, '95%': null, '99%': null };
const deadline = t0 + 15 * 60_000;
let last = '';
while (performance.now() < deadline) {
  const { counts } = await api<LabelList>('/_console/labels?store=S001&limit=1');
  const s = (performance.now() - t0) / 1000;
  for (const [mark, share] of [
    ['50%', 0.5],
    ['95%', 0.95],
    ['99%', 0.99],
  ] as const) {
    if (marks[mark] === null && counts.acked >= share * LABELS) marks[mark] = s;
  }
  const line = `${s.toFixed(0)} s: acked ${counts.acked}, failed ${counts.failed}, pending ${counts.pending}`;
  if (line.split(':')[1] !== last) console.log(line);
  last = line.split(':')[1]!;
  if (counts.pending === 0 && marks['99%'] !== null) break;
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
const { pushes } = await api<{ pushes: LabelPushView[] }>(
  '/_console/labels/pushes?store=S001&limit=100',
);
const integrity = await api<{ mismatches: { labelId: string; reason: string }[] }>(
  '/_console/labels/integrity?store=S001',
);
const fmt = (v: number | null) => (v === null ? 'not reached' : `${v.toFixed(1)} s`);
console.log(`\nprice change → 50 % acked: ${fmt(marks['50%'])}`);
console.log(`price change → 95 % acked: ${fmt(marks['95%'])} (goal ≤ 120 s)`);
console.log(`price change → 99 % acked: ${fmt(marks['99%'])}`);
console.log(
  `pushes: ${pushes.length}, of which reached 95 % (server's ack95At): ${pushes.filter((p) => p.ack95At).length}`,
);
console.log(
  `integrity mismatches: ${integrity.mismatches.map((m) => `${m.labelId} ${m.reason}`).join(', ')}`,
);
console.log(`gateway: ${JSON.stringify(sim.stats())}`);
console.log(
  'peer: Odoo with Pricer pushes prices to labels on a scheduled job every 12 h (43,200 s)',
);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

await service.close();
await sim.close();
await server.close();
await storage.close();
rmSync(dir, { recursive: true, force: true });
