/**
 * [PK1]-[PK11] Members' personal information on the server: encrypted at
 * rest, found by blind index, revealed only online to an allowed role with
 * a reason and an audit record, rotated and migrated in place.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { phoneIndex, phoneTailIndex, type Member, type SaleFact } from '@pos/domain';
import { INDEX_KEY_FIXTURE, staffFixture } from '@pos/domain/fixtures';
import { provisionAdminToken } from '../auth';
import { loadDocs } from '../bulk-load';
import { DEMO_MEMBERS } from '../demo-people';
import type { JsonObject } from '../protocol';
import type { Queryable } from '../storage/sql-storage';
import type { SyncStorage } from '../storage/storage';
import {
  asPushed,
  BACKENDS,
  demoSale,
  S001_DEVICE,
  S002_DEVICE,
  startTestServer,
  type TestServer,
} from '../test-support';
import {
  DEMO_PRIVACY_KEYS,
  localKms,
  parseIndexKey,
  parseMasterKeys,
  privacyKeysFromEnv,
  type PrivacyKeys,
} from './keyring';
import {
  MEMBER_PII_DB,
  memberVault,
  openPiiRow,
  rewrapMemberKeys,
  writeMemberRecords,
} from './member-vault';
import { encryptPlaintextMembers } from './migrate-members';
import { PII_READS_DB } from './pii-reads';

const KEY = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const NOW = () => new Date('2026-01-02T03:04:05Z');

/** `SELECT body::text FROM docs`: every stored document as a database dump would show it. */
async function dumpDocs(storage: SyncStorage): Promise<string> {
  // The storage's own connection: the test reads the table, not the API.
  const { driver } = storage as unknown as { driver: Queryable };
  const rows = await driver.query<{ db: string; body: string }>(
    'SELECT db, body::text AS body FROM docs ORDER BY db, id',
  );
  expect(rows.some((row) => row.db === MEMBER_PII_DB)).toBe(true);
  return rows.map((row) => row.body).join('\n');
}

function expectNoPlaintext(text: string): void {
  for (const member of DEMO_MEMBERS) {
    expect(text).not.toContain(member.phone);
    expect(text).not.toContain(member.name);
  }
}

describe('privacy keys', () => {
  it('[PK2] the demo index key is the domain fixture; keys come from the environment, both or none', () => {
    expect(DEMO_PRIVACY_KEYS.indexKey).toEqual(INDEX_KEY_FIXTURE);
    expect(privacyKeysFromEnv({})).toBe(DEMO_PRIVACY_KEYS);
    const keys = privacyKeysFromEnv({
      PII_MASTER_KEYS: `k2:${KEY(2)},k1:${KEY(1)}`,
      PII_INDEX_KEY: `ik9:${'ab'.repeat(32)}`,
    });
    expect(keys.demo).toBe(false);
    expect(keys.kms.currentKekId).toBe('k2');
    expect(keys.indexKey.id).toBe('ik9');
    expect(() => privacyKeysFromEnv({ PII_MASTER_KEYS: `k1:${KEY(1)}` })).toThrow(/both/);
    expect(() => parseMasterKeys('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseIndexKey('ik1:abcd')).toThrow(/64 hex/);
  });

  it('[PK2] a data key wrapped under one master key unwraps only under it', async () => {
    const kms = localKms(parseMasterKeys(`k1:${KEY(1)},k0:${KEY(9)}`));
    const dek = new Uint8Array(32).fill(7);
    const { kekId, wrapped } = await kms.wrap(dek);
    expect(kekId).toBe('k1');
    expect(new Uint8Array(await kms.unwrap('k1', wrapped))).toEqual(dek);
    await expect(kms.unwrap('k0', wrapped)).rejects.toThrow();
    await expect(kms.unwrap('k7', wrapped)).rejects.toThrow(/not configured/);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`members' personal information on ${backend.name}`, () => {
    let server: TestServer;
    let admin: string;

    beforeEach(async () => {
      server = await startTestServer(backend);
      admin = (await provisionAdminToken(server.storage, 'hq-privacy')).token;
    });
    afterEach(async () => {
      await server.close();
    });

    it('[PK1] [PK3] the intake stores the member masked and the personal data sealed; it reads back', async () => {
      const { storage } = server;
      const member = (await storage.getDocs('members', ['M0001'], null)).get('M0001')!
        .body as Member;
      expect(member).toMatchObject({
        maskedName: '张*',
        maskedPhone: '138****8001',
        phoneIndex: phoneIndex(INDEX_KEY_FIXTURE, '13800138001'),
        indexKeyId: 'ik1',
      });
      expect(member).not.toHaveProperty('phone');
      const sealed = (await storage.getDocs(MEMBER_PII_DB, ['M0001'], null)).get('M0001')!.body;
      expect(Object.keys(sealed).sort()).toEqual(
        ['ciphertext', 'id', 'iv', 'kekId', 'tag', 'wrappedDek'].sort(),
      );
      const vault = memberVault(storage, DEMO_PRIVACY_KEYS, {
        actor: 'job:test',
        reason: 'round trip test',
        now: NOW,
      });
      expect(await vault.read('M0001')).toEqual({ name: '张伟', phone: '13800138001' });
      expect(await vault.read('M9999')).toBeNull();
      // [PK6] The server's own read is recorded too.
      const reads = await storage.latestDocs(PII_READS_DB, null, 10);
      expect(reads.map((r) => r.body)).toMatchObject([
        { actor: 'job:test', memberId: 'M0001', outcome: 'read', reason: 'round trip test' },
      ]);
      // Writing the same records again writes nothing.
      const again = await storage.transaction((tx) =>
        writeMemberRecords(tx, DEMO_PRIVACY_KEYS, DEMO_MEMBERS, { keepPoints: true }),
      );
      expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    });

    it('[PK1] no member phone or name is stored in plaintext after the seed and a sale by phone index', async () => {
      const sale = {
        ...demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]),
        memberPhoneIndex: phoneIndex(INDEX_KEY_FIXTURE, '13900139003'),
      };
      const pushed = await server.request(S001_DEVICE.token, '/saleFacts/_bulk_docs', {
        body: { docs: [asPushed(sale)] },
      });
      expect(pushed.body).toMatchObject([{ ok: true }]);
      expectNoPlaintext(await dumpDocs(server.storage));
    });

    it('[PK1] devices and admins cannot read the sealed personal data or the read records', async () => {
      for (const token of [S001_DEVICE.token, admin]) {
        for (const path of [
          `/${MEMBER_PII_DB}/_changes`,
          `/${MEMBER_PII_DB}/M0001`,
          `/${PII_READS_DB}/_all_docs`,
          `/_facts/${MEMBER_PII_DB}/M0001`,
        ]) {
          const answer = await server.request(token, path);
          // 403 for a till on an admin endpoint; 404 for everyone else.
          expect([403, 404], path).toContain(answer.status);
          expect(JSON.stringify(answer.body)).not.toContain('ciphertext');
        }
      }
    });

    it('[MB1] [PI2] [CN5] a till looks a member up by phone index or by phone; an erased or closed one is not found', async () => {
      const index = phoneIndex(INDEX_KEY_FIXTURE, '13900139003');
      const byIndex = await server.request(
        S001_DEVICE.token,
        `/_members/lookup?phoneIndex=${index}`,
      );
      expect(byIndex).toMatchObject({
        status: 200,
        body: { id: 'M0003', maskedName: 'A*', maskedPhone: '139****9003', points: 5000 },
      });
      const byPhone = await server.request(S001_DEVICE.token, '/_members/lookup?phone=13900139003');
      expect(byPhone.body).toEqual(byIndex.body);
      expect(
        (await server.request(S001_DEVICE.token, '/_members/lookup?phoneIndex=XYZ')).status,
      ).toBe(400);
      const vault = memberVault(server.storage, DEMO_PRIVACY_KEYS, {
        actor: 'job:test',
        reason: 'deletion request',
        now: NOW,
      });
      expect(await vault.shred('M0003', '2026-01-02T03:04:05.000Z')).toBe(true);
      expect(await vault.shred('M0003', '2026-01-02T03:04:06.000Z')).toBe(false);
      expect(
        (await server.request(S001_DEVICE.token, `/_members/lookup?phoneIndex=${index}`)).status,
      ).toBe(404);
      expect(await vault.read('M0003')).toBeNull();
      const erased = (await server.storage.getDocs(MEMBER_PII_DB, ['M0003'], null)).get('M0003');
      expect(erased?.body).toEqual({ id: 'M0003', shreddedAt: '2026-01-02T03:04:05.000Z' });
      // [PT5] Points of an erased member are not checked either.
      const check = await server.request(S002_DEVICE.token, '/_points/check', {
        body: { memberId: 'M0003', points: 1 },
      });
      expect(check.status).toBe(404);
    });

    it('[PT5] a points check names the member by phone index (or an earlier till by phone)', async () => {
      const index = phoneIndex(INDEX_KEY_FIXTURE, '13900139003');
      for (const naming of [{ phoneIndex: index }, { phone: '13900139003' }]) {
        const answer = await server.request(S001_DEVICE.token, '/_points/check', {
          body: { memberId: 'M0003', points: 100, ...naming },
        });
        expect(answer).toMatchObject({ status: 200, body: { ok: true, balance: 5000 } });
      }
      const wrong = await server.request(S001_DEVICE.token, '/_points/check', {
        body: {
          memberId: 'M0003',
          points: 100,
          phoneIndex: phoneIndex(INDEX_KEY_FIXTURE, '13800138001'),
        },
      });
      expect(wrong.status).toBe(404);
    });

    it('[PK9] HQ searches by the last four digits and gets masked members', async () => {
      const found = await server.request(admin, '/_members/search?tail=8001');
      expect(found).toMatchObject({
        status: 200,
        body: { members: [{ id: 'M0001', maskedPhone: '138****8001' }], capped: false },
      });
      expect(JSON.stringify(found.body)).not.toContain('13800138001');
      expect((await server.request(S001_DEVICE.token, '/_members/search?tail=8001')).status).toBe(
        403,
      );
      expect((await server.request(admin, '/_members/search?tail=80')).status).toBe(400);
      expect(phoneTailIndex(INDEX_KEY_FIXTURE, '8001')).toMatch(/^[0-9a-f]{32}$/);
    });

    it('[PK6] a reveal is online, by role, with a reason, and every attempt is recorded', async () => {
      const { storage } = server;
      const manager = staffFixture({
        id: 'S001-E09',
        storeId: 'S001',
        roles: ['manager'],
        pin: '4321',
      });
      const otherStore = staffFixture({
        id: 'S002-E09',
        storeId: 'S002',
        roles: ['manager'],
        pin: '4321',
      });
      await storage.transaction((tx) =>
        loadDocs(tx, 'staff', [manager, otherStore] as unknown as JsonObject[]),
      );
      const reveal = (token: string, body: unknown, id = 'M0001') =>
        server.request(token, `/_members/${id}/reveal`, { body });

      const byAdmin = await reveal(admin, { reason: 'customer asked to check their address' });
      expect(byAdmin).toMatchObject({
        status: 200,
        body: { memberId: 'M0001', name: '张伟', phone: '13800138001' },
      });
      const phoneOnly = await reveal(S001_DEVICE.token, {
        reason: 'confirm phone at the counter',
        fields: ['phone'],
        staffId: 'S001-E09',
        pin: '4321',
      });
      expect(phoneOnly).toMatchObject({ status: 200, body: { phone: '13800138001' } });
      expect(phoneOnly.body).not.toHaveProperty('name');

      const refusals = [
        { reason: 'no staff given at all' },
        { reason: 'a cashier, not a manager', staffId: 'S001-E01', pin: '1111' },
        { reason: 'the wrong PIN for a manager', staffId: 'S001-E09', pin: '0000' },
        { reason: "another store's manager", staffId: 'S002-E09', pin: '4321' },
      ];
      for (const body of refusals) {
        expect((await reveal(S001_DEVICE.token, body)).status, body.reason).toBe(403);
      }
      expect((await reveal(admin, { reason: 'no' })).status).toBe(400);
      expect((await reveal(admin, { reason: 'an unknown member', fields: ['x'] })).status).toBe(
        400,
      );
      expect((await reveal(admin, { reason: 'an unknown member' }, 'M9999')).status).toBe(404);

      const records = await server.request(admin, '/_admin/privacy/records?limit=100');
      const reads = (records.body as { reads: { outcome: string; actor: string }[] }).reads;
      expect(reads.map((r) => r.outcome)).toEqual([
        'not_found',
        'refused',
        'refused',
        'refused',
        'refused',
        'revealed',
        'revealed',
      ]);
      expect(reads.at(-1)!.actor).toMatch(/^admin:hq-privacy$/);
      expect(reads.at(-2)!.actor).toBe('device:S001-POS1/staff:S001-E09');
      expect(records.body).toMatchObject({ crossBorder: { individuals: 0, transfers: [] } });
      // Paged newest first.
      const first = await server.request(admin, '/_admin/privacy/records?limit=3');
      const next = (first.body as { next: number }).next;
      const rest = await server.request(admin, `/_admin/privacy/records?limit=100&before=${next}`);
      expect((rest.body as { reads: unknown[] }).reads).toHaveLength(4);
      // The records hold no personal data.
      expect(JSON.stringify(records.body)).not.toContain('13800138001');
      expect((await server.request(S001_DEVICE.token, '/_admin/privacy/records')).status).toBe(403);
    });

    it('[PK8] transfers abroad count each individual once', async () => {
      const send = (memberIds: string[]) =>
        server.request(admin, '/_admin/privacy/cross-border', {
          body: { memberIds, recipient: 'Group CRM', country: 'SG', purpose: 'support' },
        });
      await send(['M0001', 'M0002']);
      const second = await send(['M0002', 'M0003', 'M0003']);
      expect(second.body).toMatchObject({
        crossBorder: { individuals: 3, transfers: [{ members: 2 }, { members: 2 }] },
      });
      expect(
        (
          await server.request(admin, '/_admin/privacy/cross-border', {
            body: { memberIds: [], recipient: 'x', country: 'SG', purpose: 'x' },
          })
        ).status,
      ).toBe(400);
    });

    it('[PK10] [PI4] a sale naming the phone in plaintext is stored pseudonymised; its replay is a no-op', async () => {
      const legacy = { ...demoSale(S001_DEVICE, 2, [['SKU-0001', 1]]), memberPhone: '13900139003' };
      const push = () =>
        server.request(S001_DEVICE.token, '/saleFacts/_bulk_docs', {
          body: { docs: [asPushed(legacy as SaleFact)] },
        });
      const first = await push();
      expect(first.body).toMatchObject([{ ok: true }]);
      const stored = (await server.storage.getDocs('saleFacts', [legacy.id], null)).get(legacy.id)!;
      expect(stored.body).not.toHaveProperty('memberPhone');
      expect(stored.body.memberPhoneIndex).toBe(phoneIndex(INDEX_KEY_FIXTURE, '13900139003'));
      const again = await push();
      expect(again.body).toEqual(first.body);
      const after = (await server.storage.getDocs('saleFacts', [legacy.id], null)).get(legacy.id)!;
      expect(after.seq).toBe(stored.seq);
      // Attached to the member by the index: no exception for it.
      const attached = `unknown-member-phone:${legacy.id}`;
      expect(
        (await server.storage.getDocs('_exceptions' as 'members', [attached], null)).has(attached),
      ).toBe(false);
      // An unknown phone is an exception naming the index, never the phone.
      const unknown = {
        ...demoSale(S001_DEVICE, 3, [['SKU-0001', 1]]),
        memberPhone: '13700000000',
      };
      await server.request(S001_DEVICE.token, '/saleFacts/_bulk_docs', {
        body: { docs: [asPushed(unknown as SaleFact)] },
      });
      const exceptions = JSON.stringify(
        (
          await server.storage.changes('_exceptions' as 'members', {
            since: 0,
            limit: 100,
            scope: null,
          })
        ).rows,
      );
      expect(exceptions).toContain(phoneIndex(INDEX_KEY_FIXTURE, '13700000000'));
      expect(exceptions).not.toContain('13700000000');
      expect(exceptions).toContain('137****0000');
    });

    it('[PK4] an admin writes members as records, encrypted; a member document as devices hold it is refused', async () => {
      const record = {
        _id: 'M0100',
        name: '王小明',
        phone: '13600136000',
        birthday: '1990-05-01',
        tier: 'basic',
        homeStoreId: 'S001',
        points: 0,
        status: 'active',
      };
      const written = await server.request(admin, '/members/_bulk_docs', {
        body: { docs: [record] },
      });
      expect(written.body).toMatchObject([{ ok: true, id: 'M0100' }]);
      const view = (await server.storage.getDocs('members', ['M0100'], null)).get('M0100')!;
      expect(view.body).toMatchObject({ maskedName: '王*', maskedPhone: '136****6000' });
      const sealed = (await server.storage.getDocs(MEMBER_PII_DB, ['M0100'], null)).get('M0100');
      expect(await openPiiRow(DEMO_PRIVACY_KEYS, sealed)).toEqual({
        name: '王小明',
        phone: '13600136000',
        birthday: '1990-05-01',
      });
      const { _id, ...rest } = record;
      const asView = { _id: 'M0101', ...view.body, id: undefined };
      const refused = await server.request(admin, '/members/_bulk_docs', {
        body: { docs: [JSON.parse(JSON.stringify(asView))] },
      });
      expect(refused.body).toMatchObject([
        {
          id: 'M0101',
          error: 'forbidden',
          reason: expect.stringMatching(/member document as devices hold it/),
        },
      ]);
      // Same content again: a no-op with the revision; a change without _rev: conflict.
      const same = await server.request(admin, '/members/_bulk_docs', { body: { docs: [record] } });
      expect(same.body).toMatchObject([{ ok: true, rev: view.rev }]);
      const changed = await server.request(admin, '/members/_bulk_docs', {
        body: { docs: [{ _id, ...rest, tier: 'gold' }] },
      });
      expect(changed.body).toMatchObject([{ error: 'conflict' }]);
    });
  });

  describe.skipIf(backend.skip)(`keys and migration on ${backend.name}`, () => {
    let storage: SyncStorage;
    beforeEach(async () => {
      storage = await backend.open();
    });
    afterEach(async () => {
      await storage.close();
    });

    it('[PK7] a master key rotation rewraps every data key; reads work before, during and after', async () => {
      const indexKey = DEMO_PRIVACY_KEYS.indexKey;
      const k1: PrivacyKeys = {
        kms: localKms(parseMasterKeys(`k1:${KEY(1)}`)),
        indexKey,
        demo: false,
      };
      const both: PrivacyKeys = {
        kms: localKms(parseMasterKeys(`k2:${KEY(2)},k1:${KEY(1)}`)),
        indexKey,
        demo: false,
      };
      const records = Array.from({ length: 12 }, (_, i) => ({
        id: `M${String(i).padStart(4, '0')}`,
        name: `会员${i}`,
        phone: `1380013${String(8000 + i)}`,
        tier: 'basic',
        homeStoreId: 'S001',
        points: i,
        status: 'active' as const,
      }));
      await storage.transaction((tx) => writeMemberRecords(tx, k1, records));
      const readAll = async (keys: PrivacyKeys) => {
        const rows = await storage.getDocs(
          MEMBER_PII_DB,
          records.map((r) => r.id),
          null,
        );
        return Promise.all(records.map((r) => openPiiRow(keys, rows.get(r.id))));
      };
      // After the configuration change, before the rewrap: k1 documents still read.
      expect((await readAll(both)).map((d) => d?.name)).toEqual(records.map((r) => r.name));
      expect(await rewrapMemberKeys(storage, both)).toBe(12);
      const page = await storage.changes(MEMBER_PII_DB, { since: 0, limit: 100, scope: null });
      expect(page.rows.every((row) => row.body.kekId === 'k2')).toBe(true);
      expect(JSON.stringify(page.rows)).not.toContain('"k1"');
      const k2Only: PrivacyKeys = {
        kms: localKms(parseMasterKeys(`k2:${KEY(2)}`)),
        indexKey,
        demo: false,
      };
      expect((await readAll(k2Only)).map((d) => d?.phone)).toEqual(records.map((r) => r.phone));
      expect(await rewrapMemberKeys(storage, both)).toBe(0);
    });

    it('[PK11] members and sales stored in plaintext are encrypted in place; lookups work after', async () => {
      const plain = DEMO_MEMBERS.map((m) => ({ ...m }));
      const sale = { ...demoSale(S001_DEVICE, 9, [['SKU-0001', 1]]), memberPhone: '13800138002' };
      await storage.transaction((tx) =>
        tx.putMany([
          ...plain.map((m) => ({
            db: 'members' as const,
            id: m.id,
            body: m as unknown as JsonObject,
            storeId: m.homeStoreId,
            expectedRev: null,
          })),
          {
            db: 'saleFacts',
            id: sale.id,
            body: sale as unknown as JsonObject,
            storeId: 'S001',
            expectedRev: null,
            receivedAt: '2026-01-02T03:04:05.000Z',
          },
        ]),
      );
      expect(await encryptPlaintextMembers(storage, DEMO_PRIVACY_KEYS, { batch: 2 })).toEqual({
        members: 3,
        sales: 1,
      });
      // Idempotent: a rerun (e.g. after a crash) finds nothing left.
      expect(await encryptPlaintextMembers(storage, DEMO_PRIVACY_KEYS)).toEqual({
        members: 0,
        sales: 0,
      });
      expectNoPlaintext(await dumpDocs(storage));
      expect(await storage.receivedAt('saleFacts', [sale.id])).toEqual(
        new Map([[sale.id, '2026-01-02T03:04:05.000Z']]),
      );
      const [found] = await storage.membersByPhoneIndex(
        phoneIndex(INDEX_KEY_FIXTURE, '13800138002'),
      );
      expect(found?.body).toMatchObject({ id: 'M0002', maskedName: '李*', points: 300 });
      const vault = memberVault(storage, DEMO_PRIVACY_KEYS, {
        actor: 'job:test',
        reason: 'migration check',
        now: NOW,
      });
      expect(await vault.read('M0002')).toEqual({ name: '李娜', phone: '13800138002' });
    });
  });
}
