/**
 * Holds against available-to-promise on both backends: the race for the last
 * units, idempotent placement, and the expiry that gives units back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holdPolicy, type Order } from '@pos/domain';
import { BACKENDS } from '../test-support';
import { heldUnits, HOT_SKU, pickupOrder, seedStock } from './orders.fixture';
import type { SyncStorage } from '../storage/storage';
import { expireHolds, ORDER_KEYS_DB, ORDERS_DB, placeOrder, type PlaceOrderInput } from './holds';

const NOW = '2026-03-01T10:00:00.000Z';
const POLICY = holdPolicy({ holdMinutes: 15 });
const SKU = HOT_SKU;
const input = (key: string, quantity = 1, customer = 'M1'): PlaceOrderInput => ({
  idempotencyKey: key,
  ...pickupOrder(quantity, customer),
});

describe.each(BACKENDS)('order holds on $name', (backend) => {
  let storage: SyncStorage;
  beforeEach(async () => {
    if (backend.skip) return;
    storage = await backend.open();
    await seedStock(storage, 3);
  });
  afterEach(async () => {
    await storage?.close();
  });

  it.skipIf(backend.skip)(
    '[OC3] 50 customers race for the last 3 units: exactly 3 holds',
    async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          placeOrder(storage, input(`race-${i}`, 1, `M${i}`), NOW, POLICY),
        ),
      );
      const held = results.filter((r) => r.ok);
      const refused = results.filter((r) => !r.ok);
      expect(held).toHaveLength(3);
      expect(refused).toHaveLength(47);
      for (const r of refused) {
        expect(r).toMatchObject({
          ok: false,
          code: 'OUT_OF_STOCK',
          lines: [{ lineId: 'L1', sku: SKU, storeId: 'S001', requested: 1, available: 0 }],
        });
      }
      expect(await heldUnits(storage)).toBe(3);
      const orders = await storage.findDocs(ORDERS_DB, { fields: { status: 'held' } });
      expect(orders).toHaveLength(3);
      expect((await storage.findDocs(ORDER_KEYS_DB, {})).length).toBe(3);
    },
  );

  it.skipIf(backend.skip)(
    '[OC1] out of stock names each short line and what is available; nothing is written',
    async () => {
      await seedStock(storage, 1, 'S001', 'SKU-B');
      const order = input('k-short', 2);
      order.lines.push({
        lineId: 'L2',
        sku: 'SKU-B',
        quantity: 4,
        unitPrice: 500,
        net: 2000,
        fulfilment: { mode: 'pickup', storeId: 'S001' },
      });
      order.total += 2000;
      const result = await placeOrder(storage, order, NOW, POLICY);
      expect(result).toMatchObject({
        ok: false,
        code: 'OUT_OF_STOCK',
        lines: [{ lineId: 'L2', sku: 'SKU-B', requested: 4, available: 1 }],
      });
      expect(!result.ok && result.message).toContain(
        'line L2 (SKU-B at S001): 4 asked, 1 available',
      );
      const big = await placeOrder(storage, input('k-big', 4), NOW, POLICY);
      expect(big).toMatchObject({ code: 'OUT_OF_STOCK', lines: [{ lineId: 'L1', available: 3 }] });
      // Two lines of one SKU at one store are held together: 2 + 2 > 3.
      const split = input('k-split', 2);
      split.lines.push({ ...split.lines[0]!, lineId: 'L2' });
      split.total *= 2;
      expect(await placeOrder(storage, split, NOW, POLICY)).toMatchObject({
        code: 'OUT_OF_STOCK',
        lines: [
          { lineId: 'L1', available: 3 },
          { lineId: 'L2', available: 3 },
        ],
      });
      expect(await heldUnits(storage)).toBe(0);
      expect(await storage.findDocs(ORDERS_DB, {})).toHaveLength(0);
      expect(await storage.findDocs(ORDER_KEYS_DB, {})).toHaveLength(0);
    },
  );

  it.skipIf(backend.skip)('[OC1] an invalid order is refused by the domain [OD2]', async () => {
    const bad = { ...input('k-bad'), total: 1 };
    expect(await placeOrder(storage, bad, NOW, POLICY)).toMatchObject({
      ok: false,
      code: 'ORDER_INVALID',
    });
    expect(
      await placeOrder(storage, { ...input('x'), idempotencyKey: '' }, NOW, POLICY),
    ).toMatchObject({ ok: false, code: 'ORDER_INVALID' });
    expect(await heldUnits(storage)).toBe(0);
    expect(await storage.findDocs(ORDERS_DB, {})).toHaveLength(0);
  });

  it.skipIf(backend.skip)(
    '[OC2] a retried placement returns the first order and holds nothing more',
    async () => {
      const first = await placeOrder(storage, input('k-1', 2), NOW, POLICY);
      expect(first).toMatchObject({ ok: true, replayed: false });
      const retries = await Promise.all(
        [1, 2, 3].map(() => placeOrder(storage, input('k-1', 2), NOW, POLICY)),
      );
      for (const retry of retries) {
        expect(retry).toMatchObject({ ok: true, replayed: true });
        expect(retry.ok && retry.order.id).toBe(first.ok && first.order.id);
      }
      expect(await heldUnits(storage)).toBe(2);
      expect(await storage.findDocs(ORDERS_DB, {})).toHaveLength(1);
    },
  );

  it.skipIf(backend.skip)(
    '[OC2] the same key with another body is refused and changes nothing',
    async () => {
      const first = await placeOrder(storage, input('k-2', 1), NOW, POLICY);
      const other = await placeOrder(storage, input('k-2', 2), NOW, POLICY);
      expect(other).toMatchObject({
        ok: false,
        code: 'IDEMPOTENCY_KEY_REUSED',
        orderId: first.ok && first.order.id,
      });
      expect(await heldUnits(storage)).toBe(1);
      expect(await storage.findDocs(ORDERS_DB, {})).toHaveLength(1);
    },
  );

  it.skipIf(backend.skip)(
    '[OC4] an unpaid hold expires at its instant, its units return, a new order takes them',
    async () => {
      const placed = await Promise.all(
        [0, 1, 2].map((i) => placeOrder(storage, input(`e-${i}`, 1, `M${i}`), NOW, POLICY)),
      );
      expect(placed.every((p) => p.ok)).toBe(true);
      expect(await placeOrder(storage, input('late-0'), NOW, POLICY)).toMatchObject({
        code: 'OUT_OF_STOCK',
      });

      const justBefore = '2026-03-01T10:14:59.999Z';
      expect(await expireHolds(storage, justBefore)).toEqual([]);
      expect(await heldUnits(storage)).toBe(3);

      const expiry = '2026-03-01T10:15:00.000Z';
      const expired = await expireHolds(storage, expiry);
      expect(expired.map((o) => o.status)).toEqual(['expired', 'expired', 'expired']);
      expect(await heldUnits(storage)).toBe(0);
      expect(await expireHolds(storage, expiry)).toEqual([]);
      expect(await heldUnits(storage)).toBe(0);
      const stored = await storage.findDocs(ORDERS_DB, { fields: { status: 'expired' } });
      expect(stored.map((r) => (r.body as Order).closedAt)).toEqual([expiry, expiry, expiry]);

      const again = await placeOrder(storage, input('late-1', 3), expiry, POLICY);
      expect(again).toMatchObject({ ok: true, order: { status: 'held' } });
      expect(again.ok && again.order.holdExpiresAt).toBe('2026-03-01T10:30:00.000Z');
      expect(await heldUnits(storage)).toBe(3);
      // A retry of an expired order's placement returns it as it is now: expired.
      const retry = await placeOrder(storage, input('e-0', 1, 'M0'), expiry, POLICY);
      expect(retry).toMatchObject({ ok: true, replayed: true, order: { status: 'expired' } });
      expect(await heldUnits(storage)).toBe(3);
    },
  );
});
