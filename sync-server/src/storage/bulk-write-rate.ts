/**
 * Prints how many documents per second the storage writes: one `put` per
 * document (the path seeding and `_bulk_docs` take) against `putMany` batches,
 * on a storage already holding documents.
 *
 *   npx tsx sync-server/src/storage/bulk-write-rate.ts [--preload 20000] [--docs 20000] [--batch 2000]
 *   DATABASE_URL=postgres://… npx tsx sync-server/src/storage/bulk-write-rate.ts
 *
 * PGlite runs in a fresh temporary directory; PostgreSQL in a fresh schema, dropped after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPgliteStorage } from './pglite';
import { openPostgresStorage } from './postgres';
import type { DocWrite, SyncStorage } from './storage';

const { values } = parseArgs({
  options: {
    preload: { type: 'string', default: '20000' },
    docs: { type: 'string', default: '20000' },
    single: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '2000' },
  },
});
const preload = Number(values.preload);
const docs = Number(values.docs);
const single = Number(values.single);
const batch = Number(values.batch);

function product(n: number): DocWrite {
  const id = `SKU-${String(n).padStart(7, '0')}`;
  return {
    db: 'products',
    id,
    body: {
      id,
      name: `测试商品 Test product ${n}`,
      gtin: String(6_900_000_000_000 + n).padStart(14, '0'),
      category: 'Grocery',
      taxClass: 'VAT13',
      status: 'active',
    },
    storeId: null,
    expectedRev: null,
  };
}

async function timed(label: string, count: number, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(44)} ${String(count).padStart(7)} docs in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} docs/s`,
  );
}

async function measure(storage: SyncStorage): Promise<void> {
  let next = 0;
  const take = (n: number) => Array.from({ length: n }, () => product(next++));
  for (let done = 0; done < preload; done += batch) {
    await storage.bulkWrite(take(Math.min(batch, preload - done)));
  }
  console.log(`${storage.kind}: ${preload} products already stored`);
  await timed('one put per document, one transaction', single, async () => {
    const writes = take(single);
    await storage.transaction(async (tx) => {
      for (const write of writes) {
        const result = await tx.put(write);
        if (!result.ok) throw new Error(result.reason);
      }
    });
  });
  await timed(`putMany, ${batch} per transaction`, docs, async () => {
    for (let done = 0; done < docs; done += batch) {
      const writes = take(Math.min(batch, docs - done));
      await storage.transaction((tx) => tx.putMany(writes));
    }
  });
}

const url = process.env.DATABASE_URL;
if (url) {
  const schema = `bulk_rate_${process.pid}`;
  const storage = await openPostgresStorage(url, { schema });
  try {
    await measure(storage);
  } finally {
    await storage.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
} else {
  const dir = mkdtempSync(join(tmpdir(), 'bulk-rate-'));
  const storage = await openPgliteStorage(join(dir, 'pglite'));
  try {
    await measure(storage);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
