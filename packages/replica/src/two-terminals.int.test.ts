/**
 * Two terminals of one store sell the same SKU while the sync server is down,
 * then reconnect: the server's stock level reflects both sales exactly, each
 * sale is stored once, and both terminals get the new level back.
 * Real parts: the sync server on PGlite over HTTP, RxDB replication-couchdb.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  addProduct,
  buildCashSale,
  emptyCart,
  type Price,
  type Product,
  type Sale,
} from '@pos/domain';
import {
  DEMO_PRICES,
  DEMO_PRODUCTS,
  provisionDevice,
  startSyncServer,
  type RunningSyncServer,
} from '@pos/sync-server';
import { openReplica, type ReplicaDatabase } from './database';
import { startReplication, type Replication } from './replication';

const product: Product = DEMO_PRODUCTS[3]!;
const price: Price = DEMO_PRICES.find((p) => p.sku === product.id)!;
const terminals = [
  { deviceId: 'S001-POS1', token: 'demo-s001-pos1' },
  { deviceId: 'S001-POS2', token: 'test-s001-pos2' },
] as const;

type Terminal = { db: ReplicaDatabase; replication: Replication; deviceId: string; token: string };

async function stockOnServer(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/stock/S001:${product.id}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { onHand: number }).onHand;
}

describe('two terminals of one store, offline then back', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-two-terminals-'));
  let server: RunningSyncServer | null;
  let url: string;
  const open: Terminal[] = [];

  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir, seedDemo: true });
    url = server.url;
    await provisionDevice(server.storage, terminals[1].token, {
      deviceId: 'S001-POS2',
      storeId: 'S001',
    });
    for (const [i, t] of terminals.entries()) {
      const db = await openReplica({ name: `terminal${i}`, storage: getRxStorageMemory() });
      const replication = startReplication(db, { url, token: t.token });
      await replication.awaitInitialSync();
      open.push({ db, replication, ...t });
    }
  });

  afterAll(async () => {
    for (const t of open) {
      await t.replication.stop();
      await t.db.close();
    }
    await server?.close();
  });

  it('[L1] counts both offline sales exactly once each, and both terminals see the new level', async () => {
    const before = await stockOnServer(url, terminals[0].token);
    await server!.close();
    server = null;

    const sold: Sale[] = [];
    for (const [i, t] of open.entries()) {
      const quantity = i + 1; // 1 on the first terminal, 2 on the second
      const cart = addProduct(emptyCart(), product, price, quantity);
      const sale = buildCashSale(cart, price.amount * quantity, {
        id: `${t.deviceId}-01JOFFLINE000000000000000${i}`,
        storeId: 'S001',
        deviceId: t.deviceId,
        now: '2026-11-22T04:00:00.000Z',
      });
      await t.db.sales.insert(sale);
      sold.push(sale);
    }

    server = await startSyncServer({ port: Number(new URL(url).port), dataDir });
    for (const t of open) t.replication.reSync();
    await expect
      .poll(() => stockOnServer(url, terminals[0].token), { timeout: 30_000 })
      .toBe(before - 3);
    await Promise.all(open.map((t) => t.replication.awaitInSync()));

    const response = await fetch(`${url}/sales/_all_docs`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${terminals[0].token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ keys: sold.map((s) => s.id), include_docs: true }),
    });
    const rows = ((await response.json()) as { rows: { doc?: { total: number } }[] }).rows;
    expect(rows.map((row) => row.doc?.total)).toEqual(sold.map((s) => s.total));

    for (const t of open) {
      await expect
        .poll(async () => (await t.db.stock.findOne(`S001:${product.id}`).exec())?.onHand, {
          timeout: 30_000,
        })
        .toBe(before - 3);
    }
    expect(await stockOnServer(url, terminals[0].token)).toBe(before - 3);
  });
});
