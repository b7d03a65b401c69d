/**
 * Store S001's RFID floor as the demo and the end-to-end test run it: its
 * zones, which reader antenna covers which zone (the zone engine's map), and
 * where rooms and antennas are (for the simulated TagFloor). Distances in
 * metres, the store 20 m × 12 m:
 *
 *   y=12 ┌──────────────────────────┬────────┬────────┐
 *        │                          │  FR1   │  FR2   │   fitting rooms side by
 *        │        FLOOR             │  (a2)  │  (a3)  │   side, one wall between
 *   y=8  │         (a1)             ├────────┴────────┤   them at x = 15
 *        │                          │                 │
 *   y=6  │                          ├─────────────────┤
 *        │                          │  STOCK (llrp)   │
 *        ├─────┐        ┌───────┐   │                 │
 *        │EXIT │        │COUNTER│   │                 │
 *   y=0  └─────┴────────┴───────┴───┴─────────────────┘
 *       x=0   3        8       11  12       15       18  20
 *
 * Readers: `rfid-zones`, an R2000 with 4 antennas (1 FLOOR, 2 FR1, 3 FR2,
 * 4 EXIT) and `llrp-stock`, an LLRP reader over the stockroom, feed the zone
 * engine. The checkout counter's reader is the till's own R2000, `rfid-1`
 * (the reader `startSimulatedHardware({ rfid: true })` already gives the
 * POS): its reads go to the till's cart, not to the zones, so it is on the
 * TagFloor (tags on the counter are read by it) but not on the zone map.
 */
import type { Zone } from '@pos/domain';
import type { FloorAntenna, FloorRoom } from '../simulators/tag-floor';
import type { ZoneMap } from './zone-types';

/** The R2000 whose 4 antennas cover the sales floor, both fitting rooms and the exit. */
export const DEMO_ZONE_READER = 'rfid-zones';
/** The LLRP reader over the stockroom. */
export const DEMO_STOCK_READER = 'llrp-stock';
/** The till's counter reader (R2000): reads become cart lines, never zone events. */
export const DEMO_COUNTER_READER = 'rfid-1';

export const DEMO_ZONES: readonly Zone[] = [
  { id: 'FLOOR', kind: 'sales-floor', name: '卖场 Sales floor' },
  { id: 'FR1', kind: 'fitting-room', name: '试衣间 1 Fitting room 1' },
  { id: 'FR2', kind: 'fitting-room', name: '试衣间 2 Fitting room 2' },
  { id: 'CHECKOUT', kind: 'checkout', name: '收银台 Checkout' },
  { id: 'STOCK', kind: 'stockroom', name: '仓库 Stockroom' },
  { id: 'EXIT', kind: 'exit', name: '出口 Exit' },
];

/** [ZE1] S001's zone map: the zone engine's readers only (the counter reader is the till's). */
export const DEMO_ZONE_MAP: ZoneMap = {
  zones: [...DEMO_ZONES],
  antennas: [
    { reader: DEMO_ZONE_READER, antenna: 1, zone: 'FLOOR' },
    { reader: DEMO_ZONE_READER, antenna: 2, zone: 'FR1' },
    { reader: DEMO_ZONE_READER, antenna: 3, zone: 'FR2' },
    { reader: DEMO_ZONE_READER, antenna: 4, zone: 'EXIT' },
    { reader: DEMO_STOCK_READER, antenna: 1, zone: 'STOCK' },
  ],
};

/**
 * The rooms' outlines, smallest first (a point is in the first room that
 * holds it): a tag's own zone on the TagFloor, the rest are through a wall.
 */
export const DEMO_ROOMS: readonly FloorRoom[] = [
  { zone: 'EXIT', x: 0, y: 0, width: 3, height: 1 },
  { zone: 'CHECKOUT', x: 8, y: 0, width: 3, height: 2 },
  { zone: 'FR1', x: 12, y: 8, width: 3, height: 4 },
  { zone: 'FR2', x: 15, y: 8, width: 3, height: 4 },
  { zone: 'STOCK', x: 12, y: 0, width: 8, height: 6 },
  { zone: 'FLOOR', x: 0, y: 0, width: 12, height: 12 },
];

/**
 * [TP1] Where the antennas are, with their power: the fitting rooms' and the
 * counter's antennas are turned down so they read their own room, the exit's
 * reads the doorway.
 */
export const DEMO_FLOOR_ANTENNAS: readonly FloorAntenna[] = [
  { reader: DEMO_ZONE_READER, antenna: 1, zone: 'FLOOR', x: 6, y: 6, txDbm: 30 },
  { reader: DEMO_ZONE_READER, antenna: 2, zone: 'FR1', x: 13.5, y: 10, txDbm: 20 },
  { reader: DEMO_ZONE_READER, antenna: 3, zone: 'FR2', x: 16.5, y: 10, txDbm: 20 },
  { reader: DEMO_ZONE_READER, antenna: 4, zone: 'EXIT', x: 1.5, y: 0.5, txDbm: 15 },
  { reader: DEMO_STOCK_READER, antenna: 1, zone: 'STOCK', x: 16, y: 3, txDbm: 30 },
  { reader: DEMO_COUNTER_READER, antenna: 1, zone: 'CHECKOUT', x: 9.5, y: 1, txDbm: 10 },
];

export type DemoZoneId = 'FLOOR' | 'FR1' | 'FR2' | 'CHECKOUT' | 'STOCK' | 'EXIT';
export type FloorPosition = { x: number; y: number };

/** Where items lie in each zone (inside its walls, away from them). */
const SPOTS: Readonly<Record<DemoZoneId, { x: number; y: number; width: number; height: number }>> =
  {
    FLOOR: { x: 1, y: 2, width: 9, height: 9 },
    FR1: { x: 12.8, y: 9, width: 1.4, height: 2 },
    FR2: { x: 15.8, y: 9, width: 1.4, height: 2 },
    CHECKOUT: { x: 8.8, y: 0.6, width: 1.4, height: 0.8 },
    STOCK: { x: 13, y: 0.5, width: 6, height: 4.5 },
    EXIT: { x: 0.8, y: 0.2, width: 1.4, height: 0.6 },
  };

/**
 * A spot inside a zone: the `index`-th on a grid over the zone's spots, so
 * hundreds of tags spread over the sales floor or the stockroom and a handful
 * lie together in a fitting room or on the counter. Same index, same spot.
 */
export function inRoom(zone: DemoZoneId, index = 0): FloorPosition {
  const spot = SPOTS[zone];
  const columns = 8;
  const rows = 8;
  const i = Math.abs(Math.trunc(index)) % (columns * rows);
  return {
    x: round2(spot.x + (spot.width * ((i % columns) + 0.5)) / columns),
    y: round2(spot.y + (spot.height * (Math.floor(i / columns) + 0.5)) / rows),
  };
}

/**
 * [TP3] A spot in a fitting room close to the wall it shares with the other
 * one: `nearWall('FR2')` is in FR2, 0.3 m from FR1's wall, so FR1's antenna
 * reads a tag there now and then, weakly (a stray read), while FR2's reads
 * it well.
 */
export function nearWall(room: 'FR1' | 'FR2'): FloorPosition {
  return room === 'FR2' ? { x: 15.3, y: 10 } : { x: 14.7, y: 10 };
}

/** Everything the TagFloor needs for S001: `new TagFloor({ seed, ...DEMO_FLOOR })`. */
export const DEMO_FLOOR = { antennas: DEMO_FLOOR_ANTENNAS, rooms: DEMO_ROOMS } as const;

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
