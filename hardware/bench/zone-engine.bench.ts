/**
 * `npx tsx hardware/bench/zone-engine.bench.ts [--tags 1000] [--rounds 600] [--runs 5] [--no-pty]`
 *
 * 1. The zone engine's throughput in tag reads per second, on one core (Node
 *    runs it on one thread). The reads are S001's demo floor (6 antennas:
 *    the zone reader's 4, the stockroom's, the counter's, which the map
 *    ignores) from a seeded TagFloor with `--tags` tags, a round every
 *    200 ms; every 10 rounds shoppers carry a few garments into or out of
 *    the fitting rooms, and some walk out by the exit. The stream is made
 *    before the clock starts, so only the engine is measured. Goal: at least
 *    20,000 reads/s.
 * 2. A simulated R2000's inventory round of 20 tags over a pty, the real
 *    driver reading it: the time from the tags being put on the counter to
 *    the driver having read all 20, and the mean round.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { encodeSgtin96 } from '@pos/domain';
import { openPtyPair } from '../src/pty';
import { R2000Reader } from '../src/rfid/rfid-readers';
import { R2000Simulator } from '../src/simulators/rfid-simulators';
import { TagFloor, mulberry32 } from '../src/simulators/tag-floor';
import {
  DEMO_COUNTER_READER,
  DEMO_FLOOR,
  DEMO_FLOOR_ANTENNAS,
  DEMO_ZONE_MAP,
  inRoom,
  type DemoZoneId,
} from '../src/zones/demo-floor';
import { createZoneEngine } from '../src/zones/zone-engine';
import type { EngineRead } from '../src/zones/zone-types';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const TAGS = option('tags', 1_000);
const ROUNDS = option('rounds', 600);
const RUNS = option('runs', 5);
const ROUND_MS = 200;

function epc(serial: number): string {
  const made = encodeSgtin96({ gtin: '06901234567892', serial: String(serial) });
  if (!made.ok) throw new Error(made.message);
  return made.epc;
}

function makeStream(): { reads: EngineRead[]; moves: number } {
  const floor = new TagFloor({ seed: 2026, ...DEMO_FLOOR });
  const random = mulberry32(17);
  const readers = [...new Set(DEMO_FLOOR_ANTENNAS.map((a) => a.reader))];
  const home = new Map<string, DemoZoneId>();
  for (let i = 0; i < TAGS; i++) {
    const zone: DemoZoneId = i % 3 === 2 ? 'STOCK' : 'FLOOR';
    const p = inRoom(zone, i);
    // Spread tags off the 64 spots a little so no two share one.
    floor.place(epc(i), p.x + (random() - 0.5) * 0.8, p.y + (random() - 0.5) * 0.8);
    home.set(epc(i), zone);
  }
  let next = TAGS;
  let moves = 0;
  const reads: EngineRead[] = [];
  let now = Date.parse('2026-12-07T10:00:00Z');
  for (let round = 0; round < ROUNDS; round++) {
    now += ROUND_MS;
    if (round % 10 === 9) {
      // A shopper carries 2 floor garments into a room, another hangs 2 back, one walks out.
      const rooms: DemoZoneId[] = ['FR1', 'FR2'];
      for (let k = 0; k < 2; k++) {
        const tag = epc(Math.floor(random() * TAGS));
        const spot = inRoom(rooms[k] as DemoZoneId, Math.floor(random() * 64));
        floor.move(tag, spot.x, spot.y);
        const back = epc(Math.floor(random() * TAGS));
        const shelf = inRoom(home.get(back) ?? 'FLOOR', Math.floor(random() * 64));
        floor.move(back, shelf.x, shelf.y);
        moves += 2;
      }
      const leaving = epc(Math.floor(random() * TAGS));
      const door = inRoom('EXIT', 10);
      floor.move(leaving, door.x, door.y);
      // A new tag takes its place on the floor (restocked), so the population stays.
      const spot = inRoom('FLOOR', next);
      floor.place(epc(next++), spot.x, spot.y);
    }
    for (const reader of readers) {
      for (const t of floor.readsFor(reader)) {
        reads.push({
          epc: t.epc,
          reader,
          antenna: t.antenna ?? 1,
          ...(t.rssi === undefined ? {} : { rssi: t.rssi }),
          atMs: now + Math.floor(random() * ROUND_MS),
        });
      }
    }
  }
  return { reads, moves };
}

function benchEngine(): void {
  const made = performance.now();
  const { reads, moves } = makeStream();
  console.log(
    `stream: ${reads.length.toLocaleString('en')} reads, ${TAGS} tags, ${DEMO_FLOOR_ANTENNAS.length} antennas, ` +
      `${ROUNDS} rounds of ${ROUND_MS} ms, ${moves} carried (made in ${((performance.now() - made) / 1000).toFixed(1)} s, not measured)`,
  );
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const engine = createZoneEngine({ map: DEMO_ZONE_MAP });
    let events = 0;
    const start = performance.now();
    for (let i = 0; i < reads.length; i++) events += engine.read(reads[i] as EngineRead).length;
    const seconds = (performance.now() - start) / 1000;
    rates.push(reads.length / seconds);
    const s = engine.stats();
    const placed = engine.locations().length;
    console.log(
      `run ${run + 1}: ${Math.round(reads.length / seconds).toLocaleString('en')} reads/s ` +
        `(${seconds.toFixed(3)} s), ${events} events, ${s.ignored} reads ignored (counter reader), ` +
        `${placed} tags placed, FR1 ${engine.tagsIn('FR1').length}, FR2 ${engine.tagsIn('FR2').length}`,
    );
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)] as number;
  console.log(
    `zone engine: median ${Math.round(median).toLocaleString('en')} reads/s on one core ` +
      `(goal ≥ 20,000) — ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0]?.toFixed(2)}`,
  );
}

async function benchPtyRound(): Promise<void> {
  const floor = new TagFloor({ seed: 3, ...DEMO_FLOOR });
  const pair = await openPtyPair();
  const simulator = await R2000Simulator.open(pair.simulatorPath);
  floor.attach(simulator, DEMO_COUNTER_READER);
  const reader = new R2000Reader({ path: pair.devicePath, id: DEMO_COUNTER_READER });
  const seen = new Set<string>();
  let all: (() => void) | undefined;
  reader.onRawRead((read) => {
    seen.add(read.epc);
    if (seen.size === 20) all?.();
  });
  await reader.open();
  try {
    const firsts: number[] = [];
    for (let trial = 0; trial < 10; trial++) {
      seen.clear();
      const tags = Array.from({ length: 20 }, (_, i) => epc(900_000 + trial * 20 + i));
      const done = new Promise<void>((resolve) => {
        all = resolve;
      });
      const start = performance.now();
      tags.forEach((tag, i) =>
        floor.place(tag, inRoom('CHECKOUT', i * 3).x, inRoom('CHECKOUT', i * 3).y),
      );
      await done;
      firsts.push(performance.now() - start);
      for (const tag of tags) floor.remove(tag);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Mean round with 20 tags in the field, the driver's default 50 ms pause between rounds.
    const tags = Array.from({ length: 20 }, (_, i) => epc(950_000 + i));
    tags.forEach((tag, i) =>
      floor.place(tag, inRoom('CHECKOUT', i * 3).x, inRoom('CHECKOUT', i * 3).y),
    );
    const rounds0 = simulator.inventoryRounds;
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const rounds = simulator.inventoryRounds - rounds0;
    const roundMs = (performance.now() - t0) / rounds;
    firsts.sort((a, b) => a - b);
    console.log(
      `R2000 over a pty, 20 tags on the counter: all 20 read ${firsts[5]?.toFixed(0)} ms median ` +
        `(max ${firsts[9]?.toFixed(0)} ms) after they were put down; a round every ${roundMs.toFixed(1)} ms ` +
        `(${rounds} rounds in 3 s, 50 ms pause included)`,
    );
  } finally {
    await reader.close();
    await simulator.close();
    await pair.close();
  }
}

benchEngine();
if (!process.argv.includes('--no-pty')) await benchPtyRound();
