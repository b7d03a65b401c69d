/**
 * A count of 10,000 tagged items ([RI11] [RI12]): a store tagged with N EPCs
 * over S SKUs (through `POST /_rfid/items`), a handheld's read of all but 50
 * of them plus 30 unexpected (20 untagged units of our SKUs, 10 of another
 * company's GTIN), sent as `POST /_rfid/counts` (whole store), then approved
 * (`POST /_rfid/counts/<id>/approve`: adjustments through the stock ledger,
 * item states). Times each request from send to answer read, R rounds, on
 * PGlite and on PostgreSQL when `DATABASE_URL` is set.
 *
 *   npx tsx sync-server/bench/rfid-count.bench.ts [--items 10000] [--skus 200] [--rounds 3]
 *   DATABASE_URL=postgres://... npx tsx sync-server/bench/rfid-count.bench.ts
 *
 * No assertions: a benchmark.
 */
import { parseArgs } from 'node:util';
import {
  encodeSgtin96,
  parseGtin,
  stockLevelId,
  withCheckDigit,
  type CountAnswer,
  type TagItemsAnswer,
} from '@pos/domain';
import { provisionAdminToken, provisionDevice } from '../src/auth';
import { createSyncServer } from '../src/server';
import {
  load,
  openPgliteBench,
  openPostgresBench,
  seedDocs,
  type BenchStorage,
} from './bench-support';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '10000' },
    skus: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    'skip-pglite': { type: 'boolean', default: false },
  },
});
const ITEMS = Number(values.items);
const SKUS = Number(values.skus);
const ROUNDS = Number(values.rounds);
if (![ITEMS, SKUS, ROUNDS].every((n) => Number.isInteger(n) && n > 0) || ITEMS < 100) {
  console.error('usage: rfid-count.bench.ts [--items 10000 (≥ 100)] [--skus 200] [--rounds 3]');
  process.exit(2);
}

const STORE = 'S001';
const DEVICE = { deviceId: 'S001-HH1', storeId: STORE, token: 'bench-s001-hh1' };
const sku = (i: number) => `RF-${String(i + 1).padStart(5, '0')}`;
const gtin = (i: number) => {
  const parsed = parseGtin(withCheckDigit(`6951234${String(i + 1).padStart(5, '0')}`));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.gtin;
};
const epcOf = (g: string, serial: number) => {
  const encoded = encodeSgtin96({ gtin: g, serial });
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.epc;
};
/** Item k: SKU k mod S, serial k + 1. */
const TAGGED = Array.from({ length: ITEMS }, (_, k) => epcOf(gtin(k % SKUS), k + 1));
const FOREIGN_GTIN = '00614141123452';

async function seed(bench: BenchStorage): Promise<void> {
  await seedDocs(bench, 'stores', [
    {
      id: STORE,
      storeId: null,
      body: { id: STORE, name: 'Bench store', address: 'x', currency: 'CNY', status: 'open' },
    },
  ]);
  await seedDocs(
    bench,
    'products',
    Array.from({ length: SKUS }, (_, i) => ({
      id: sku(i),
      storeId: null,
      body: {
        id: sku(i),
        name: `Bench garment ${i + 1}`,
        gtin: gtin(i),
        category: 'Apparel',
        taxClass: 'VAT13',
        status: 'active',
      },
    })),
  );
  await seedDocs(
    bench,
    'stock',
    Array.from({ length: SKUS }, (_, i) => ({
      id: stockLevelId(STORE, sku(i)),
      storeId: STORE,
      body: {
        id: stockLevelId(STORE, sku(i)),
        storeId: STORE,
        sku: sku(i),
        onHand: Math.ceil(ITEMS / SKUS),
      },
    })),
  );
  await seedDocs(bench, 'staff', [
    {
      id: 'S001-E02',
      storeId: null,
      body: {
        id: 'S001-E02',
        name: 'Bench supervisor',
        storeId: STORE,
        roles: ['supervisor'],
        pinSalt: '00',
        pinHash: '00',
        status: 'active',
      },
    },
  ]);
  await provisionDevice(bench.storage, DEVICE.token, DEVICE);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function run(bench: BenchStorage) {
  await seed(bench);
  const admin = (await provisionAdminToken(bench.storage, 'bench')).token;
  const server = createSyncServer({
    storage: bench.storage,
    log: () => {},
    rateLimit: false,
    holdSweeper: false,
  });
  try {
    const base = await server.listen(0, '127.0.0.1');
    const post = async (token: string, path: string, body: unknown, key?: string) => {
      const t0 = performance.now();
      const res = await fetch(base + path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as unknown;
      const ms = performance.now() - t0;
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      return { json, ms };
    };
    const tag = await post(admin, '/_rfid/items', { storeId: STORE, epcs: TAGGED });
    const tagged = (tag.json as TagItemsAnswer).tagged;
    const counts: number[] = [];
    const approvals: number[] = [];
    let last: CountAnswer | null = null;
    for (let round = 0; round < ROUNDS; round++) {
      // Round r misses a different 50 and sees 20 untagged units and 10 strangers.
      const missed = new Set(Array.from({ length: 50 }, (_, i) => (round * 997 + i * 191) % ITEMS));
      const read = [
        ...TAGGED.filter((_, k) => !missed.has(k)),
        ...Array.from({ length: 20 }, (_, i) => epcOf(gtin(i % SKUS), 1_000_000 + round * 100 + i)),
        ...Array.from({ length: 10 }, (_, i) => epcOf(FOREIGN_GTIN, round * 100 + i)),
      ];
      const countId = `BENCH-COUNT-${round + 1}`;
      const count = await post(
        DEVICE.token,
        '/_rfid/counts',
        {
          countId,
          scope: { kind: 'store' },
          epcs: read,
          countedAt: new Date().toISOString(),
          staffId: 'S001-E02',
        },
        countId,
      );
      counts.push(count.ms);
      const approved = await post(DEVICE.token, `/_rfid/counts/${countId}/approve`, {
        approverId: 'S001-E02',
        at: new Date().toISOString(),
      });
      approvals.push(approved.ms);
      last = approved.json as CountAnswer;
    }
    return {
      label: `${bench.label} (${load()})`,
      tagged,
      tagMs: tag.ms,
      counts,
      approvals,
      last,
    };
  } finally {
    await server.close();
    await bench.close();
  }
}

const runs: (() => Promise<BenchStorage>)[] = [];
if (!values['skip-pglite']) runs.push(openPgliteBench);
if (process.env.DATABASE_URL) runs.push(() => openPostgresBench(process.env.DATABASE_URL!));
console.log(
  `RFID count: ${ITEMS} items over ${SKUS} SKUs at one store; each round reads all but 50, ` +
    `plus 20 untagged units and 10 of another company; ${ROUNDS} rounds`,
);
for (const open of runs) {
  const r = await run(await open());
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  console.log(`\n${r.label}`);
  console.log(`  tag ${r.tagged} EPCs (POST /_rfid/items):      ${f(r.tagMs)}`);
  console.log(
    `  count (POST /_rfid/counts):                  median ${f(median(r.counts))}, each ${r.counts.map(f).join(', ')}`,
  );
  console.log(
    `  approve (POST /_rfid/counts/<id>/approve):   median ${f(median(r.approvals))}, each ${r.approvals.map(f).join(', ')}`,
  );
  if (r.last) {
    const { result, adjustments } = r.last;
    console.log(
      `  last count: found ${result.found.length}, missing ${result.missing.length}, unexpected ` +
        `${result.unexpected.length}, unit accuracy ${(result.unitAccuracyBp / 100).toFixed(2)} %, ` +
        `SKU accuracy ${(result.skuAccuracyBp / 100).toFixed(2)} %, ${adjustments.length} adjustments`,
    );
  }
}
