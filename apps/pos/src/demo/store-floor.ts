/**
 * S001's simulated RFID floor, as `npm start` and the end-to-end test run
 * it (hardware/src/zones/demo-floor.ts): a TagFloor places the store's
 * tagged garments and drives three simulated readers — the zone R2000 (its 4
 * antennas cover the sales floor, both fitting rooms and the exit) and the
 * counter's R2000 on socat pseudo-terminals, the stockroom's LLRP reader on
 * TCP — read by the real drivers on the till's hub (the counter reader is
 * one of the till's devices, the others the store's); and the store's
 * fitting-room service (the zone engine on the hub's raw reads), pushing
 * try-on facts to the sync server as its own device from an outbox file.
 */
import {
  createFittingRoomService,
  DEMO_COUNTER_READER,
  DEMO_FLOOR,
  DEMO_STOCK_READER,
  DEMO_ZONE_MAP,
  DEMO_ZONE_READER,
  inRoom,
  LlrpReader,
  LlrpSimulator,
  openPtyPair,
  R2000Reader,
  R2000Simulator,
  TagFloor,
  type DemoZoneId,
  type FittingRoomService,
  type RfidReaderDevice,
} from '@pos/hardware';
import type { FittingRoomPolicy } from '@pos/domain';

export type StoreFloor = {
  /** Where every tag is: move tags to walk a shopper around the store. */
  readonly floor: TagFloor;
  /** The zone readers' drivers, for the store's hub. */
  readonly readers: RfidReaderDevice[];
  /** The counter's R2000, for the till's devices: its reads ring up the cart. */
  readonly counterReader: { id: string; protocol: 'r2000'; path: string };
  /** The store's fitting-room service, for the hub. */
  readonly fittingRooms: FittingRoomService;
  /** The garments on the floor at the start (EPCs), in the order they were placed. */
  readonly garments: readonly string[];
  /** Carries `epcs` to `zone` (side by side from its `firstSpot`; on the sales floor, to the racks). */
  carry(epcs: readonly string[], zone: DemoZoneId, firstSpot?: number): void;
  close(): Promise<void>;
};

export type StoreFloorOptions = {
  storeId: string;
  /** The fitting-room service's device, provisioned on the sync server. */
  service: { deviceId: string; token: string };
  /** Where try-on facts go; `fetch` for a server whose certificate is pinned. */
  sync: { url: string; fetch?: typeof fetch } | null;
  /** The service's outbox file. */
  outboxPath: string;
  /** The tagged garments, laid out on the sales floor. */
  garments: readonly string[];
  policy?: Partial<FittingRoomPolicy>;
  /** The floor's seed (the same seed, the same reads). */
  seed?: number;
};

/**
 * The sales floor's spots where garments hang: the floor's grid (`inRoom`),
 * less its first row and its columns nearest the counter, the stockroom and
 * the fitting rooms. Garments there are read by the sales floor's antenna
 * only: none is rung up by the counter's reader, departs by the exit's
 * antenna or is read through the fitting rooms' walls.
 */
const RACK_SPOTS: readonly number[] = Array.from({ length: 64 }, (_, i) => i).filter(
  (i) => i >= 8 && i % 8 <= 3,
);

/** The `index`-th rack spot on the sales floor. */
export function rackSpot(index: number): { x: number; y: number } {
  return inRoom('FLOOR', RACK_SPOTS[Math.abs(Math.trunc(index)) % RACK_SPOTS.length]!);
}

export async function startStoreFloor(options: StoreFloorOptions): Promise<StoreFloor> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of closers.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const floor = new TagFloor({ seed: options.seed ?? 17, ...DEMO_FLOOR });
    options.garments.forEach((epc, i) => {
      const spot = rackSpot(i);
      floor.place(epc, spot.x, spot.y);
    });

    const zonePair = await openPtyPair();
    const counterPair = await openPtyPair();
    closers.push(() => Promise.all([zonePair.close(), counterPair.close()]));
    // Simulators open first: a port opened later would miss bytes already written.
    const zoneSimulator = await R2000Simulator.open(zonePair.simulatorPath);
    closers.push(() => zoneSimulator.close());
    const counterSimulator = await R2000Simulator.open(counterPair.simulatorPath);
    closers.push(() => counterSimulator.close());
    const stockSimulator = await LlrpSimulator.start();
    closers.push(() => stockSimulator.close());
    floor.attach(zoneSimulator, DEMO_ZONE_READER);
    floor.attach(counterSimulator, DEMO_COUNTER_READER);
    floor.attach(stockSimulator, DEMO_STOCK_READER);

    const readers: RfidReaderDevice[] = [
      new R2000Reader({ path: zonePair.devicePath, id: DEMO_ZONE_READER }),
      new LlrpReader({ host: '127.0.0.1', port: stockSimulator.port, id: DEMO_STOCK_READER }),
    ];

    const fittingRooms = createFittingRoomService({
      storeId: options.storeId,
      deviceId: options.service.deviceId,
      map: DEMO_ZONE_MAP,
      sync: options.sync ? { ...options.sync, token: options.service.token } : null,
      outboxPath: options.outboxPath,
      ...(options.policy ? { policy: options.policy } : {}),
      // Departures and sessions left too long, checked often enough for a demo.
      tickEveryMs: 5_000,
    });
    closers.push(() => fittingRooms.close());

    return {
      floor,
      readers,
      counterReader: { id: DEMO_COUNTER_READER, protocol: 'r2000', path: counterPair.devicePath },
      fittingRooms,
      garments: [...options.garments],
      carry(epcs, zone, firstSpot = 0) {
        epcs.forEach((epc, i) => {
          const spot = zone === 'FLOOR' ? rackSpot(firstSpot + i) : inRoom(zone, firstSpot + i);
          floor.move(epc, spot.x, spot.y);
        });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
