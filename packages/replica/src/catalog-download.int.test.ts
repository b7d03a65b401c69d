/**
 * The first download below RxDB's document path against the real sync
 * server (PGlite over HTTP): everything arrives, later changes come by
 * replication and nothing twice, a stopped download resumes, a bad page is
 * an error in words that writes nothing of itself.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { filter, firstValueFrom, merge } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { Price, Product } from '@pos/domain';
import {
  DEMO_PRICES,
  DEMO_PRODUCTS,
  startSyncServer,
  type RunningSyncServer,
} from '@pos/sync-server';
import {
  DOWNLOAD_COLLECTIONS,
  downloadCatalog,
  firstDownloadPending,
  markId,
  readMark,
} from './catalog-download';
import { openReplica, type ReplicaDatabase } from './database';
import { startReplication } from './replication';

const TOKEN = 'demo-s001-pos1';
// Small pages, so the demo chain takes several of them.
const PAGE = 5;

/** Every document of every down collection, as its JSON without RxDB's metadata, by collection. */
async function contents(db: ReplicaDatabase): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of DOWNLOAD_COLLECTIONS) {
    const docs = await db[name].find().exec();
    out[name] = docs.map((doc) => JSON.stringify(doc.toJSON())).sort();
  }
  return out;
}

describe('first catalog download', () => {
  let server: RunningSyncServer;
  let databases = 0;
  let opened: ReplicaDatabase | null = null;
  const open = async () => {
    opened = await openReplica({
      name: `first-download-${databases++}`,
      storage: getRxStorageMemory(),
    });
    return opened;
  };
  // RxDB opens at most 13 collections per process: a failed test's replica is closed too.
  afterEach(async () => {
    if (opened && !opened.closed) await opened.close();
  });

  /** What plain replication gives the same terminal now. */
  const reference = async () => {
    const db = await open();
    const replication = startReplication(
      db,
      { url: server.url, token: TOKEN },
      { firstDownload: false },
    );
    await replication.awaitInitialSync();
    await replication.stop();
    const docs = await contents(db);
    await db.close();
    return docs;
  };
  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
  });
  afterAll(() => server?.close());

  it('[CDL1] [CDL6] gets everything in pages, then a change on the server arrives by replication, nothing pulled twice', async () => {
    const expected = await reference();
    const db = await open();
    const replication = startReplication(
      db,
      { url: server.url, token: TOKEN },
      { download: { pageSize: PAGE } },
    );
    const pulled: string[] = [];
    merge(...DOWNLOAD_COLLECTIONS.map((name) => replication.states[name].received$)).subscribe(
      (doc) => pulled.push((doc as unknown as { id: string }).id),
    );
    let downloaded = 0;
    replication.downloaded$.subscribe((n) => (downloaded += n));
    await replication.awaitInitialSync();
    expect(await contents(db)).toEqual(expected);
    expect(pulled).toEqual([]);
    expect(downloaded).toBe(Object.values(expected).flat().length);
    for (const name of DOWNLOAD_COLLECTIONS)
      expect(await readMark(db, name)).toMatchObject({ done: true });

    // A product and a price change on the server: replication brings them, and only them.
    const product = DEMO_PRODUCTS[0]!;
    const price = DEMO_PRICES[0]!;
    const [productRow] = (await server.storage.getDocs('products', [product.id], null)).values();
    const [priceRow] = (await server.storage.getDocs('prices', [price.id], null)).values();
    const renamed: Product = { ...product, name: `${product.name} (new)` };
    const repriced: Price = { ...price, amount: price.amount + 100 };
    const written = await server.storage.bulkWrite([
      {
        db: 'products',
        id: product.id,
        body: renamed,
        storeId: null,
        expectedRev: productRow!.rev,
      },
      { db: 'prices', id: price.id, body: repriced, storeId: null, expectedRev: priceRow!.rev },
    ]);
    expect(written.every((w) => w.ok)).toBe(true);
    replication.reSync();
    await firstValueFrom(
      replication.states.prices.received$.pipe(
        filter((d) => (d as unknown as { id: string }).id === price.id),
      ),
    );
    await replication.awaitInSync();
    await expect.poll(() => pulled.length).toBe(2);
    expect(pulled.sort()).toEqual([price.id, product.id].sort());
    expect((await db.products.findOne(product.id).exec())?.name).toBe(renamed.name);
    expect((await db.prices.findOne(price.id).exec())?.amount).toBe(repriced.amount);
    await replication.stop();
    await db.close();
  });

  it('[CDL2] a download stopped after some pages resumes and ends with exactly the server documents', async () => {
    const db = await open();
    let pages = 0;
    const stopping: typeof fetch = async (input, init) => {
      if (++pages > 3) throw new TypeError('Failed to fetch (the till was switched off)');
      return fetch(input, init);
    };
    const target = { url: server.url, token: TOKEN };
    await expect(
      downloadCatalog(db, { ...target, fetch: stopping }, { pageSize: PAGE, parallel: 1 }),
    ).rejects.toThrow(/switched off/);
    const mark = await readMark(db, 'products');
    expect(mark).toMatchObject({ done: false });
    // [CDL5] The app waits for it at its next start, though products are there.
    expect(await firstDownloadPending(db)).toBe(true);
    expect(mark!.sequence).toBeGreaterThan(0);
    // Three pages asked and written; the fourth, asked while the third was written, failed.
    expect(await db.products.count().exec()).toBe(3 * PAGE);

    // Killed after a page was written but before its mark: the page is read again over what is there.
    await db.upsertLocal(markId('products'), { sequence: 0, done: false });
    const resumed = await downloadCatalog(db, target, { pageSize: PAGE });
    expect(resumed.written).toBeGreaterThan(0);
    const written = await contents(db);
    expect(await firstDownloadPending(db)).toBe(false);

    // Done: a later start downloads nothing.
    const again = await downloadCatalog(db, target, { pageSize: PAGE });
    expect(again.written).toBe(0);
    expect(Object.keys(again.sequences).sort()).toEqual([...DOWNLOAD_COLLECTIONS].sort());
    await db.close();
    expect(written).toEqual(await reference());
  });

  it('[CDL4] a refused or malformed page is an error in words and writes nothing of itself', async () => {
    const db = await open();
    const target = { url: server.url, token: TOKEN };
    const secondPage = (answer: () => Response): typeof fetch => {
      let pages = 0;
      return async (input, init) => (++pages === 2 ? answer() : fetch(input, init));
    };
    const options = { pageSize: PAGE, parallel: 1, collections: ['products'] as const };
    await expect(
      downloadCatalog(
        db,
        {
          ...target,
          fetch: secondPage(() => new Response('{"error":"internal"}', { status: 500 })),
        },
        options,
      ),
    ).rejects.toThrow(
      /^The sync server answered 500 internal for the changes of products since \d+/,
    );
    expect(await db.products.count().exec()).toBe(PAGE);
    const after500 = await readMark(db, 'products');

    const cut = '{"results":[{"seq":1,"id":"P1","doc":{"_id":"P1","name":"x"}},{"seq":2';
    await expect(
      downloadCatalog(db, { ...target, fetch: secondPage(() => new Response(cut)) }, options),
    ).rejects.toThrow(/changes of products since \d+ is not JSON/);
    const noDoc = '{"results":[{"seq":1,"id":"P1"}],"last_seq":1}';
    await expect(
      downloadCatalog(db, { ...target, fetch: secondPage(() => new Response(noDoc)) }, options),
    ).rejects.toThrow(/has a row without a document/);
    // Each attempt resumed, wrote its good first page and nothing of the bad one.
    expect(await db.products.count().exec()).toBe(3 * PAGE);
    expect((await readMark(db, 'products'))!.sequence).toBeGreaterThan(after500!.sequence);
    await db.close();
  });
});
