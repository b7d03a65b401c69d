/**
 * [DK5] The `facts` collection over real HTTP on each storage backend: a fact
 * of any kind is pushed under `facts` or under its kind's collection of the
 * earlier layout, and is stored once by id either way; its projections run once.
 */
import { planReturn, toFact, type ReturnFact, type SaleFact, type StockLevel } from '@pos/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionAdminToken } from './auth';
import {
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  demoSale,
  startTestServer,
  type TestServer,
} from './test-support';

type BulkRow = { ok?: true; id: string; rev?: string; error?: string; reason?: string };
type AllDocs = { rows: { key: string; value?: { rev: string }; doc?: Record<string, unknown> }[] };

const AT = '2026-01-02T03:04:05.000Z';

function wire(doc: object): Record<string, unknown> {
  const { id, ...rest } = doc as { id: string };
  return { _id: id, ...rest };
}

function returnOf(sale: SaleFact, n: number): ReturnFact {
  const planned = planReturn(
    sale,
    [],
    sale.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
    { id: `${sale.deviceId}-R${n}`, storeId: sale.storeId, deviceId: sale.deviceId, now: AT },
  );
  if (!planned.ok) throw new Error(planned.message);
  return planned.ret;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`the facts collection on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    beforeEach(async () => {
      server = await startTestServer(backend);
      admin = (await provisionAdminToken(server.storage, 'hq-facts')).token;
    });
    afterEach(async () => {
      await server.close();
    });

    const push = async (token: string, db: string, docs: object[]) =>
      (await server.request(token, `/${db}/_bulk_docs`, { body: { docs: docs.map(wire) } }))
        .body as BulkRow[];
    const stockOf = async (id: string) =>
      ((await server.storage.getDocs('stock', [id], null)).get(id)?.body as StockLevel).onHand;

    it('[DK5] a sale pushed as saleFacts and again as facts is one fact: stock moves once', async () => {
      const sale = demoSale(S001_DEVICE, 1, [['SKU-0001', 2]]);
      const before = await stockOf('S001:SKU-0001');
      expect(await push(S001_DEVICE.token, 'saleFacts', [sale])).toMatchObject([{ ok: true }]);
      expect(await push(S001_DEVICE.token, 'facts', [toFact('sale', sale)])).toMatchObject([
        { ok: true, id: sale.id },
      ]);
      const later = demoSale(S001_DEVICE, 2, [['SKU-0001', 1]]);
      expect(await push(S001_DEVICE.token, 'facts', [toFact('sale', later)])).toMatchObject([
        { ok: true },
      ]);
      expect(await push(S001_DEVICE.token, 'saleFacts', [later])).toMatchObject([{ ok: true }]);
      expect(await stockOf('S001:SKU-0001')).toBe(before - 3);
      const stored = await server.storage.getDocs('saleFacts', [sale.id, later.id], null);
      expect([...stored.keys()].sort()).toEqual([sale.id, later.id].sort());
      expect(stored.get(later.id)?.body).toEqual(later);
    });

    it('[DK5] a return pushed as facts applies to its sale exactly as under returns', async () => {
      const sale = demoSale(S001_DEVICE, 3, [['SKU-0002', 1]]);
      const before = await stockOf('S001:SKU-0002');
      await push(S001_DEVICE.token, 'facts', [toFact('sale', sale)]);
      const ret = returnOf(sale, 3);
      expect(await push(S001_DEVICE.token, 'facts', [toFact('return', ret)])).toMatchObject([
        { ok: true },
      ]);
      expect(await push(S001_DEVICE.token, 'returns', [ret])).toMatchObject([{ ok: true }]);
      expect(await stockOf('S001:SKU-0002')).toBe(before);
    });

    it('[DK5] a different fact under a recorded id is refused whichever name it comes under', async () => {
      const sale = demoSale(S001_DEVICE, 4, [['SKU-0001', 1]]);
      await push(S001_DEVICE.token, 'saleFacts', [sale]);
      const other = demoSale(S001_DEVICE, 5, [['SKU-0001', 2]]);
      const [row] = await push(S001_DEVICE.token, 'facts', [
        toFact('sale', { ...other, id: sale.id }),
      ]);
      expect(row).toMatchObject({ error: 'conflict' });
    });

    it('[DK3] [A4] [D4] facts are validated per kind and owned as under their kind', async () => {
      const sale = demoSale(S001_DEVICE, 6, [['SKU-0001', 1]]);
      const rows = await push(S002_DEVICE.token, 'facts', [
        toFact('sale', sale),
        { ...sale, id: `${S002_DEVICE.deviceId}-X1`, kind: 'order' },
        { ...toFact('sale', { ...sale, id: `${S002_DEVICE.deviceId}-X2` }), extra: 1 },
        toFact('stockMovement', {
          id: `${S001_DEVICE.deviceId}-M1`,
          location: S001_DEVICE.storeId,
          sku: 'SKU-0001',
          kind: 'receive',
          quantity: 5,
          at: AT,
        }),
      ]);
      expect(rows[0]).toMatchObject({ error: 'forbidden', reason: /this device's store S002/ });
      expect(rows[1]).toMatchObject({ error: 'forbidden', reason: /kind/ });
      expect(rows[2]).toMatchObject({ error: 'forbidden', reason: /extra/ });
      expect(rows[3]).toMatchObject({ error: 'forbidden', reason: /S002/ });
      const adminRows = await push(admin, 'facts', [toFact('sale', sale)]);
      expect(adminRows[0]).toMatchObject({ error: 'forbidden' });
      expect((await server.storage.getDocs('saleFacts', [sale.id], null)).size).toBe(0);
    });

    it('[DK5] _all_docs of facts finds a fact pushed under either name, in the facts form', async () => {
      const sale = demoSale(S001_DEVICE, 7, [['SKU-0001', 1]]);
      await push(S001_DEVICE.token, 'saleFacts', [sale]);
      const movement = {
        id: `${S001_DEVICE.deviceId}-M2`,
        location: S001_DEVICE.storeId,
        sku: 'SKU-0001',
        kind: 'receive' as const,
        quantity: 4,
        at: AT,
      };
      await push(S001_DEVICE.token, 'facts', [toFact('stockMovement', movement)]);
      const answer = await server.request(S001_DEVICE.token, '/facts/_all_docs?include_docs=true', {
        body: { keys: [sale.id, movement.id, `${S001_DEVICE.deviceId}-NONE`] },
      });
      const rows = (answer.body as AllDocs).rows;
      expect(rows[0]?.doc).toMatchObject({ _id: sale.id, kind: 'sale', soldAt: sale.soldAt });
      expect(rows[1]?.doc).toMatchObject({
        _id: movement.id,
        kind: 'stockMovement',
        movement: 'receive',
        storeId: 'S001',
      });
      expect(rows[2]?.value).toBeUndefined();
      const otherStore = await server.request(S002_DEVICE.token, '/facts/_all_docs', {
        body: { keys: [sale.id] },
      });
      expect((otherStore.body as AllDocs).rows[0]?.value).toBeUndefined();
    });

    it('[DK4] chain and storeState refuse every document while no kind of them is in use', async () => {
      const rows = await push(admin, 'chain', [{ id: 'programme', kind: 'pointsProgramme' }]);
      expect(rows[0]).toMatchObject({ error: 'forbidden', reason: /no kind of chain/ });
      const info = await server.request(S001_DEVICE.token, '/storeState');
      expect(info.status).toBe(200);
    });
  });
}
