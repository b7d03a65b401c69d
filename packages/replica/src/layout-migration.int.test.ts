/**
 * [DK5] A till upgrading from the layout of one fact collection per kind to
 * `facts`, against the real sync server (PGlite): it holds synced and
 * unsynced sales, a return and a shift close; the copy is interrupted; the
 * next open completes it; the till syncs; the server holds every fact once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstValueFrom, filter } from 'rxjs';
import {
  createRxDatabase,
  getAllCollectionDocuments,
  type RxCollection,
  type RxDatabase,
  type RxJsonSchema,
} from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  closeShift,
  phoneIndex,
  planReturn,
  shiftTotals,
  SCHEMAS,
  type ReturnFact,
  type SaleFact,
  type ShiftFact,
  type StockLevel,
} from '@pos/domain';
import { INDEX_KEY_FIXTURE, saleFactFixture } from '@pos/domain/fixtures';
import {
  DEMO_PRICES,
  DEMO_PRODUCTS,
  startSyncServer,
  type RunningSyncServer,
} from '@pos/sync-server';
import { OLD_FACT_COLLECTIONS, REPLICA_COLLECTIONS, openReplica } from './database';
import { openOutbox, watchOutbox } from './outbox';
import { startReplication } from './replication';
import { MEMBERS_SCHEMA_V0 } from './test-fixtures';

const token = 'demo-s001-pos1';
const AT = '2026-11-22T04:00:00.000Z';
const product = DEMO_PRODUCTS[0]!;
const price = DEMO_PRICES.find((p) => p.sku === product.id)!;

function sale(i: number): SaleFact {
  return saleFactFixture({
    id: `S001-POS1-01JUPGRADE000000000000${String(i).padStart(2, '0')}`,
    storeId: 'S001',
    deviceId: 'S001-POS1',
    soldAt: AT,
    lines: [[product, price.amount, 1]],
  });
}

/** The 13 collections of the earlier layout, with the schemas that release stored. */
const OLD_LAYOUT = [
  ...REPLICA_COLLECTIONS.filter((n) => !['facts', 'chain', 'storeState'].includes(n)),
  ...OLD_FACT_COLLECTIONS,
];

async function openOldLayout(name: string, storage: ReturnType<typeof getRxStorageMemory>) {
  const db: RxDatabase = await createRxDatabase({
    name,
    storage,
    multiInstance: false,
    eventReduce: true,
    closeDuplicates: true,
    localDocuments: true,
  });
  await db.addCollections(
    Object.fromEntries(
      OLD_LAYOUT.map((n) => {
        const schema =
          n === 'members'
            ? MEMBERS_SCHEMA_V0
            : (structuredClone(SCHEMAS[n]) as unknown as RxJsonSchema<unknown>);
        return [n, { schema }];
      }),
    ),
  );
  return db;
}

describe('a till upgrading to the facts layout', () => {
  let server: RunningSyncServer;
  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
  });
  afterAll(() => server?.close());

  const stockOnHand = async () => {
    const id = `S001:${product.id}`;
    return ((await server.storage.getDocs('stock', [id], null)).get(id)?.body as StockLevel).onHand;
  };

  it('[DK5] [PI4] keeps every synced and unsynced fact through an interrupted copy, and the server holds each once', async () => {
    const storage = getRxStorageMemory();
    const name = 'upgrading-till';
    const onHandAtStart = await stockOnHand();

    // Today's layout: three sales already uploaded, two not, a return and a shift close not.
    // The last sale names a member this till did not hold by the phone, in plaintext.
    const memberPhone = '13900139003';
    const sales = [1, 2, 3, 4, 5].map(sale);
    sales[4] = { ...sales[4]!, memberPhone };
    const { memberPhone: _, ...pseudonymised } = {
      ...sales[4],
      memberPhoneIndex: phoneIndex(INDEX_KEY_FIXTURE, memberPhone),
    };
    const planned = planReturn(
      sales[1]!,
      [],
      [{ lineId: sales[1]!.lines[0]!.lineId, quantity: 1 }],
      {
        id: 'S001-POS1-01JUPGRADERETURN01',
        storeId: 'S001',
        deviceId: 'S001-POS1',
        now: AT,
      },
    );
    if (!planned.ok) throw new Error(planned.message);
    const ret: ReturnFact = planned.ret;
    const shift: ShiftFact = closeShift(
      {
        id: 'S001-POS1-01JUPGRADESHIFT01',
        storeId: 'S001',
        deviceId: 'S001-POS1',
        cashierId: 'S001-E01',
        openedAt: AT,
        openingFloat: 20_000,
      },
      shiftTotals({ sales, returns: [ret], noSaleOpens: 0 }),
      20_000,
      AT,
    );
    const uploaded = await fetch(`${server.url}/saleFacts/_bulk_docs`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        docs: sales.slice(0, 3).map(({ id, ...rest }) => ({ _id: id, ...rest })),
      }),
    });
    expect(uploaded.status).toBe(201);
    expect(await stockOnHand()).toBe(onHandAtStart - 3);

    const old = await openOldLayout(name, storage);
    const collections = old.collections as Record<string, RxCollection>;
    await collections.saleFacts!.bulkInsert(sales);
    await collections.returns!.insert(ret);
    await collections.shifts!.insert(shift);
    const waiting = [
      ...sales.slice(3).map((s) => ({ collection: 'saleFacts', id: s.id })),
      { collection: 'returns', id: ret.id },
      { collection: 'shifts', id: shift.id },
    ];
    await old.insertLocal('facts-outbox', { entries: waiting });
    await old.close();

    // The upgrade is cut off after three of the seven facts are copied.
    await expect(
      openReplica({
        name,
        storage,
        onFactCopied: (copied) => {
          if (copied === 3) throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    // Nothing of the old layout was removed before every fact was copied.
    const between = await createRxDatabase({ name, storage, multiInstance: false });
    const listed = (await getAllCollectionDocuments(between.internalStore)).map((d) => d.data.name);
    expect(listed).toEqual(expect.arrayContaining(['saleFacts', 'returns', 'shifts', 'facts']));
    await between.close();

    // The next start completes the copy and opens the new layout only; the
    // sale's phone is copied as its blind index [PI4].
    const db = await openReplica({ name, storage, indexKey: INDEX_KEY_FIXTURE });
    expect(Object.keys(db.collections).sort()).toEqual([...REPLICA_COLLECTIONS].sort());
    expect(Object.keys(db.collections)).toHaveLength(11);
    const facts = (await db.facts.find().exec()).map((d) => d.toJSON());
    expect(facts).toHaveLength(7);
    expect(facts.filter((f) => f.kind === 'sale')).toHaveLength(5);
    expect(facts.find((f) => f.id === sales[4]!.id)).toEqual({ ...pseudonymised, kind: 'sale' });
    expect(facts.find((f) => f.id === ret.id)).toEqual({ ...ret, kind: 'return' });
    expect(facts.find((f) => f.id === shift.id)).toEqual({ ...shift, kind: 'shift' });

    const target = { url: server.url, token };
    const outbox = await openOutbox(db, target);
    expect(await firstValueFrom(outbox.pending$)).toBe(4);
    const replication = startReplication(db, target);
    const stop = watchOutbox(outbox, replication);
    await firstValueFrom(outbox.pending$.pipe(filter((count) => count === 0)));
    await replication.awaitInSync();
    stop();
    await replication.stop();
    await db.close();

    // Every fact exactly once; stock moved once per sale and back once for the return.
    const stored = await server.storage.getDocs(
      'saleFacts',
      sales.map((s) => s.id),
      null,
    );
    expect(stored.size).toBe(5);
    for (const s of sales.slice(0, 4)) expect(stored.get(s.id)?.body).toEqual(s);
    expect(stored.get(sales[4]!.id)?.body).toEqual(pseudonymised);
    expect((await server.storage.getDocs('returns', [ret.id], null)).get(ret.id)?.body).toEqual(
      ret,
    );
    expect((await server.storage.getDocs('shifts', [shift.id], null)).get(shift.id)?.body).toEqual(
      shift,
    );
    expect((await server.storage.dbInfo('saleFacts', 'S001')).docCount).toBe(5);
    expect((await server.storage.dbInfo('returns', 'S001')).docCount).toBe(1);
    expect((await server.storage.dbInfo('shifts', 'S001')).docCount).toBe(1);
    expect(await stockOnHand()).toBe(onHandAtStart - 5 + 1);

    // A third start finds nothing left to migrate and nothing waiting.
    const again = await openReplica({ name, storage });
    expect(await again.facts.count().exec()).toBe(7);
    expect(await firstValueFrom((await openOutbox(again, target)).pending$)).toBe(0);
    await again.close();
  });
});
