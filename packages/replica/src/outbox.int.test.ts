/**
 * Sales waiting to upload, against the real sync server: a sale counts as
 * waiting until the server confirms it, including across a restart and an outage.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { SaleFact } from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
import {
  DEMO_PRICES,
  DEMO_PRODUCTS,
  startSyncServer,
  type RunningSyncServer,
} from '@pos/sync-server';
import { openReplica, type ReplicaDatabase } from './database';
import { openOutbox, watchOutbox } from './outbox';
import { startReplication } from './replication';

const token = 'demo-s001-pos1';
let n = 0;

function sale(i: number): SaleFact {
  const product = DEMO_PRODUCTS[0]!;
  const price = DEMO_PRICES.find((p) => p.sku === product.id)!;
  return saleFactFixture({
    id: `S001-POS1-01JOUTBOX00000000000000${String(i).padStart(2, '0')}`,
    storeId: 'S001',
    deviceId: 'S001-POS1',
    soldAt: '2026-11-22T04:00:00.000Z',
    lines: [[product, price.amount, 1]],
  });
}

describe('facts outbox', () => {
  let server: RunningSyncServer | null;
  let url: string;
  let dataDir: string;
  let db: ReplicaDatabase;
  const storage = getRxStorageMemory();

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pos-outbox-'));
    server = await startSyncServer({ port: 0, dataDir, seedDemo: true });
    url = server.url;
    db = await openReplica({ name: `outbox${n++}`, storage });
  });
  afterEach(async () => {
    await db.close();
    await server?.close();
  });

  it('counts an offline sale as waiting until the server confirms it', async () => {
    await server!.close();
    server = null;
    const outbox = await openOutbox(db, { url, token });
    const replication = startReplication(db, { url, token });
    const stop = watchOutbox(outbox, replication);
    await outbox.record('sale', sale(1));
    await outbox.record('sale', sale(2));
    expect(await firstValueFrom(outbox.pending$)).toBe(2);
    await expect(outbox.confirm()).rejects.toThrow();
    expect(await firstValueFrom(outbox.pending$)).toBe(2);

    server = await startSyncServer({ port: Number(new URL(url).port), dataDir });
    replication.reSync();
    await firstValueFrom(outbox.pending$.pipe(filter((count) => count === 0)));
    stop();
    await replication.stop();
  });

  it('keeps the count across a restart, and drops ids whose sale was never stored', async () => {
    const outbox = await openOutbox(db, { url, token });
    await outbox.record('sale', sale(3));
    // A crash between the two writes leaves an id without a sale.
    type Entries = { entries: { collection: string; id: string }[] };
    const local = await db.getLocal<Entries>('facts-outbox');
    await local!.incrementalModify((data) => ({
      entries: [...data.entries, { collection: 'saleFacts', id: 'S001-POS1-NEVER-STORED' }],
    }));
    const name = db.name;
    await db.close();

    db = await openReplica({ name, storage });
    const reopened = await openOutbox(db, { url, token });
    expect(await firstValueFrom(reopened.pending$)).toBe(1);
    // The sale was never pushed (no replication ran), so the server does not confirm it.
    expect(await reopened.confirm()).toBe(1);
  });
});
