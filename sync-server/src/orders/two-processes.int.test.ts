/**
 * Orders in two real server processes: two `sync-server serve` OS processes
 * on one PostgreSQL database. [OC3] Customers racing through both for the
 * last units get exactly as many holds as there are units; [OC6] [OC7] both
 * run the hold-expiry sweeper, every expired hold is expired by exactly one
 * of them, and its units are free again for the next order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { holdPolicy, type Order } from '@pos/domain';
import { provisionAdminToken } from '../auth';
import { openPostgresStorage } from '../storage/postgres';
import { cliArgs, cliEnv, requestAs, TEST_DATABASE_URL } from '../test-support';
import { ORDERS_DB, placeOrder } from './holds';
import { heldUnits, pickupOrder, seedStock } from './orders.fixture';

type ServerProcess = { child: ChildProcess; url: string; stderr: () => string };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A database of its own inside TEST_DATABASE_URL's cluster, dropped after the test. */
async function ownDatabase(): Promise<string> {
  const name = `orders_sweep_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  cleanups.push(async () => {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** `sync-server serve` as an OS process on `databaseUrl`; resolves when it listens. */
async function serve(databaseUrl: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    await cliArgs(['serve', '--port', '0', '--no-rate-limit', '--quiet']),
    { env: cliEnv(databaseUrl), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) resolve({ child, url, stderr: () => stderr });
    });
    void exited.then(() => reject(new Error(`the server exited before listening: ${stderr}`)));
  });
}

/** The orders a process's sweeper logged as expired. */
function expiredBy(server: ServerProcess): string[] {
  return server
    .stderr()
    .split('\n')
    .slice(0, -1) // the last piece may be a line still being written
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; orders?: string[] })
    .filter((entry) => entry.msg === 'order holds expired')
    .flatMap((entry) => entry.orders ?? []);
}

/** A database with `onHand` units of the hot SKU at S001, an admin token, and two server processes on it. */
async function twoProcesses(onHand: number) {
  const databaseUrl = await ownDatabase();
  // The tables exist before the servers start; the test seeds and reads through its own pool.
  const storage = await openPostgresStorage(databaseUrl, { max: 2 });
  cleanups.push(() => storage.close());
  await seedStock(storage, onHand);
  const admin = (await provisionAdminToken(storage, 'shop-backend')).token;
  const [a, b] = await Promise.all([serve(databaseUrl), serve(databaseUrl)]);
  expect(a.child.pid).not.toBe(b.child.pid);
  return { storage, admin, a, b };
}

describe.skipIf(!TEST_DATABASE_URL)('orders in two server OS processes on one PostgreSQL', () => {
  it('[OC3] 50 customers race over HTTP through both processes for the last 3 units: exactly 3 holds', async () => {
    const { storage, admin, a, b } = await twoProcesses(3);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        requestAs(i % 2 ? b.url : a.url, admin, '/_orders', {
          method: 'POST',
          headers: { 'idempotency-key': `race-${i}` },
          body: pickupOrder(1, `M${i}`),
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(47);
    for (const answer of answers.filter((x) => x.status === 409)) {
      expect(answer.body).toMatchObject({
        error: 'out_of_stock',
        lines: [{ lineId: 'L1', requested: 1, available: 0 }],
      });
    }
    expect(await heldUnits(storage)).toBe(3);
    expect(await storage.findDocs(ORDERS_DB, {})).toHaveLength(3);
  }, 60_000);

  it('[OC6] [OC7] both processes sweep: each expired hold is expired by exactly one, its units return', async () => {
    const { storage, admin, a, b } = await twoProcesses(10);

    // Rounds of holds already past their end, placed while both processes sweep.
    const placed: string[] = [];
    const longAgo = new Date(Date.now() - 20 * 60_000).toISOString();
    for (let round = 0; round < 3; round++) {
      const orders = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          placeOrder(
            storage,
            { idempotencyKey: `r${round}-${i}`, ...pickupOrder(2, `M${round}-${i}`) },
            longAgo,
            holdPolicy({ holdMinutes: 15 }),
          ),
        ),
      );
      for (const order of orders) {
        if (!order.ok) throw new Error(`placing failed: ${order.message}`);
        placed.push(order.order.id);
      }
      expect(await heldUnits(storage)).toBe(10);
      await expect.poll(() => heldUnits(storage), { timeout: 10_000, interval: 50 }).toBe(0);
    }

    const stored = await storage.findDocs(ORDERS_DB, {});
    expect(stored.map((row) => (row.body as Order).status)).toEqual(placed.map(() => 'expired'));
    // Both processes ran the sweeper; every order was expired (and logged) by exactly one.
    await expect
      .poll(() => [...expiredBy(a), ...expiredBy(b)].length, { timeout: 5_000, interval: 50 })
      .toBe(placed.length);
    expect([...expiredBy(a), ...expiredBy(b)].sort()).toEqual([...placed].sort());

    // The units are free again: an order for all of them, through either process, is held.
    const again = await requestAs(b.url, admin, '/_orders', {
      method: 'POST',
      headers: { 'idempotency-key': 'after-expiry' },
      body: pickupOrder(10, 'M-after'),
    });
    expect(again.status).toBe(201);
    expect((again.body as { order: Order }).order.status).toBe('held');
    expect(await heldUnits(storage)).toBe(10);
  }, 60_000);
});
