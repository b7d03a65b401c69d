/**
 * A simulated shop floor: tags at positions, reader antennas at positions
 * with their zone, and what each reader reads in one inventory round. It
 * drives the R2000, UHFReader18 and LLRP simulators (`attach`), so the real
 * drivers see realistic populations: hundreds of tags, RSSI that falls with
 * distance, tags carried between zones and now and then a weak read through
 * a wall. See SPEC.md [TP1]-[TP5].
 */
import type { SimulatedTag } from './rfid-simulators';

/** [TP1] One antenna of one reader, where it is and the zone it covers. */
export type FloorAntenna = {
  reader: string;
  /** 1-based. */
  antenna: number;
  zone: string;
  x: number;
  y: number;
  /** Transmit power in dBm; default 30. */
  txDbm?: number;
};

/** A room's outline: a tag inside is in `zone`; other zones' antennas read it through a wall. */
export type FloorRoom = { zone: string; x: number; y: number; width: number; height: number };

export type TagFloorOptions = {
  /** [TP5] The same seed gives the same reads. */
  seed: number;
  antennas: readonly FloorAntenna[];
  /**
   * Room outlines, smallest first: a tag's zone is the first room holding
   * it, else the zone of the nearest antenna.
   */
  rooms?: readonly FloorRoom[];
  /** A read weaker than this is not read; default -75 dBm. */
  sensitivityDbm?: number;
  /** Log-distance path loss exponent; default 3 (a shop full of racks). */
  pathLossExponent?: number;
  /** Path loss at 1 m (antenna and tag gains included); default 70 dB. */
  referenceLossDb?: number;
  /** Standard deviation of the seeded RSSI noise; default 2 dB. */
  noiseDb?: number;
  /** [TP3] A read through a wall gets through once in this many rounds on average; default 4. */
  strayEvery?: number;
  /** [TP3] What a wall takes off a read through it; default 12 dB. */
  wallLossDb?: number;
  /** Each antenna answers (default), or only each tag's strongest antenna of the reader. */
  antennasPerTag?: 'all' | 'best';
};

/** A tag on the floor, where it is and the zone it is in. */
export type FloorTag = { epc: string; x: number; y: number; zone: string };

/** Anything with a `tagSource`: the R2000, UHFReader18 and LLRP simulators. */
export type TagSourced = { tagSource?: (() => SimulatedTag[]) | undefined };

type PlacedTag = { epc: string; x: number; y: number; zone: string };

export class TagFloor {
  readonly #antennas: readonly FloorAntenna[];
  readonly #rooms: readonly FloorRoom[];
  readonly #sensitivity: number;
  readonly #exponent: number;
  readonly #referenceLoss: number;
  readonly #noise: number;
  readonly #strayChance: number;
  readonly #wallLoss: number;
  readonly #best: boolean;
  readonly #seed: number;
  readonly #tags = new Map<string, PlacedTag>();
  /** [TP5] One random stream per reader, so readers polled in any order read the same. */
  readonly #random = new Map<string, () => number>();

  constructor(options: TagFloorOptions) {
    if (!Number.isFinite(options.seed)) throw new RangeError('TagFloor: seed must be a number');
    if (!Array.isArray(options.antennas) || options.antennas.length === 0) {
      throw new RangeError('TagFloor: give at least one antenna');
    }
    for (const a of options.antennas) {
      if (!Number.isFinite(a.x) || !Number.isFinite(a.y) || !Number.isInteger(a.antenna)) {
        throw new RangeError(`TagFloor: antenna ${a.reader}#${a.antenna} needs x, y and a number`);
      }
    }
    this.#antennas = options.antennas;
    this.#rooms = options.rooms ?? [];
    this.#sensitivity = options.sensitivityDbm ?? -75;
    this.#exponent = options.pathLossExponent ?? 3;
    this.#referenceLoss = options.referenceLossDb ?? 70;
    this.#noise = options.noiseDb ?? 2;
    this.#strayChance = 1 / Math.max(1, options.strayEvery ?? 4);
    this.#wallLoss = options.wallLossDb ?? 12;
    this.#best = options.antennasPerTag === 'best';
    this.#seed = options.seed >>> 0;
  }

  /** [TP1] Puts a tag on the floor (or moves it there). */
  place(epc: string, x: number, y: number): void {
    if (typeof epc !== 'string' || epc.length === 0) throw new RangeError('TagFloor: EPC missing');
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RangeError(`TagFloor: position of ${epc} must be numbers`);
    }
    const tag = this.#tags.get(epc);
    const zone = this.zoneAt(x, y);
    if (tag) {
      tag.x = x;
      tag.y = y;
      tag.zone = zone;
    } else this.#tags.set(epc, { epc, x, y, zone });
  }

  /** [TP2] Carries a tag to another spot; an unknown tag is placed there. */
  move(epc: string, x: number, y: number): void {
    this.place(epc, x, y);
  }

  /** Takes a tag off the floor (sold and gone, or carried out). */
  remove(epc: string): boolean {
    return this.#tags.delete(epc);
  }

  tags(): FloorTag[] {
    return [...this.#tags.values()].map((t) => ({ ...t }));
  }

  /** The zone of a point: the first room holding it, else the nearest antenna's zone. */
  zoneAt(x: number, y: number): string {
    for (const room of this.#rooms) {
      if (x >= room.x && x <= room.x + room.width && y >= room.y && y <= room.y + room.height) {
        return room.zone;
      }
    }
    let best = this.#antennas[0] as FloorAntenna;
    let bestDistance = Infinity;
    for (const a of this.#antennas) {
      const d = Math.hypot(a.x - x, a.y - y);
      if (d < bestDistance) {
        best = a;
        bestDistance = d;
      }
    }
    return best.zone;
  }

  /** The RSSI an antenna would read a tag at this spot with, before noise and the wall's chance. */
  meanRssi(antenna: FloorAntenna, x: number, y: number, zone = this.zoneAt(x, y)): number {
    const distance = Math.max(0.25, Math.hypot(antenna.x - x, antenna.y - y));
    const wall = zone === antenna.zone ? 0 : this.#wallLoss;
    return (
      (antenna.txDbm ?? 30) -
      this.#referenceLoss -
      10 * this.#exponent * Math.log10(distance) -
      wall
    );
  }

  /**
   * [TP1]-[TP3] One inventory round of a reader: each tag its antennas read,
   * once per antenna (or only the strongest), RSSI by log-distance path loss
   * plus seeded noise, in whole dBm as the readers report it. A read through
   * a wall is weaker by the wall and gets through once in `strayEvery`.
   */
  readsFor(reader: string): SimulatedTag[] {
    const random = this.#randomFor(reader);
    const antennas = this.#antennas.filter((a) => a.reader === reader);
    const reads: SimulatedTag[] = [];
    for (const tag of this.#tags.values()) {
      let best: SimulatedTag | undefined;
      for (const antenna of antennas) {
        const through = tag.zone !== antenna.zone;
        // Draw both numbers for every pair so one tag's fate does not shift another's.
        const noise = gaussian(random) * this.#noise;
        const chance = random();
        if (through && chance >= this.#strayChance) continue;
        const rssi = Math.round(this.meanRssi(antenna, tag.x, tag.y, tag.zone) + noise);
        if (rssi < this.#sensitivity) continue;
        const read = { epc: tag.epc, antenna: antenna.antenna, rssi };
        if (!this.#best) reads.push(read);
        else if (!best || rssi > (best.rssi ?? -Infinity)) best = read;
      }
      if (best) reads.push(best);
    }
    return reads;
  }

  /** [TP4] Drives a simulator: each round it answers with `readsFor(reader)`. Returns a detach. */
  attach(simulator: TagSourced, reader: string): () => void {
    const source = () => this.readsFor(reader);
    simulator.tagSource = source;
    return () => {
      if (simulator.tagSource === source) simulator.tagSource = undefined;
    };
  }

  #randomFor(reader: string): () => number {
    let random = this.#random.get(reader);
    if (!random) {
      random = mulberry32((this.#seed ^ hashText(reader)) >>> 0);
      this.#random.set(reader, random);
    }
    return random;
  }
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box-Muller, from a uniform source. */
function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** FNV-1a of a text, for per-reader seeds. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
