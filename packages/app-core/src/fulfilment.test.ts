import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fulfilmentFactProblems,
  shipmentDocId,
  type FulfilmentFact,
  type Product,
  type Shipment,
  type Staff,
} from '@pos/domain';
import type { PrintReceiptResult, ShippingLabel, TagRead } from '@pos/hardware/protocol';
import type { Outbox, ReplicaDatabase } from '@pos/replica';
import { createFulfilmentDesk, shipmentHere, type ParcelDraft } from './fulfilment';
import type { Outcome } from './outcome';
import type { DeviceBridge } from './ports';
import { createStateStore, initialTillState, type StateStore, type TillState } from './state';
import { fakeDevices, openTestReplica, testPorts } from './till.fixture';

const product = (id: string, name: string, gtin: string): Product => ({
  id,
  name,
  gtin,
  category: 'Grocery',
  taxClass: 'VAT13',
  status: 'active',
});
const WATER = product('SKU-1', 'Water', '06901234567892');
const NOODLES = product('SKU-2', 'Noodles', '06901234567908');
const RICE = product('SKU-3', 'Rice', '06901234567915');
const OIL = product('SKU-4', 'Oil', '06901234567922');
const STAFF: Staff = { id: 'S001-E01', name: '王芳', storeId: 'S001' } as Staff;
const NOW = new Date('2026-03-01T10:10:00.000Z');

function shipment(id: string, changes: Partial<Shipment> = {}): Shipment {
  return {
    id: shipmentDocId(id),
    kind: 'shipment',
    storeId: 'S001',
    shipmentId: id,
    mode: 'ship',
    orderIds: ['ORD-0A1B2C3D-X', 'ORD-0A1B2C3E-Y'],
    customerKey: 'M0001',
    addressId: 'ADDR-1',
    lines: [
      {
        orderId: 'ORD-0A1B2C3D-X',
        lineId: 'L1',
        sku: 'SKU-1',
        name: 'Water',
        quantity: 2,
        aisle: 'B2',
        picked: 0,
        short: 0,
      },
      {
        orderId: 'ORD-0A1B2C3D-X',
        lineId: 'L2',
        sku: 'SKU-2',
        name: 'Noodles',
        quantity: 1,
        aisle: 'A10',
        picked: 0,
        short: 0,
      },
      {
        orderId: 'ORD-0A1B2C3E-Y',
        lineId: 'L1',
        sku: 'SKU-3',
        name: 'Rice',
        quantity: 1,
        picked: 0,
        short: 0,
      },
    ],
    status: 'open',
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    mergeUntil: '2026-03-01T10:10:00.000Z',
    shipTo: { name: '张*', phone: '138****8001', region: '上海市 静安区', detail: '南京西路 1 号' },
    carrier: 'SF',
    trackingNo: 'SF1000000001',
    reason: 'S001 is the nearest store with all three items',
    labelPrints: 0,
    factIds: [],
    ...changes,
  };
}

let db: ReplicaDatabase;
let outbox: Outbox;
let state: StateStore<TillState>;
let terminal: ReturnType<typeof fakeDevices>;
let labels: ShippingLabel[];
const recorded: { kind: string; fact: FulfilmentFact }[] = [];
let ids = 0;

beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  state = createStateStore({ ...initialTillState('CNY'), staff: STAFF });
  terminal = fakeDevices();
  labels = [];
  recorded.length = 0;
  await db.products.bulkInsert([WATER, NOODLES, RICE, OIL]);
  await db.stores.insert({ id: 'S001', name: '静安店', address: '上海市静安区' } as never);
});
afterEach(() => db.close());

const labelPrinter = (
  answer: () => Promise<PrintReceiptResult> = async () => ({ printed: true }),
): DeviceBridge => ({
  ...terminal.devices,
  printLabel: async (label) => {
    labels.push(label);
    return answer();
  },
});

function desk(devices: DeviceBridge = labelPrinter()) {
  return createFulfilmentDesk(
    testPorts(db, outbox, {
      state,
      clock: () => NOW,
      // One id sequence for every desk of a test: they record on one replica.
      newId: () => `S001-POS1-01JFD${String(ids++).padStart(6, '0')}`,
      devices,
      outbox: {
        record: async (kind, fact) => {
          recorded.push({ kind, fact: fact as FulfilmentFact });
          await outbox.record(kind, fact);
        },
      },
    }),
  );
}

const value = (outcome: Outcome<ParcelDraft>): ParcelDraft => {
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome.value;
};

/** Picks every unit left of the open parcel by scanning its items. */
async function pickAll(d: ReturnType<typeof desk>) {
  for (const [code, times] of [
    ['6901234567892', 2],
    ['6901234567908', 1],
    ['6901234567915', 1],
  ] as const) {
    for (let i = 0; i < times; i++) value(await d.scan(code));
  }
}

describe('the fulfilment desk', () => {
  it("[FD1] lists the store's open parcels, same-city windows first, with this till's steps folded", async () => {
    await db.storeState.bulkUpsert([
      shipment('SH-OLD', { createdAt: '2026-03-01T09:00:00.000Z' }),
      shipment('SH-NEW'),
      shipment('SH-CITY', {
        mode: 'same-city',
        createdAt: '2026-03-01T10:05:00.000Z',
        window: { from: '2026-03-01T11:00:00.000Z', to: '2026-03-01T12:00:00.000Z' },
      }),
      shipment('SH-DONE', { status: 'handed-over' }),
      shipment('SH-S002', { storeId: 'S002' }),
    ] as never[]);
    const d = desk();
    value(await d.open('SH-NEW'));
    value(await d.scan('6901234567892'));
    const list = await d.parcels();
    expect(list.map((p) => p.shipment.shipmentId)).toEqual(['SH-CITY', 'SH-OLD', 'SH-NEW']);
    expect(list[2]).toMatchObject({
      stage: 'pick',
      units: 4,
      picked: 1,
      left: 3,
      unsynced: 1,
      orderNumbers: ['0A1B2C3D', '0A1B2C3E'],
    });
  });

  it('[FD2] opens a parcel with its pick list in aisle order and why this store ships it', async () => {
    await db.storeState.upsert(shipment('SH-1') as never);
    const draft = value(await desk().open('SH-1'));
    expect(draft.pickList.map((l) => `${l.aisle ?? '-'} ${l.sku}`)).toEqual([
      'A10 SKU-2',
      'B2 SKU-1',
      '- SKU-3',
    ]);
    expect(draft.reason).toBe('S001 is the nearest store with all three items');
    expect(draft.labelPrinter).toBe(true);
    expect(state.get().parcel?.shipment.shipmentId).toBe('SH-1');
    expect(await desk().open('SH-NONE')).toMatchObject({ ok: false, code: 'SHIPMENT_NOT_HERE' });
  });

  it('[FD10] the open parcel follows the server: an order merged in shows its lines, the last scan kept', async () => {
    await db.storeState.upsert(shipment('SH-1') as never);
    const fd = desk();
    value(await fd.open('SH-1'));
    value(await fd.scan('06901234567892'));
    const merged = shipment('SH-1');
    merged.lines.push({
      orderId: 'ORD-0A1B2C3F-Z',
      lineId: 'L1',
      sku: 'SKU-4',
      name: 'Oil',
      quantity: 2,
      aisle: 'A2',
      picked: 0,
      short: 0,
    });
    await db.storeState.upsert({
      ...merged,
      orderIds: [...merged.orderIds, 'ORD-0A1B2C3F-Z'],
    } as never);
    await fd.refresh();
    const draft = state.get().parcel!;
    expect(draft.pickList.map((l) => l.sku)).toEqual(['SKU-4', 'SKU-2', 'SKU-1', 'SKU-3']);
    // This till's own pick, not yet on the server, is still folded over the new copy.
    expect(draft.shipment.lines.find((l) => l.sku === 'SKU-1')?.picked).toBe(1);
    expect(draft.lastScan).toMatchObject({ ok: true, sku: 'SKU-1' });
    fd.close();
    await fd.refresh();
    expect(state.get().parcel).toBeNull();
  });

  it('[FD3] [FD9] a scan picks one unit of its line and records a valid pick fact', async () => {
    await db.storeState.upsert(shipment('SH-1') as never);
    const d = desk();
    value(await d.open('SH-1'));
    const draft = value(await d.scan('6901234567892'));
    expect(draft.lastScan).toEqual({
      ok: true,
      code: '6901234567892',
      sku: 'SKU-1',
      name: 'Water',
      left: 1,
      parcelLeft: 3,
    });
    expect(recorded).toHaveLength(1);
    const { kind, fact } = recorded[0]!;
    expect(kind).toBe('fulfilment');
    expect(fulfilmentFactProblems(fact)).toEqual([]);
    expect(fact).toMatchObject({
      storeId: 'S001',
      shipmentId: 'SH-1',
      step: 'pick',
      deviceId: 'S001-POS1',
      staffId: 'S001-E01',
      by: 'barcode',
      codes: ['6901234567892'],
      lines: [{ orderId: 'ORD-0A1B2C3D-X', lineId: 'L1', quantity: 1 }],
    });
    // The step is on the replica: a desk opened again shows it.
    expect(value(await desk().open('SH-1')).picked).toBe(1);
  });

  it('[FD3] an item not in the parcel, or one more than needed, is refused and nothing is recorded', async () => {
    await db.storeState.upsert(shipment('SH-1') as never);
    const d = desk();
    value(await d.open('SH-1'));
    expect(await d.scan('6901234567922')).toMatchObject({
      ok: false,
      code: 'PICK_NOT_IN_PARCEL',
      params: { name: 'Oil' },
    });
    expect(state.get().parcel?.lastScan).toMatchObject({ ok: false, code: 'PICK_NOT_IN_PARCEL' });
    value(await d.scan('6901234567908'));
    expect(await d.scan('6901234567908')).toMatchObject({
      ok: false,
      code: 'PICK_ALREADY_ENOUGH',
      params: { name: 'Noodles', n: '1' },
    });
    expect(await d.scan('0000')).toMatchObject({ ok: false, code: 'PICK_UNKNOWN_CODE' });
    expect(recorded).toHaveLength(1);
    expect(value(await d.open('SH-1')).picked).toBe(1);
  });

  it('[FD4] an RFID tag picks one unit once, however often it is read; other tags are ignored', async () => {
    await db.storeState.upsert(shipment('SH-1') as never);
    const d = desk();
    value(await d.open('SH-1'));
    const read = (epc: string, gtin: string): TagRead => ({
      epc,
      scheme: 'sgtin-96',
      gtin,
      serial: epc.slice(-4),
      source: 'rfid-1',
      at: NOW.toISOString(),
    });
    const [a, b] = await Promise.all([
      d.tagRead(read('3034257BF7194E4000000001', WATER.gtin!)),
      d.tagRead(read('3034257BF7194E4000000001', WATER.gtin!)),
    ]);
    expect(a).toMatchObject({ ok: true, value: { picked: 1 } });
    expect(b).toMatchObject({ ok: true, notices: [{ code: 'PICK_TAG_COUNTED' }] });
    value((await d.tagRead(read('3034257BF7194E4000000002', WATER.gtin!)))!);
    expect(recorded.map((r) => [r.fact.by, r.fact.codes])).toEqual([
      ['rfid', ['3034257BF7194E4000000001']],
      ['rfid', ['3034257BF7194E4000000002']],
    ]);
    expect(
      await d.tagRead({ epc: 'E200', scheme: 'unknown', source: 'rfid-1', at: NOW.toISOString() }),
    ).toBeNull();
  });

  it('[FD5] a line reported short with its reason, and a parcel with nothing left to ship is cancelled', async () => {
    await db.storeState.upsert(shipment('SH-1') as never);
    const d = desk();
    value(await d.open('SH-1'));
    expect(
      await d.short({ orderId: 'ORD-0A1B2C3D-X', lineId: 'L1' }, 3, 'not-found'),
    ).toMatchObject({ ok: false, code: 'SHIPMENT_EXCEEDS_LINE' });
    expect(
      await d.short({ orderId: 'ORD-0A1B2C3D-X', lineId: 'L1' }, 1, 'lost' as never),
    ).toMatchObject({ ok: false, code: 'SHORT_REASON' });
    expect(recorded).toHaveLength(0);
    const after = await d.short({ orderId: 'ORD-0A1B2C3D-X', lineId: 'L1' }, 2, 'rejected');
    expect(after).toMatchObject({
      ok: true,
      value: { short: 2, left: 2 },
      notices: [{ code: 'SHORT_REPORTED', params: { n: '2', name: 'Water' } }],
    });
    expect(recorded[0]!.fact).toMatchObject({ step: 'short', reason: 'rejected' });
    value(await d.short({ orderId: 'ORD-0A1B2C3D-X', lineId: 'L2' }, 1, 'damaged'));
    const cancelled = await d.short({ orderId: 'ORD-0A1B2C3E-Y', lineId: 'L1' }, 1, 'not-found');
    expect(cancelled).toMatchObject({
      ok: true,
      value: { stage: 'cancelled' },
      notices: [{ code: 'SHORT_PARCEL_CANCELLED' }],
    });
    expect(await d.parcels()).toEqual([]);
  });

  it('[FD6] packs only once nothing is left to pick, with an optional weight', async () => {
    await db.storeState.upsert(shipment('SH-1') as never);
    const d = desk();
    value(await d.open('SH-1'));
    expect(await d.pack()).toMatchObject({ ok: false, code: 'SHIPMENT_NOT_READY' });
    await pickAll(d);
    expect(await d.pack(-5)).toMatchObject({ ok: false, code: 'PACK_WEIGHT' });
    const packed = value(await d.pack(1250));
    expect(packed).toMatchObject({
      stage: 'label',
      shipment: { status: 'packed', weightGrams: 1250 },
    });
    expect(await d.scan('6901234567892')).toMatchObject({ ok: false, code: 'PICK_NOTHING_LEFT' });
  });

  it('[FD7] prints the packing slip and the label, then records the label step', async () => {
    await db.storeState.upsert(shipment('SH-1') as never);
    const d = desk();
    value(await d.open('SH-1'));
    expect(await d.printLabel()).toMatchObject({ ok: false, code: 'SHIPMENT_NOT_PACKED' });
    await pickAll(d);
    value(await d.pack(900));
    const printed = await d.printLabel();
    expect(printed).toMatchObject({
      ok: true,
      value: { stage: 'handover' },
      notices: [{ code: 'LABEL_PRINTED', params: { trackingNo: 'SF1000000001' } }],
    });
    expect(terminal.documents).toEqual([
      {
        kind: 'packing-slip',
        slip: expect.objectContaining({
          shipmentId: 'SH-1',
          orderNumbers: ['0A1B2C3D', '0A1B2C3E'],
          storeName: '静安店',
          trackingNo: 'SF1000000001',
          lines: [
            { sku: 'SKU-1', name: 'Water', quantity: 2 },
            { sku: 'SKU-2', name: 'Noodles', quantity: 1 },
            { sku: 'SKU-3', name: 'Rice', quantity: 1 },
          ],
        }),
      },
    ]);
    expect(labels).toEqual([
      {
        shipmentId: 'SH-1',
        carrier: 'SF',
        trackingNo: 'SF1000000001',
        mode: 'ship',
        from: { name: '静安店', region: '上海市静安区' },
        shipTo: {
          name: '张*',
          phone: '138****8001',
          region: '上海市 静安区',
          detail: '南京西路 1 号',
        },
        orderNumbers: ['0A1B2C3D', '0A1B2C3E'],
        weightGrams: 900,
      },
    ]);
    expect(recorded.at(-1)!.fact).toMatchObject({ step: 'label' });
  });

  it('[FD7] with no label printer it says so and records nothing; a queued label counts, a failed one does not', async () => {
    await db.storeState.upsert(shipment('SH-1') as never);
    const none = desk(terminal.devices);
    value(await none.open('SH-1'));
    await pickAll(none);
    const packed = value(await none.pack());
    expect(packed.labelPrinter).toBe(false);
    const steps = recorded.length;
    expect(await none.printLabel()).toMatchObject({ ok: false, code: 'NO_LABEL_PRINTER' });
    expect(recorded).toHaveLength(steps);

    const broken = desk(
      labelPrinter(async () => {
        throw Object.assign(new Error('the label printer failed mid-print'), { code: 'DEVICE_IO' });
      }),
    );
    expect(await broken.printLabel()).toMatchObject({ ok: false, code: 'DEVICE_IO' });
    expect(recorded).toHaveLength(steps);

    const queued = desk(
      labelPrinter(async () => ({
        printed: false,
        queued: true,
        message: 'Label printer offline',
      })),
    );
    const result = await queued.printLabel();
    expect(result).toMatchObject({ ok: true, value: { stage: 'handover' } });
    expect(result.ok && result.notices.map((n) => n.code)).toContain('LABEL_QUEUED');
    expect(recorded).toHaveLength(steps + 1);
  });

  it('[FD8] hands the parcel over to a named courier, after which it leaves the list', async () => {
    await db.storeState.upsert(shipment('SH-1') as never);
    const d = desk();
    value(await d.open('SH-1'));
    await pickAll(d);
    value(await d.pack());
    expect(await d.handOver('王师傅')).toMatchObject({ ok: false, code: 'SHIPMENT_NO_LABEL' });
    value(await d.printLabel());
    expect(await d.handOver('  ')).toMatchObject({ ok: false, code: 'HANDOVER_NO_COURIER' });
    const handed = await d.handOver('王师傅');
    expect(handed).toMatchObject({
      ok: true,
      value: { stage: 'handed-over' },
      notices: [
        { code: 'HANDED_TO_COURIER', params: { courier: '王师傅', trackingNo: 'SF1000000001' } },
      ],
    });
    expect(recorded.at(-1)!.fact).toMatchObject({ step: 'handover', courier: '王师傅' });
    expect(recorded.every((r) => fulfilmentFactProblems(r.fact).length === 0)).toBe(true);
    expect(await d.parcels()).toEqual([]);
  });

  it('[FD1] [FS6] steps the server reflects count once; steps the server refused are left out', async () => {
    const server = shipment('SH-1');
    const step = (id: string, at: string, changes: Partial<FulfilmentFact>): FulfilmentFact => ({
      id,
      storeId: 'S001',
      shipmentId: 'SH-1',
      at,
      deviceId: 'S001-POS1',
      staffId: 'S001-E01',
      step: 'pick',
      ...changes,
    });
    const a = step('F1', '2026-03-01T10:01:00.000Z', {
      lines: [{ orderId: 'ORD-0A1B2C3D-X', lineId: 'L1', quantity: 1 }],
    });
    const b = step('F2', '2026-03-01T10:02:00.000Z', {
      lines: [{ orderId: 'ORD-0A1B2C3D-X', lineId: 'L1', quantity: 1 }],
    });
    const reflected = {
      ...server,
      factIds: ['F1'],
      lines: server.lines.map((l, i) => (i === 0 ? { ...l, picked: 1 } : l)),
    };
    expect(shipmentHere(reflected, [a, b])).toMatchObject({
      unsynced: 1,
      shipment: { lines: [{ picked: 2 }, { picked: 0 }, { picked: 0 }] },
    });
    // The server took L1 away from this store (rerouted): the till's pick of it no longer applies.
    const rerouted = { ...server, lines: server.lines.slice(1) };
    const c = step('F3', '2026-03-01T10:03:00.000Z', {
      lines: [{ orderId: 'ORD-0A1B2C3D-X', lineId: 'L2', quantity: 1 }],
    });
    expect(shipmentHere(rerouted, [a, c])).toMatchObject({
      unsynced: 1,
      shipment: { lines: [{ lineId: 'L2', picked: 1 }, { picked: 0 }] },
    });
  });
});
