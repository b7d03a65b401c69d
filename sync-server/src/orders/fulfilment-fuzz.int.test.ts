/**
 * Random fulfilment steps pushed by the stores' devices, valid and not
 * (beyond a line, out of order, another store's, replayed, unknown
 * parcels), on each storage backend. Whatever arrives, the server answers,
 * stores every step, and keeps stock and held exact: held at a location is
 * what the orders' allocations still hold there, on hand dropped by exactly
 * the units shipped. Sized by FULFILMENT_FUZZ_STEPS (default 60).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  shipmentDocId,
  stockLevelId,
  unitsRouted,
  type FulfilmentFact,
  type FulfilmentStep,
  type Order,
  type Shipment,
} from '@pos/domain';
import { DEMO_STOCK } from '../demo-data';
import { EXCEPTIONS_DB, type FactException } from '../ledgers';
import {
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  startTestServer,
  type TestServer,
} from '../test-support';
import { fulfilmentFact, heldAt, routedPaidOrder, setOnHand } from './shipment.fixture';
import { ORDERS_DB } from './store-orders';
import { level } from './store.fixture';

const STEPS = Number(process.env.FULFILMENT_FUZZ_STEPS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);

/** A small deterministic generator (mulberry32): the same seed, the same run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

const SKUS = ['SKU-0001', 'SKU-0002', 'SKU-0003'];
const STORES = ['S001', 'S002'];
const DEVICES = { S001: S001_DEVICE, S002: S002_DEVICE } as const;

type BulkRow = { ok?: true; id: string; error?: string; reason?: string };

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`fulfilment steps fuzzed on ${backend.name}`, () => {
    let server: TestServer;
    const rows: BulkRow[] = [];
    const statuses: number[] = [];
    const sent = new Map<string, FulfilmentFact>();
    const initial = new Map<string, number>();

    beforeAll(async () => {
      server = await startTestServer(backend, { holdSweeper: false });
      // Little to spare of SKU-0002 at S002: some reroutes find nowhere to go.
      await setOnHand(server.storage, 'S002', 'SKU-0002', 2);
      for (const storeId of STORES) {
        for (const sku of SKUS) {
          initial.set(
            stockLevelId(storeId, sku),
            (await level(server.storage, storeId, sku)).onHand,
          );
        }
      }
      await routedPaidOrder(server.storage, 'O-Z1', [
        { lineId: 'L1', sku: 'SKU-0001', quantity: 3, unitPrice: 1000 },
        { lineId: 'L2', sku: 'SKU-0002', quantity: 2, unitPrice: 800 },
      ]);
      await routedPaidOrder(
        server.storage,
        'O-Z2',
        [{ lineId: 'L1', sku: 'SKU-0002', quantity: 2, unitPrice: 8000 }],
        { memberId: 'M0002' },
      );
      await routedPaidOrder(
        server.storage,
        'O-Z3',
        [
          { lineId: 'L1', sku: 'SKU-0003', quantity: 2, unitPrice: 1500 },
          { lineId: 'L2', sku: 'SKU-0001', quantity: 1, unitPrice: 1000 },
        ],
        { locationId: 'S002', memberId: 'M0003' },
      );

      const rnd = random(SEED);
      let n = 0;
      let orders = 3;
      const steps: FulfilmentStep[] = ['pick', 'pick', 'short', 'pack', 'label', 'handover'];
      for (let i = 0; i < STEPS; i++) {
        // The parcels as the stores' devices see them now.
        let parcels = (
          await server.storage.findDocs('storeState', { fields: { kind: 'shipment' } })
        )
          .map((r) => r.body as unknown as Shipment)
          .sort((a, b) => (a.shipmentId < b.shipmentId ? -1 : 1));
        const working = parcels.filter((p) => p.status === 'open' || p.status === 'packed');
        if (working.length === 0) {
          // Every parcel is done: another paid order comes in, at a store by chance.
          const lines = SKUS.filter(() => rnd.chance(0.6)).map((sku, j) => ({
            lineId: `L${j + 1}`,
            sku,
            quantity: 1 + rnd.int(3),
            unitPrice: rnd.pick([500, 1000, 8000]),
          }));
          await routedPaidOrder(
            server.storage,
            `O-Z${++orders}`,
            lines.length
              ? lines
              : [{ lineId: 'L1', sku: 'SKU-0003', quantity: 1, unitPrice: 1000 }],
            { locationId: rnd.pick(STORES), memberId: rnd.pick(['M0001', 'M0002']) },
          );
          continue;
        }
        // Mostly a parcel still being worked on; sometimes one that is done.
        if (rnd.chance(0.85)) parcels = working;
        const batch: FulfilmentFact[] = [];
        for (let k = 1 + rnd.int(3); k > 0; k--) {
          if (sent.size > 0 && rnd.chance(0.1)) {
            // A replay of a step sent before (a device retrying).
            batch.push(rnd.pick([...sent.values()]));
            continue;
          }
          const parcel = rnd.pick(parcels);
          const step = rnd.pick(steps);
          // Mostly the parcel's own store; sometimes another, or a parcel no one made.
          const storeId = rnd.chance(0.9) ? parcel.storeId : rnd.pick(STORES);
          const shipmentId = rnd.chance(0.05) ? 'NO-SUCH-PARCEL' : parcel.shipmentId;
          const extra: Partial<FulfilmentFact> = {};
          if (step === 'pick' || step === 'short') {
            const lines = parcel.lines.filter(() => rnd.chance(0.7));
            const chosen = lines.length ? lines : [parcel.lines[0]!];
            extra.lines = chosen.map((l) => ({
              orderId: l.orderId,
              lineId: l.lineId,
              // Mostly within what is left; sometimes beyond it.
              quantity: Math.max(1, rnd.int(l.quantity - l.picked - l.short + 2)),
            }));
            if (step === 'short') extra.reason = rnd.pick(['not-found', 'damaged', 'rejected']);
            else extra.by = rnd.pick(['barcode', 'rfid', 'manual']);
          }
          const fact = fulfilmentFact(DEVICES[storeId as 'S001'], ++n, shipmentId, step, {
            ...extra,
            storeId,
          });
          batch.push(fact);
        }
        for (const storeId of STORES) {
          const docs = batch.filter((f) => f.storeId === storeId);
          if (docs.length === 0) continue;
          const answer = await server.request(
            DEVICES[storeId as 'S001'].token,
            '/facts/_bulk_docs',
            {
              body: {
                docs: docs.map(({ id, ...rest }) => ({ _id: id, kind: 'fulfilment', ...rest })),
              },
            },
          );
          statuses.push(answer.status);
          rows.push(...(answer.body as BulkRow[]));
          for (const f of docs) sent.set(f.id, f);
        }
      }
    }, 600_000);
    afterAll(async () => {
      await server?.close();
    });

    const orders = async () =>
      (await server.storage.findDocs(ORDERS_DB, {})).map((r) => r.body as unknown as Order);

    it('[SHS1] [SHS2] answers every push and stores every step', async () => {
      expect(statuses.filter((s) => s !== 201 && s !== 200)).toEqual([]);
      expect(rows.filter((r) => !r.ok)).toEqual([]);
      const stored = await server.storage.getDocs(
        '_fulfilmentFacts' as never,
        [...sent.keys()],
        null,
      );
      expect(stored.size).toBe(sent.size);
      // What the run went through, for the log: parcels by status, exceptions by kind and code.
      const tally = (keys: string[]) =>
        Object.fromEntries(
          [...new Set(keys)].sort().map((k) => [k, keys.filter((x) => x === k).length]),
        );
      const parcels = await server.storage.findDocs('storeState', { fields: { kind: 'shipment' } });
      const raised = await server.storage.findDocs(EXCEPTIONS_DB, {});
      console.log(
        backend.name,
        sent.size,
        'steps;',
        JSON.stringify(tally(parcels.map((r) => String(r.body.status)))),
        JSON.stringify(
          tally(
            raised.map((r) => {
              const e = r.body as unknown as FactException;
              return `${e.kind}:${String(e.details.code ?? '')}`;
            }),
          ),
        ),
      );
    });

    it('[SHS3] [SHS4] [ATP3] held is what the allocations still hold; on hand fell by the units shipped', async () => {
      const all = await orders();
      const problems: string[] = [];
      for (const storeId of STORES) {
        for (const sku of SKUS) {
          const mine = all.flatMap((o) =>
            (o.allocations ?? []).filter(
              (a) =>
                a.locationId === storeId && o.lines.find((l) => l.lineId === a.lineId)!.sku === sku,
            ),
          );
          const holding = mine.reduce((s, a) => s + a.quantity - a.short - a.shipped, 0);
          const shipped = mine.reduce((s, a) => s + a.shipped, 0);
          const held = await heldAt(server.storage, storeId, sku);
          const { onHand } = await level(server.storage, storeId, sku);
          const id = stockLevelId(storeId, sku);
          if (held < 0 || held !== holding)
            problems.push(`${id}: held ${held}, allocations ${holding}`);
          if (onHand !== initial.get(id)! - shipped) {
            problems.push(`${id}: on hand ${onHand}, want ${initial.get(id)! - shipped}`);
          }
        }
      }
      expect(problems).toEqual([]);
      // Every other demo level is untouched.
      const others = DEMO_STOCK.filter((l) => !SKUS.includes(l.sku)).slice(0, 5);
      for (const l of others) {
        expect((await level(server.storage, l.storeId, l.sku)).onHand).toBe(l.onHand);
      }
    });

    it('[SHS1] [SHS3] parcels and orders agree: nothing beyond a line, handed-over units shipped', async () => {
      const all = new Map((await orders()).map((o) => [o.id, o]));
      const parcels = (
        await server.storage.findDocs('storeState', { fields: { kind: 'shipment' } })
      ).map((r) => r.body as unknown as Shipment);
      const problems: string[] = [];
      for (const p of parcels) {
        expect(p.id).toBe(shipmentDocId(p.shipmentId));
        for (const l of p.lines) {
          if (l.picked + l.short > l.quantity) problems.push(`${p.shipmentId}/${l.lineId} over`);
          const a = all
            .get(l.orderId)!
            .allocations!.find((x) => x.lineId === l.lineId && x.shipmentId === p.shipmentId);
          if (!a) problems.push(`${p.shipmentId}/${l.lineId}: no allocation`);
          else if (a.short !== l.short) problems.push(`${p.shipmentId}/${l.lineId}: short differs`);
          else if (p.status === 'handed-over' && a.shipped !== l.picked) {
            problems.push(`${p.shipmentId}/${l.lineId}: shipped ${a.shipped}, picked ${l.picked}`);
          }
        }
        if (p.status === 'handed-over' && p.shipTo) problems.push(`${p.shipmentId} keeps shipTo`);
      }
      for (const o of all.values()) {
        for (const line of o.lines) {
          if (unitsRouted(o, line.lineId) > line.quantity) problems.push(`${o.id}/${line.lineId}`);
        }
      }
      expect(problems).toEqual([]);
    });
  });
}
