/**
 * [CT6] Which shards each of the server's hot-path transactions writes,
 * measured: a trigger (this test's, never the product's) records the shard
 * key of every document row a transaction writes, then each flow runs
 * through the real server on PGlite and PostgreSQL.
 */
import type { Product, ReturnFact, SaleFact } from '@pos/domain';
import { planReturn } from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PRICES, DEMO_PRODUCTS } from './demo-data';
import { DEMO_EARN_RULES, DEMO_MEMBER_VIEWS } from './demo-people';
import { createTransfer, recordStep } from './inventory/transfers';
import { placeOrder, type PlaceOrderInput } from './orders/holds';
import { pickupOrder, seedStock } from './orders/orders.fixture';
import { CHAIN_SHARD_KEY, CROSS_STORE_TRANSACTIONS, type Flow } from './storage/distribution';
import {
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  asPushed,
  demoSale,
  startTestServer,
  type TestServer,
} from './test-support';

const AT = '2026-01-02T03:04:05.000Z';

/** The audit: a row per document row written, with its transaction and shard key. */
const AUDIT = [
  `CREATE TABLE shard_audit (tx bigint NOT NULL, db text NOT NULL, shard text NOT NULL)`,
  `CREATE FUNCTION shard_audit_row() RETURNS trigger LANGUAGE plpgsql AS $f$
   BEGIN
     INSERT INTO shard_audit VALUES (txid_current(), NEW.db, coalesce(NEW.store_id, '${CHAIN_SHARD_KEY}'));
     IF TG_OP = 'UPDATE' AND OLD.store_id IS DISTINCT FROM NEW.store_id THEN
       INSERT INTO shard_audit VALUES (txid_current(), OLD.db, coalesce(OLD.store_id, '${CHAIN_SHARD_KEY}'));
     END IF;
     RETURN NULL;
   END $f$`,
  `CREATE TRIGGER shard_audit AFTER INSERT OR UPDATE ON docs
     FOR EACH ROW EXECUTE FUNCTION shard_audit_row()`,
];

/** A till sale at S001 for `memberId` (M0001's home store is S001, M0003's S002): it earns points. */
function memberSale(memberId: string, n: number): SaleFact {
  const lines: [Product, number, number][] = [
    [
      DEMO_PRODUCTS.find((p) => p.id === 'SKU-0003')!,
      DEMO_PRICES.find((p) => p.sku === 'SKU-0003')!.amount,
      2,
    ],
  ];
  return saleFactFixture({
    id: `${S001_DEVICE.deviceId}-01JCITUS${String(n).padStart(19, '0')}`,
    storeId: S001_DEVICE.storeId,
    deviceId: S001_DEVICE.deviceId,
    soldAt: AT,
    lines,
    member: DEMO_MEMBER_VIEWS.find((m) => m.id === memberId)!,
    earnRules: DEMO_EARN_RULES,
  });
}

function returnOf(sale: SaleFact): ReturnFact {
  const planned = planReturn(sale, [], [{ lineId: sale.lines[0]!.lineId, quantity: 1 }], {
    id: `${sale.deviceId}-R1`,
    storeId: sale.storeId,
    deviceId: sale.deviceId,
    now: AT,
  });
  if (!planned.ok) throw new Error(planned.message);
  return planned.ret;
}

/** The hot SKU for pickup at S001 and at S002, one unit each. */
function twoStoreOrder(): Omit<PlaceOrderInput, 'idempotencyKey'> {
  const one = pickupOrder(1);
  const [line] = one.lines;
  return {
    ...one,
    lines: [line!, { ...line!, lineId: 'L2', fulfilment: { mode: 'pickup', storeId: 'S002' } }],
    total: 2 * one.total,
  };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`shards a transaction writes on ${backend.name}`, () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer(backend, { rateLimit: false, holdSweeper: false });
      await seedStock(server.storage, 10);
      await seedStock(server.storage, 10, 'S002');
      await server.storage.sqlTransaction(async (q) => {
        for (const statement of AUDIT) await q.query(statement);
      });
    });
    afterEach(async () => {
      await server.close();
    });

    /** Runs `work`, then the sorted shard keys of each transaction it committed. */
    const shardsOf = async (work: () => Promise<unknown>): Promise<string[][]> => {
      await server.storage.sqlTransaction((q) => q.query(`DELETE FROM shard_audit`));
      await work();
      const rows = await server.storage.sqlTransaction((q) =>
        q.query<{ shards: string[] }>(
          `SELECT array_agg(DISTINCT shard ORDER BY shard) AS shards
             FROM shard_audit GROUP BY tx ORDER BY min(tx)`,
        ),
      );
      return rows.map((r) => r.shards);
    };
    const push = async (device: { token: string }, db: string, docs: object[]) => {
      const answer = await server.request(device.token, `/${db}/_bulk_docs`, { body: { docs } });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual(docs.map(() => expect.objectContaining({ ok: true })));
    };

    it('[CT6] each flow writes one shard, or exactly the shards its known crossing names', async () => {
      const sale = memberSale('M0003', 2);
      const measured: Record<Flow, string[][]> = {
        'cash sale': await shardsOf(() =>
          push(S001_DEVICE, 'saleFacts', [asPushed(demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]))]),
        ),
        "sale for the store's own member": await shardsOf(() =>
          push(S001_DEVICE, 'saleFacts', [asPushed(memberSale('M0001', 1))]),
        ),
        "sale for another store's member": await shardsOf(() =>
          push(S001_DEVICE, 'saleFacts', [asPushed(sale)]),
        ),
        "return for another store's member": await shardsOf(() =>
          push(S001_DEVICE, 'returns', [asPushed(returnOf(sale) as unknown as SaleFact)]),
        ),
        'transfer created': await shardsOf(() =>
          createTransfer(
            server.storage,
            {
              id: 'TR-CITUS',
              from: 'S002',
              to: 'S001',
              lines: [{ sku: 'SKU-0001', quantity: 2 }],
              reason: 'rebalance',
            },
            'hq',
            AT,
          ),
        ),
        'transfer step': await shardsOf(() =>
          recordStep(
            server.storage,
            'TR-CITUS',
            {
              stepId: 'ready-1',
              step: 'ready',
              lines: [{ sku: 'SKU-0001', quantity: 2 }],
              staffId: 'S002-E01',
              at: AT,
            },
            S002_DEVICE,
            AT,
          ),
        ),
        'pickup order placed': await shardsOf(() =>
          placeOrder(server.storage, { ...pickupOrder(1), idempotencyKey: 'citus-1' }, AT),
        ),
        'order picked up at two stores': await shardsOf(() =>
          placeOrder(server.storage, { ...twoStoreOrder(), idempotencyKey: 'citus-2' }, AT),
        ),
      };
      const expected = Object.fromEntries(
        Object.keys(measured).map((flow) => [
          flow,
          CROSS_STORE_TRANSACTIONS[flow as Flow]?.writes ?? [['S001']],
        ]),
      );
      expect(measured).toEqual(expected);
    });
  });
}
