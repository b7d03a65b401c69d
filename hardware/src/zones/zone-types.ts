/**
 * The store's RFID zone engine: which reader antenna covers which zone, how
 * readily a tag is believed to have moved, and what the engine reports.
 * Semantics after EdgeX's app-rfid-llrp-inventory: a tag's location is the
 * zone whose smoothed RSSI is best, a move needs the new zone to beat the
 * current one by a margin over enough reads, and a tag not seen for a while
 * departs. Pure types; the engine is zone-engine.ts. See SPEC.md [ZE1]-[ZE9].
 */
import type { Zone, ZoneEvent } from '@pos/domain';

/** [ZE1] One antenna of one reader (its device id, antenna 1-based) covering a zone. */
export type AntennaZone = { reader: string; antenna: number; zone: string };

/** [ZE1] The store's zones and which antennas cover them. An antenna not mapped is ignored. */
export type ZoneMap = { zones: Zone[]; antennas: AntennaZone[] };

/**
 * [ZE3] How readily tags move, EdgeX's mobility profile: a zone's smoothed
 * RSSI must beat the tag's current zone by a threshold that is `offsetDb`
 * while the current zone keeps reading the tag and falls by `slopeDbPerMs`
 * per millisecond since the current zone last read it, never below
 * `minThresholdDb`. A current zone silent for `windowMs` loses to the
 * strongest zone reading the tag.
 */
export type MobilityProfile = {
  /** dB the new zone must be stronger by while the current zone still reads the tag. */
  offsetDb: number;
  /** dB per millisecond the threshold falls since the current zone last read the tag (≤ 0). */
  slopeDbPerMs: number;
  /** The threshold never falls below this. */
  minThresholdDb: number;
  /** Reads in the new zone (within `windowMs`) before a move. */
  minReads: number;
  /** The window of reads that count. */
  windowMs: number;
  /** RSSI smoothing: the weight of a new read in the moving average (0 < α ≤ 1). */
  alpha: number;
  /** A tag not read for this long departs. */
  departedAfterMs: number;
};

/** [ZE3] Defaults for garments: they move in a shopper's arms, then lie still. */
export const GARMENT_PROFILE: MobilityProfile = {
  offsetDb: 6,
  slopeDbPerMs: -0.00011,
  minThresholdDb: 2,
  minReads: 3,
  windowMs: 10_000,
  alpha: 0.3,
  departedAfterMs: 30 * 60_000,
};

/** One read as the engine takes it: what the reader said, with the time in ms. */
export type EngineRead = {
  epc: string;
  reader: string;
  antenna: number;
  /** dBm; a read without RSSI counts as `defaultRssi`. */
  rssi?: number;
  /** Epoch milliseconds; reads may arrive slightly out of order. */
  atMs: number;
};

/** [ZE8] Where a tag is now, as the engine believes. */
export type TagLocation = { epc: string; zone: string; since: string; lastSeen: string };

/** The engine: feed reads, get events; `tick(now)` for departures. */
export type ZoneEngine = {
  /** [ZE2]-[ZE6] Takes one read; returns the events it caused (often none). Never throws. */
  read(read: EngineRead): ZoneEvent[];
  /** [ZE5] Departs tags not seen for the profile's time, as of `nowMs`. */
  tick(nowMs: number): ZoneEvent[];
  /** [ZE8] Every tag's location now. */
  locations(): TagLocation[];
  /** Tags located in a zone now. */
  tagsIn(zone: string): TagLocation[];
  readonly zones: readonly Zone[];
  /** Reads taken, reads ignored (unmapped antenna, bad EPC), events made. */
  stats(): { reads: number; ignored: number; events: number; tags: number };
};

export type ZoneEngineOptions = {
  map: ZoneMap;
  profile?: Partial<MobilityProfile>;
  /** dBm for a read without RSSI (UHFReader18 answers carry none); default -60. */
  defaultRssi?: number;
  /** At most this many tags tracked; the longest unseen is forgotten first. Default 100,000. */
  maxTags?: number;
};
