/**
 * Finding a member at the till, against the real sync server: the replica
 * holds the terminal's own store's members only; another store's member is
 * found online; offline, an unknown member is reported with the phone to
 * record on the sale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { Member } from '@pos/domain';
import { startSyncServer, type RunningSyncServer } from '@pos/sync-server';
import { openReplica, type ReplicaDatabase } from './database';
import { findMember } from './members';
import { startReplication } from './replication';

const member = (id: string, phone: string, homeStoreId: string): Member => ({
  id,
  phone,
  name: `Member ${id}`,
  tier: 'basic',
  homeStoreId,
  points: 120,
  status: 'active',
});
const ownStore = [
  member('M-S001-1', '13800138001', 'S001'),
  member('M-S001-2', '13800138002', 'S001'),
];
const otherStore = member('M-S002-1', '13900139001', 'S002');

describe('member lookup at a S001 till', () => {
  let server: RunningSyncServer | null;
  let db: ReplicaDatabase;
  let target: { url: string; token: string };

  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
    const written = await server!.storage.bulkWrite(
      [...ownStore, otherStore].map((m) => ({
        db: 'members' as const,
        id: m.id,
        body: m,
        storeId: m.homeStoreId,
        expectedRev: null,
      })),
    );
    expect(written.every((w) => w.ok)).toBe(true);
    target = { url: server!.url, token: 'demo-s001-pos1' };
    db = await openReplica({ name: 'members-s001', storage: getRxStorageMemory() });
    const replication = startReplication(db, target);
    await replication.awaitInitialSync();
    await replication.stop();
  });
  afterAll(async () => {
    await db?.close();
    await server?.close();
  });

  it("holds its own store's members only", async () => {
    const held = (await db.members.find().exec()).map((doc) => doc.toJSON() as Member);
    expect(held.map((m) => m.id)).toEqual(expect.arrayContaining(ownStore.map((m) => m.id)));
    expect(held.filter((m) => m.homeStoreId !== 'S001')).toEqual([]);
  });

  it('[MP1] finds its own member by phone or member id on the till, without the server', async () => {
    const offline = { url: 'http://127.0.0.1:9', token: target.token };
    expect(await findMember(db, offline, { by: 'phone', phone: '13800138002' })).toEqual({
      status: 'found',
      member: ownStore[1],
      from: 'replica',
    });
    expect(await findMember(db, offline, { by: 'id', memberId: 'M-S001-1' })).toMatchObject({
      status: 'found',
      member: ownStore[0],
    });
  });

  it("[PV3] finds another store's member online, masked but for the phone typed, and says when nobody has the phone", async () => {
    const { id, phone, tier, points, status } = otherStore;
    expect(await findMember(db, target, { by: 'phone', phone: otherStore.phone })).toEqual({
      status: 'found',
      member: { id, name: 'M*', phone, tier, points, status },
      from: 'server',
    });
    expect(await findMember(db, target, { by: 'phone', phone: '13700000000' })).toEqual({
      status: 'not-found',
      reason: 'No member has the phone 13700000000',
    });
  });

  it('offline, reports an unknown member with the phone to record on the sale', async () => {
    const port = Number(new URL(target.url).port);
    const offline = { url: `http://127.0.0.1:${port}`, token: target.token };
    await server!.close();
    server = null;
    const found = await findMember(db, offline, { by: 'phone', phone: otherStore.phone });
    expect(found).toMatchObject({
      status: 'unknown',
      record: { memberPhone: otherStore.phone },
      reason: /^Offline: member 13900139001 is recorded with the sale/,
    });
    // A signed member QR's id goes on the sale as it is.
    expect(await findMember(db, offline, { by: 'id', memberId: 'M-S002-1' })).toMatchObject({
      status: 'unknown',
      record: { memberId: 'M-S002-1' },
    });
  });
});
