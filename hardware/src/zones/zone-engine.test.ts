import type { ZoneEvent } from '@pos/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_ZONE_MAP, DEMO_ZONE_READER } from './demo-floor';
import { createZoneEngine } from './zone-engine';
import { GARMENT_PROFILE, type EngineRead, type ZoneEngine } from './zone-types';

/** SGTIN-96: GTIN 80614141123458, serial 6789. */
const TEE = '3074257BF7194E4000001A85';
const OTHER = 'E280689400005004F5F4A1F2';
const R = DEMO_ZONE_READER;
const ANT = { FLOOR: 1, FR1: 2, FR2: 3, EXIT: 4 } as const;
const T0 = Date.parse('2026-12-07T10:00:00.000Z');

function at(ms: number): string {
  return new Date(T0 + ms).toISOString();
}

/** Feeds reads of one tag at one antenna, every `stepMs`, from `fromMs`; returns all events. */
function feed(
  engine: ZoneEngine,
  epc: string,
  zone: keyof typeof ANT,
  fromMs: number,
  count: number,
  rssi: number,
  stepMs = 100,
): ZoneEvent[] {
  const events: ZoneEvent[] = [];
  for (let i = 0; i < count; i++) {
    events.push(
      ...engine.read({ epc, reader: R, antenna: ANT[zone], rssi, atMs: T0 + fromMs + i * stepMs }),
    );
  }
  return events;
}

describe('zone engine', () => {
  it('[ZE1] ignores unmapped antennas, other readers and EPCs that are not 24 hex digits', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    const bad: unknown[] = [
      { epc: TEE, reader: R, antenna: 9, rssi: -40, atMs: T0 },
      { epc: TEE, reader: 'rfid-1', antenna: 1, rssi: -40, atMs: T0 },
      { epc: 'XYZ', reader: R, antenna: 1, rssi: -40, atMs: T0 },
      { epc: `${TEE}00`, reader: R, antenna: 1, rssi: -40, atMs: T0 },
      { epc: TEE, reader: R, antenna: 1, rssi: -40, atMs: Number.NaN },
      null,
    ];
    for (const read of bad) expect(engine.read(read as EngineRead)).toEqual([]);
    expect(engine.stats()).toEqual({ reads: 6, ignored: 6, events: 0, tags: 0 });
  });

  it('[ZE1] a map naming an unknown zone, or one antenna in two zones, is refused', () => {
    expect(() =>
      createZoneEngine({
        map: { zones: DEMO_ZONE_MAP.zones, antennas: [{ reader: R, antenna: 1, zone: 'NOPE' }] },
      }),
    ).toThrow(/unknown zone NOPE/);
    expect(() =>
      createZoneEngine({
        map: {
          zones: DEMO_ZONE_MAP.zones,
          antennas: [
            { reader: R, antenna: 1, zone: 'FR1' },
            { reader: R, antenna: 1, zone: 'FR2' },
          ],
        },
      }),
    ).toThrow(/two zones/);
    expect(() => createZoneEngine({ map: DEMO_ZONE_MAP, profile: { alpha: 0 } })).toThrow(/alpha/);
  });

  it('[ZE2] a tag arrives after minReads within the window, with GTIN and serial, in its best zone', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    expect(engine.read({ epc: TEE, reader: R, antenna: 2, rssi: -45, atMs: T0 })).toEqual([]);
    expect(engine.read({ epc: TEE, reader: R, antenna: 1, rssi: -70, atMs: T0 + 100 })).toEqual([]);
    expect(engine.read({ epc: TEE, reader: R, antenna: 2, rssi: -47, atMs: T0 + 200 })).toEqual([
      {
        kind: 'arrived',
        epc: TEE,
        gtin: '80614141123458',
        serial: '6789',
        zone: 'FR1',
        at: at(200),
      },
    ]);
    expect(engine.locations()).toEqual([
      { epc: TEE, zone: 'FR1', since: at(200), lastSeen: at(200) },
    ]);
    expect(engine.tagsIn('FR1').map((t) => t.epc)).toEqual([TEE]);
    expect(engine.tagsIn('FR2')).toEqual([]);
  });

  it('[ZE2] reads spread wider than the window do not place a tag; a non-SGTIN EPC has no GTIN', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    expect(feed(engine, TEE, 'FLOOR', 0, 5, -50, GARMENT_PROFILE.windowMs)).toEqual([]);
    const [arrived] = feed(engine, OTHER.toLowerCase(), 'FLOOR', 0, 3, -50);
    expect(arrived).toEqual({ kind: 'arrived', epc: OTHER, zone: 'FLOOR', at: at(200) });
  });

  it('[ZE3] a garment carried from the floor into a fitting room moves there', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    feed(engine, TEE, 'FLOOR', 0, 5, -65);
    // Carried in: the floor still reads it now and then, FR1 reads it strongly.
    const events = [
      ...feed(engine, TEE, 'FR1', 1_000, 2, -45),
      ...feed(engine, TEE, 'FLOOR', 1_200, 1, -70),
      ...feed(engine, TEE, 'FR1', 1_300, 1, -46),
    ];
    expect(events).toEqual([
      expect.objectContaining({ kind: 'moved', from: 'FLOOR', zone: 'FR1', at: at(1_300) }),
    ]);
  });

  it('[ZE3] a zone only a little stronger does not take a tag its zone still reads', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    feed(engine, TEE, 'FR1', 0, 5, -50);
    const events: ZoneEvent[] = [];
    for (let i = 0; i < 50; i++) {
      events.push(...feed(engine, TEE, 'FR1', 1_000 + i * 200, 1, -50));
      events.push(...feed(engine, TEE, 'FR2', 1_100 + i * 200, 1, -46)); // 4 dB < offset 6
    }
    expect(events).toEqual([]);
    expect(engine.locations()[0]?.zone).toBe('FR1');
  });

  it('[ZE3] the threshold falls while the current zone no longer reads the tag, never below the floor', () => {
    const profile = { slopeDbPerMs: -0.001, minThresholdDb: 1, windowMs: 10_000 };
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP, profile });
    feed(engine, TEE, 'FR1', 0, 3, -50);
    // 3 s after FR1's last read the threshold is 6 - 3 = 3 dB: -48 does not beat -50 + 3 ...
    expect(feed(engine, TEE, 'FR2', 3_200, 3, -48)).toEqual([]);
    // ... 5.5 s after, it is max(1, 0.5) = 1 dB: -48.5 beats -50 + 1.
    expect(feed(engine, TEE, 'FR2', 5_700, 1, -48.5)).toEqual([
      expect.objectContaining({ kind: 'moved', from: 'FR1', zone: 'FR2' }),
    ]);
  });

  it('[ZE3] a current zone silent for a whole window loses to any zone with enough reads', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    feed(engine, TEE, 'FR1', 0, 3, -40);
    // Hung back on a far rack: the floor antenna reads it weakly, FR1 no more.
    expect(feed(engine, TEE, 'FLOOR', 5_000, 3, -68, 3_000)).toEqual([
      expect.objectContaining({ kind: 'moved', from: 'FR1', zone: 'FLOOR', at: at(11_000) }),
    ]);
  });

  it('[ZE4] a tag read at the exit enough times departs at once, from the zone it was in', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    feed(engine, TEE, 'FLOOR', 0, 3, -55);
    expect(feed(engine, TEE, 'EXIT', 1_000, 2, -40)).toEqual([]);
    expect(feed(engine, TEE, 'EXIT', 1_200, 1, -40)).toEqual([
      expect.objectContaining({ kind: 'departed', zone: 'FLOOR', at: at(1_200) }),
    ]);
    expect(engine.locations()).toEqual([]);
    // More exit reads change nothing; an unplaced tag at the exit is never placed there.
    expect(feed(engine, TEE, 'EXIT', 1_300, 10, -40)).toEqual([]);
    expect(feed(engine, OTHER, 'EXIT', 0, 10, -40)).toEqual([]);
  });

  it('[ZE4] [ZE5] a tag not read for departedAfterMs departs at tick and arrives again when read', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP, profile: { departedAfterMs: 60_000 } });
    feed(engine, TEE, 'FR2', 0, 3, -50);
    expect(engine.tick(T0 + 60_100)).toEqual([]);
    expect(engine.tick(T0 + 60_201)).toEqual([
      expect.objectContaining({ kind: 'departed', zone: 'FR2', at: at(60_201) }),
    ]);
    expect(engine.stats().tags).toBe(0);
    expect(feed(engine, TEE, 'FLOOR', 70_000, 2, -50)).toEqual([]);
    expect(feed(engine, TEE, 'FLOOR', 70_200, 1, -50)).toEqual([
      expect.objectContaining({ kind: 'arrived', zone: 'FLOOR' }),
    ]);
    expect(engine.tick(Number.NaN)).toEqual([]);
  });

  it('[ZE6] late reads only smooth: a burst of old reads from another zone never moves a tag', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    feed(engine, TEE, 'FR1', 0, 10, -50);
    expect(feed(engine, TEE, 'FR2', -5_000, 20, -30, 10)).toEqual([]);
    expect(engine.locations()[0]).toMatchObject({ zone: 'FR1', lastSeen: at(900) });
  });

  it('[ZE8] at most maxTags: the least recently read is forgotten, departing if placed', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP, maxTags: 2 });
    const epc = (i: number) => `30740000000000000000000${i}`;
    feed(engine, epc(1), 'FLOOR', 0, 3, -50);
    feed(engine, epc(2), 'FLOOR', 1_000, 3, -50);
    feed(engine, epc(1), 'FLOOR', 2_000, 1, -50); // 1 is now the more recent
    const events = feed(engine, epc(3), 'FLOOR', 3_000, 1, -50);
    expect(events).toEqual([expect.objectContaining({ kind: 'departed', epc: epc(2) })]);
    expect(engine.stats().tags).toBe(2);
  });
});

// ----- properties -----

const EPCS = [TEE, OTHER, '3074257BF7194E4000001A86', '3074257BF7194E4000001A87'];
const readArbitrary = fc.record({
  epc: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...EPCS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom(TEE.toLowerCase(), `${TEE}FF`, '') },
  ),
  reader: fc.constantFrom(R, R, R, 'llrp-stock', 'rfid-1', 'nobody'),
  antenna: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(Number.NaN, 1.5, -1)),
  rssi: fc.option(
    fc.oneof(fc.integer({ min: -90, max: -30 }), fc.constantFrom(Number.NaN, Infinity, -Infinity)),
    { nil: undefined },
  ),
  // Mostly forward, sometimes back, sometimes a long gap.
  stepMs: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 500 }) },
    { weight: 1, arbitrary: fc.integer({ min: -3_000, max: 0 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 * 60_000 }) },
  ),
  tick: fc.boolean(),
});

/** Replays events as a ledger of where each tag is; fails on any event that contradicts it. */
function replay(ledger: Map<string, string>, events: readonly ZoneEvent[]): void {
  for (const e of events) {
    const where = ledger.get(e.epc);
    if (e.kind === 'arrived') {
      expect(where, `${e.epc} arrived while in ${where}`).toBeUndefined();
      ledger.set(e.epc, e.zone);
    } else if (e.kind === 'moved') {
      expect(e.from).toBe(where);
      expect(e.zone).not.toBe(where);
      ledger.set(e.epc, e.zone);
    } else {
      expect(e.zone).toBe(where);
      ledger.delete(e.epc);
    }
    expect(Number.isNaN(Date.parse(e.at))).toBe(false);
  }
}

describe('zone engine properties', () => {
  it('[ZE7] [ZE8] any read stream: never throws, one zone per tag, events replay to locations(), bounded', () => {
    fc.assert(
      fc.property(
        fc.array(readArbitrary, { maxLength: 300 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        (reads, minReads, maxTags) => {
          const engine = createZoneEngine({
            map: DEMO_ZONE_MAP,
            profile: { minReads },
            maxTags,
          });
          const ledger = new Map<string, string>();
          let now = T0;
          for (const r of reads) {
            now += r.stepMs;
            replay(
              ledger,
              engine.read({
                epc: r.epc,
                reader: r.reader,
                antenna: r.antenna,
                ...(r.rssi === undefined ? {} : { rssi: r.rssi }),
                atMs: now,
              }),
            );
            if (r.tick) replay(ledger, engine.tick(now));
            expect(engine.stats().tags).toBeLessThanOrEqual(maxTags);
          }
          const located = new Map(engine.locations().map((l) => [l.epc, l.zone]));
          expect(located).toEqual(ledger);
          expect(engine.locations().length).toBe(located.size); // no tag listed twice
          for (const zone of engine.zones) {
            for (const t of engine.tagsIn(zone.id)) expect(ledger.get(t.epc)).toBe(zone.id);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('[ZE7] garbage of any shape never throws', () => {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (a, b) => {
        engine.read(a as EngineRead);
        engine.read({ epc: TEE, reader: R, antenna: 1, atMs: b } as EngineRead);
        engine.tick(b as number);
      }),
    );
  });

  it('[ZE3] stray reads: a tag steadily read in FR1, with weaker reads now and then from FR2, never leaves FR1', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            fr1: fc.integer({ min: -52, max: -42 }),
            stray: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined, freq: 2 }),
            burst: fc.integer({ min: 1, max: 4 }),
            gapMs: fc.integer({ min: 20, max: 2_000 }),
          }),
          { minLength: 1, maxLength: 200 },
        ),
        (rounds) => {
          const engine = createZoneEngine({ map: DEMO_ZONE_MAP, profile: GARMENT_PROFILE });
          let now = T0;
          const events = feed(engine, TEE, 'FR1', 0, 3, -47);
          now += 300;
          for (const round of rounds) {
            now += round.gapMs;
            events.push(
              ...engine.read({ epc: TEE, reader: R, antenna: 2, rssi: round.fr1, atMs: now }),
            );
            if (round.stray !== undefined) {
              // Weaker than every FR1 read: at most -53 dBm.
              for (let i = 0; i < round.burst; i++) {
                now += 10;
                events.push(
                  ...engine.read({
                    epc: TEE,
                    reader: R,
                    antenna: 3,
                    rssi: -52 - round.stray,
                    atMs: now,
                  }),
                );
              }
            }
          }
          expect(events.filter((e) => e.kind !== 'arrived')).toEqual([]);
          expect(engine.locations().map((l) => l.zone)).toEqual(['FR1']);
        },
      ),
      { numRuns: 300 },
    );
  });
});
