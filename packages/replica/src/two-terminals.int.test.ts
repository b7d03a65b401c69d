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
import { toFact, type Price, type Product, type SaleFact } from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
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

type Terminal = (typeof terminals)[number];

// RxDB's free build allows 13 open collections per process, one terminal's
// worth; in a store each terminal is its own process. Here the terminals take
// turns: each session opens the terminal's replica (kept in memory storage
// across sessions, as IndexedDB keeps it across restarts) and closes it.
const storage = getRxStorageMemory();

async function session<T>(
  url: string,
  t: Terminal,
  work: (db: ReplicaDatabase, replication: Replication) => Promise<T>,
): Promise<T> {
  const db = await openReplica({ name: `terminal-${t.deviceId.toLowerCase()}`, storage });
  const replication = startReplication(db, { url, token: t.token });
  try {
    return await work(db, replication);
  } finally {
    await replication.stop();
    await db.close();
  }
}

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

  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir, seedDemo: true });
    url = server.url;
    await provisionDevice(server.storage, terminals[1].token, {
      deviceId: 'S001-POS2',
      storeId: 'S001',
    });
    for (const t of terminals) {
      await session(url, t, (_db, replication) => replication.awaitInitialSync());
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  it('[SL6] [PJ1] counts both offline sales exactly once each, and both terminals see the new level', async () => {
    const before = await stockOnServer(url, terminals[0].token);
    await server!.close();
    server = null;

    const sold: SaleFact[] = [];
    for (const [i, t] of terminals.entries()) {
      const quantity = i + 1; // 1 on the first terminal, 2 on the second
      const sale = saleFactFixture({
        id: `${t.deviceId}-01JOFFLINE000000000000000${i}`,
        storeId: 'S001',
        deviceId: t.deviceId,
        soldAt: '2026-11-22T04:00:00.000Z',
        lines: [[product, price.amount, quantity]],
      });
      await session(url, t, (db) => db.facts.insert(toFact('sale', sale)));
      sold.push(sale);
    }

    server = await startSyncServer({ port: Number(new URL(url).port), dataDir });
    for (const t of terminals) {
      await session(url, t, (_db, replication) => replication.awaitInSync());
    }
    expect(await stockOnServer(url, terminals[0].token)).toBe(before - 3);

    const response = await fetch(`${url}/saleFacts/_all_docs`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${terminals[0].token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ keys: sold.map((s) => s.id), include_docs: true }),
    });
    const rows = ((await response.json()) as { rows: { doc?: { due: number } }[] }).rows;
    expect(rows.map((row) => row.doc?.due)).toEqual(sold.map((s) => s.due));

    for (const t of terminals) {
      const local = await session(url, t, async (db, replication) => {
        await replication.awaitInSync();
        return (await db.stock.findOne(`S001:${product.id}`).exec())?.onHand;
      });
      expect(local).toBe(before - 3);
    }
    expect(await stockOnServer(url, terminals[0].token)).toBe(before - 3);
  });
});
