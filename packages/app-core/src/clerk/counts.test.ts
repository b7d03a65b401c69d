import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeSgtin96, type Product, type Style } from '@pos/domain';
import { staffFixture } from '@pos/domain/fixtures';
import type { Outbox, ReplicaDatabase } from '@pos/replica';
import type { Outcome } from '../outcome';
import { createStateStore, initialTillState } from '../state';
import { openTestReplica, testPorts } from '../till.fixture';
import { fakeClerkServer, memoryLocalStore } from './clerk.fixture';
import {
  COUNT_KEY_PREFIX,
  createCounts,
  scopeOf,
  withReads,
  type CountDesk,
  type CountOnDevice,
} from './counts';
import type { FittingPorts } from './fitting';
import { fakeFloor, fakeRfidServer, type FakeFloor, type FakeRfidServer } from './fitting.fixture';
import type { ClerkLocalStore } from './types';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const WHITE_S: Product = {
  id: 'TEE1-W-S',
  name: '纯棉T恤 白 S',
  gtin: '06901234567892',
  category: 'Apparel',
  taxClass: 'VAT13',
  status: 'active',
};
const STYLE: Style = {
  id: 'style:TEE1',
  kind: 'style',
  styleId: 'TEE1',
  name: '纯棉T恤',
  category: 'Apparel',
  colours: ['白'],
  sizes: ['S'],
  variants: [{ sku: 'TEE1-W-S', colour: '白', size: 'S' }],
};
const CLERK = staffFixture({ id: 'S001-E03', name: '赵丽', pin: '1111' });
const SUPERVISOR = staffFixture({
  id: 'S001-E02',
  name: '陈静',
  pin: '2222',
  roles: ['supervisor'],
});
const epc = (serial: number) => {
  const made = encodeSgtin96({ gtin: WHITE_S.gtin, serial });
  if (!made.ok) throw new Error('bad test EPC');
  return made.epc;
};
const [TAG_A, TAG_B, TAG_C, TAG_D] = [epc(1), epc(2), epc(3), epc(4)];
const zoneTag = (e: string, zone: string) => ({
  epc: e,
  zone,
  since: NOW.toISOString(),
  lastSeen: NOW.toISOString(),
});

let db: ReplicaDatabase;
let outbox: Outbox;
let rfid: FakeRfidServer;
let floor: FakeFloor;
let local: ClerkLocalStore & { data: Map<string, string> };
let online: boolean;

beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  rfid = fakeRfidServer();
  floor = fakeFloor();
  local = memoryLocalStore();
  online = true;
  await db.products.insert(WHITE_S);
  await db.chain.insert(STYLE as never);
  await db.staff.bulkInsert([CLERK, SUPERVISOR]);
  rfid.expected = [TAG_A, TAG_B, TAG_C].map((e) => ({ epc: e, sku: 'TEE1-W-S' }));
  floor.zone = [zoneTag(TAG_A, 'FLOOR'), zoneTag(TAG_B, 'FLOOR'), zoneTag(TAG_D, 'STOCK')];
});
afterEach(() => db.close());

function desk(overrides: Partial<FittingPorts> = {}): CountDesk {
  const state = createStateStore(initialTillState('CNY'));
  state.set({ staff: CLERK });
  const till = testPorts(db, outbox, {
    state,
    clock: () => NOW,
    config: { deviceId: 'S001-TAB1' },
  });
  return createCounts({
    ...till,
    server: fakeClerkServer(),
    local,
    online: () => online,
    rfid,
    floor,
    ...overrides,
  });
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome.value;
}

describe('[FM6] starting a count', () => {
  it('the whole store from the fixed readers compares with the store; a zone with the SKUs it read', async () => {
    const d = desk();
    const store = value(await d.start({ kind: 'store' }));
    expect(store).toMatchObject({ state: 'ready', scope: { kind: 'store' }, staffId: 'S001-E03' });
    expect(store.epcs).toEqual([TAG_A, TAG_B, TAG_D]);
    const zone = value(await d.start({ kind: 'zone', zone: 'FLOOR' }));
    expect(zone).toMatchObject({
      scope: { kind: 'skus-read', zone: 'FLOOR' },
      epcs: [TAG_A, TAG_B],
    });
    expect((await d.counts()).map((c) => c.countId).sort()).toEqual(
      [store.countId, zone.countId].sort(),
    );
  });

  it('the zones to choose from are those the fixed readers place tags in now', async () => {
    expect(await desk().zones()).toMatchObject({ ok: true, value: ['FLOOR', 'STOCK'] });
    expect(await desk({ floor: null }).zones()).toMatchObject({ code: 'HUB_NONE' });
  });

  it('no hub, an old hub, no zone, no clerk: refused, nothing kept', async () => {
    expect(await desk({ floor: null }).start({ kind: 'store' })).toMatchObject({
      code: 'HUB_NONE',
    });
    expect(
      await desk({ floor: { onTagRead: floor.onTagRead } }).start({ kind: 'zone', zone: 'X' }),
    ).toMatchObject({ code: 'HUB_NO_ZONES' });
    expect(await desk().start({ kind: 'zone', zone: ' ' })).toMatchObject({
      code: 'COUNT_ZONE_MISSING',
    });
    expect(await desk({ floor: null }).start({ kind: 'handheld' })).toMatchObject({
      code: 'HUB_NONE',
    });
    expect(
      await desk({ state: createStateStore(initialTillState('CNY')) }).start({ kind: 'store' }),
    ).toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(local.data.size).toBe(0);
  });

  it('a handheld read gathers each EPC once while reading, kept on the device at each new one', async () => {
    const d = desk();
    const count = value(await d.start({ kind: 'handheld' }));
    expect(count).toMatchObject({ state: 'reading', scope: { kind: 'skus-read' }, epcs: [] });
    const seen: number[] = [];
    let twoKept = () => {};
    const kept = new Promise<void>((resolve) => (twoKept = resolve));
    const reading = value(
      await d.read(count.countId, (c) => {
        seen.push(c.epcs.length);
        if (c.epcs.length === 2) twoKept();
      }),
    );
    floor.read(TAG_A);
    floor.read(TAG_A);
    floor.read(TAG_B.toLowerCase());
    floor.read('E2801160600002');
    // Told once kept: a tablet closed now loses no read.
    await kept;
    const onDevice = await local.get<CountOnDevice>(`${COUNT_KEY_PREFIX}${count.countId}`);
    expect(onDevice?.epcs).toEqual([TAG_A, TAG_B]);
    const stopped = await reading.stop();
    expect(stopped).toMatchObject({ state: 'ready', epcs: [TAG_A, TAG_B] });
    floor.read(TAG_C);
    expect((await d.counts())[0]!.epcs).toEqual([TAG_A, TAG_B]);
    expect(seen).toEqual([0, 1, 2, 2]);
    expect((await d.counts())[0]!.ignored).toBe(1);
  });

  it('a count read by the fixed readers is not read by hand', async () => {
    const d = desk();
    const count = value(await d.start({ kind: 'store' }));
    expect(await d.read(count.countId, () => {})).toMatchObject({ code: 'COUNT_NOT_HANDHELD' });
  });

  it('reads: 96-bit EPCs only, upper case, each once, in the order first read', () => {
    const empty: CountOnDevice = {
      countId: 'C',
      source: { kind: 'handheld' },
      scope: scopeOf({ kind: 'handheld' }),
      staffId: 'S',
      startedAt: NOW.toISOString(),
      epcs: [],
      ignored: 0,
      state: 'reading',
    };
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(TAG_A, TAG_B, TAG_C), fc.string())),
        (reads) => {
          const after = withReads(empty, reads);
          expect(new Set(after.epcs).size).toBe(after.epcs.length);
          expect(after.epcs.every((e) => /^[0-9A-F]{24}$/.test(e))).toBe(true);
          expect(after.epcs.length + after.ignored).toBeLessThanOrEqual(reads.length);
        },
      ),
    );
  });
});

describe('[FM7] [FM8] sending a count', () => {
  it('compared by the server: found, missing, unexpected, accuracy by SKU and unit, named', async () => {
    const d = desk();
    const count = value(await d.start({ kind: 'store' }));
    const sent = value(await d.submit(count.countId));
    expect(sent.state).toBe('compared');
    const report = await d.report(sent);
    expect(report?.result.found.map((f) => f.epc)).toEqual([TAG_A, TAG_B]);
    expect(report?.result.missing.map((f) => f.epc)).toEqual([TAG_C]);
    expect(report?.result.unexpected.map((f) => f.epc)).toEqual([TAG_D]);
    expect(report?.lines[0]).toMatchObject({
      sku: 'TEE1-W-S',
      expected: 3,
      found: 2,
      item: { colour: '白', size: 'S' },
    });
    expect(report?.result.unitAccuracyBp).toBe(6667);
    expect(rfid.counts.get(count.countId)?.request).toMatchObject({
      countId: count.countId,
      scope: { kind: 'store' },
      staffId: 'S001-E03',
      epcs: [TAG_A, TAG_B, TAG_D],
    });
  });

  it('offline it waits with its reads and says so; sent again with the same id, compared once', async () => {
    online = false;
    const d = desk();
    const count = value(await d.start({ kind: 'zone', zone: 'FLOOR' }));
    const waiting = await d.submit(count.countId);
    expect(waiting).toMatchObject({ ok: true, value: { state: 'waiting', epcs: [TAG_A, TAG_B] } });
    expect(waiting.ok && waiting.notices[0]).toMatchObject({ code: 'COUNT_WAITING' });
    online = true;
    rfid.mode = 'lost-answer';
    expect((await d.flush())[0]).toMatchObject({ state: 'waiting' });
    rfid.mode = { status: 503, code: 'UNAVAILABLE', reason: 'restarting' };
    expect((await d.flush())[0]).toMatchObject({ state: 'waiting' });
    rfid.mode = 'online';
    expect((await d.flush())[0]).toMatchObject({ state: 'compared' });
    expect((await d.flush())[0]).toMatchObject({ state: 'compared' });
    const posts = rfid.asked.filter((a) => a.startsWith('POST counts'));
    expect(posts).toHaveLength(3);
    expect(new Set(posts)).toEqual(new Set([`POST counts ${count.countId}`]));
    expect(rfid.counts.size).toBe(1);
  });

  it('a refusal keeps the count with the server’s reason; still reading or nothing read is not sent', async () => {
    const d = desk();
    rfid.mode = { status: 400, code: 'EPC_INVALID', reason: 'bad EPC' };
    const count = value(await d.start({ kind: 'store' }));
    expect(await d.submit(count.countId)).toMatchObject({ ok: false, code: 'EPC_INVALID' });
    expect((await d.counts())[0]).toMatchObject({ state: 'refused', reason: 'bad EPC' });
    const handheld = value(await d.start({ kind: 'handheld' }));
    expect(await d.submit(handheld.countId)).toMatchObject({ code: 'COUNT_STILL_READING' });
    await value(await d.read(handheld.countId, () => {})).stop();
    expect(await d.submit(handheld.countId)).toMatchObject({ code: 'COUNT_EMPTY' });
    expect(await d.submit('NOPE')).toMatchObject({ code: 'COUNT_UNKNOWN' });
  });
});

describe('[FM9] approving a count', () => {
  it('a supervisor’s PIN approves it once; a clerk’s or a wrong PIN does not', async () => {
    const d = desk();
    const count = value(await d.start({ kind: 'store' }));
    expect(await d.approve(count.countId, { supervisorId: 'S001-E02', pin: '2222' })).toMatchObject(
      { code: 'COUNT_NOT_COMPARED' },
    );
    value(await d.submit(count.countId));
    expect(await d.approve(count.countId, { supervisorId: 'S001-E03', pin: '1111' })).toMatchObject(
      { code: 'NOT_PERMITTED' },
    );
    expect(await d.approve(count.countId, { supervisorId: 'S001-E02', pin: '9999' })).toMatchObject(
      { code: 'PIN_WRONG' },
    );
    const approved = await d.approve(count.countId, { supervisorId: 's001-e02', pin: '2222' });
    expect(approved).toMatchObject({
      ok: true,
      value: { state: 'approved', approvedBy: 'S001-E02' },
    });
    expect(rfid.approvals).toEqual([
      { countId: count.countId, approval: { approverId: 'S001-E02', at: NOW.toISOString() } },
    ]);
    expect(await d.approve(count.countId, { supervisorId: 'S001-E02', pin: '2222' })).toMatchObject(
      { ok: true },
    );
    expect(rfid.approvals).toHaveLength(1);
  });

  it('offline: refused after the PIN, nothing sent', async () => {
    const d = desk();
    const count = value(await d.start({ kind: 'store' }));
    value(await d.submit(count.countId));
    online = false;
    expect(await d.approve(count.countId, { supervisorId: 'S001-E02', pin: '2222' })).toMatchObject(
      { code: 'OFFLINE' },
    );
    expect(rfid.approvals).toEqual([]);
  });
});
