/**
 * Data-subject requests on both backends, through the started server: the
 * intake record and its due date, the overdue flag, the access export (JSON
 * and CSV, parsed back) and the deletion that shreds through the vault.
 */
import { parseCsv as parseImportCsv } from '../import/csv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planReturn, type DataRequest, type SaleFact } from '@pos/domain';
import { asPushed, BACKENDS, demoSale, S001_DEVICE } from '../test-support';
import { recordConsentAnswer } from './consent-ledger';
import { enqueueMessage, OUTBOX_DB } from './outbox';
import {
  POLICY_VERSION,
  startPrivacyServer,
  type PrivacyTestServer,
} from './privacy-routes-test-support';

/** The export read back with the importer's own RFC 4180 reader. */
function parseCsv(text: string): string[][] {
  const read = parseImportCsv(text);
  if (!read.ok) throw new Error(read.error.message);
  return read.records.map((record) => record.fields);
}

describe.each(BACKENDS)('data-subject requests on $name', (backend) => {
  let server: PrivacyTestServer;
  beforeEach(async () => {
    if (backend.skip) return;
    server = await startPrivacyServer(backend);
  });
  afterEach(async () => {
    await server?.close();
  });

  const admin = (path: string, init?: { method?: string; body?: unknown }) =>
    server.request(server.adminToken, path, init);

  async function intake(kind: 'access' | 'deletion', memberId = 'M1'): Promise<DataRequest> {
    const res = await admin('/_admin/data-requests', {
      body: { memberId, kind, channel: 'store', note: '顾客在门店提出' },
    });
    expect(res.status).toBe(201);
    return res.body as DataRequest;
  }

  /** A sale of M1 at S001 pushed by its till, and one of nobody. */
  async function pushSales(): Promise<SaleFact> {
    const sale = { ...demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]), memberId: 'M1' };
    const anonymous = demoSale(S001_DEVICE, 2, [['SKU-0001', 1]]);
    const res = await server.request(S001_DEVICE.token, '/saleFacts/_bulk_docs', {
      body: { docs: [asPushed(sale), asPushed(anonymous)], new_edits: true },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual([
      expect.objectContaining({ ok: true, id: sale.id }),
      expect.objectContaining({ ok: true, id: anonymous.id }),
    ]);
    return sale;
  }

  it.skipIf(backend.skip)(
    '[DQ1] [DQ2] an intake record with its due date; listed by status, overdue once past it',
    async () => {
      const request = await intake('access');
      expect(request).toMatchObject({
        memberId: 'M1',
        kind: 'access',
        channel: 'store',
        status: 'received',
        receivedAt: '2026-03-01T02:00:00.000Z',
        dueAt: '2026-03-16T02:00:00.000Z',
        handledBy: 'admin:privacy-test',
      });
      expect((await admin(`/_admin/data-requests/${request.id}`)).body).toEqual(request);
      const list = async (query = '') =>
        (
          (await admin(`/_admin/data-requests${query}`)).body as {
            requests: (DataRequest & { overdue: boolean })[];
          }
        ).requests;
      expect((await list()).map((r) => [r.id, r.overdue])).toEqual([[request.id, false]]);
      server.advance(15 * 86_400_000 + 1000);
      expect((await list('?status=received')).map((r) => [r.id, r.overdue])).toEqual([
        [request.id, true],
      ]);
      expect(await list('?status=completed')).toEqual([]);
      expect(
        (await admin(`/_admin/data-requests/${request.id}/complete`, { method: 'POST' })).status,
      ).toBe(200);
      expect((await list()).map((r) => [r.status, r.overdue])).toEqual([['completed', false]]);
    },
  );

  it.skipIf(backend.skip)('[DQ1] bad intakes are refused and record nothing', async () => {
    const bad = [
      {},
      { memberId: 'M1', kind: 'erase', channel: 'store' },
      { memberId: 'M1', kind: 'access' },
      { memberId: 'M1', kind: 'access', channel: 'store', extra: 1 },
      { memberId: 'M1', kind: 'access', channel: 'store', note: 'x'.repeat(501) },
    ];
    for (const body of bad) {
      expect((await admin('/_admin/data-requests', { body })).status).toBe(400);
    }
    const unknown = { memberId: 'M9', kind: 'access', channel: 'store' };
    expect((await admin('/_admin/data-requests', { body: unknown })).status).toBe(404);
    const asDevice = await server.request(S001_DEVICE.token, '/_admin/data-requests', {
      body: { memberId: 'M1', kind: 'access', channel: 'store' },
    });
    expect(asDevice.status).toBe(403);
    expect((await admin('/_admin/data-requests?status=open')).status).toBe(400);
    expect(
      ((await admin('/_admin/data-requests')).body as { requests: unknown[] }).requests,
    ).toEqual([]);
  });

  it.skipIf(backend.skip)(
    '[DQ3] the access export holds everything about the member, as JSON and as CSV that parses back',
    async () => {
      const sale = await pushSales();
      const planned = planReturn(sale, [], [{ lineId: sale.lines[0]!.lineId, quantity: 1 }], {
        id: `${sale.deviceId}-R1`,
        storeId: sale.storeId,
        deviceId: sale.deviceId,
        now: '2026-01-02T05:00:00.000Z',
      });
      if (!planned.ok) throw new Error(planned.message);
      const { id: returnId, ...returnFields } = planned.ret;
      const returned = await server.request(S001_DEVICE.token, '/returns/_bulk_docs', {
        body: { docs: [{ _id: returnId, ...returnFields }] },
      });
      expect(returned.body).toEqual([expect.objectContaining({ ok: true })]);
      await recordConsentAnswer(server.storage, {
        memberId: 'M1',
        choices: { 'tryon-suggestions': true },
        channel: 'customer-web',
        policyVersion: POLICY_VERSION,
        at: server.clock.now.toISOString(),
      });
      await enqueueMessage(
        server.storage,
        {
          memberId: 'M1',
          purpose: 'tryon-suggestions',
          channel: 'wecom',
          body: '新到的外套, "限量"',
        },
        server.clock.now.toISOString(),
      );
      const request = await intake('access');
      const json = await admin(`/_admin/data-requests/${request.id}/export?format=json`);
      expect(json.status).toBe(200);
      expect(json.headers.get('content-disposition')).toBe(
        `attachment; filename="${request.id}.json"`,
      );
      const data = json.body as Record<string, Record<string, unknown>[]>;
      expect(data.personalData).toEqual([{ name: '张伟', phone: '13800138000' }]);
      expect(data.member).toEqual([expect.objectContaining({ id: 'M1', maskedName: '张*' })]);
      expect(data.consents).toEqual([
        expect.objectContaining({ purpose: 'tryon-suggestions', granted: true }),
      ]);
      expect(data.sales!.map((s) => s.id)).toEqual([sale.id]);
      expect(data.returns!.map((r) => r.id)).toEqual([planned.ret.id]);
      expect(data.messages).toEqual([expect.objectContaining({ body: '新到的外套, "限量"' })]);
      expect(data.dataRequests!.map((r) => r.id)).toEqual([request.id]);
      expect(Object.keys(data)).toEqual([
        'personalData',
        'member',
        'consents',
        'sales',
        'returns',
        'pointEntries',
        'messages',
        'dataRequests',
        'personalDataReads',
      ]);

      const csv = await admin(`/_admin/data-requests/${request.id}/export?format=csv`);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const rows = parseCsv(csv.text);
      expect(rows[0]).toEqual(['section', 'record', 'field', 'value']);
      expect(rows).toContainEqual(['personalData', '1', 'name', '张伟']);
      expect(rows).toContainEqual(['messages', '1', 'body', '新到的外套, "限量"']);
      expect(rows).toContainEqual(['sales', '1', 'id', sale.id]);
      expect(rows.every((row) => row.length === 4)).toBe(true);

      const deletion = await intake('deletion');
      expect((await admin(`/_admin/data-requests/${deletion.id}/export`)).status).toBe(409);
      expect((await admin(`/_admin/data-requests/${request.id}/export?format=xml`)).status).toBe(
        400,
      );
      expect(
        (await server.request(S001_DEVICE.token, `/_admin/data-requests/${request.id}/export`))
          .status,
      ).toBe(403);
    },
  );

  it.skipIf(backend.skip)(
    '[DQ4] a deletion shreds through the vault and cancels pending messages; the sales stay, naming only the id',
    async () => {
      const sale = await pushSales();
      await recordConsentAnswer(server.storage, {
        memberId: 'M1',
        choices: { 'marketing-messages': true },
        channel: 'customer-web',
        policyVersion: POLICY_VERSION,
        at: server.clock.now.toISOString(),
      });
      const queued = await enqueueMessage(
        server.storage,
        { memberId: 'M1', purpose: 'marketing-messages', channel: 'sms', body: '会员日' },
        server.clock.now.toISOString(),
      );
      const request = await intake('deletion');
      server.advance(86_400_000);
      const res = await admin(`/_admin/data-requests/${request.id}/complete`, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'completed',
        completedAt: '2026-03-02T02:00:00.000Z',
        shredded: true,
      });
      expect(server.vault.shredded).toEqual([{ memberId: 'M1', at: '2026-03-02T02:00:00.000Z' }]);
      expect(await server.vault.read('M1')).toBeNull();
      expect(await server.vault.read('M2')).not.toBeNull();
      const id = queued.ok ? queued.message.id : '';
      expect((await server.storage.getDocs(OUTBOX_DB, [id], null)).get(id)?.body).toMatchObject({
        status: 'cancelled',
        reason: 'member-deleted',
      });
      const kept = (await server.storage.getDocs('saleFacts', [sale.id], null)).get(sale.id);
      expect(kept?.body).toMatchObject({ id: sale.id, memberId: 'M1' });
      // Completed once: a second completion is refused and shreds nothing more.
      expect(
        (await admin(`/_admin/data-requests/${request.id}/complete`, { method: 'POST' })).status,
      ).toBe(409);
      expect(server.vault.shredded).toHaveLength(1);
    },
  );

  it.skipIf(backend.skip)(
    '[DQ3] [DQ4] without a vault an export or a deletion is refused, not partial',
    async () => {
      await server.close();
      server = await startPrivacyServer(backend, { vault: false });
      const access = await intake('access');
      const deletion = await intake('deletion');
      expect((await admin(`/_admin/data-requests/${access.id}/export`)).status).toBe(501);
      expect(
        (await admin(`/_admin/data-requests/${deletion.id}/complete`, { method: 'POST' })).status,
      ).toBe(501);
      expect((await admin(`/_admin/data-requests/${deletion.id}`)).body).toMatchObject({
        status: 'received',
      });
    },
  );
});
