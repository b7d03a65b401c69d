/**
 * [EG10] [SV5]-[SV10] A price change reaches 1,000 simulated labels, and the
 * integrity check flags the one that failed: the real sync server (PGlite,
 * and PostgreSQL with TEST_DATABASE_URL), the store's shelf-label service,
 * the CloudEsl driver and the gateway simulator, time-scaled.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrityReport, LabelList, LabelPushView, PriceChangeAnswer } from '@pos/domain';
import {
  createSyncServer,
  DEMO_SHELF_LABEL_SERVICES,
  demoLabelIds,
  openPgliteStorage,
  openPostgresStorage,
  provisionAdminToken,
  seedDemo,
  seedDemoLabels,
  type SyncStorage,
} from '@pos/sync-server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudEslDriver } from './cloudesl-driver';
import { startGatewaySimulator, type GatewaySimulator } from './gateway-simulator';
import { createShelfLabelService, type ShelfLabelService } from './label-service';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const LABELS = 1000;
const FORCED = 'L0417';
const [SERVICE] = DEMO_SHELF_LABEL_SERVICES;

const BACKENDS = [
  { name: 'PGlite (in memory)', skip: false, open: () => openPgliteStorage('memory://') },
  {
    name: TEST_DATABASE_URL ? 'PostgreSQL' : 'PostgreSQL — SKIPPED: TEST_DATABASE_URL is not set',
    skip: !TEST_DATABASE_URL,
    async open() {
      const schema = `esl_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const storage = await openPostgresStorage(TEST_DATABASE_URL!, { schema, max: 5 });
      const close = storage.close.bind(storage);
      return Object.assign(storage, {
        async close() {
          await close();
          const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
        },
      });
    },
  },
];

describe.each(BACKENDS)('shelf labels end to end on $name', ({ skip, open }) => {
  let storage: SyncStorage & { close(): Promise<void> };
  let server: ReturnType<typeof createSyncServer>;
  let url: string;
  let admin: string;
  let sim: GatewaySimulator;
  let service: ShelfLabelService;
  let dir: string;

  const api = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(url + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  /** Rounds of the service until no label is pending (each round waits for the simulator to move on). */
  const settle = async () => {
    for (let round = 0; round < 400; round++) {
      await service.runOnce();
      const list = await api<LabelList>('/_console/labels?store=S001&limit=1');
      if (list.counts.pending === 0 && service.status().acksWaiting === 0) return list;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const last = await api<LabelList>('/_console/labels?store=S001&limit=3&status=pending');
    throw new Error(
      `labels did not settle: ${JSON.stringify({ counts: last.counts, one: last.labels[0], service: service.status(), sim: sim.stats() })}`,
    );
  };

  beforeAll(async () => {
    if (skip) return;
    storage = (await open()) as SyncStorage & { close(): Promise<void> };
    await seedDemo(storage);
    admin = (await provisionAdminToken(storage, 'hq-test')).token;
    // [SV1] 1,000 labels bound to the demo's SKUs in turn.
    await seedDemoLabels(storage, { count: LABELS });
    server = createSyncServer({ storage, log: () => {}, rateLimit: false, holdSweeper: false });
    url = await server.listen(0, '127.0.0.1');
    sim = await startGatewaySimulator({
      storeId: 'S001',
      labels: demoLabelIds(LABELS),
      failLabels: [FORCED],
      failureRate: 0.01,
      seed: 7,
      timeScale: 1000,
      requestsPerSecond: 2000,
    });
    dir = mkdtempSync(join(tmpdir(), 'esl-'));
    service = createShelfLabelService({
      serverUrl: url,
      token: SERVICE.token,
      driver: createCloudEslDriver({ url: sim.url, storeId: 'S001', backoffMs: 5 }),
      dataDir: dir,
    });
  }, 60_000);

  afterAll(async () => {
    if (skip) return;
    await service.close();
    await sim.close();
    await server.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(skip)(
    '[SV5] [SV10] [EG10] a price change reaches 1,000 labels; integrity names exactly the one that failed',
    async () => {
      // Every bound SKU changes price: every label's content changes.
      const bound = (await api<LabelList>('/_console/labels?store=S001&limit=5000')).labels;
      const boundSkus = [...new Set(bound.map((l) => l.sku!))];
      let toPush = 0;
      for (const [i, sku] of boundSkus.entries()) {
        const answer = await api<PriceChangeAnswer>('/_console/prices', {
          priceList: 'CN-LIST',
          sku,
          amountFen: 10_001 + i,
        });
        toPush += answer.labelsToPush;
      }
      expect(toPush).toBe(LABELS);
      const list = await settle();
      expect(list.counts).toMatchObject({ acked: LABELS - 1, failed: 1, pending: 0 });

      const report = await api<IntegrityReport>('/_console/labels/integrity?store=S001');
      expect(report.checked).toBe(LABELS);
      expect(report.mismatches.map((m) => [m.labelId, m.reason])).toEqual([
        [FORCED, 'push-failed'],
      ]);

      // [SV2] A second change pushes only the labels of the SKU whose price changed.
      const one = boundSkus[0]!;
      const ofSku = bound.filter((l) => l.sku === one).length;
      const second = await api<PriceChangeAnswer>('/_console/prices', {
        priceList: 'CN-LIST',
        sku: one,
        amountFen: 12_345,
      });
      expect(second.labelsToPush).toBe(ofSku);
      await settle();
      const { pushes } = await api<{ pushes: LabelPushView[] }>(
        '/_console/labels/pushes?store=S001',
      );
      expect(pushes[0]).toMatchObject({ labels: ofSku, acked: ofSku });
      expect(pushes[0]!.ack95At).not.toBeNull();
    },
    60_000,
  );
});
