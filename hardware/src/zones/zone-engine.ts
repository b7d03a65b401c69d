/**
 * The store's RFID zone engine: reads in, zone events out. Per tag and zone
 * it keeps an exponential moving average of RSSI, the time of the zone's
 * last read and a ring of the zone's last `minReads` read times (so "enough
 * reads within the window" is one comparison), all in one Float64Array per
 * tag; a read allocates nothing unless it makes an event.
 *
 * Semantics after EdgeX's app-rfid-llrp-inventory (internal/inventory/
 * tagprocessor.go `processData`, mobilityprofile.go `ComputeOffset`):
 * - a location's signal is an average of its RSSI (EdgeX: a rolling mean per
 *   antenna; here an EWMA per zone, as [ZE3] asks), and zones play the part
 *   of EdgeX's aliases: antennas of one zone never move a tag between them;
 * - a tag moves when the read location has enough reads (EdgeX: 2; here
 *   `minReads` within `windowMs`) and its mean beats the current location's
 *   mean plus an offset;
 * - the offset is the threshold while the current location keeps reading
 *   the tag and falls by the slope with the time since the current location
 *   last read it (EdgeX: `Slope * (reference - statsAtPrevLoc.LastRead) +
 *   yIntercept`, capped at `Threshold`); we floor it at `minThresholdDb`
 *   instead of letting it go negative, and a current zone silent for a whole
 *   window loses to any zone with `minReads` reads in it (EdgeX reaches the
 *   same "a more recent location wins" by the negative offset);
 * - a tag not read for `departedAfterMs` departs (EdgeX
 *   `AggregateDeparted`, on a timer: here `tick`), its stats reset so it
 *   arrives afresh.
 * Ours, not EdgeX's: arrival waits for `minReads` ([ZE2]); an exit zone
 * departs a tag at once and never holds one ([ZE4]); reads older than the
 * tag's last only smooth ([ZE6]).
 * See SPEC.md [ZE1]-[ZE8].
 */
import { decodeSgtin96, type Zone, type ZoneEvent } from '@pos/domain';
import {
  GARMENT_PROFILE,
  type EngineRead,
  type MobilityProfile,
  type TagLocation,
  type ZoneEngine,
  type ZoneEngineOptions,
} from './zone-types';

const UPPER_EPC = /^[0-9A-F]{24}$/;
const ANY_EPC = /^[0-9A-Fa-f]{24}$/;
/** The largest epoch ms a Date holds; later times cannot be written as ISO. */
const MAX_TIME_MS = 8.64e15;

/** One tag's state. A class, so every tag has the same shape for the JIT. */
class TagState {
  /** The placed zone's index, or -1 (not placed: never, or departed). */
  zone = -1;
  sinceMs = 0;
  lastSeenMs = -Infinity;
  gtin: string | undefined = undefined;
  serial: string | undefined = undefined;
  decoded = false;
  constructor(
    readonly epc: string,
    /** ewma[Z] | lastMs[Z] | ring[Z × m] | arrival ring[m] | ring positions[Z + 1] */
    readonly stats: Float64Array,
  ) {}
}

/** [ZE1]-[ZE8] A zone engine over a zone map and a mobility profile. Bad options throw. */
export function createZoneEngine(options: ZoneEngineOptions): ZoneEngine {
  const profile: MobilityProfile = { ...GARMENT_PROFILE, ...(options.profile ?? {}) };
  checkProfile(profile);
  const defaultRssi = options.defaultRssi ?? -60;
  if (!Number.isFinite(defaultRssi)) throw new RangeError('defaultRssi must be a number');
  const maxTags = options.maxTags ?? 100_000;
  if (!Number.isInteger(maxTags) || maxTags < 1) {
    throw new RangeError('maxTags must be a whole number of at least 1');
  }
  const zones = checkZones(options.map?.zones);
  const zoneIds = zones.map((z) => z.id);
  const zoneIndex = new Map(zoneIds.map((id, i) => [id, i]));
  const exit = Uint8Array.from(zones, (z) => (z.kind === 'exit' ? 1 : 0));
  const byReader = antennaTable(options.map?.antennas, zoneIndex);

  const Z = zones.length;
  const m = profile.minReads;
  const { alpha, windowMs, offsetDb, slopeDbPerMs, minThresholdDb, departedAfterMs } = profile;
  const LAST = Z;
  const RING = 2 * Z;
  const ARRIVAL = RING + Z * m;
  const POS = ARRIVAL + m;
  const SIZE = POS + Z + 1;

  const tags = new Map<string, TagState>();
  let reads = 0;
  let ignored = 0;
  let eventCount = 0;

  function fresh(stats: Float64Array): void {
    stats.fill(-Infinity, 0, POS);
    stats.fill(0, POS, SIZE);
  }

  /** Records a read time in a ring; the slot overwritten next is the oldest. */
  function push(stats: Float64Array, ring: number, pos: number, at: number): void {
    const p = stats[pos] as number;
    stats[ring + p] = at;
    stats[pos] = p + 1 === m ? 0 : p + 1;
  }

  /** Whether a ring holds `minReads` reads no older than the window. */
  function full(stats: Float64Array, ring: number, pos: number, at: number): boolean {
    return (stats[ring + (stats[pos] as number)] as number) >= at - windowMs;
  }

  function event(
    kind: ZoneEvent['kind'],
    tag: TagState,
    zone: number,
    atMs: number,
    from?: number,
  ): ZoneEvent {
    if (!tag.decoded) {
      tag.decoded = true;
      const sgtin = decodeSgtin96(tag.epc);
      if (sgtin.ok) {
        tag.gtin = sgtin.gtin;
        tag.serial = sgtin.serial;
      }
    }
    eventCount++;
    return {
      kind,
      epc: tag.epc,
      ...(tag.gtin === undefined ? {} : { gtin: tag.gtin, serial: tag.serial as string }),
      zone: zoneIds[zone] as string,
      ...(from === undefined ? {} : { from: zoneIds[from] as string }),
      at: new Date(atMs).toISOString(),
    };
  }

  function place(tag: TagState, zone: number, atMs: number): void {
    tag.zone = zone;
    tag.sinceMs = atMs;
  }

  function depart(tag: TagState, atMs: number, out: ZoneEvent[]): void {
    if (tag.zone >= 0) out.push(event('departed', tag, tag.zone, atMs));
    tag.zone = -1;
    fresh(tag.stats);
  }

  /**
   * [ZE3] Whether zone `z`, just read, takes the tag from `current`: enough
   * reads in the window, and the current zone beaten by the mobility
   * threshold (which falls with the time since the current zone last read
   * the tag), or silent for the window while `z` is the strongest zone
   * reading the tag now.
   */
  function wins(s: Float64Array, z: number, current: number, at: number): boolean {
    if (!full(s, RING + z * m, POS + z, at)) return false;
    const silentMs = at - (s[LAST + current] as number);
    if (silentMs > windowMs) {
      // The current zone's average is stale: the best of the zones reading the tag now takes it.
      for (let i = 0; i < Z; i++) {
        if (
          i !== z &&
          i !== current &&
          full(s, RING + i * m, POS + i, at) &&
          (s[i] as number) > (s[z] as number)
        ) {
          return false;
        }
      }
      return true;
    }
    const threshold = Math.max(minThresholdDb, offsetDb + slopeDbPerMs * silentMs);
    return (s[z] as number) > (s[current] as number) + threshold;
  }

  function read(input: EngineRead): ZoneEvent[] {
    reads++;
    const out: ZoneEvent[] = [];
    if (typeof input !== 'object' || input === null) {
      ignored++;
      return out;
    }
    let epc = input.epc;
    if (typeof epc !== 'string' || epc.length !== 24) {
      ignored++;
      return out;
    }
    if (!UPPER_EPC.test(epc)) {
      if (!ANY_EPC.test(epc)) {
        ignored++;
        return out;
      }
      epc = epc.toUpperCase();
    }
    const at = input.atMs;
    if (typeof at !== 'number' || !(at >= -MAX_TIME_MS && at <= MAX_TIME_MS)) {
      ignored++;
      return out;
    }
    const table = typeof input.reader === 'string' ? byReader.get(input.reader) : undefined;
    const antenna = input.antenna;
    const z = table && typeof antenna === 'number' ? table[antenna] : undefined;
    if (z === undefined || z < 0) {
      ignored++; // [ZE1] not on the map
      return out;
    }
    const rssi =
      typeof input.rssi === 'number' && Number.isFinite(input.rssi) ? input.rssi : defaultRssi;

    let tag = tags.get(epc);
    if (!tag) {
      if (tags.size >= maxTags) {
        // [ZE8] The least recently read goes first, departing if it was placed.
        const oldest = tags.values().next().value as TagState;
        tags.delete(oldest.epc);
        depart(oldest, at, out);
      }
      const stats = new Float64Array(SIZE);
      tag = new TagState(epc, stats);
      fresh(stats);
      tags.set(epc, tag);
    }
    const s = tag.stats;
    const last = s[LAST + z] as number;

    if (at < tag.lastSeenMs) {
      // [ZE6] Late: smooths a zone that has a current average, nothing more.
      if (last >= tag.lastSeenMs - windowMs)
        s[z] = (s[z] as number) + alpha * (rssi - (s[z] as number));
      return out;
    }

    // [ZE3] Smooth; a zone not read within the window starts afresh.
    s[z] = last < at - windowMs ? rssi : (s[z] as number) + alpha * (rssi - (s[z] as number));
    s[LAST + z] = at;
    push(s, RING + z * m, POS + z, at);
    if (tag.lastSeenMs !== at) {
      // Keep the map in order of last read, for [ZE8]: re-insert moves it to the end.
      tags.delete(epc);
      tags.set(epc, tag);
    }
    tag.lastSeenMs = at;

    const current = tag.zone;
    if (exit[z] === 1) {
      // [ZE4] Gone at once when the exit wins as a move would; an exit never places a tag.
      if (current >= 0 && wins(s, z, current, at)) depart(tag, at, out);
      return out;
    }
    push(s, ARRIVAL, POS + Z, at);

    if (current < 0) {
      // [ZE2] [ZE5] Enough reads: placed where the smoothed RSSI is best.
      if (!full(s, ARRIVAL, POS + Z, at)) return out;
      let best = z;
      for (let i = 0; i < Z; i++) {
        if (exit[i] === 1 || (s[LAST + i] as number) < at - windowMs) continue;
        if ((s[i] as number) > (s[best] as number)) best = i;
      }
      place(tag, best, at);
      out.push(event('arrived', tag, best, at));
      return out;
    }
    if (current !== z && wins(s, z, current, at)) {
      place(tag, z, at);
      out.push(event('moved', tag, z, at, current));
    }
    return out;
  }

  function tick(nowMs: number): ZoneEvent[] {
    const out: ZoneEvent[] = [];
    if (typeof nowMs !== 'number' || !(nowMs >= -MAX_TIME_MS && nowMs <= MAX_TIME_MS)) return out;
    const cutoff = nowMs - departedAfterMs;
    // Reads from several readers interleave, so the map is only nearly in time order: look at all.
    for (const tag of tags.values()) {
      if (tag.lastSeenMs >= cutoff) continue;
      tags.delete(tag.epc); // [ZE5] a tag seen again starts afresh
      depart(tag, nowMs, out);
    }
    return out;
  }

  function location(tag: TagState): TagLocation {
    return {
      epc: tag.epc,
      zone: zoneIds[tag.zone] as string,
      since: new Date(tag.sinceMs).toISOString(),
      lastSeen: new Date(tag.lastSeenMs).toISOString(),
    };
  }

  return {
    read,
    tick,
    locations() {
      const out: TagLocation[] = [];
      for (const tag of tags.values()) if (tag.zone >= 0) out.push(location(tag));
      return out;
    },
    tagsIn(zone: string) {
      const index = zoneIndex.get(zone);
      const out: TagLocation[] = [];
      if (index === undefined) return out;
      for (const tag of tags.values()) if (tag.zone === index) out.push(location(tag));
      return out;
    },
    zones,
    stats() {
      return { reads, ignored, events: eventCount, tags: tags.size };
    },
  };
}

function checkProfile(p: MobilityProfile): void {
  const problems: string[] = [];
  if (!(p.alpha > 0 && p.alpha <= 1)) problems.push('alpha must be in (0, 1]');
  if (!Number.isInteger(p.minReads) || p.minReads < 1 || p.minReads > 1000) {
    problems.push('minReads must be a whole number from 1 to 1000');
  }
  if (!(p.windowMs > 0) || !Number.isFinite(p.windowMs)) problems.push('windowMs must be > 0');
  if (!(p.departedAfterMs > 0)) problems.push('departedAfterMs must be > 0');
  for (const key of ['offsetDb', 'slopeDbPerMs', 'minThresholdDb'] as const) {
    if (!Number.isFinite(p[key])) problems.push(`${key} must be a number`);
  }
  if (p.slopeDbPerMs > 0) problems.push('slopeDbPerMs must not be positive');
  if (problems.length) throw new RangeError(`zone engine profile: ${problems.join('; ')}`);
}

function checkZones(zones: readonly Zone[] | undefined): readonly Zone[] {
  if (!Array.isArray(zones) || zones.length === 0) {
    throw new RangeError('zone map: name at least one zone');
  }
  const seen = new Set<string>();
  for (const zone of zones) {
    if (typeof zone?.id !== 'string' || zone.id === '') {
      throw new RangeError('zone map: every zone needs an id');
    }
    if (seen.has(zone.id)) throw new RangeError(`zone map: zone ${zone.id} is named twice`);
    seen.add(zone.id);
  }
  return Object.freeze(zones.map((z) => Object.freeze({ ...z })));
}

/** [ZE1] reader → zone index by antenna number (-1 not mapped). */
function antennaTable(
  antennas: readonly { reader: string; antenna: number; zone: string }[] | undefined,
  zoneIndex: ReadonlyMap<string, number>,
): Map<string, Int32Array> {
  if (!Array.isArray(antennas)) throw new RangeError('zone map: antennas must be a list');
  const table = new Map<string, Int32Array>();
  for (const a of antennas) {
    const zone = zoneIndex.get(a.zone);
    if (zone === undefined) {
      throw new RangeError(
        `zone map: antenna ${a.reader}#${a.antenna} names unknown zone ${a.zone}`,
      );
    }
    if (
      typeof a.reader !== 'string' ||
      !Number.isInteger(a.antenna) ||
      a.antenna < 0 ||
      a.antenna > 255
    ) {
      throw new RangeError(
        `zone map: antenna ${String(a.reader)}#${a.antenna} is not a reader and antenna 0-255`,
      );
    }
    let row = table.get(a.reader);
    if (!row || row.length <= a.antenna) {
      const grown = new Int32Array(a.antenna + 1).fill(-1);
      if (row) grown.set(row);
      row = grown;
      table.set(a.reader, row);
    }
    if (row[a.antenna] !== -1 && row[a.antenna] !== zone) {
      throw new RangeError(`zone map: antenna ${a.reader}#${a.antenna} is in two zones`);
    }
    row[a.antenna] = zone;
  }
  return table;
}
