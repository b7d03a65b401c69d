/**
 * The clerk's desk against the real sync server, on PGlite and on
 * PostgreSQL (TEST_DATABASE_URL): the tablet's replica filled by real RxDB
 * replication over HTTP, the clerk routes over the HTTP client, the device's
 * own store in the replica's local documents. A camera scan of the demo
 * tee finds its sizes here; the size this store lacks is 3 km away at S002;
 * the clerk orders it for pickup there for a member; the customer pays on
 * the simulated provider's page; the clerk's commission shows. Then the
 * network goes: stock shows stale, an order is queued, and it is placed
 * once when the network is back, or fails with the server's reason.
 * Last, a transfer HQ drafts from S001 to S002: S001's tablet picks it by
 * barcode and ships it by RFID tags (offline first), S002's tablet receives
 * it one short, and stock comes out exact at both stores ([CL15]-[CL19]).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  encodeSgtin96,
  parseTakeNowCode,
  toHex,
  type Staff,
  type StockLevel,
  type TransferOrder,
} from '@pos/domain';
import type { TagRead } from '@pos/hardware/protocol';
import {
  createHttpClerkServer,
  createHttpTransfersServer,
  createTillReplica,
  storeTransfers,
  openClerkLocalStore,
  openOutbox,
  openReplica,
  startReplication,
  type ReplicaDatabase,
  type Replication,
} from '@pos/replica';
import {
  createSyncServer,
  DEMO_CODE_KEY,
  DEMO_MISSING_SKU,
  DEMO_PRIVACY_KEYS,
  DEMO_STYLE_PRODUCTS,
  DEMO_TABLETS,
  openPgliteStorage,
  openPostgresStorage,
  provisionAdminToken,
  seedDemo,
  type SyncServer,
  type SyncStorage,
} from '@pos/sync-server';
import {
  createClerkDesk,
  createStateStore,
  initialTillState,
  type ClerkDesk,
  type DeviceBridge,
  type Outcome,
} from '@pos/app-core';
import { memoryLocalStore } from './clerk.fixture';
import { createTransfers, type TransferDesk } from './transfers';

const TABLET = DEMO_TABLETS[0];
const CLERK_ID = 'S001-E03';
const DATABASE_URL = process.env.TEST_DATABASE_URL;

type Backend = {
  name: string;
  skip: boolean;
  open(): Promise<SyncStorage & { drop?(): Promise<void> }>;
};
const BACKENDS: Backend[] = [
  { name: 'PGlite', skip: false, open: () => openPgliteStorage('memory://') },
  {
    name: DATABASE_URL ? 'PostgreSQL' : 'PostgreSQL (skipped: TEST_DATABASE_URL is not set)',
    skip: !DATABASE_URL,
    async open() {
      const schema = `clerk_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const storage = await openPostgresStorage(DATABASE_URL!, { schema });
      return Object.assign(storage, {
        async drop() {
          const client = new pg.Client({ connectionString: DATABASE_URL });
          await client.connect();
          try {
            await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          } finally {
            await client.end();
          }
        },
      });
    },
  },
];

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome.value;
}

let replicas = 0;

/** The store's printer through the hub: prints everything (nothing here prints). */
const PRINTER: DeviceBridge = {
  printReceipt: async () => ({ printed: true }),
  printDocument: async () => ({ printed: true }),
  openDrawer: async () => {},
};

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(
    `the clerk's desk against the sync server on ${backend.name}`,
    () => {
      let storage: SyncStorage & { drop?(): Promise<void> };
      let server: SyncServer;
      let url: string;
      let db: ReplicaDatabase;
      let replication: Replication;
      let desk: ClerkDesk;
      /** Whether the tablet's network is up: when not, every request fails as a cut cable does. */
      let network = true;

      beforeAll(async () => {
        storage = await backend.open();
        await seedDemo(storage);
        server = createSyncServer({ storage, log: () => {}, rateLimit: false, holdSweeper: false });
        url = await server.listen(0, '127.0.0.1');
        const fetch: typeof globalThis.fetch = (input, init) =>
          network ? globalThis.fetch(input, init) : Promise.reject(new TypeError('fetch failed'));
        db = await openReplica({ name: `clerk-int-${replicas++}`, storage: getRxStorageMemory() });
        replication = startReplication(db, { url, token: TABLET.token });
        await replication.awaitInitialSync();
        const outbox = await openOutbox(db, { url, token: TABLET.token });
        const config = {
          storeId: TABLET.storeId,
          deviceId: TABLET.deviceId,
          currency: 'CNY',
          receiptColumns: 48 as const,
          codeKeys: [{ id: DEMO_CODE_KEY.id, secretHex: toHex(DEMO_CODE_KEY.secret) }],
          memberIndexKey: {
            id: DEMO_PRIVACY_KEYS.indexKey.id,
            secretHex: toHex(DEMO_PRIVACY_KEYS.indexKey.secret),
          },
        };
        const replica = createTillReplica(db, {
          storeId: config.storeId,
          deviceId: config.deviceId,
          priceList: 'CN-LIST',
          target: { url, token: TABLET.token, fetch },
          indexKey: DEMO_PRIVACY_KEYS.indexKey,
        });
        const clerk = (await replica.staff(CLERK_ID)) as Staff;
        const state = createStateStore({ ...initialTillState('CNY'), staff: clerk });
        let ids = 0;
        desk = createClerkDesk({
          replica,
          outbox,
          devices: PRINTER,
          config,
          state,
          clock: () => new Date(),
          newId: () =>
            `${config.deviceId}-${Date.now().toString(36)}${String(ids++).padStart(4, '0')}`,
          language: () => 'zh-CN',
          server: createHttpClerkServer({ baseUrl: url, token: TABLET.token, fetch, db }),
          local: openClerkLocalStore(db),
          online: () => network,
        });
      });
      afterAll(async () => {
        await replication?.stop();
        await db?.close();
        await server?.close();
        await storage?.close();
        await storage?.drop?.();
      });

      it('[CL3] [CL4] [CL7] [CL9] [CL10] a scan finds the sizes here; the missing one is ordered at S002, paid, and credited', async () => {
        const missing = DEMO_STYLE_PRODUCTS.find((p) => p.id === DEMO_MISSING_SKU)!;
        const [found] = value(await desk.find(missing.gtin.slice(1)));
        expect(found).toMatchObject({
          product: { id: DEMO_MISSING_SKU },
          style: { styleId: 'TEE-01' },
        });
        const style = found!.style!;
        const here = await desk.stockHere(style);
        const cell = (sku: string) => here.cells.flat().find((c) => c?.sku === sku);
        expect(cell(DEMO_MISSING_SKU)).toEqual({ sku: DEMO_MISSING_SKU, atp: 0 });
        expect(here.cells.flat().every((c) => c === null || c.atp !== null)).toBe(true);

        const chain = await desk.chainStock(style, DEMO_MISSING_SKU);
        if (chain.state !== 'live') throw new Error(`not live: ${JSON.stringify(chain)}`);
        const [s002] = chain.stores;
        expect(s002).toMatchObject({ storeId: 'S002', atp: { [DEMO_MISSING_SKU]: 4 } });
        expect(s002!.distanceMetres).toBeGreaterThan(1000);

        let cart = value(await desk.memberByPhone(desk.newCart(), '13800138001'));
        expect(cart.customer).toMatchObject({ memberId: 'M0001', maskedPhone: '138****8001' });
        cart = value(
          desk.addLine(cart, found!, 1, { mode: 'pickup', storeId: 'S002', storeName: s002!.name }),
        );
        const white = value(await desk.product('TEE-01-WH-M'));
        cart = value(desk.addLine(cart, white, 1, { mode: 'take-now' }));
        const totals = await desk.totals(cart);
        const sent = value(await desk.submit(cart));
        const order = sent.order!;
        expect(order).toMatchObject({
          status: 'held',
          total: totals.ordered,
          attributionStoreId: 'S001',
          lines: [{ sku: DEMO_MISSING_SKU, credits: [{ staffId: CLERK_ID, share: 10_000 }] }],
        });
        // [TK2] A till of this store reads the take-now code with the chain's key.
        expect(parseTakeNowCode(sent.takeNowCode, [DEMO_CODE_KEY])).toMatchObject({
          ok: true,
          cart: { storeId: 'S001', lines: [{ sku: 'TEE-01-WH-M', quantity: 1 }] },
        });

        const payment = value(await desk.pay(order.id));
        // The customer scans the QR and pays on the simulated provider's page.
        expect((await fetch(payment.qrPayload, { method: 'POST' })).status).toBe(200);
        await vi.waitFor(async () => {
          expect(value(await desk.order(order.id)).status).toBe('paid');
        });
        await vi.waitFor(async () => {
          const mine = await desk.commission(CLERK_ID);
          if (mine.state !== 'live') throw new Error(mine.reason);
          // [CM4] Black L's own rule: 8 % of 99.00.
          expect(mine.answer.day.commission).toBeGreaterThanOrEqual(792);
          expect(mine.answer.lines.map((l) => l.source)).toContain(`order:${order.id}`);
        });
      });

      it('[CL8] [VG5] offline: stock stale, orders queued; back online each is placed once or fails with the reason', async () => {
        const [found] = value(await desk.find(DEMO_MISSING_SKU));
        const style = found!.style!;
        const live = await desk.chainStock(style);
        expect(live.state).toBe('live');
        const customer = { memberId: 'M0001', maskedPhone: '138****8001', tier: 'gold' };
        const pickup = { mode: 'pickup' as const, storeId: 'S002', storeName: 'S002' };

        network = false;
        const stale = await desk.chainStock(style);
        expect(stale).toMatchObject({
          state: 'stale',
          asOf: live.state === 'live' ? live.asOf : '',
        });
        // Products and this store's stock come from the replica.
        expect((await desk.stockHere(style)).total).toBeGreaterThan(0);
        const one = value(desk.addLine({ ...desk.newCart(), customer }, found!, 1, pickup));
        const tooMany = value(desk.addLine({ ...desk.newCart(), customer }, found!, 99, pickup));
        const queued = value(await desk.submit(one)).queued!;
        const doomed = value(await desk.submit(tooMany)).queued!;
        expect(await desk.flush()).toMatchObject([{ state: 'queued' }, { state: 'queued' }]);

        network = true;
        const after = await desk.flush();
        const byId = new Map(after.map((q) => [q.request.requestId, q]));
        const placed = byId.get(queued.request.requestId)!;
        expect(placed).toMatchObject({ state: 'placed', order: { status: 'held' } });
        expect(byId.get(doomed.request.requestId)).toMatchObject({
          state: 'failed',
          code: 'OUT_OF_STOCK',
          reason: expect.any(String),
        });
        // Sent again with the same key: the server answers the same order, never a second one.
        const again = await createHttpClerkServer({ baseUrl: url, token: TABLET.token }).placeOrder(
          placed.request,
        );
        expect(again).toMatchObject({ ok: true, value: { order: { id: placed.order!.id } } });
        await desk.flush();
        await desk.dismiss(queued.request.requestId);
        await desk.dismiss(doomed.request.requestId);
        expect(await desk.queue()).toEqual([]);
      });

      it('[CL15] [CL16] [CL18] [CL19] S001 picks by barcode and ships by RFID (offline first); S002 receives one short; stock is exact', async () => {
        const [S001_TAB, S002_TAB] = DEMO_TABLETS;
        const [TEE_A, TEE_B] = DEMO_STYLE_PRODUCTS.filter((p) => p.id !== DEMO_MISSING_SKU);
        const tag = (gtin: string, serial: number) => {
          const made = encodeSgtin96({ gtin, serial });
          if (!made.ok) throw new Error(made.message);
          return made.epc;
        };
        const reads = new Set<(read: TagRead) => void>();
        const fetch: typeof globalThis.fetch = (input, init) =>
          network ? globalThis.fetch(input, init) : Promise.reject(new TypeError('fetch failed'));
        const outbox = await openOutbox(db, { url, token: S001_TAB.token });
        let ids = 0;
        // Both tablets look products up in this replica: the catalog is chain-wide.
        const deskOf = (tablet: (typeof DEMO_TABLETS)[number], own: boolean): TransferDesk => {
          const config = {
            storeId: tablet.storeId,
            deviceId: tablet.deviceId,
            currency: 'CNY',
            receiptColumns: 48 as const,
          };
          const staff = { id: `${tablet.storeId}-E03`, name: 'clerk' } as Staff;
          return createTransfers({
            replica: createTillReplica(db, {
              storeId: config.storeId,
              deviceId: config.deviceId,
              priceList: 'CN-LIST',
              target: { url, token: tablet.token, fetch },
            }),
            outbox,
            devices: PRINTER,
            config,
            state: createStateStore({ ...initialTillState('CNY'), staff }),
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
        const sender = deskOf(S001_TAB, true);
        const receiver = deskOf(S002_TAB, false);
        const stockOf = async (storeId: string, sku: string) =>
          (
            (await storage.getDocs('stock', [`${storeId}:${sku}`], null)).get(`${storeId}:${sku}`)
              ?.body as StockLevel | undefined
          )?.onHand ?? 0;
        const stocks = async () => ({
          a1: await stockOf('S001', TEE_A!.id),
          b1: await stockOf('S001', TEE_B!.id),
          a2: await stockOf('S002', TEE_A!.id),
          b2: await stockOf('S002', TEE_B!.id),
        });
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
        const transfer = (await created.json()) as TransferOrder;
        const before = await stocks();

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
        // The store's copy of the transfer reaches the tablet's replica: what it shows offline.
        replication.reSync();
        await vi.waitFor(
          async () =>
            expect(
              (await storeTransfers(db, 'S001')).find((t) => t.id === transfer.id)?.status,
            ).toBe('received'),
          { timeout: 20_000 },
        );
        expect(await stocks()).toEqual({
          a1: before.a1 - 2,
          b1: before.b1 - 1,
          a2: before.a2 + 1,
          b2: before.b2 + 1,
        });
      });
    },
  );
}
