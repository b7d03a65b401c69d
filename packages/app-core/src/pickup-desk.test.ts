import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  foldOrderEvents,
  makePickupQr,
  pickupCode,
  storeOrderId,
  toHex,
  type CodeKey,
  type Order,
  type OrderEvent,
  type Staff,
  type StoreOrder,
} from '@pos/domain';
import type { Outbox, ReplicaDatabase } from '@pos/replica';
import { createCheckout } from './checkout';
import { createPickupDesk, orderHere, PICKUP_ATTEMPTS_DOC } from './pickup-desk';
import { createStateStore, initialTillState, type StateStore, type TillState } from './state';
import { fakeDevices, openTestReplica, testPorts } from './till.fixture';

const STORE_KEY: CodeKey = { id: 'pk-S001', secret: new TextEncoder().encode('store key S001') };
const CHAIN_KEY: CodeKey = { id: 'pq-1', secret: new TextEncoder().encode('chain pickup key') };
const hex = (k: CodeKey) => ({ id: k.id, secretHex: toHex(k.secret) });
const CASHIER: Staff = { id: 'S001-E01', name: '王芳', storeId: 'S001' } as Staff;

const PLACED = '2026-03-01T10:00:00.000Z';
const NOW = new Date('2026-03-01T10:10:00.000Z');

function order(
  id: string,
  { paid = true, storeId = 'S001' }: { paid?: boolean; storeId?: string } = {},
): Order {
  const events: OrderEvent[] = [
    {
      kind: 'placed',
      id: `${id}-placed`,
      at: PLACED,
      orderId: id,
      channel: 'shop',
      customer: { memberId: 'M0001' },
      lines: [
        {
          lineId: 'L1',
          sku: 'SKU-0001',
          quantity: 2,
          unitPrice: 1500,
          net: 3000,
          fulfilment: { mode: 'pickup', storeId },
        },
        {
          lineId: 'L2',
          sku: 'SKU-0002',
          quantity: 1,
          unitPrice: 999,
          net: 999,
          fulfilment: { mode: 'pickup', storeId },
        },
      ],
      total: 3999,
    },
    { kind: 'held', id: `${id}-held`, at: PLACED, holdExpiresAt: '2026-03-01T10:15:00.000Z' },
    ...(paid ? [{ kind: 'paid' as const, id: `${id}-paid`, at: '2026-03-01T10:05:00.000Z' }] : []),
  ];
  const r = foldOrderEvents(events);
  if (!r.ok) throw new Error(r.message);
  return r.order;
}

let db: ReplicaDatabase;
let outbox: Outbox;
let state: StateStore<TillState>;
let clock: Date;
let terminal: ReturnType<typeof fakeDevices>;
const recorded: { kind: string; fact: unknown }[] = [];

beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  state = createStateStore({ ...initialTillState('CNY'), staff: CASHIER });
  clock = NOW;
  terminal = fakeDevices();
  recorded.length = 0;
});
afterEach(() => db.close());

async function sendDown(o: Order, storeId = 'S001') {
  const doc: StoreOrder = {
    id: storeOrderId(o.id, storeId),
    kind: 'order',
    storeId,
    updatedAt: PLACED,
    order: o,
  };
  await db.storeState.upsert(doc);
}

function desk(overrides: Parameters<typeof testPorts>[2] = {}) {
  return createPickupDesk(
    testPorts(db, outbox, {
      state,
      clock: () => clock,
      devices: terminal.devices,
      outbox: {
        record: async (kind, fact) => {
          recorded.push({ kind, fact });
          await outbox.record(kind, fact);
        },
      },
      config: { pickupStoreKeys: [hex(STORE_KEY)], pickupQrKeys: [hex(CHAIN_KEY)] },
      ...overrides,
    }),
  );
}

describe('pickup desk', () => {
  it('[DP9] lists the orders waiting here, soonest deadline first, with units left and overdue marked', async () => {
    const unpaid = order('ORD-UNPAID', { paid: false });
    const paidLate = { ...order('ORD-LATE'), pickupDeadline: '2026-03-04T10:05:00.000Z' };
    const paidSoon = { ...order('ORD-SOON'), pickupDeadline: '2026-03-01T10:08:00.000Z' };
    await sendDown(paidLate);
    await sendDown(unpaid);
    await sendDown(paidSoon);
    await sendDown(order('ORD-ELSEWHERE', { storeId: 'S002' }), 'S001');
    const d = desk();
    const handed = await d.openByCode(pickupCode('ORD-LATE', STORE_KEY));
    if (!handed.ok) throw new Error(handed.message);
    await d.handOver(handed.value, [{ lineId: 'L2', quantity: 1 }]);
    const list = await d.awaiting();
    expect(list.map((o) => [o.orderId, o.unitsLeft, o.overdue])).toEqual([
      ['ORD-SOON', 3, true],
      ['ORD-UNPAID', 3, false],
      ['ORD-LATE', 2, false],
    ]);
    expect(list[1]).toMatchObject({ status: 'held', deadline: '2026-03-01T10:15:00.000Z' });
  });

  it("[DP1] [DP9] a typed code and the list read this till's facts of the open orders only, not of the closed ones the replica keeps", async () => {
    await sendDown({ ...order('ORD-COLLECTED'), status: 'picked-up' });
    await sendDown({ ...order('ORD-CANCELLED'), status: 'cancelled' });
    await sendDown(order('ORD-OPEN'));
    const asked: string[] = [];
    const d = desk({
      replica: {
        orderFactsHere: async (orderId) => {
          asked.push(orderId);
          return { pickups: [], payments: [], returns: [] };
        },
      },
    });
    expect(await d.openByCode(pickupCode('ORD-OPEN', STORE_KEY))).toMatchObject({
      ok: true,
      value: { order: { id: 'ORD-OPEN' } },
    });
    expect(await d.openByCode(pickupCode('ORD-COLLECTED', STORE_KEY))).toMatchObject({
      ok: false,
      code: 'PICKUP_CODE_UNKNOWN',
    });
    expect((await d.awaiting()).map((o) => o.orderId)).toEqual(['ORD-OPEN']);
    expect(new Set(asked)).toEqual(new Set(['ORD-OPEN']));
  });

  it('[DP1] a typed code opens its order with each line and what is left', async () => {
    await sendDown(order('ORD-1'));
    await sendDown(order('ORD-2'));
    const opened = await desk().openByCode(pickupCode('ORD-2', STORE_KEY));
    expect(opened).toMatchObject({
      ok: true,
      value: {
        order: { id: 'ORD-2' },
        proof: 'code',
        blocked: null,
        lines: [
          { lineId: 'L1', quantity: 2, left: 2 },
          { lineId: 'L2', quantity: 1, left: 1 },
        ],
      },
    });
    expect(state.get().pickup?.order.id).toBe('ORD-2');
  });

  it('[DP1] a till without the store key says to scan the QR', async () => {
    const d = desk({ config: { pickupQrKeys: [hex(CHAIN_KEY)] } });
    expect(await d.openByCode('123456')).toMatchObject({ ok: false, code: 'PICKUP_NO_STORE_KEY' });
  });

  it('[DP2] wrong codes say the tries left, then lock the desk until a time; the state stays on the device', async () => {
    await sendDown(order('ORD-1'));
    const right = pickupCode('ORD-1', STORE_KEY);
    const wrong = right === '000000' ? '000001' : '000000';
    const d = desk();
    expect(await d.openByCode('12a')).toMatchObject({ code: 'PICKUP_CODE_FORMAT' });
    for (const left of ['4', '3', '2', '1']) {
      expect(await d.openByCode(wrong)).toMatchObject({
        ok: false,
        code: 'PICKUP_CODE_UNKNOWN',
        params: { left },
      });
    }
    // 10:10 UTC is 18:10 in the store (UTC+8); the lock lasts 15 minutes.
    expect(await d.openByCode(wrong)).toMatchObject({
      code: 'PICKUP_LOCKED',
      params: { until: '18:25' },
    });
    expect(await desk().openByCode(right)).toMatchObject({ code: 'PICKUP_LOCKED' });
    expect(await db.getLocal(PICKUP_ATTEMPTS_DOC)).not.toBeNull();
    clock = new Date('2026-03-01T10:26:00.000Z');
    expect(await desk().openByCode(right)).toMatchObject({ ok: true });
  });

  it('[DP3] a pickup QR of this store opens the order; another store is named; an order not here yet says to wait', async () => {
    await sendDown(order('ORD-1'));
    const d = desk();
    expect(await d.openByQr(makePickupQr('ORD-1', 'S001', CHAIN_KEY))).toMatchObject({
      ok: true,
      value: { proof: 'qr', order: { id: 'ORD-1' } },
    });
    expect(await d.openByQr(makePickupQr('ORD-1', 'S002', CHAIN_KEY))).toMatchObject({
      ok: false,
      code: 'PICKUP_WRONG_STORE',
      params: { store: 'S002' },
    });
    expect(await d.openByQr(makePickupQr('ORD-9', 'S001', CHAIN_KEY))).toMatchObject({
      code: 'PICKUP_ORDER_NOT_HERE',
    });
    expect(await d.openByQr('6901234567892')).toBeNull();
  });

  it('[DP4] [DP8] hands over part of the order: a pickup fact of this till, the slip, and what is left at once', async () => {
    await sendDown(order('ORD-1'));
    const d = desk();
    const opened = await d.openByCode(pickupCode('ORD-1', STORE_KEY));
    if (!opened.ok) throw new Error(opened.message);
    const handed = await d.handOver(opened.value, [
      { lineId: 'L1', quantity: 1 },
      { lineId: 'L2', quantity: 0 },
    ]);
    expect(handed).toMatchObject({ ok: true, notices: [{ code: 'PICKUP_HANDED_OVER' }] });
    expect(recorded).toEqual([
      {
        kind: 'pickup',
        fact: expect.objectContaining({
          storeId: 'S001',
          deviceId: 'S001-POS1',
          orderId: 'ORD-1',
          staffId: 'S001-E01',
          proof: 'code',
          lines: [{ lineId: 'L1', quantity: 1 }],
        }),
      },
    ]);
    expect(terminal.documents).toMatchObject([
      {
        kind: 'pickup-slip',
        slip: {
          purpose: 'pickup',
          orderId: 'ORD-1',
          lines: [{ sku: 'SKU-0001', quantity: 1, left: 1 }],
        },
      },
    ]);
    // Offline: the server's order still says nothing was handed over; the till knows better.
    const again = await desk().openByCode(pickupCode('ORD-1', STORE_KEY));
    expect(again).toMatchObject({ ok: true, value: { lines: [{ left: 1 }, { left: 1 }] } });
    // A second hand-over beyond what is left is refused, and nothing is recorded.
    if (!again.ok) throw new Error();
    expect(await d.handOver(again.value, [{ lineId: 'L1', quantity: 2 }])).toMatchObject({
      ok: false,
      code: 'ORDER_ALREADY_HANDED_OVER',
    });
    expect(recorded).toHaveLength(1);
  });

  it('[DP4] [DP5] an unpaid order is refused at hand-over, paid here in cash (drawer), then handed over', async () => {
    await sendDown(order('ORD-1', { paid: false }));
    const d = desk();
    const opened = await d.openByCode(pickupCode('ORD-1', STORE_KEY));
    expect(opened).toMatchObject({
      ok: true,
      value: { blocked: 'not-paid' },
      notices: [{ code: 'PICKUP_NOT_PAID' }],
    });
    if (!opened.ok) throw new Error();
    expect(await d.handOver(opened.value, [{ lineId: 'L1', quantity: 1 }])).toMatchObject({
      code: 'PICKUP_NOT_PAID',
    });
    const paid = await d.payHere(opened.value, 'cash');
    expect(paid).toMatchObject({ ok: true, value: { amount: 3999, tender: 'cash' } });
    expect(terminal.drawers()).toBe(1);
    const now = state.get().pickup!;
    expect(now.blocked).toBeNull();
    expect(await d.handOver(now, [{ lineId: 'L2', quantity: 1 }])).toMatchObject({ ok: true });
    expect(recorded.map((r) => r.kind)).toEqual(['orderPayment', 'pickup']);
  });

  it('[DP5] an expired hold is refused: nothing is recorded', async () => {
    await sendDown(order('ORD-1', { paid: false }));
    clock = new Date('2026-03-01T10:20:00.000Z');
    const d = desk();
    const opened = await d.openByQr(makePickupQr('ORD-1', 'S001', CHAIN_KEY));
    expect(opened).toMatchObject({ ok: true, value: { blocked: 'hold-expired' } });
    if (!opened?.ok) throw new Error();
    expect(await d.payHere(opened.value, 'card')).toMatchObject({
      ok: false,
      code: 'ORDER_HOLD_EXPIRED',
      params: { time: '18:15' },
    });
    expect(recorded).toEqual([]);
  });
});

describe('online order returns', () => {
  async function handedOver(id: string) {
    await sendDown(order(id));
    const d = desk();
    const opened = await d.openByQr(makePickupQr(id, 'S001', CHAIN_KEY));
    if (!opened?.ok) throw new Error('not opened');
    await d.handOver(opened.value, [{ lineId: 'L1', quantity: 2 }]);
    return d;
  }

  it('[DP6] [DP7] returns handed-over units of this store’s order: the refund by unit, to the original payment, the slip', async () => {
    const d = await handedOver('ORD-1');
    d.askForReturn();
    const opened = await d.scanned(makePickupQr('ORD-1', 'S001', CHAIN_KEY));
    expect(opened).toMatchObject({
      ok: true,
      value: {
        source: 'replica',
        lines: [
          { lineId: 'L1', returnable: 2 },
          { lineId: 'L2', returnable: 0 },
        ],
      },
    });
    const draft = state.get().orderReturn!;
    const returned = await d.completeReturn(draft, [{ lineId: 'L1', quantity: 1 }], 'original');
    expect(returned).toMatchObject({
      ok: true,
      value: { refund: 1500, refundTo: 'original', lines: [{ lineId: 'L1', quantity: 1 }] },
      notices: [{ code: 'ORDER_REFUND_ORIGINAL' }],
    });
    expect(terminal.drawers()).toBe(0);
    expect(terminal.documents.at(-1)).toMatchObject({
      kind: 'pickup-slip',
      slip: { purpose: 'return', refund: 1500, refundTo: 'original' },
    });
    // The return made here counts: two more units are refused.
    expect(await d.completeReturn(draft, [{ lineId: 'L1', quantity: 2 }], 'cash')).toMatchObject({
      ok: false,
      code: 'ORDER_RETURN_EXCEEDS_HANDED_OVER',
    });
    expect(await d.completeReturn(draft, [{ lineId: 'L1', quantity: 1 }], 'cash')).toMatchObject({
      ok: true,
      value: { refund: 1500 },
    });
    expect(terminal.drawers()).toBe(1);
  });

  it("[DP6] another store's order comes from the sync server; offline, the return needs a connection", async () => {
    const elsewhere = order('ORD-5', { storeId: 'S002' });
    const withPickup: Order = {
      ...elsewhere,
      status: 'picked-up',
      lines: elsewhere.lines.map((l) => ({ ...l, pickedUp: l.quantity })),
    };
    const qr = makePickupQr('ORD-5', 'S002', CHAIN_KEY);
    const online = desk({
      replica: { orderOnline: async () => ({ status: 'found', order: withPickup }) },
    });
    expect(await online.openReturn(qr)).toMatchObject({
      ok: true,
      value: { source: 'server', lines: [{ returnable: 2 }, { returnable: 1 }] },
    });
    const offline = desk({
      replica: { orderOnline: async () => ({ status: 'offline', reason: 'ECONNREFUSED' }) },
    });
    expect(await offline.openReturn(qr)).toMatchObject({
      ok: false,
      code: 'ORDER_LOOKUP_OFFLINE',
      params: { order: 'ORD-5' },
    });
  });

  it('[DP6] an order with nothing handed over has nothing to return', async () => {
    await sendDown(order('ORD-1'));
    expect(await desk().openReturn(makePickupQr('ORD-1', 'S001', CHAIN_KEY))).toMatchObject({
      code: 'ORDER_NOTHING_TO_RETURN',
    });
  });
});

describe('the order as this till knows it', () => {
  it('[DP8] folds this till’s facts the server has not reflected, and leaves out what the order refuses', () => {
    const server = order('ORD-1');
    const pickup = {
      id: 'S001-POS1-A',
      storeId: 'S001',
      orderId: 'ORD-1',
      lines: [{ lineId: 'L1', quantity: 2 }],
      at: '2026-03-01T10:06:00.000Z',
      deviceId: 'S001-POS1',
      staffId: 'E1',
      proof: 'code' as const,
    };
    const here = orderHere(server, { pickups: [pickup], payments: [], returns: [] });
    expect(here.lines[0]!.pickedUp).toBe(2);
    // Reflected by the server already: not applied twice.
    const reflected = { ...here };
    expect(
      orderHere(reflected, { pickups: [pickup], payments: [], returns: [] }).lines[0]!.pickedUp,
    ).toBe(2);
    // Another device handed the units over first: the server's order refuses this till's fact.
    const tooMany = { ...pickup, id: 'S001-POS1-B' };
    expect(orderHere(here, { pickups: [tooMany], payments: [], returns: [] })).toBe(here);
  });
});

describe('a pickup QR at the checkout', () => {
  it('[DP3] a scanned pickup QR opens its order at the desk, nothing goes in the cart', async () => {
    await sendDown(order('ORD-1'));
    const d = desk();
    const checkout = createCheckout({
      ...testPorts(db, outbox, { state }),
      onPickupCode: (code) => d.scanned(code),
    });
    const scanned = await checkout.scan({
      code: makePickupQr('ORD-1', 'S001', CHAIN_KEY),
      source: 'scanner-1',
      at: NOW.toISOString(),
    });
    expect(scanned).toMatchObject({ ok: true });
    expect(state.get().pickup?.order.id).toBe('ORD-1');
    expect(state.get().cart.lines).toEqual([]);
  });
});
