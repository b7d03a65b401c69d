/**
 * Finding a member at the till, against the real sync server: the replica
 * holds the terminal's own store's members only, masked and blind-indexed;
 * a typed phone is hashed on the till and matched there; another store's
 * member is found online by the phone's index; offline, an unknown member
 * is reported with the index to record on the sale. No phone in plaintext
 * leaves the till.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  erasedMember,
  memberView,
  phoneIndex,
  type Member,
  type MemberLookup,
  type MemberRecord,
} from '@pos/domain';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';
import { startSyncServer, type RunningSyncServer } from '@pos/sync-server';
import { openReplica, type ReplicaDatabase } from './database';
import { findMember, memberQuery } from './members';
import { startReplication, type SyncTarget } from './replication';

const key = INDEX_KEY_FIXTURE;
const record = (id: string, phone: string, name: string, homeStoreId: string): MemberRecord => ({
  id,
  phone,
  name,
  tier: 'basic',
  homeStoreId,
  points: 120,
  status: 'active',
});
const records = {
  own1: record('M-S001-1', '13800138101', '周杰', 'S001'),
  own2: record('M-S001-2', '13800138102', '吴敏', 'S001'),
  erased: record('M-S001-3', '13800138103', '孙丽', 'S001'),
  other: record('M-S002-1', '13900139101', 'Lee Morgan', 'S002'),
};
const ownStore = [memberView(records.own1, key), memberView(records.own2, key)];
const erased = erasedMember(memberView(records.erased, key));
const otherStore = memberView(records.other, key);
const byPhone = (phone: string): MemberLookup => ({ by: 'phone', phone });

/** A fetch that remembers every request, so tests can see what left the till. */
function recording(sent: string[]): typeof fetch {
  return async (input, init) => {
    sent.push(`${String(input)} ${String(init?.body ?? '')}`);
    return fetch(input, init);
  };
}

describe('member lookup at a S001 till', () => {
  let server: RunningSyncServer | null;
  let db: ReplicaDatabase;
  let target: SyncTarget;
  const sent: string[] = [];

  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
    const written = await server!.storage.bulkWrite(
      [...ownStore, erased, otherStore].map((m) => ({
        db: 'members' as const,
        id: m.id,
        body: m,
        storeId: m.homeStoreId,
        expectedRev: null,
      })),
    );
    expect(written.every((w) => w.ok)).toBe(true);
    target = { url: server!.url, token: 'demo-s001-pos1', fetch: recording(sent) };
    db = await openReplica({ name: 'members-s001', storage: getRxStorageMemory() });
    const replication = startReplication(db, target);
    await replication.awaitInitialSync();
    await replication.stop();
  });
  afterAll(async () => {
    await db?.close();
    await server?.close();
  });

  it("[PI1] holds its own store's members only, masked and blind-indexed", async () => {
    const held = (await db.members.find().exec()).map((doc) => doc.toJSON() as Member);
    expect(held).toEqual(expect.arrayContaining(ownStore));
    expect(held.filter((m) => m.homeStoreId !== 'S001')).toEqual([]);
    const stored = JSON.stringify(held);
    for (const r of Object.values(records)) {
      expect(stored).not.toContain(r.phone);
      expect(stored).not.toContain(r.name);
    }
  });

  it('[MP1] [PI2] finds its own member by a typed phone hashed on the till, or by member id, without the server', async () => {
    const offline = { url: 'http://127.0.0.1:9', token: target.token };
    expect(await findMember(db, offline, memberQuery(byPhone('13800138102'), key))).toEqual({
      status: 'found',
      member: {
        id: 'M-S001-2',
        maskedName: '吴*',
        maskedPhone: '138****8102',
        tier: 'basic',
        points: 120,
        status: 'active',
        phoneIndex: phoneIndex(key, '13800138102'),
      },
      from: 'replica',
    });
    expect(await findMember(db, offline, { by: 'id', memberId: 'M-S001-1' })).toMatchObject({
      status: 'found',
      member: { id: 'M-S001-1', maskedName: '周*' },
    });
  });

  it('[PI2] without an index key, refuses a typed phone and sends nothing; a member QR still works', async () => {
    sent.length = 0;
    expect(await findMember(db, target, byPhone(records.own1.phone))).toEqual({
      status: 'no-index-key',
      reason: 'this terminal has no member index key; scan the member QR',
    });
    expect(sent).toEqual([]);
    expect(await findMember(db, target, { by: 'id', memberId: 'M-S001-1' })).toMatchObject({
      status: 'found',
    });
  });

  it('[PI5] does not find an erased member, by id or by phone', async () => {
    expect(await findMember(db, target, { by: 'id', memberId: erased.id })).toMatchObject({
      status: 'not-found',
    });
    expect(
      await findMember(db, target, memberQuery(byPhone(records.erased.phone), key)),
    ).toMatchObject({ status: 'not-found' });
  });

  it("[PV3] [PI2] finds another store's member online by the phone's index, masked, and says when nobody has the phone", async () => {
    sent.length = 0;
    expect(await findMember(db, target, memberQuery(byPhone(records.other.phone), key))).toEqual({
      status: 'found',
      member: {
        id: otherStore.id,
        maskedName: 'L*',
        maskedPhone: '139****9101',
        tier: 'basic',
        points: 120,
        status: 'active',
        phoneIndex: otherStore.phoneIndex,
      },
      from: 'server',
    });
    expect(await findMember(db, target, memberQuery(byPhone('13700000000'), key))).toEqual({
      status: 'not-found',
      reason: 'No member has the phone 137****0000',
    });
    expect(sent.join('\n')).toContain(`phoneIndex=${otherStore.phoneIndex}`);
    expect(sent.join('\n')).not.toContain(records.other.phone);
    expect(sent.join('\n')).not.toContain('13700000000');
  });

  it('offline, reports an unknown member with the phone index to record on the sale', async () => {
    const port = Number(new URL(target.url).port);
    const offline = { url: `http://127.0.0.1:${port}`, token: target.token };
    await server!.close();
    server = null;
    const found = await findMember(db, offline, memberQuery(byPhone(records.other.phone), key));
    expect(found).toMatchObject({
      status: 'unknown',
      record: { memberPhoneIndex: otherStore.phoneIndex },
      reason: /^Offline: member 139\*\*\*\*9101 is recorded with the sale/,
    });
    // A signed member QR's id goes on the sale as it is.
    expect(await findMember(db, offline, { by: 'id', memberId: 'M-S002-1' })).toMatchObject({
      status: 'unknown',
      record: { memberId: 'M-S002-1' },
    });
  });
});
