/**
 * Holds under concurrency ([OC1]-[OC3]): C customers at once each place N
 * pickup orders one after another through `placeOrder`, on K hot SKUs at one
 * store with U units on hand each. An order has 1-3 lines of distinct SKUs,
 * 1-3 units each (4 units on average): by default the orders ask about 15%
 * more than the store has, so SKUs run out near the end and refusals (out of
 * stock) are part of the work. Every run asks exactly the same orders. At the end the run checks
 * for oversell: for every SKU the units held are at most the units on hand,
 * and the hold levels equal the units of the held orders, SKU by SKU.
 *
 * Ours on PGlite and, when `DATABASE_URL` is set, on PostgreSQL; beside the
 * latter the lower bound of a hand-written SQL path on the same work: a
 * two-column table (sku, available) whose rows are locked with
 * `SELECT ... FOR UPDATE`, decremented, and the order inserted as one jsonb
 * row under its idempotency key, one transaction per order.
 *
 *   npx tsx sync-server/bench/order-holds.bench.ts [--customers 50] [--orders 100] [--skus 100] [--on-hand 175]
 *   DATABASE_URL=postgres://... npx tsx sync-server/bench/order-holds.bench.ts
 *
 * Prints orders/s (placed and refused), holds/s (held order lines) and
 * units/s, and the oversell check. No assertions: a benchmark.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { StockLevel } from '@pos/domain';
import { ORDERS_DB, placeOrder, type PlaceOrderInput } from '../src/orders/holds';
import { heldByLevel } from '../src/orders/store-orders';
import {
  load,
  openPgliteBench,
  openPostgresBench,
  seedDocs,
  type BenchStorage,
} from './bench-support';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '50' },
    orders: { type: 'string', default: '100' },
    skus: { type: 'string', default: '100' },
    'on-hand': { type: 'string', default: '175' },
    'skip-pglite': { type: 'boolean', default: false },
    'skip-peer': { type: 'boolean', default: false },
  },
});
const CUSTOMERS = Number(values.customers);
const ORDERS = Number(values.orders);
const SKUS = Number(values.skus);
const ON_HAND = Number(values['on-hand']);
if (![CUSTOMERS, ORDERS, SKUS, ON_HAND].every((n) => Number.isInteger(n) && n > 0) || SKUS < 3) {
  console.error(
    'usage: order-holds.bench.ts [--customers 50] [--orders 100 (per customer)] [--skus 100 (≥ 3)] [--on-hand 175] [--skip-pglite] [--skip-peer]',
  );
  process.exit(2);
}

const STORE = 'S001';
/** The same pool size for ours and the peer on PostgreSQL. */
const POOL = 10;
const sku = (i: number) => `SKU-HOT-${String(i + 1).padStart(4, '0')}`;

/** A small deterministic generator per customer, so every run asks the same. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Order `n` of customer `c`: 1-3 distinct hot SKUs, 1-3 units each, for pickup at S001. */
function makeOrder(c: number, n: number, next: () => number, run: string): PlaceOrderInput {
  const count = 1 + Math.floor(next() * 3);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(next() * SKUS));
  const lines = [...chosen].map((i, l) => {
    const quantity = 1 + Math.floor(next() * 3);
    return {
      lineId: `L${l + 1}`,
      sku: sku(i),
      quantity,
      unitPrice: 1000,
      net: 1000 * quantity,
      fulfilment: { mode: 'pickup' as const, storeId: STORE },
    };
  });
  return {
    idempotencyKey: `${run}-C${c}-${n}`,
    channel: 'shop',
    customer: { memberId: `M${c}` },
    lines,
    total: lines.reduce((sum, line) => sum + line.net, 0),
  };
}

type Outcome = { held: boolean; lines: number; units: number };
type Run = {
  label: string;
  placed: number;
  refused: number;
  lines: number;
  units: number;
  seconds: number;
  load: string;
  check: string;
};

/** Every customer places its orders back to back. */
async function drive(
  label: string,
  place: (order: PlaceOrderInput) => Promise<Outcome>,
): Promise<Omit<Run, 'check'>> {
  const run = randomUUID().slice(0, 8);
  let placed = 0;
  let refused = 0;
  let lines = 0;
  let units = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CUSTOMERS }, async (_, c) => {
      const next = random(c + 1);
      for (let n = 0; n < ORDERS; n++) {
        const outcome = await place(makeOrder(c, n, next, run));
        if (outcome.held) {
          placed++;
          lines += outcome.lines;
          units += outcome.units;
        } else refused++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { label, placed, refused, lines, units, seconds, load: load() };
}

async function ours(open: () => Promise<BenchStorage>): Promise<Run> {
  const bench = await open();
  try {
    await seedDocs(
      bench,
      'stock',
      Array.from({ length: SKUS }, (_, i) => {
        const level: StockLevel = {
          id: `${STORE}:${sku(i)}`,
          storeId: STORE,
          sku: sku(i),
          onHand: ON_HAND,
        };
        return { id: level.id, body: level, storeId: STORE };
      }),
    );
    const run = await drive(`placeOrder on ${bench.label}`, async (order) => {
      const result = await placeOrder(bench.storage, order, new Date().toISOString());
      if (!result.ok && result.code !== 'OUT_OF_STOCK') {
        throw new Error(`${result.code}: ${result.message}`);
      }
      return {
        held: result.ok,
        lines: order.lines.length,
        units: order.lines.reduce((sum, line) => sum + line.quantity, 0),
      };
    });
    // [OC3] No oversell: held ≤ on hand per SKU, and the hold levels are the held orders' units.
    const ids = Array.from({ length: SKUS }, (_, i) => `${STORE}:${sku(i)}`);
    const stock = await bench.storage.getDocs('stock', ids, null);
    const heldNow = await heldByLevel(bench.storage);
    // Read with SQL: the storage's `findDocs` returns at most 1000 documents.
    const orders = await bench.sql.query<{ sku: string; units: string }>(
      `SELECT l->>'sku' AS sku, sum((l->>'quantity')::int) AS units
         FROM docs, jsonb_array_elements(body->'lines') AS l
        WHERE db = $1 AND body->>'status' = 'held' GROUP BY 1`,
      [ORDERS_DB],
    );
    const [count] = await bench.sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM docs WHERE db = $1 AND body->>'status' = 'held'`,
      [ORDERS_DB],
    );
    const heldOrders = Number(count?.n);
    const fromOrders = new Map(orders.map((r) => [`${STORE}:${r.sku}`, Number(r.units)]));
    let oversold = 0;
    let mismatched = 0;
    let heldTotal = 0;
    for (const id of ids) {
      const level = stock.get(id)?.body as StockLevel;
      const onHand = level.onHand;
      const held = heldNow.get(id) ?? 0;
      heldTotal += held;
      if (held > onHand) oversold += held - onHand;
      if (held !== (fromOrders.get(id) ?? 0)) mismatched++;
    }
    const exact = heldOrders === run.placed && heldTotal === run.units;
    return {
      ...run,
      check:
        `oversell ${oversold}; ${heldTotal} of ${SKUS * ON_HAND} units held; ` +
        `${heldOrders} held orders; hold levels ${mismatched === 0 ? 'equal' : `DIFFER on ${mismatched} SKUs from`} the orders' units` +
        `${exact ? '' : '; INCONSISTENT with what was placed'}`,
    };
  } finally {
    await bench.close();
  }
}

async function peer(url: string): Promise<Run> {
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(`CREATE SCHEMA ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL,
    options: `-c search_path=${schema}`,
  });
  try {
    await pool.query(`CREATE TABLE atp (sku text PRIMARY KEY, available int NOT NULL)`);
    await pool.query(`CREATE TABLE orders (key text PRIMARY KEY, body jsonb NOT NULL)`);
    await pool.query(
      `INSERT INTO atp SELECT 'SKU-HOT-' || lpad(i::text, 4, '0'), $1 FROM generate_series(1, $2) i`,
      [ON_HAND, SKUS],
    );
    const run = await drive('SELECT ... FOR UPDATE, hand-written', async (order) => {
      const client = await pool.connect();
      const want = new Map(order.lines.map((line) => [line.sku, line.quantity]));
      const skus = [...want.keys()].sort();
      try {
        await client.query('BEGIN');
        const rows = (
          await client.query<{ sku: string; available: number }>(
            `SELECT sku, available FROM atp WHERE sku = ANY($1) ORDER BY sku FOR UPDATE`,
            [skus],
          )
        ).rows;
        const ok = skus.every(
          (s) => (rows.find((r) => r.sku === s)?.available ?? 0) >= want.get(s)!,
        );
        if (!ok) {
          await client.query('ROLLBACK');
          return { held: false, lines: 0, units: 0 };
        }
        await client.query(
          `UPDATE atp SET available = available - w.q
             FROM unnest($1::text[], $2::int[]) AS w(s, q) WHERE atp.sku = w.s`,
          [skus, skus.map((s) => want.get(s)!)],
        );
        await client.query(`INSERT INTO orders VALUES ($1, $2)`, [order.idempotencyKey, order]);
        await client.query('COMMIT');
        return {
          held: true,
          lines: order.lines.length,
          units: order.lines.reduce((sum, line) => sum + line.quantity, 0),
        };
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    });
    const [check] = (
      await pool.query<{ negative: string; held: string }>(
        `SELECT count(*) FILTER (WHERE available < 0) AS negative,
                $1::int * $2::int - sum(available) AS held FROM atp`,
        [SKUS, ON_HAND],
      )
    ).rows;
    return {
      ...run,
      check: `oversell ${check?.negative === '0' ? 0 : `on ${check?.negative} SKUs`}; ${check?.held} units held${
        Number(check?.held) === run.units ? '' : '; INCONSISTENT with what was placed'
      }`,
    };
  } finally {
    await pool.end();
    await setup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await setup.end();
  }
}

function show(run: Run): string[] {
  const per = (n: number) => Math.round(n / run.seconds);
  return [
    `  ${run.label}:`,
    `    ${run.placed + run.refused} orders in ${run.seconds.toFixed(1)} s = ${per(run.placed + run.refused)} orders/s ` +
      `(${per(run.placed)} placed/s, ${run.refused} refused out of stock) (${run.load})`,
    `    holds: ${run.lines} lines = ${per(run.lines)} holds/s, ${run.units} units = ${per(run.units)} units/s`,
    `    ${run.check}`,
  ];
}

console.log(
  `order holds: ${CUSTOMERS} customers at once, ${ORDERS} orders each, ${SKUS} hot SKUs at ${STORE} with ${ON_HAND} units each, ` +
    `orders of 1-3 lines of 1-3 units for pickup`,
);
const runs: Run[] = [];
if (!values['skip-pglite']) runs.push(await ours(openPgliteBench));
const url = process.env.DATABASE_URL;
let theirs: Run | string = 'not measured: set DATABASE_URL';
if (url) {
  runs.push(await ours(() => openPostgresBench(url, { max: POOL })));
  if (!values['skip-peer']) theirs = await peer(url);
}
for (const run of runs) console.log(show(run).join('\n'));
if (typeof theirs === 'string') console.log(`  peer: ${theirs}`);
else {
  console.log(show(theirs).join('\n'));
  for (const run of runs.filter((r) => r.label.includes('PostgreSQL'))) {
    const ratio = run.lines / run.seconds / (theirs.lines / theirs.seconds);
    console.log(`  ratio ${run.label} / peer (holds/s): ${ratio.toFixed(2)}x`);
  }
}
process.exit(0);
