/**
 * The store's fitting-room service ([FR1]-[FR5]): it runs the zone engine on
 * the hub's raw reads, folds the engine's events into try-on sessions by the
 * domain's rule ([TO3], `trackTryOns`), keeps open sessions and closed
 * sessions' facts in a durable outbox and pushes the facts to the sync
 * server as its own device, until the server confirms it holds them.
 */
import { randomBytes } from 'node:crypto';
import {
  closeStale,
  decodeSgtin96,
  DEFAULT_FITTING_ROOM_POLICY,
  fittingRoomIds,
  fittingRoomViews,
  linkMember as linkSessions,
  trackTryOns,
  type FittingRoomPolicy,
  type FittingRoomView,
  type TryOnFact,
  type TryOnTracking,
  type ZoneEvent,
} from '@pos/domain';
import type { DeviceHealth } from '../device-status';
import { errorMessage, HardwareError } from '../errors';
import type { ZoneTag } from '../hub/protocol';
import { Listeners } from '../listeners';
import type { TagRead } from '../rfid/tag-read';
import { FactOutbox, type RefusedFact } from './fact-outbox';
import { pushTryOnFacts, type FactPushTarget } from './fact-push';
import { createZoneEngine } from './zone-engine';
import type { MobilityProfile, TagLocation, ZoneEngine, ZoneMap } from './zone-types';

export type FittingRoomServiceOptions = {
  storeId: string;
  /** The service's own device id (provisioned on the sync server for `storeId`). */
  deviceId: string;
  map: ZoneMap;
  policy?: Partial<FittingRoomPolicy>;
  /** The zone engine over `map`, fed every raw read; default `createZoneEngine({ map, profile })`. */
  engine?: ZoneEngine;
  /** [ZE3] The mobility profile of the default engine; default GARMENT_PROFILE. */
  profile?: Partial<MobilityProfile>;
  /** Where facts go; null keeps them in the outbox (a store not yet connected). */
  sync: FactPushTarget | null;
  /** The outbox file (JSON lines), e.g. `.data/fitting-rooms/S001-FR.jsonl`. */
  outboxPath: string;
  now?: () => Date;
  /** The part of a fact id after `${deviceId}-`: letters and digits; default a ULID. */
  newId?: () => string;
  /** [FR3] Retry delays after a failed push: doubling from `initialMs` up to `maxMs`. */
  backoff?: { initialMs: number; maxMs: number };
  /** Facts per request; default 100. */
  batchSize?: number;
  /** How often departures and sessions left too long are checked; default 15 s, 0 for never (call `tick`). */
  tickEveryMs?: number;
};

/** [FR5] What the service reports about itself. */
export type FittingRoomStatus = {
  deviceId: string;
  /** The readers whose antennas the map places. */
  readers: string[];
  openSessions: number;
  /** Facts waiting for the server. */
  waiting: number;
  /** [FR3] Facts the server refused, with its reason. */
  refused: RefusedFact[];
  lastPushAt: string | null;
  lastError: string | null;
  /** No sync server configured: facts stay in the outbox. */
  syncing: boolean;
  engine: ReturnType<ZoneEngine['stats']>;
};

export type FittingRoomService = {
  readonly deviceId: string;
  readonly map: ZoneMap;
  /** [FR1] One raw read of a hub's reader (before de-duplication). */
  feed(read: TagRead): void;
  /** [ZE4] [TO3] Departures and sessions left too long, as of now. */
  tick(): void;
  /** [TO13] The fitting rooms now. */
  rooms(): FittingRoomView[];
  /** [TO6] [HZ3] Links a room's open sessions to a member; the number linked. BAD_REQUEST for a room not on the map. */
  linkMember(room: string, memberId: string, clerkId?: string): number;
  /** [HZ4] The tags the engine places in a zone, or in the whole store. BAD_REQUEST for a zone not on the map. */
  zoneTags(zone?: string): ZoneTag[];
  onZoneEvent(callback: (event: ZoneEvent) => void): () => void;
  onRoomsChanged(callback: (rooms: FittingRoomView[]) => void): () => void;
  /** Calls back when `health()` or `status()` may have changed. */
  onStatus(callback: (health: DeviceHealth) => void): () => void;
  status(): FittingRoomStatus;
  /** [FR5] The service as a device of kind `fitting-rooms`. */
  health(): DeviceHealth;
  /** Pushes what waits now (ignoring the backoff); resolves when done, never rejects. */
  flush(): Promise<FittingRoomStatus>;
  /** Stops timers, waits for a push under way, closes the outbox. Facts stay in it. */
  close(): Promise<void>;
};

export function createFittingRoomService(options: FittingRoomServiceOptions): FittingRoomService {
  const { storeId, deviceId, map, sync } = options;
  const engine =
    options.engine ??
    createZoneEngine({ map, ...(options.profile ? { profile: options.profile } : {}) });
  const policy: FittingRoomPolicy = { ...DEFAULT_FITTING_ROOM_POLICY, ...options.policy };
  const now = options.now ?? (() => new Date());
  const newSuffix = options.newId ?? ulid;
  const backoff = options.backoff ?? { initialMs: 1_000, maxMs: 60_000 };
  const batchSize = options.batchSize ?? 100;
  const rooms = fittingRoomIds(map.zones);
  const zoneIds = new Set(map.zones.map((zone) => zone.id));
  const ids = { storeId, deviceId, newId: () => `${deviceId}-${newSuffix()}` };

  const zoneEvents = new Listeners<ZoneEvent>();
  const roomChanges = new Listeners<FittingRoomView[]>();
  const statusChanges = new Listeners<DeviceHealth>();

  let outbox: FactOutbox;
  try {
    outbox = FactOutbox.open(options.outboxPath);
  } catch (error) {
    throw new Error(
      `cannot open the fitting-room outbox ${options.outboxPath}: ${errorMessage(error)}`,
      { cause: error },
    );
  }
  // [FR4] Sessions open at the last stop, still open; they close by the rules.
  let state: TryOnTracking = {
    open: Object.fromEntries(outbox.openSessions().map((session) => [session.epc, session])),
  };
  let lastPushAt: string | null = null;
  let lastError: string | null = null;
  let outboxError: string | null = null;
  let failures = 0;
  let closed = false;
  let pushing: Promise<void> | undefined;
  let pushTimer: ReturnType<typeof setTimeout> | undefined;

  let lastHealth = '';
  /** Tells listeners when the health changed (not at every session). */
  const emitStatus = () => {
    const now = health();
    const text = JSON.stringify(now);
    if (text === lastHealth) return;
    lastHealth = text;
    statusChanges.emit(now);
  };
  const emitRooms = () => roomChanges.emit(fittingRoomViews(state, map.zones, now().toISOString()));

  /** [FR2] Writes before the change counts; a write that fails is reported, the change kept in memory. */
  const record = (write: () => void) => {
    try {
      write();
      outboxError = null;
    } catch (error) {
      outboxError = `cannot write the outbox ${options.outboxPath}: ${errorMessage(error)}`;
    }
  };

  const applyClosed = (facts: readonly TryOnFact[]) => {
    if (facts.length === 0) return;
    record(() => outbox.recordClosed(facts));
    schedulePush(0);
  };

  const handle = (events: readonly ZoneEvent[]) => {
    let changed = false;
    for (const event of events) {
      zoneEvents.emit(event);
      const step = trackTryOns(state, event, rooms, policy, ids);
      if (step.state === state) continue;
      state = step.state;
      changed = true;
      for (const session of step.opened) record(() => outbox.recordOpen(session));
      applyClosed(step.closed);
    }
    if (changed) {
      emitRooms();
      emitStatus();
    }
  };

  const waiting = (): TryOnFact[] => outbox.waiting();

  /** [FR3] One push of up to `batchSize` facts; true when more may go now. */
  const pushOnce = async (): Promise<boolean> => {
    if (!sync) return false;
    const batch = waiting().slice(0, batchSize);
    if (batch.length === 0) return false;
    const result = await pushTryOnFacts(sync, batch);
    if (!result.ok) {
      failures++;
      lastError = result.message;
      return false;
    }
    record(() => outbox.markPushed(result.accepted));
    record(() => outbox.markRefused(result.refused));
    lastPushAt = now().toISOString();
    if (result.retry.length > 0) {
      failures++;
      lastError = `the sync server could not take ${result.retry.length} fact(s) now`;
      return false;
    }
    failures = 0;
    lastError = null;
    return true;
  };

  const pushAll = (): Promise<void> => {
    if (pushing) return pushing;
    pushing = (async () => {
      try {
        while (!closed && (await pushOnce()));
      } catch (error) {
        failures++;
        lastError = errorMessage(error);
      } finally {
        pushing = undefined;
        emitStatus();
        if (!closed && sync && waiting().length > 0 && failures > 0) {
          schedulePush(Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1)));
        }
      }
    })();
    return pushing;
  };

  function schedulePush(delayMs: number): void {
    if (closed || !sync) return;
    if (pushTimer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(pushTimer);
    }
    pushTimer = setTimeout(() => {
      pushTimer = undefined;
      void pushAll();
    }, delayMs);
    pushTimer.unref?.();
  }

  const status = (): FittingRoomStatus => ({
    deviceId,
    readers: [...new Set(map.antennas.map((antenna) => antenna.reader))],
    openSessions: Object.keys(state.open).length,
    waiting: waiting().length,
    refused: outbox.refused(),
    lastPushAt,
    lastError: outboxError ?? lastError,
    syncing: sync !== null,
    engine: engine.stats(),
  });

  function health(): DeviceHealth {
    if (closed) return { state: 'offline', message: 'The fitting-room service is stopped.' };
    const s = status();
    const parts: string[] = [];
    if (s.waiting > 0) parts.push(`${s.waiting} try-on fact(s) waiting to upload.`);
    if (s.refused.length > 0) {
      parts.push(`${s.refused.length} refused by the server: ${s.refused.at(-1)!.reason}.`);
    }
    if (outboxError) return { state: 'error', message: [outboxError, ...parts].join(' ') };
    if (lastError) return { state: 'error', message: [`${lastError}.`, ...parts].join(' ') };
    return parts.length ? { state: 'ready', message: parts.join(' ') } : { state: 'ready' };
  }

  const tick = () => {
    if (closed) return;
    const at = now();
    handle(engine.tick(at.getTime()));
    const stale = closeStale(state, at.toISOString(), policy, ids);
    if (stale.closed.length > 0) {
      state = stale.state;
      applyClosed(stale.closed);
      emitRooms();
      emitStatus();
    }
  };

  const tickEveryMs = options.tickEveryMs ?? 15_000;
  const tickTimer = tickEveryMs > 0 ? setInterval(tick, tickEveryMs) : undefined;
  tickTimer?.unref?.();
  // [FR2] What waited at the last stop goes up now.
  if (waiting().length > 0) schedulePush(0);

  const toZoneTag = (location: TagLocation): ZoneTag => {
    const decoded = decodeSgtin96(location.epc);
    return {
      ...location,
      ...(decoded.ok ? { gtin: decoded.gtin, serial: decoded.serial } : {}),
    };
  };

  return {
    deviceId,
    map,
    feed(read) {
      if (closed) return;
      const atMs = Date.parse(read.at);
      handle(
        engine.read({
          epc: read.epc,
          reader: read.source,
          antenna: read.antenna ?? 1,
          ...(read.rssi !== undefined ? { rssi: read.rssi } : {}),
          atMs: Number.isFinite(atMs) ? atMs : now().getTime(),
        }),
      );
    },
    tick,
    rooms: () => fittingRoomViews(state, map.zones, now().toISOString()),
    linkMember(room, memberId, clerkId) {
      if (!rooms.has(room)) {
        throw new HardwareError('BAD_REQUEST', `"${room}" is not a fitting room of this store`);
      }
      const link = linkSessions(state, room, memberId, clerkId);
      if (link.linked.length === 0) return 0;
      state = link.state;
      for (const session of link.linked) record(() => outbox.recordOpen(session));
      emitRooms();
      return link.linked.length;
    },
    zoneTags(zone) {
      if (zone !== undefined && !zoneIds.has(zone)) {
        throw new HardwareError('BAD_REQUEST', `"${zone}" is not a zone of this store`);
      }
      const located = zone === undefined ? engine.locations() : engine.tagsIn(zone);
      return located.map(toZoneTag);
    },
    onZoneEvent: (callback) => zoneEvents.add(callback),
    onRoomsChanged: (callback) => roomChanges.add(callback),
    onStatus: (callback) => statusChanges.add(callback),
    status,
    health,
    async flush() {
      if (pushing) await pushing;
      if (pushTimer !== undefined) clearTimeout(pushTimer);
      pushTimer = undefined;
      await pushAll();
      return status();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (tickTimer) clearInterval(tickTimer);
      if (pushTimer !== undefined) clearTimeout(pushTimer);
      if (pushing) await pushing;
      outbox.close();
      emitStatus();
      zoneEvents.clear();
      roomChanges.clear();
      statusChanges.clear();
    },
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID: 48 bits of time, 80 random bits, in Crockford base 32. */
export function ulid(at = Date.now()): string {
  let time = '';
  let t = at;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(16);
  let rest = '';
  for (let i = 0; i < 16; i++) rest += CROCKFORD[random[i]! % 32]!;
  return time + rest;
}
