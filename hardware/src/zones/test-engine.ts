/**
 * A zone engine for tests of what consumes zone events: a tag is where its
 * last read's antenna is (no smoothing, no thresholds), arrives on its first
 * read, moves on the first read elsewhere, departs at an exit antenna or after
 * `departedAfterMs` unseen. The real engine is zone-engine.ts.
 */
import type { ZoneEvent } from '@pos/domain';
import type { EngineRead, TagLocation, ZoneEngine, ZoneMap } from './zone-types';

export function createImmediateZoneEngine(
  map: ZoneMap,
  departedAfterMs = 30 * 60_000,
): ZoneEngine & { reads: EngineRead[] } {
  const tags = new Map<string, TagLocation & { lastSeenMs: number }>();
  const reads: EngineRead[] = [];
  let events = 0;
  let ignored = 0;
  const exits = new Set(map.zones.filter((z) => z.kind === 'exit').map((z) => z.id));
  const count = (list: ZoneEvent[]) => {
    events += list.length;
    return list;
  };
  return {
    reads,
    zones: map.zones,
    read(read) {
      reads.push(read);
      const zone = map.antennas.find(
        (a) => a.reader === read.reader && a.antenna === read.antenna,
      )?.zone;
      if (!zone || !/^[0-9A-F]{24}$/.test(read.epc)) {
        ignored++;
        return [];
      }
      const at = new Date(read.atMs).toISOString();
      const tag = tags.get(read.epc);
      if (exits.has(zone)) {
        if (!tag) return [];
        tags.delete(read.epc);
        return count([{ kind: 'departed', epc: read.epc, zone: tag.zone, at }]);
      }
      if (!tag) {
        tags.set(read.epc, { epc: read.epc, zone, since: at, lastSeen: at, lastSeenMs: read.atMs });
        return count([{ kind: 'arrived', epc: read.epc, zone, at }]);
      }
      tag.lastSeen = at;
      tag.lastSeenMs = read.atMs;
      if (tag.zone === zone) return [];
      const from = tag.zone;
      tag.zone = zone;
      tag.since = at;
      return count([{ kind: 'moved', epc: read.epc, zone, from, at }]);
    },
    tick(nowMs) {
      const gone: ZoneEvent[] = [];
      for (const tag of [...tags.values()]) {
        if (nowMs - tag.lastSeenMs < departedAfterMs) continue;
        tags.delete(tag.epc);
        gone.push({
          kind: 'departed',
          epc: tag.epc,
          zone: tag.zone,
          at: new Date(nowMs).toISOString(),
        });
      }
      return count(gone);
    },
    locations: () => [...tags.values()].map(({ lastSeenMs: _, ...location }) => location),
    tagsIn(zone) {
      return this.locations().filter((location) => location.zone === zone);
    },
    stats: () => ({ reads: reads.length, ignored, events, tags: tags.size }),
  };
}
