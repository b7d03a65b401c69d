/**
 * The hold-expiry sweeper: one process at a time sweeps (two storages on one
 * PostgreSQL database), and a server running it at its default interval
 * expires an unpaid hold within 5 s of its expiry, its units free again.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { holdPolicy, type Order } from '@pos/domain';
import { provisionAdminToken } from '../auth';
import { createSyncServer } from '../server';
import { openPostgresStorage } from '../storage/postgres';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS, requestAs, TEST_DATABASE_URL } from '../test-support';
import { placeOrder, type PlaceOrderInput } from './holds';
import { HOLD_SWEEP_LOCK, sweepExpiredHolds, sweepOrders } from './sweeper';
import { seedDemo } from '../demo-data';
import { level, payThrough, placePickup, readOrder, testProvider } from './store.fixture';
import { heldUnits, pickupOrder, seedStock } from './orders.fixture';

const input = (key: string, quantity: number): PlaceOrderInput => ({
  idempotencyKey: key,
  ...pickupOrder(quantity),
});
const NOW = '2026-03-01T10:00:00.000Z';
const LATER = '2026-03-01T10:16:00.000Z';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('the sweep lock on two server processes sharing PostgreSQL', () => {
  /** Two storages on one schema, as two server processes on one database have. */
  async function twoStorages(): Promise<[SyncStorage, SyncStorage]> {
    const schema = `sweep_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const a = await openPostgresStorage(TEST_DATABASE_URL!, { schema, max: 5 });
    const b = await openPostgresStorage(TEST_DATABASE_URL!, { schema, max: 5 });
    cleanups.push(async () => {
      await a.close();
      await b.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    });
    return [a, b];
  }

  it.skipIf(!TEST_DATABASE_URL)(
    '[OC6] while one process sweeps, the other does not take the lock',
    async () => {
      const [a, b] = await twoStorages();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const first = a.withSweepLock(HOLD_SWEEP_LOCK, async () => {
        entered();
        await released;
        return 'a';
      });
      await inside;
      expect(await b.withSweepLock(HOLD_SWEEP_LOCK, async () => 'b')).toEqual({ ran: false });
      release();
      expect(await first).toEqual({ ran: true, value: 'a' });
      expect(await b.withSweepLock(HOLD_SWEEP_LOCK, async () => 'b')).toEqual({
        ran: true,
        value: 'b',
      });
    },
  );

  it.skipIf(!TEST_DATABASE_URL)(
    '[OC6] two processes sweep an expired hold at once: exactly one expires it, units return',
    async () => {
      const [a, b] = await twoStorages();
      await seedStock(a, 3);
      const placed = await placeOrder(a, input('k-1', 3), NOW, holdPolicy({ holdMinutes: 15 }));
      expect(placed.ok).toBe(true);
      expect(await heldUnits(b)).toBe(3);
      const [fromA, fromB] = await Promise.all([
        sweepExpiredHolds(a, LATER),
        sweepExpiredHolds(b, LATER),
      ]);
      const expired = [...fromA.expired, ...fromB.expired];
      expect(expired.map((o) => o.status)).toEqual(['expired']);
      const other = fromA.expired.length === 1 ? fromB : fromA;
      // The other either did not get the lock, or got it after and found nothing.
      expect(other.expired).toEqual([]);
      expect(await heldUnits(a)).toBe(0);
      const again = await placeOrder(b, input('k-2', 3), LATER);
      expect(again.ok).toBe(true);
    },
  );

  it.skipIf(!TEST_DATABASE_URL)(
    '[OC6] [OS4] two processes sweep a pickup past its deadline at once: cancelled, refunded and released once',
    async () => {
      const [a, b] = await twoStorages();
      await seedDemo(a);
      const provider = testProvider();
      const { order } = await payThrough(a, provider, await placePickup(a, 'k-deadline'));
      const before = await level(a, 'S001', 'SKU-0001');
      const at = order.pickupDeadline!;
      const [fromA, fromB] = await Promise.all([
        sweepOrders(a, at, { provider }),
        sweepOrders(b, at, { provider }),
      ]);
      const cancelled = [
        ...(fromA.deadlines?.cancelled ?? []),
        ...(fromB.deadlines?.cancelled ?? []),
      ];
      expect(cancelled.map((o) => o.id)).toEqual([order.id]);
      // Whichever process settles the refund, the provider refunds once.
      await sweepOrders(b, at, { provider });
      expect(provider.refunds).toHaveLength(1);
      expect((await readOrder(a, order.id)).status).toBe('refunded');
      expect(await level(a, 'S001', 'SKU-0001')).toEqual({ ...before, held: before.held - 2 });
    },
  );
});

describe.each(BACKENDS)('the sweeper in a running server on $name', (backend) => {
  it.skipIf(backend.skip || backend !== BACKENDS[0])(
    '[OC6] PGlite has one process: the sweep always runs',
    async () => {
      const storage = await backend.open();
      cleanups.push(() => storage.close());
      expect(storage.kind).toBe('pglite');
      expect(await storage.withSweepLock(HOLD_SWEEP_LOCK, async () => 1)).toEqual({
        ran: true,
        value: 1,
      });
    },
  );

  it.skipIf(backend.skip)(
    '[OC7] an unpaid hold expires within 5 s of its expiry at the default interval; its units return',
    async () => {
      const storage = await backend.open();
      await seedStock(storage, 3);
      const admin = (await provisionAdminToken(storage, 'shop-backend')).token;
      let offsetMs = 0;
      const clock = () => new Date(Date.now() + offsetMs);
      const server = createSyncServer({ storage, now: clock, log: () => {}, rateLimit: false });
      const url = await server.listen(0, '127.0.0.1');
      cleanups.push(async () => {
        await server.close();
        await storage.close();
      });
      const placed = await requestAs(url, admin, '/_orders', {
        method: 'POST',
        headers: { 'idempotency-key': 'k-1' },
        body: { ...input('unused', 3), idempotencyKey: undefined },
      });
      expect(placed.status).toBe(201);
      const order = (placed.body as { order: Order }).order;
      expect(await heldUnits(storage)).toBe(3);
      // Jump the clock to just before the hold ends, then wait for the sweeper.
      const expiresAt = Date.parse(order.holdExpiresAt!);
      offsetMs = expiresAt - 300 - Date.now();
      let seenAt: number | undefined;
      for (;;) {
        const read = await requestAs(url, admin, `/_orders/${order.id}`);
        if ((read.body as { order: Order }).order.status === 'expired') {
          seenAt = clock().getTime();
          break;
        }
        expect(clock().getTime() - expiresAt).toBeLessThan(5000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seenAt! - expiresAt).toBeLessThan(5000);
      expect(await heldUnits(storage)).toBe(0);
      const again = await requestAs(url, admin, '/_orders', {
        method: 'POST',
        headers: { 'idempotency-key': 'k-2' },
        body: { ...input('unused', 3), idempotencyKey: undefined },
      });
      expect(again.status).toBe(201);
    },
    20_000,
  );
});
