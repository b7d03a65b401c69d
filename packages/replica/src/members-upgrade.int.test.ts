/**
 * [PI1] [PI4] A till upgrading from members held in plaintext (members schema
 * version 0) to masked, blind-indexed members: at the first open of the new
 * version the members are migrated and sales that name a member by a phone
 * in plaintext are pseudonymised, and the storage itself, read raw, holds
 * no member's phone or name. Unsynced sales are kept and still wait to upload.
 */
import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import type { RxCollection } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { memberView, phoneIndex, type Member, type MemberRecord, type SaleFact } from '@pos/domain';
import { INDEX_KEY_FIXTURE, saleFactFixture } from '@pos/domain/fixtures';
import { DEMO_MEMBERS } from '@pos/sync-server';
import { openReplica, replicaDefinitions } from './database';
import { findMember, memberQuery } from './members';
import type { MemberVersion0 } from './migrations';
import { openOutbox } from './outbox';
import { MEMBERS_SCHEMA_V0, rawStorageText } from './test-fixtures';

const key = INDEX_KEY_FIXTURE;
const storage = getRxStorageMemory();
/** Nothing answers here: the till is offline. */
const offline = { url: 'http://127.0.0.1:9', token: 'demo-s001-pos1' };

// The demo chain's members of this till's store, and a closed one.
const records: MemberRecord[] = [
  ...DEMO_MEMBERS.filter((m) => m.homeStoreId === 'S001'),
  {
    ...DEMO_MEMBERS[0]!,
    id: 'M0004',
    phone: '13800138004',
    name: 'Alex Chen',
    tier: 'basic',
    points: 0,
    status: 'closed',
  },
];
/** A phone a customer gave for a member this till did not hold, recorded in plaintext. */
const unknownPhone = '13900139003';

/** The stored lines holding `text`: none is what a test expects, and what it shows when not. */
const holding = (raw: string, text: string) =>
  raw
    .split('\n')
    .filter((line) => line.includes(text))
    .map((line) => line.slice(Math.max(0, line.indexOf(text) - 150), line.indexOf(text) + 50));

const sale = (i: number, memberPhone: string): SaleFact => ({
  ...saleFactFixture({ id: `S001-POS1-01JMASKUPGRADE0000000000${i}` }),
  memberPhone,
});

/** The till as the earlier version left it: plaintext members, two sales waiting with phones. */
async function earlierTill(name: string): Promise<SaleFact[]> {
  const definitions = replicaDefinitions();
  definitions.members = { schema: MEMBERS_SCHEMA_V0 };
  const db = await openReplica({ name, storage, definitions });
  const members = db.members as unknown as RxCollection<MemberVersion0>;
  await members.bulkInsert(records.map(({ birthday: _, addresses: __, ...r }) => r));
  const outbox = await openOutbox(db, offline);
  const sales = [sale(1, records[1]!.phone), sale(2, unknownPhone)];
  for (const s of sales) await outbox.record('sale', s);
  await db.close();
  const before = rawStorageText(storage, name);
  expect(before).toContain(records[0]!.phone);
  expect(before).toContain(records[0]!.name);
  return sales;
}

describe('a till upgrading to masked members', () => {
  it('[PI1] [PI4] with the index key: members masked and indexed, waiting sales pseudonymised and kept, no plaintext in storage', async () => {
    const name = 'upgrade-with-key';
    const sales = await earlierTill(name);

    const db = await openReplica({ name, storage, indexKey: key });
    const members = (await db.members.find().exec()).map((d) => d.toJSON() as Member);
    expect(members.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      records.map((r) => memberView(r, key)),
    );
    // A typed phone, hashed on the till, finds the migrated member offline.
    expect(
      await findMember(db, offline, memberQuery({ by: 'phone', phone: '13800138001' }, key)),
    ).toMatchObject({
      status: 'found',
      from: 'replica',
      member: { id: 'M0001', maskedName: '张*' },
    });

    const facts = await db.facts.findByIds(sales.map((s) => s.id)).exec();
    for (const s of sales) {
      const { memberPhone, ...rest } = s;
      expect(facts.get(s.id)?.toJSON()).toEqual({
        ...rest,
        kind: 'sale',
        memberPhoneIndex: phoneIndex(key, memberPhone!),
      });
    }
    // Neither sale was uploaded: both still wait.
    expect(await firstValueFrom((await openOutbox(db, offline)).pending$)).toBe(2);
    await db.close();

    const raw = rawStorageText(storage, name);
    for (const phone of [...records.map((r) => r.phone), unknownPhone]) {
      expect(holding(raw, phone)).toEqual([]);
    }
    for (const r of records) expect(holding(raw, r.name)).toEqual([]);

    // A second open has nothing left to migrate or rewrite.
    const again = await openReplica({ name, storage, indexKey: key });
    expect(await again.members.count().exec()).toBe(3);
    expect(await again.facts.count().exec()).toBe(2);
    await again.close();
  });

  it('[PI1] without the index key: members masked without indexes, sales left for the server to pseudonymise', async () => {
    const name = 'upgrade-without-key';
    const sales = await earlierTill(name);

    const db = await openReplica({ name, storage });
    const m1 = (await db.members.findOne('M0001').exec())?.toJSON();
    expect(m1).toEqual({
      id: 'M0001',
      maskedName: '张*',
      maskedPhone: '138****8001',
      tier: 'gold',
      homeStoreId: 'S001',
      points: 1200,
      status: 'active',
    });
    // Found by id (a member QR); a phone cannot be hashed on this till.
    expect(await findMember(db, offline, { by: 'id', memberId: 'M0001' })).toMatchObject({
      status: 'found',
    });
    const facts = await db.facts.findByIds(sales.map((s) => s.id)).exec();
    for (const s of sales) expect(facts.get(s.id)?.toJSON()).toEqual({ ...s, kind: 'sale' });
    expect(await firstValueFrom((await openOutbox(db, offline)).pending$)).toBe(2);
    await db.close();

    const raw = rawStorageText(storage, name, 'members');
    for (const r of records) {
      expect(holding(raw, r.phone)).toEqual([]);
      expect(holding(raw, r.name)).toEqual([]);
    }
  });
});
