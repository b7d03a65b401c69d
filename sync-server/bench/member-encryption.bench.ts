/**
 * The cost of keeping members' personal data encrypted ([PK1]-[PK3]):
 *
 * (a) intake: N members through `writeMemberRecords` (masked view + sealed
 *     personal data: a data key, AES-256-GCM, a wrap, two documents each)
 *     against writing N plain member documents of the same shape, in the
 *     same run, batch by batch in one transaction per batch; the ratio is
 *     printed;
 * (b) push ingest: a till pushes sales one per request, naming the member
 *     by `memberId` or, as a sale recorded offline with only the customer's
 *     phone, by `memberPhoneIndex` (the server finds the member through the
 *     blind index), among N members.
 *
 *   npx tsx sync-server/bench/member-encryption.bench.ts [--members 2000] [--sales 300] [--batch 500]
 *   DATABASE_URL=postgres://... npx tsx sync-server/bench/member-encryption.bench.ts
 *
 * Small defaults: the issue-sized run (e.g. --members 200000 --sales 5000)
 * is in docs/benchmarks.md with its command. No assertions: a benchmark.
 */
import { parseArgs } from 'node:util';
import {
  memberView,
  phoneIndex,
  type MemberRecord,
  type Product,
  type SaleFact,
} from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
import { DEMO_DEVICES, DEMO_PRICES, DEMO_PRODUCTS, seedDemo } from '../src/demo-data';
import { DEMO_EARN_RULES } from '../src/demo-people';
import { DEMO_PRIVACY_KEYS } from '../src/pii/keyring';
import { writeMemberRecords } from '../src/pii/member-vault';
import type { JsonObject } from '../src/protocol';
import { createSyncServer } from '../src/server';
import { load, openPgliteBench, openPostgresBench, type BenchStorage } from './bench-support';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '2000' },
    sales: { type: 'string', default: '300' },
    batch: { type: 'string', default: '500' },
  },
});
const MEMBERS = Number(values.members);
const SALES = Number(values.sales);
const BATCH = Number(values.batch);
const KEYS = DEMO_PRIVACY_KEYS;

const open = (): Promise<BenchStorage> =>
  process.env.DATABASE_URL ? openPostgresBench(process.env.DATABASE_URL) : openPgliteBench();

function record(i: number): MemberRecord {
  return {
    id: `MB${String(i).padStart(8, '0')}`,
    name: `会员${i}`,
    phone: `13${String(100_000_000 + i * 7).slice(-9)}`,
    tier: i % 10 === 0 ? 'gold' : 'basic',
    homeStoreId: 'S001',
    points: 0,
    status: 'active',
  };
}
const records = Array.from({ length: MEMBERS }, (_, i) => record(i));

async function timed(label: string, work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label}: ${seconds.toFixed(2)} s, ${Math.round(MEMBERS / seconds)} members/s (${load()})`,
  );
  return seconds;
}

async function intake(): Promise<void> {
  const plain = await open();
  const sealed = await open();
  try {
    console.log(`(a) intake of ${MEMBERS} members, ${BATCH} per transaction, on ${plain.label}`);
    const plainSeconds = await timed('plain member documents', async () => {
      for (let from = 0; from < MEMBERS; from += BATCH) {
        await plain.storage.transaction(async (tx) => {
          await tx.putMany(
            records.slice(from, from + BATCH).map((r) => ({
              db: 'members',
              id: r.id,
              body: memberView(r, KEYS.indexKey) as unknown as JsonObject,
              storeId: r.homeStoreId,
              expectedRev: null,
            })),
          );
        });
      }
    });
    const sealedSeconds = await timed('intake (view + sealed data)', async () => {
      for (let from = 0; from < MEMBERS; from += BATCH) {
        await sealed.storage.transaction((tx) =>
          writeMemberRecords(tx, KEYS, records.slice(from, from + BATCH)),
        );
      }
    });
    console.log(`intake / plain: ${(sealedSeconds / plainSeconds).toFixed(2)}x`);
  } finally {
    await plain.close();
    await sealed.close();
  }
}

async function ingest(): Promise<void> {
  const bench = await open();
  const device = DEMO_DEVICES[0]!;
  const server = createSyncServer({
    storage: bench.storage,
    privacy: KEYS,
    rateLimit: false,
    memberLookupRateLimit: false,
    log: () => {},
  });
  try {
    await seedDemo(bench.storage, KEYS);
    for (let from = 0; from < MEMBERS; from += BATCH) {
      await bench.storage.transaction((tx) =>
        writeMemberRecords(tx, KEYS, records.slice(from, from + BATCH)),
      );
    }
    await bench.sql.query('ANALYZE docs');
    const url = await server.listen(0);
    const product = DEMO_PRODUCTS[0] as Product;
    const price = DEMO_PRICES.find((p) => p.sku === product.id)!.amount;
    const sale = (n: number, byIndex: boolean): SaleFact => {
      const member = records[(n * 7919) % MEMBERS]!;
      const made = saleFactFixture({
        id: `${device.deviceId}-01JBENCH${byIndex ? 'P' : 'I'}${String(n).padStart(17, '0')}`,
        storeId: device.storeId,
        deviceId: device.deviceId,
        soldAt: '2026-01-02T03:04:05.000Z',
        lines: [[product, price, 1]],
        member: memberView(member, KEYS.indexKey),
        earnRules: DEMO_EARN_RULES,
      });
      if (!byIndex) return made;
      const { memberId: _memberId, ...rest } = made;
      return { ...rest, memberPhoneIndex: phoneIndex(KEYS.indexKey, member.phone) };
    };
    console.log(`(b) push ingest of ${SALES} sales, one per request, among ${MEMBERS} members`);
    const rates: Record<string, number> = {};
    for (const byIndex of [false, true]) {
      const label = byIndex ? 'by memberPhoneIndex' : 'by memberId';
      const started = performance.now();
      for (let n = 0; n < SALES; n++) {
        const { id, ...rest } = sale(n, byIndex);
        const response = await fetch(`${url}/saleFacts/_bulk_docs`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${device.token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ docs: [{ _id: id, ...rest }] }),
        });
        const rows = (await response.json()) as { ok?: boolean }[];
        if (!rows[0]?.ok) throw new Error(`sale ${id} refused: ${JSON.stringify(rows)}`);
      }
      const seconds = (performance.now() - started) / 1000;
      rates[label] = SALES / seconds;
      console.log(`${label}: ${Math.round(SALES / seconds)} sales/s (${load()})`);
    }
    console.log(
      `by index / by id: ${(rates['by memberPhoneIndex']! / rates['by memberId']!).toFixed(2)}x the rate`,
    );
  } finally {
    await server.close();
    await bench.close();
  }
}

await intake();
await ingest();
