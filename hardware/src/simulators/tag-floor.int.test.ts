import type { ZoneEvent } from '@pos/domain';
import { encodeSgtin96 } from '@pos/domain';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openPtyPair } from '../pty';
import { LlrpReader } from '../rfid/llrp-reader';
import { R2000Reader, Uhf18Reader, type RfidReaderDevice } from '../rfid/rfid-readers';
import type { TagRead } from '../rfid/tag-read';
import {
  DEMO_FLOOR,
  DEMO_STOCK_READER,
  DEMO_ZONE_MAP,
  DEMO_ZONE_READER,
  inRoom,
  nearWall,
} from '../zones/demo-floor';
import { createZoneEngine } from '../zones/zone-engine';
import { LlrpSimulator } from './llrp-simulator';
import { R2000Simulator, Uhf18Simulator } from './rfid-simulators';
import { TagFloor } from './tag-floor';

function epc(serial: number): string {
  const made = encodeSgtin96({ gtin: '06901234567892', serial: String(serial) });
  if (!made.ok) throw new Error(made.message);
  return made.epc;
}

/** Feeds a reader's raw reads to the engine, as the store's fitting-room service does. */
function feed(reader: RfidReaderDevice, engine: ReturnType<typeof createZoneEngine>) {
  const events: ZoneEvent[] = [];
  const raw: TagRead[] = [];
  reader.onRawRead?.((read) => {
    raw.push(read);
    events.push(
      ...engine.read({
        epc: read.epc,
        reader: reader.id,
        antenna: read.antenna ?? 1,
        ...(read.rssi === undefined ? {} : { rssi: read.rssi }),
        atMs: Date.parse(read.at),
      }),
    );
  });
  return { events, raw };
}

describe('TagFloor driving the simulated readers, real drivers, the zone engine', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    closers.length = 0;
  });

  it('[TP4] [ZE9] R2000 over a pty: raw reads carry every antenna and RSSI, de-duplicated reads do not repeat', async () => {
    const floor = new TagFloor({ seed: 5, ...DEMO_FLOOR });
    for (let i = 0; i < 40; i++) floor.place(epc(i), inRoom('FLOOR', i).x, inRoom('FLOOR', i).y);
    const tried = [epc(100), epc(101), epc(102)];
    tried.forEach((t, i) => floor.place(t, inRoom('FR1', i * 9).x, inRoom('FR1', i * 9).y));
    const stray = epc(103);
    floor.place(stray, nearWall('FR2').x, nearWall('FR2').y);

    const pair = await openPtyPair();
    closers.push(() => pair.close());
    const simulator = await R2000Simulator.open(pair.simulatorPath);
    closers.push(() => simulator.close());
    floor.attach(simulator, DEMO_ZONE_READER);
    const reader = new R2000Reader({ path: pair.devicePath, id: DEMO_ZONE_READER, intervalMs: 5 });
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    const { events, raw } = feed(reader, engine);
    const reported: TagRead[] = [];
    reader.onTagRead((read) => reported.push(read));
    await reader.open();
    closers.push(() => reader.close());

    await vi.waitFor(
      () => {
        expect(engine.tagsIn('FR1').length).toBe(3);
        expect(engine.tagsIn('FR2').length).toBe(1);
        expect(engine.tagsIn('FLOOR').length).toBe(40);
      },
      { timeout: 20_000, interval: 20 },
    );
    expect(engine.tagsIn('FR2')[0]?.epc).toBe(stray);
    expect(events.some((e) => e.epc === stray && e.zone === 'FR1')).toBe(false);
    expect(new Set(raw.map((r) => r.antenna))).toEqual(new Set([1, 2, 3]));
    expect(raw.every((r) => typeof r.rssi === 'number' && r.gtin === '06901234567892')).toBe(true);
    // The de-duplicated stream reports each tag once in its 2 s window; the raw one every round.
    expect(raw.length).toBeGreaterThan(reported.length);
    const strayRaw = raw.filter((r) => r.epc === stray).length;
    expect(strayRaw).toBeGreaterThan(reported.filter((r) => r.epc === stray).length);
  });

  it('[TP4] [ZE9] LLRP over TCP: the stockroom reader places its tags in STOCK', async () => {
    const floor = new TagFloor({ seed: 9, ...DEMO_FLOOR });
    for (let i = 0; i < 100; i++) floor.place(epc(i), inRoom('STOCK', i).x, inRoom('STOCK', i).y);
    const simulator = await LlrpSimulator.start({ reportMs: 20 });
    closers.push(() => simulator.close());
    floor.attach(simulator, DEMO_STOCK_READER);
    const reader = new LlrpReader({
      host: '127.0.0.1',
      port: simulator.port,
      id: DEMO_STOCK_READER,
    });
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    const { raw } = feed(reader, engine);
    await reader.open();
    closers.push(() => reader.close());
    await vi.waitFor(() => expect(engine.tagsIn('STOCK').length).toBe(100), {
      timeout: 20_000,
      interval: 20,
    });
    expect(raw.every((r) => r.antenna === 1 && typeof r.rssi === 'number')).toBe(true);
  });

  it('[TP4] [ZE9] UHFReader18 (no antenna, no RSSI): one reader per zone, each tag listed once a round', async () => {
    const floor = new TagFloor({
      seed: 2,
      antennas: [{ reader: 'uhf-fr1', antenna: 1, zone: 'FR1', x: 0, y: 0, txDbm: 20 }],
    });
    floor.place(epc(1), 0.5, 0);
    floor.place(epc(2), 1, 0);
    const pair = await openPtyPair();
    closers.push(() => pair.close());
    const simulator = await Uhf18Simulator.open(pair.simulatorPath);
    closers.push(() => simulator.close());
    floor.attach(simulator, 'uhf-fr1');
    const reader = new Uhf18Reader({ path: pair.devicePath, id: 'uhf-fr1', intervalMs: 5 });
    const engine = createZoneEngine({
      map: {
        zones: DEMO_ZONE_MAP.zones,
        antennas: [{ reader: 'uhf-fr1', antenna: 1, zone: 'FR1' }],
      },
    });
    const { raw } = feed(reader, engine);
    await reader.open();
    closers.push(() => reader.close());
    await vi.waitFor(() => expect(engine.tagsIn('FR1').length).toBe(2), {
      timeout: 20_000,
      interval: 20,
    });
    expect(raw.every((r) => r.antenna === undefined && r.rssi === undefined)).toBe(true);
  });
});
