/**
 * [RI1]-[RI4] [RI11]-[RI13] Tagged items and counts through the real server
 * on both backends: HQ tags, a till's sale marks its EPCs sold and the
 * store's `items` documents flow down, a double sale is an exception, a
 * return is sellable again, a count is a draft once and approved once.
 */
import {
  encodeSgtin96,
  planReturn,
  stockLevelId,
  storeItemsDocId,
  type CountAnswer,
  type ItemAnswer,
  type SaleFact,
  type StockLevel,
  type StoreItemsDoc,
  type TagItemsAnswer,
} from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionAdminToken } from '../auth';
import { DEMO_STYLE_PRODUCTS, DEMO_STYLE_STOCK } from '../demo-clerk';
import { demoEpcs } from '../demo-rfid';
import { EXCEPTIONS_DB } from '../ledgers';
import {
  asPushed,
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  startTestServer,
  type TestServer,
} from '../test-support';
import { COUNTS_DB } from './counts';
import { ITEMS_DB } from './items';

const TEE = DEMO_STYLE_PRODUCTS.find((p) => p.id === 'TEE-01-WH-M')!;
const TEE_BK_S = DEMO_STYLE_PRODUCTS.find((p) => p.id === 'TEE-01-BK-S')!;
const epc = (gtin: string, serial: number) => {
  const encoded = encodeSgtin96({ gtin, serial });
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.epc;
};
/** A GTIN no product of the chain has. */
const FOREIGN = epc('00614141123452', 9);

/** A till's sale of `epcs` of the tee, one unit each, on one line. */
function rfidSale(n: number, epcs: string[], device = S001_DEVICE): SaleFact {
  const sale = saleFactFixture({
    id: `${device.deviceId}-01JRFIDSALE${String(n).padStart(15, '0')}`,
    deviceId: device.deviceId,
    storeId: device.storeId,
    soldAt: '2026-01-02T03:00:00.000Z',
    lines: [[TEE, 9_900, epcs.length]],
  });
  return { ...sale, lines: sale.lines.map((l) => ({ ...l, epcs })) };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`tagged items on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;
    beforeEach(async () => {
      server = await startTestServer(backend, { rateLimit: false, holdSweeper: false });
      admin = (await provisionAdminToken(server.storage, 'hq-rfid')).token;
    });
    afterEach(async () => {
      await server.close();
    });

    const push = async (db: string, docs: { id: string }[], token = S001_DEVICE.token) => {
      const res = await server.request(token, `/${db}/_bulk_docs`, {
        body: { docs: docs.map((d) => asPushed(d as SaleFact)) },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(docs.map((d) => expect.objectContaining({ ok: true, id: d.id })));
    };
    const item = async (e: string) =>
      (await server.request(S001_DEVICE.token, `/_rfid/items/${e}`)).body as ItemAnswer;
    /** The store's `items` document of a SKU, as its till replicates it. */
    const itemsDoc = async (token: string, sku: string, storeId = 'S001') => {
      const res = await server.request(token, '/storeState/_changes?include_docs=true');
      const rows = (res.body as { results: { id: string; doc: StoreItemsDoc }[] }).results;
      return rows.find((r) => r.id === storeItemsDocId(storeId, sku))?.doc;
    };
    const onHand = async (storeId: string, sku: string) => {
      const id = stockLevelId(storeId, sku);
      return ((await server.storage.getDocs('stock', [id], null)).get(id)!.body as StockLevel)
        .onHand;
    };
    const docCount = async (db: string) =>
      (await server.storage.dbInfo(db as never, null)).docCount;

    it('[RI1] [RI14] HQ tags items: new ones in stock, known ones left, the rest refused by EPC', async () => {
      const known = demoEpcs('S001', TEE.id)[0]!;
      const fresh = [epc(TEE.gtin, 5001), epc(TEE.gtin, 5002)];
      const notSgtin = 'E2801160600002040000000A';
      const res = await server.request(admin, '/_rfid/items', {
        body: {
          storeId: 'S001',
          epcs: [...fresh, known, FOREIGN, notSgtin, fresh[0]!.toLowerCase()],
        },
      });
      expect(res.status).toBe(200);
      const answer = res.body as TagItemsAnswer;
      expect(answer.tagged).toBe(2);
      expect(answer.known).toBe(1);
      expect(answer.refused.map((r) => r.epc)).toEqual([FOREIGN, notSgtin]);
      expect(await item(fresh[0]!)).toMatchObject({
        storeId: 'S001',
        sku: TEE.id,
        state: 'in-stock',
      });
      const doc = await itemsDoc(S001_DEVICE.token, TEE.id);
      expect(doc?.sellable).toEqual([...demoEpcs('S001', TEE.id), ...fresh].sort());
      // [RI4] Another store's devices do not get S001's items.
      expect(await itemsDoc(S002_DEVICE.token, TEE.id)).toBeUndefined();
      const level = DEMO_STYLE_STOCK.find((l) => l.storeId === 'S001' && l.sku === TEE.id)!;
      expect(demoEpcs('S001', TEE.id)).toHaveLength(level.onHand);
    });

    it('[RI13] bad tagging is a 400 and tags nothing; a device may not tag', async () => {
      const before = await docCount(ITEMS_DB);
      const fresh = epc(TEE.gtin, 6001);
      for (const body of [
        { storeId: 'S999', epcs: [fresh] },
        { storeId: 'S001', epcs: [fresh, 'XYZ'] },
        { storeId: 'S001', epcs: 'nope' },
        { storeId: 'S001', epcs: [fresh], at: 'yesterday' },
        [],
      ]) {
        const res = await server.request(admin, '/_rfid/items', { body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      const device = await server.request(S001_DEVICE.token, '/_rfid/items', {
        body: { storeId: 'S001', epcs: [fresh] },
      });
      expect(device.status).toBe(403);
      expect(await docCount(ITEMS_DB)).toBe(before);
      expect((await server.request(admin, `/_rfid/items/${fresh}`)).status).toBe(404);
      expect((await server.request(admin, '/_rfid/items/123')).status).toBe(400);
    });

    it('[RI2] [RI4] a sale marks its EPCs sold and the items document flows down', async () => {
      const [a, b] = demoEpcs('S001', TEE.id);
      const sale = rfidSale(1, [a!, b!]);
      await push('saleFacts', [sale]);
      expect(await item(a!)).toMatchObject({ state: 'sold', saleId: sale.id });
      const doc = await itemsDoc(S001_DEVICE.token, TEE.id);
      expect(doc?.sold).toEqual([a, b].sort());
      expect(doc?.sellable).not.toContain(a);
      // A replay changes nothing.
      await push('saleFacts', [sale]);
      expect(await itemsDoc(S001_DEVICE.token, TEE.id)).toEqual(doc);
    });

    it('[RI2] an EPC sold twice keeps the first sale, the second sale is kept, HQ sees an exception', async () => {
      const [a, b] = demoEpcs('S001', TEE.id);
      const first = rfidSale(2, [a!]);
      const second = rfidSale(3, [a!, b!]);
      await push('saleFacts', [first]);
      await push('saleFacts', [second]);
      expect(await item(a!)).toMatchObject({ state: 'sold', saleId: first.id });
      expect(await item(b!)).toMatchObject({ state: 'sold', saleId: second.id });
      expect((await server.storage.getDocs('saleFacts', [second.id], null)).has(second.id)).toBe(
        true,
      );
      const exceptions = await server.storage.findDocs(EXCEPTIONS_DB, {
        fields: { kind: 'epc-sold-twice' },
      });
      expect(exceptions.map((e) => e.body.details)).toEqual([
        { code: 'EPC_SOLD_TWICE', epc: a, saleId: second.id, firstSaleId: first.id },
      ]);
    });

    it('[RI3] a returned EPC is sellable again, even when the return arrives before its sale', async () => {
      const [a, b] = demoEpcs('S001', TEE.id);
      const sale = rfidSale(4, [a!, b!]);
      const planned = planReturn(sale, [], [{ lineId: 'L1', quantity: 1 }], {
        id: `${S001_DEVICE.deviceId}-01JRFIDRETURN0000000000001`,
        storeId: 'S001',
        deviceId: S001_DEVICE.deviceId,
        now: '2026-01-02T04:00:00.000Z',
      });
      if (!planned.ok) throw new Error(planned.message);
      const ret = { ...planned.ret, lines: planned.ret.lines.map((l) => ({ ...l, epcs: [a!] })) };
      await push('returns', [ret]);
      await push('saleFacts', [sale]);
      expect(await item(a!)).toMatchObject({ state: 'returned' });
      expect((await item(a!)).saleId).toBeUndefined();
      expect(await item(b!)).toMatchObject({ state: 'sold' });
      const doc = await itemsDoc(S001_DEVICE.token, TEE.id);
      expect(doc?.sellable).toContain(a);
      expect(doc?.sold).toEqual([b]);
    });

    it('[RI11] [RI12] a count is a draft once; approval adjusts stock and item states exactly once', async () => {
      const tees = demoEpcs('S001', TEE.id);
      const blacks = demoEpcs('S001', TEE_BK_S.id);
      const untagged = epc(TEE.gtin, 7001);
      // Read: every tee but the first, one untagged tee, the black S twice over, a stranger.
      const read = [...tees.slice(1), untagged, ...blacks, ...blacks, FOREIGN];
      const body = {
        countId: 'S001-TAB1-COUNT-1',
        scope: { kind: 'skus-read', zone: 'sales-floor' },
        epcs: read,
        countedAt: '2026-01-02T02:00:00.000Z',
        staffId: 'S001-E03',
      };
      const headers = { 'idempotency-key': body.countId };
      const draft = await server.request(S001_DEVICE.token, '/_rfid/counts', { body, headers });
      expect(draft.status).toBe(201);
      const answer = draft.body as CountAnswer;
      expect(answer.status).toBe('draft');
      expect(answer.result.missing).toEqual([{ epc: tees[0], sku: TEE.id }]);
      expect(answer.result.found).toHaveLength(tees.length - 1 + blacks.length);
      expect(answer.result.unexpected.map((u) => [u.epc, u.sku, u.reason])).toEqual(
        [
          [untagged, TEE.id, 'not-expected'],
          [FOREIGN, null, 'unknown-gtin'],
        ].sort(),
      );
      const teeOnHand = await onHand('S001', TEE.id);
      // Counted: the tees seen (all but one, plus the untagged one) = the tagged units.
      expect(answer.adjustments).toEqual(
        tees.length === teeOnHand ? [] : [expect.objectContaining({ sku: TEE.id })],
      );
      const again = await server.request(S001_DEVICE.token, '/_rfid/counts', { body, headers });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(answer);
      const other = await server.request(S001_DEVICE.token, '/_rfid/counts', {
        body: { ...body, epcs: tees },
        headers,
      });
      expect(other.status).toBe(409);
      expect(await docCount(COUNTS_DB)).toBe(1);

      // Lower the ledger's tees by a sale without tags, so the count adjusts them up by 1.
      const untaggedSale = saleFactFixture({
        id: `${S001_DEVICE.deviceId}-01JRFIDPLAIN00000000000001`,
        deviceId: S001_DEVICE.deviceId,
        storeId: 'S001',
        lines: [[TEE, 9_900, 1]],
      });
      await push('saleFacts', [untaggedSale]);
      const onHandBefore = await onHand('S001', TEE.id);
      const cashier = await server.request(
        S001_DEVICE.token,
        `/_rfid/counts/${body.countId}/approve`,
        {
          body: { approverId: 'S001-E01', at: '2026-01-02T03:00:00.000Z' },
        },
      );
      expect(cashier.status).toBe(403);
      const approve = () =>
        server.request(S001_DEVICE.token, `/_rfid/counts/${body.countId}/approve`, {
          body: { approverId: 'S001-E02', at: '2026-01-02T03:00:00.000Z' },
        });
      const approved = await approve();
      expect(approved.status).toBe(200);
      const result = approved.body as CountAnswer;
      expect(result.status).toBe('approved');
      expect(result.adjustments).toEqual([
        {
          sku: TEE.id,
          onHand: onHandBefore,
          counted: tees.length,
          delta: tees.length - onHandBefore,
        },
      ]);
      expect(await onHand('S001', TEE.id)).toBe(tees.length);
      expect(await item(tees[0]!)).toMatchObject({ state: 'missing' });
      expect(await item(untagged)).toMatchObject({ state: 'in-stock', storeId: 'S001' });
      const doc = await itemsDoc(S001_DEVICE.token, TEE.id);
      expect(doc?.sellable).toContain(untagged);
      expect(doc?.sellable).not.toContain(tees[0]);
      // A second approval changes nothing.
      expect((await approve()).body).toEqual(result);
      expect(await onHand('S001', TEE.id)).toBe(tees.length);
      expect(
        (await server.request(S002_DEVICE.token, `/_rfid/counts/${body.countId}`)).status,
      ).toBe(404);
      expect(
        (await server.request(S001_DEVICE.token, `/_rfid/counts/${body.countId}`)).body,
      ).toEqual(result);
    });

    it('[RI13] a bad count is a 400 and stores nothing', async () => {
      const good = {
        countId: 'S001-TAB1-COUNT-2',
        scope: { kind: 'store' },
        epcs: demoEpcs('S001', TEE.id),
        countedAt: '2026-01-02T02:00:00.000Z',
        staffId: 'S001-E03',
      };
      const tooMany = Array.from({ length: 100_001 }, () => good.epcs[0]);
      for (const [body, key] of [
        [{ ...good, epcs: ['nothex'] }, good.countId],
        [{ ...good, epcs: tooMany }, good.countId],
        [{ ...good, scope: { kind: 'shelf' } }, good.countId],
        [{ ...good, countedAt: 'then' }, good.countId],
        [good, 'another-key'],
        [good, undefined],
      ] as const) {
        const res = await server.request(S001_DEVICE.token, '/_rfid/counts', {
          body,
          headers: key === undefined ? {} : { 'idempotency-key': key },
        });
        expect(res.status).toBe(400);
      }
      expect(await docCount(COUNTS_DB)).toBe(0);
      const byAdmin = await server.request(admin, '/_rfid/counts', {
        body: good,
        headers: { 'idempotency-key': good.countId },
      });
      expect(byAdmin.status).toBe(403);
      const unknown = await server.request(S001_DEVICE.token, '/_rfid/counts/NOPE/approve', {
        body: { approverId: 'S001-E02', at: '2026-01-02T03:00:00.000Z' },
      });
      expect(unknown.status).toBe(404);
    });
  });
}
