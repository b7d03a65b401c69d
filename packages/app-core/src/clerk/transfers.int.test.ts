/**
 * Transfers on the clerk's tablet against the real sync server on PGlite:
 * HQ drafts a transfer from S001 to S002; S001's tablet picks it by
 * barcode, ships it by RFID tags (offline first: the step waits and is sent
 * again with its id), and S002's tablet receives it one short. The tablets
 * ask `/_transfers` over the replica's HTTP client; products come from a
 * replica holding the demo catalog's tees (chain-wide, so both tablets look
 * up in it). Stock comes out exact at both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { encodeSgtin96, type StockLevel, type TransferOrder } from '@pos/domain';
import type { TagRead } from '@pos/hardware/protocol';
import {
  createHttpClerkServer,
  createHttpTransfersServer,
  createTillReplica,
  openClerkLocalStore,
  openOutbox,
  openReplica,
  type ReplicaDatabase,
} from '@pos/replica';
import {
  createSyncServer,
  DEMO_MISSING_SKU,
  DEMO_STYLE_PRODUCTS,
  DEMO_TABLETS,
  openPgliteStorage,
  provisionAdminToken,
  seedDemo,
  type SyncServer,
  type SyncStorage,
} from '@pos/sync-server';
import type { Outcome } from '../outcome';
import { createStateStore, initialTillState } from '../state';
import { memoryLocalStore } from './clerk.fixture';
import { createTransfers, type TransferDesk } from './transfers';

const [S001_TAB, S002_TAB] = DEMO_TABLETS;
const [TEE_A, TEE_B] = DEMO_STYLE_PRODUCTS.filter((p) => p.id !== DEMO_MISSING_SKU);

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome.value;
}

const tag = (gtin: string, serial: number) => {
  const made = encodeSgtin96({ gtin, serial });
  if (!made.ok) throw new Error(made.message);
  return made.epc;
};

describe("transfers on the clerk's tablets against the sync server on PGlite", () => {
  let storage: SyncStorage;
  let server: SyncServer;
  let url: string;
  let db: ReplicaDatabase;
  let sender: TransferDesk;
  let receiver: TransferDesk;
  let transfer: TransferOrder;
  let network = true;
  const reads = new Set<(read: TagRead) => void>();
  const stockOf = async (storeId: string, sku: string) =>
    (
      (await storage.getDocs('stock', [`${storeId}:${sku}`], null)).get(`${storeId}:${sku}`)
        ?.body as StockLevel | undefined
    )?.onHand ?? 0;
  let before: { a1: number; b1: number; a2: number; b2: number };

  beforeAll(async () => {
    storage = await openPgliteStorage('memory://');
    await seedDemo(storage);
    server = createSyncServer({ storage, log: () => {}, rateLimit: false, holdSweeper: false });
    url = await server.listen(0, '127.0.0.1');
    const fetch: typeof globalThis.fetch = (input, init) =>
      network ? globalThis.fetch(input, init) : Promise.reject(new TypeError('fetch failed'));
    db = await openReplica({ name: 'transfers-int', storage: getRxStorageMemory() });
    // The catalog's tees, as replication brings them (chain-wide: both tablets look up in it).
    await db.products.bulkInsert(DEMO_STYLE_PRODUCTS.map((p) => ({ ...p })));
    const outbox = await openOutbox(db, { url, token: S001_TAB.token });
    let ids = 0;
    const deskOf = (tablet: typeof S001_TAB | typeof S002_TAB, own: boolean) => {
      const config = {
        storeId: tablet.storeId,
        deviceId: tablet.deviceId,
        currency: 'CNY',
        receiptColumns: 48 as const,
      };
      const replica = createTillReplica(db, {
        storeId: config.storeId,
        deviceId: config.deviceId,
        priceList: 'CN-LIST',
        target: { url, token: tablet.token, fetch },
      });
      const staff = { id: `${tablet.storeId}-E03`, name: 'clerk' };
      return createTransfers({
        replica,
        outbox,
        devices: {
          printReceipt: async () => ({ printed: true }),
          printDocument: async () => ({ printed: true }),
          openDrawer: async () => {},
        },
        config,
        state: createStateStore({ ...initialTillState('CNY'), staff: staff as never }),
        clock: () => new Date(),
        newId: () => `${tablet.deviceId}-STEP${String(ids++).padStart(4, '0')}`,
        language: () => 'zh-CN',
        server: createHttpClerkServer({ baseUrl: url, token: tablet.token, fetch, db }),
        local: own ? openClerkLocalStore(db) : memoryLocalStore(),
        online: () => network,
        transfers: createHttpTransfersServer({ baseUrl: url, token: tablet.token, fetch, db }),
        floor: {
          onTagRead: (callback) => (reads.add(callback), () => void reads.delete(callback)),
        },
      });
    };
    sender = deskOf(S001_TAB, true);
    receiver = deskOf(S002_TAB, false);
    const admin = (await provisionAdminToken(storage, 'hq-transfers')).token;
    const created = await globalThis.fetch(`${url}/_console/transfers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        from: 'S001',
        to: 'S002',
        lines: [
          { sku: TEE_A!.id, quantity: 2 },
          { sku: TEE_B!.id, quantity: 1 },
        ],
        reason: 'S002 is short of these sizes',
      }),
    });
    expect(created.status).toBe(201);
    transfer = (await created.json()) as TransferOrder;
    before = {
      a1: await stockOf('S001', TEE_A!.id),
      b1: await stockOf('S001', TEE_B!.id),
      a2: await stockOf('S002', TEE_A!.id),
      b2: await stockOf('S002', TEE_B!.id),
    };
  });
  afterAll(async () => {
    await db?.close();
    await server?.close();
    await storage?.close();
  });

  it('[CL15] [CL16] [CL18] [CL19] S001 picks by barcode and ships by RFID (offline first); S002 receives one short; stock is exact', async () => {
    // S001 picks: the draft is its to act on; S002 has nothing to do yet.
    expect(value(await receiver.board()).tasks).toEqual([]);
    const board = value(await sender.board());
    expect(board.tasks.map((t) => [t.order.id, t.step])).toEqual([[transfer.id, 'ready']]);
    const pick = value(await sender.start(transfer.id));
    for (const code of [TEE_A!.gtin, TEE_A!.gtin, TEE_B!.id])
      value(await sender.scan(pick.stepId, code));
    expect(value(await sender.confirm(pick.stepId))).toMatchObject({
      state: 'sent',
      answer: { status: 'ready' },
    });

    // S001 ships by reading the tags in the box, then the network goes.
    const ship = value(await sender.start(transfer.id));
    expect(ship.step).toBe('shipped');
    const reading = value(sender.read(ship.stepId, () => {}));
    const epcs = [tag(TEE_A!.gtin, 9001), tag(TEE_A!.gtin, 9002), tag(TEE_B!.gtin, 9003)];
    for (const epc of [...epcs, epcs[0]!]) {
      for (const r of [...reads]) r({ epc, scheme: 'sgtin-96' } as TagRead);
    }
    await reading.stop();
    network = false;
    expect(value(await sender.confirm(ship.stepId))).toMatchObject({ state: 'waiting' });
    network = true;
    const [shipped] = await sender.flush();
    expect(shipped).toMatchObject({ state: 'sent', answer: { status: 'shipped' } });
    // Sent again (say its answer was lost): the same id records it once.
    const again = await createHttpTransfersServer({
      baseUrl: url,
      token: S001_TAB.token,
    }).confirmStep(transfer.id, {
      stepId: ship.stepId,
      step: 'shipped',
      lines: shipped!.answer!.lines.map((l) => ({
        sku: l.sku,
        quantity: l.shipped!,
        ...(l.epcs ? { epcs: l.epcs } : {}),
      })),
      staffId: 'S001-E03',
      at: shipped!.confirmedAt!,
    });
    expect(again).toMatchObject({ ok: true, value: { status: 'shipped' } });

    // S002 receives: one tee A is missing from the box.
    const task = value(await receiver.board()).tasks;
    expect(task.map((t) => [t.order.id, t.step])).toEqual([[transfer.id, 'received']]);
    const receive = value(await receiver.start(transfer.id));
    value(await receiver.scan(receive.stepId, TEE_A!.gtin));
    value(await receiver.scan(receive.stepId, TEE_B!.gtin));
    const received = value(await receiver.confirm(receive.stepId));
    expect(received.answer).toMatchObject({
      status: 'received',
      lines: [
        { sku: TEE_A!.id, shipped: 2, received: 1, discrepancy: -1 },
        { sku: TEE_B!.id, shipped: 1, received: 1, discrepancy: 0 },
      ],
    });
    expect(value(await sender.board()).tasks).toEqual([]);
    expect({
      a1: await stockOf('S001', TEE_A!.id),
      b1: await stockOf('S001', TEE_B!.id),
      a2: await stockOf('S002', TEE_A!.id),
      b2: await stockOf('S002', TEE_B!.id),
    }).toEqual({ a1: before.a1 - 2, b1: before.b1 - 1, a2: before.a2 + 1, b2: before.b2 + 1 });
  });
});
