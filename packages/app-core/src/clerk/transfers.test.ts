import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  encodeSgtin96,
  type ClerkServerAnswer,
  type Product,
  type TransferOrder,
  type TransferStepRequest,
} from '@pos/domain';
import { staffFixture } from '@pos/domain/fixtures';
import type { Outbox, ReplicaDatabase, TransfersServer } from '@pos/replica';
import type { Outcome } from '../outcome';
import { createStateStore, initialTillState } from '../state';
import { openTestReplica, testPorts } from '../till.fixture';
import { fakeClerkServer, memoryLocalStore } from './clerk.fixture';
import { fakeFloor, type FakeFloor } from './fitting.fixture';
import {
  createTransfers,
  expectedFor,
  nextStep,
  stepLines,
  type StepOnDevice,
  type TransferDesk,
  type TransferPorts,
} from './transfers';
import type { ClerkLocalStore } from './types';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const product = (id: string, name: string, gtin: string): Product => ({
  id,
  name,
  gtin,
  category: 'Apparel',
  taxClass: 'VAT13',
  status: 'active',
});
const WHITE_S = product('TEE1-W-S', '纯棉T恤 白 S', '06901234567892');
const WHITE_M = product('TEE1-W-M', '纯棉T恤 白 M', '06901234567908');
const SOCKS = product('SOCK-1', '袜子', '06901234567915');
const CLERK = staffFixture({ id: 'S001-E03', name: '赵丽', pin: '1111' });
const epc = (gtin: string, serial: number) => {
  const made = encodeSgtin96({ gtin, serial });
  if (!made.ok) throw new Error('bad test EPC');
  return made.epc;
};

const order = (over: Partial<TransferOrder> = {}): TransferOrder => ({
  id: 'TR-20260301-aaaaaaaa',
  kind: 'transfer',
  from: 'S001',
  to: 'S002',
  status: 'draft',
  lines: [
    { sku: 'TEE1-W-S', name: WHITE_S.name, quantity: 2 },
    { sku: 'TEE1-W-M', name: WHITE_M.name, quantity: 1 },
  ],
  reason: 'slow seller',
  createdAt: '2026-03-01T09:00:00.000Z',
  createdBy: 'hq',
  steps: [],
  ...over,
});

type FakeTransfers = TransfersServer & {
  orders: TransferOrder[];
  sent: { transferId: string; request: TransferStepRequest }[];
  mode: 'ok' | 'offline' | 'conflict' | 'unavailable';
};

function fakeTransfers(): FakeTransfers {
  const server: FakeTransfers = {
    orders: [],
    sent: [],
    mode: 'ok',
    async list() {
      if (server.mode === 'offline') return { ok: false, offline: true, reason: 'no network' };
      return { ok: true, value: { transfers: server.orders } };
    },
    async confirmStep(transferId, request): Promise<ClerkServerAnswer<TransferOrder>> {
      server.sent.push({ transferId, request });
      if (server.mode === 'offline') return { ok: false, offline: true, reason: 'no network' };
      if (server.mode === 'unavailable') {
        return { ok: false, offline: false, status: 503, code: 'UNAVAILABLE', reason: 'busy' };
      }
      if (server.mode === 'conflict') {
        return {
          ok: false,
          offline: false,
          status: 409,
          code: 'CONFLICT',
          reason: 'it is shipped',
        };
      }
      const found = server.orders.find((o) => o.id === transferId)!;
      const status = request.step;
      const field = status === 'ready' ? 'picked' : status;
      const after: TransferOrder = {
        ...found,
        status,
        lines: found.lines.map((l) => ({
          ...l,
          [field]: request.lines.find((r) => r.sku === l.sku)?.quantity ?? 0,
        })),
      };
      server.orders = server.orders.map((o) => (o.id === transferId ? after : o));
      return { ok: true, value: after };
    },
  };
  return server;
}

let db: ReplicaDatabase;
let outbox: Outbox;
let server: FakeTransfers;
let floor: FakeFloor;
let local: ClerkLocalStore & { data: Map<string, string> };
let online: boolean;
let ids: number;

beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  server = fakeTransfers();
  floor = fakeFloor();
  local = memoryLocalStore();
  online = true;
  ids = 0;
  await db.products.bulkInsert([WHITE_S, WHITE_M, SOCKS]);
  await db.staff.bulkInsert([CLERK]);
  server.orders = [order()];
});
afterEach(() => db.close());

function desk(overrides: Partial<TransferPorts> = {}): TransferDesk {
  const state = createStateStore(initialTillState('CNY'));
  state.set({ staff: CLERK });
  const till = testPorts(db, outbox, {
    state,
    clock: () => NOW,
    config: { deviceId: 'S001-TAB1', storeId: 'S001' },
    newId: () => `s001-tab1-step${++ids}`,
  });
  return createTransfers({
    ...till,
    server: fakeClerkServer(),
    local,
    online: () => online,
    transfers: server,
    floor,
    ...overrides,
  });
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome.value;
}

describe('[CL15] the store’s transfers to act on', () => {
  it('the sender picks a draft and ships a ready one; the receiver receives a shipped one', () => {
    expect(nextStep(order(), 'S001')).toMatchObject({ step: 'ready', role: 'send' });
    expect(nextStep(order({ status: 'ready' }), 'S001')).toMatchObject({ step: 'shipped' });
    expect(nextStep(order({ status: 'shipped' }), 'S002')).toMatchObject({
      step: 'received',
      role: 'receive',
    });
    expect(nextStep(order(), 'S002')).toBeNull();
    expect(nextStep(order({ status: 'shipped' }), 'S001')).toBeNull();
    expect(nextStep(order({ status: 'received' }), 'S002')).toBeNull();
    expect(
      nextStep(order({ kind: 'delivery', status: 'shipped', from: 'ACME' }), 'S002'),
    ).not.toBeNull();
  });

  it('live when online and kept; offline the last list, marked stale; none kept: refused', async () => {
    online = false;
    expect(await desk().board()).toMatchObject({ ok: false, code: 'OFFLINE' });
    online = true;
    const live = value(await desk().board());
    expect(live.state).toBe('live');
    expect(live.tasks.map((t) => [t.order.id, t.step])).toEqual([
      ['TR-20260301-aaaaaaaa', 'ready'],
    ]);
    online = false;
    const stale = value(await desk().board());
    expect(stale).toMatchObject({ state: 'stale', reason: 'the tablet is offline' });
    expect(stale.tasks).toHaveLength(1);
  });

  it('offline with nothing kept: the transfers replication brought, the furthest status of each', async () => {
    online = false;
    const shipped = order({ id: 'TR-2', status: 'shipped', from: 'S003', to: 'S001' });
    const replicated = async () => [order({ status: 'ready' }), shipped];
    const board = value(await desk({ replicated }).board());
    expect(board.state).toBe('stale');
    expect(board.tasks.map((t) => [t.order.id, t.step])).toEqual([
      ['TR-20260301-aaaaaaaa', 'shipped'],
      ['TR-2', 'received'],
    ]);
  });
});

describe('[CL16] [CL17] scanning a step', () => {
  it('a barcode, a typed SKU and an RFID tag (once) each add a unit; expected against scanned', async () => {
    const d = desk();
    const step = value(await d.start('TR-20260301-aaaaaaaa'));
    expect(step).toMatchObject({ step: 'ready', state: 'scanning', staffId: 'S001-E03' });
    value(await d.scan(step.stepId, WHITE_S.gtin));
    value(await d.scan(step.stepId, 'TEE1-W-M'));
    value(await d.scan(step.stepId, 'TEE1-W-M'));
    const tag = epc(WHITE_S.gtin, 7);
    value(await d.scan(step.stepId, tag));
    const again = await d.scan(step.stepId, tag.toLowerCase());
    expect(again).toMatchObject({ ok: true, notices: [{ code: 'TRANSFER_EPC_AGAIN' }] });
    const after = value(again);
    expect(after.counts).toEqual({ 'TEE1-W-S': 2, 'TEE1-W-M': 2 });
    expect(after.epcs).toEqual({ 'TEE1-W-S': [tag] });
    expect(stepLines(after)).toEqual([
      { sku: 'TEE1-W-S', name: WHITE_S.name, expected: 2, scanned: 2, over: 0, under: 0 },
      { sku: 'TEE1-W-M', name: WHITE_M.name, expected: 1, scanned: 2, over: 1, under: 0 },
    ]);
    // Kept on the tablet: a new desk (a reload) resumes it.
    expect(value(await desk().start('TR-20260301-aaaaaaaa')).counts).toEqual(after.counts);
  });

  it('an unknown item and one not on the transfer are refused in words; nothing counted', async () => {
    const d = desk();
    const step = value(await d.start('TR-20260301-aaaaaaaa'));
    expect(await d.scan(step.stepId, '1234')).toMatchObject({
      ok: false,
      code: 'PRODUCT_UNKNOWN',
      message: '1234 is no product this tablet knows',
    });
    expect(await d.scan(step.stepId, SOCKS.gtin)).toMatchObject({
      ok: false,
      code: 'TRANSFER_NOT_ON_LIST',
      message: '袜子 (SOCK-1) is not on transfer TR-20260301-aaaaaaaa: put it aside',
    });
    expect(await d.scan(step.stepId, '  ')).toMatchObject({ code: 'SCAN_EMPTY' });
    expect((await d.steps())[0]!.counts).toEqual({});
  });

  it('a count set by hand, never below the tags read; what each step expects', async () => {
    const d = desk();
    const step = value(await d.start('TR-20260301-aaaaaaaa'));
    value(await d.scan(step.stepId, epc(WHITE_S.gtin, 1)));
    expect(await d.setCount(step.stepId, 'TEE1-W-S', 0)).toMatchObject({
      code: 'TRANSFER_COUNT_BELOW_TAGS',
    });
    expect(await d.setCount(step.stepId, 'TEE1-W-S', -1)).toMatchObject({
      code: 'TRANSFER_COUNT_INVALID',
    });
    expect(await d.setCount(step.stepId, 'SOCK-1', 1)).toMatchObject({
      code: 'TRANSFER_NOT_ON_LIST',
    });
    expect(value(await d.setCount(step.stepId, 'TEE1-W-M', 3)).counts).toEqual({
      'TEE1-W-S': 1,
      'TEE1-W-M': 3,
    });
    const line = { sku: 'A', name: 'A', quantity: 5, picked: 4, shipped: 3 };
    expect([
      expectedFor(line, 'ready'),
      expectedFor(line, 'shipped'),
      expectedFor(line, 'received'),
    ]).toEqual([5, 4, 3]);
  });

  it('[CL19] the RFID handheld’s reads: each EPC once, a foreign tag said in words', async () => {
    const d = desk();
    const step = value(await d.start('TR-20260301-aaaaaaaa'));
    const seen: { counts: Record<string, number>; notice?: string }[] = [];
    const reading = value(
      d.read(step.stepId, (s, notice) =>
        seen.push({ counts: s.counts, ...(notice ? { notice: notice.code! } : {}) }),
      ),
    );
    const [a, b] = [epc(WHITE_S.gtin, 1), epc(WHITE_M.gtin, 2)];
    for (const tag of [a, a, b, a, epc(SOCKS.gtin, 3)]) floor.read(tag);
    await reading.stop();
    const after = (await d.steps())[0]!;
    expect(after.counts).toEqual({ 'TEE1-W-S': 1, 'TEE1-W-M': 1 });
    expect(seen.at(-1)).toMatchObject({ notice: 'TRANSFER_NOT_ON_LIST' });
    floor.read(epc(WHITE_S.gtin, 9));
    expect((await d.steps())[0]!.counts).toEqual({ 'TEE1-W-S': 1, 'TEE1-W-M': 1 });
    expect(desk({ floor: null }).read(step.stepId, () => {})).toMatchObject({ code: 'HUB_NONE' });
  });
});

describe('[CL18] confirming a step', () => {
  async function scanned(d: TransferDesk): Promise<StepOnDevice> {
    const step = value(await d.start('TR-20260301-aaaaaaaa'));
    value(await d.scan(step.stepId, WHITE_S.gtin));
    value(await d.scan(step.stepId, WHITE_S.gtin));
    return step;
  }

  it('sent with its step id and every line; the transfer moves on', async () => {
    const d = desk();
    const step = await scanned(d);
    const sent = value(await d.confirm(step.stepId));
    expect(sent).toMatchObject({ state: 'sent', answer: { status: 'ready' } });
    expect(server.sent).toEqual([
      {
        transferId: 'TR-20260301-aaaaaaaa',
        request: {
          stepId: step.stepId,
          step: 'ready',
          lines: [
            { sku: 'TEE1-W-S', quantity: 2 },
            { sku: 'TEE1-W-M', quantity: 0 },
          ],
          staffId: 'S001-E03',
          at: NOW.toISOString(),
        },
      },
    ]);
    expect(value(await d.board()).tasks[0]).toMatchObject({ step: 'shipped' });
    // Confirmed: no more scans; confirming again sends nothing.
    expect(await d.scan(step.stepId, WHITE_S.gtin)).toMatchObject({
      code: 'TRANSFER_STEP_CONFIRMED',
    });
    value(await d.confirm(step.stepId));
    expect(server.sent).toHaveLength(1);
  });

  it('offline it waits on the tablet and is sent again with the same id', async () => {
    const d = desk();
    const step = await scanned(d);
    online = false;
    const waiting = await d.confirm(step.stepId);
    expect(waiting).toMatchObject({
      ok: true,
      value: { state: 'waiting' },
      notices: [{ code: 'TRANSFER_WAITING' }],
    });
    expect(server.sent).toHaveLength(0);
    // No answer came (a timeout): still waiting, same id.
    online = true;
    server.mode = 'offline';
    await desk().flush();
    server.mode = 'unavailable';
    await desk().flush();
    server.mode = 'ok';
    const [after] = await desk().flush();
    expect(after).toMatchObject({ state: 'sent', stepId: step.stepId });
    expect(server.sent.map((s) => s.request.stepId)).toEqual([
      step.stepId,
      step.stepId,
      step.stepId,
    ]);
    expect(new Set(server.sent.map((s) => JSON.stringify(s.request))).size).toBe(1);
  });

  it('a refusal (the transfer moved on elsewhere) is kept with its reason; nothing scanned is refused', async () => {
    const d = desk();
    const empty = value(await d.start('TR-20260301-aaaaaaaa'));
    expect(await d.confirm(empty.stepId)).toMatchObject({ code: 'TRANSFER_NOTHING_SCANNED' });
    value(await d.scan(empty.stepId, WHITE_S.gtin));
    server.mode = 'conflict';
    expect(await d.confirm(empty.stepId)).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect((await d.steps())[0]).toMatchObject({ state: 'refused', reason: 'it is shipped' });
    expect(value(await d.discard(empty.stepId))).toBeNull();
    expect(await d.steps()).toEqual([]);
  });
});
