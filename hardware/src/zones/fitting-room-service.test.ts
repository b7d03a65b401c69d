import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SCHEMA_VERSIONS,
  tryOnFactProblems,
  type FittingRoomView,
  type ZoneEvent,
} from '@pos/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TagRead } from '../rfid/tag-read';
import { tryOnDoc } from './fact-push';
import {
  createFittingRoomService,
  ulid,
  type FittingRoomService,
  type FittingRoomServiceOptions,
} from './fitting-room-service';
import { createImmediateZoneEngine } from './test-engine';
import type { ZoneMap } from './zone-types';

const MAP: ZoneMap = {
  zones: [
    { id: 'FLOOR', kind: 'sales-floor', name: 'Sales floor' },
    { id: 'FR1', kind: 'fitting-room', name: 'Fitting room 1' },
    { id: 'FR2', kind: 'fitting-room', name: 'Fitting room 2' },
    { id: 'EXIT', kind: 'exit', name: 'Exit' },
  ],
  antennas: [
    { reader: 'R1', antenna: 1, zone: 'FLOOR' },
    { reader: 'R1', antenna: 2, zone: 'FR1' },
    { reader: 'R1', antenna: 3, zone: 'FR2' },
    { reader: 'R2', antenna: 1, zone: 'EXIT' },
  ],
};
const EPC = '3034257BF7194E4000001A85';
const EPC2 = '3075A537C837754000000001';
const T0 = Date.parse('2026-12-07T02:00:00.000Z');
const ANTENNA = { FLOOR: ['R1', 1], FR1: ['R1', 2], FR2: ['R1', 3], EXIT: ['R2', 1] } as const;

const read = (epc: string, zone: keyof typeof ANTENNA, ms: number): TagRead => ({
  epc,
  scheme: 'sgtin-96',
  source: ANTENNA[zone][0],
  antenna: ANTENNA[zone][1],
  rssi: -50,
  at: new Date(T0 + ms).toISOString(),
});

type Request = {
  url: string;
  headers: Record<string, string>;
  body: { docs: Record<string, unknown>[] };
};

/** The sync server's `_bulk_docs` as a function: each answer is scripted, every request kept. */
function fakeServer() {
  const requests: Request[] = [];
  const held = new Map<string, string>();
  let answer: (req: Request) => Response = (req) =>
    Response.json(
      req.body.docs.map((doc) => {
        const id = doc._id as string;
        const text = JSON.stringify(doc);
        if (held.has(id) && held.get(id) !== text) {
          return { id, error: 'conflict', reason: 'tryOn facts are immutable' };
        }
        held.set(id, text);
        return { ok: true, id, rev: '1-a' };
      }),
      { status: 201 },
    );
  const fetch = (async (url: string, init: RequestInit) => {
    const req: Request = {
      url,
      headers: init.headers as Record<string, string>,
      body: JSON.parse(init.body as string) as Request['body'],
    };
    requests.push(req);
    return answer(req);
  }) as unknown as typeof globalThis.fetch;
  return {
    fetch,
    requests,
    held,
    answerWith(next: (req: Request) => Response) {
      const normal = answer;
      answer = (req) => next(req) ?? normal(req);
      return normal;
    },
    set(next: (req: Request) => Response) {
      answer = next;
    },
  };
}

describe('the fitting-room service', () => {
  let dir: string;
  let clock: number;
  let server: ReturnType<typeof fakeServer>;
  const services: FittingRoomService[] = [];
  let n = 0;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-fitting-'));
    clock = T0;
    server = fakeServer();
    n = 0;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (options: Partial<FittingRoomServiceOptions> = {}) => {
    const service = createFittingRoomService({
      storeId: 'S001',
      deviceId: 'S001-FR',
      map: MAP,
      engine: createImmediateZoneEngine(MAP),
      sync: { url: 'http://sync.test/', token: 'fitting-room-token', fetch: server.fetch },
      outboxPath: join(dir, 'outbox.jsonl'),
      now: () => new Date(clock),
      newId: () => `T${String(++n).padStart(4, '0')}`,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      tickEveryMs: 0,
      ...options,
    });
    services.push(service);
    return service;
  };

  it('[FR1] feeds raw reads to the engine and tracks sessions from its events', () => {
    const engine = createImmediateZoneEngine(MAP);
    const service = start({ engine });
    const events: ZoneEvent[] = [];
    const rooms: FittingRoomView[][] = [];
    service.onZoneEvent((e) => events.push(e));
    service.onRoomsChanged((r) => rooms.push(r));
    service.feed(read(EPC, 'FLOOR', 0));
    service.feed({ ...read(EPC, 'FR1', 1_000), rssi: undefined as unknown as number });
    expect(engine.reads[0]).toEqual({ epc: EPC, reader: 'R1', antenna: 1, rssi: -50, atMs: T0 });
    expect(engine.reads[1]).toEqual({ epc: EPC, reader: 'R1', antenna: 2, atMs: T0 + 1_000 });
    expect(events.map((e) => `${e.kind} ${e.zone}`)).toEqual(['arrived FLOOR', 'moved FR1']);
    clock = T0 + 5_000;
    const now = service.rooms();
    expect(now.map((r) => [r.room.id, r.sessions.map((s) => [s.epc, s.durationMs])])).toEqual([
      ['FR1', [[EPC, 4_000]]],
      ['FR2', []],
    ]);
    expect(rooms).toHaveLength(1);
    expect(service.status()).toMatchObject({ openSessions: 1, waiting: 0, readers: ['R1', 'R2'] });
  });

  it('[FR2] [FR3] a closed session is written to the outbox, then pushed as a device pushes facts', async () => {
    const service = start();
    service.feed(read(EPC, 'FR1', 0));
    service.feed(read(EPC, 'FLOOR', 90_000));
    const file = readFileSync(join(dir, 'outbox.jsonl'), 'utf8');
    expect(file).toContain('"closed"');
    expect(service.status().waiting).toBe(1);
    const after = await service.flush();
    expect(after).toMatchObject({
      waiting: 0,
      lastError: null,
      lastPushAt: new Date(T0).toISOString(),
    });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.url).toBe('http://sync.test/facts/_bulk_docs');
    expect(request!.headers).toMatchObject({
      Authorization: 'Bearer fitting-room-token',
      'x-pos-protocol': '1',
      'x-pos-schema': `facts=${SCHEMA_VERSIONS.facts}`,
    });
    const [doc] = request!.body.docs;
    expect(doc).toMatchObject({
      _id: 'S001-FR-T0001',
      kind: 'tryOn',
      storeId: 'S001',
      deviceId: 'S001-FR',
      room: 'FR1',
      durationMs: 90_000,
      tryOn: true,
      closedBy: 'left-room',
    });
    const { _id, kind: _, ...body } = doc!;
    expect(tryOnFactProblems({ id: _id, ...body })).toEqual([]);
  });

  it('[FR2] a service killed and restarted pushes what was waiting, and never a fact twice', async () => {
    const first = start({ sync: null });
    first.feed(read(EPC, 'FR1', 0));
    first.feed(read(EPC, 'FLOOR', 70_000));
    first.feed(read(EPC2, 'FR2', 0));
    first.feed(read(EPC2, 'EXIT', 30_000));
    expect(first.status()).toMatchObject({ waiting: 2, syncing: false });
    // Killed: no close, and a write torn half-way at the end of the file.
    appendFileSync(join(dir, 'outbox.jsonl'), '{"closed":{"id":"S001-FR-T9');
    const second = start();
    expect(second.status().waiting).toBe(2);
    await second.flush();
    expect(server.requests.flatMap((r) => r.body.docs.map((d) => d._id))).toEqual([
      'S001-FR-T0001',
      'S001-FR-T0002',
    ]);
    await second.close();
    const third = start();
    expect(third.status().waiting).toBe(0);
    await third.flush();
    expect(server.requests).toHaveLength(1);
  });

  it('[FR3] a fact refused as invalid is kept aside with the reason, never pushed again', async () => {
    const service = start();
    server.set((req) =>
      Response.json(
        req.body.docs.map((d) => ({
          id: d._id,
          error: 'forbidden',
          reason: 'invalid facts: $.kind must be one of sale, return',
        })),
        { status: 201 },
      ),
    );
    service.feed(read(EPC, 'FR1', 0));
    service.feed(read(EPC, 'FLOOR', 1_000));
    const after = await service.flush();
    expect(after.waiting).toBe(0);
    expect(after.refused).toMatchObject([
      {
        fact: { id: 'S001-FR-T0001' },
        reason: 'invalid facts: $.kind must be one of sale, return',
      },
    ]);
    expect(service.health().message).toMatch(/1 refused by the server: invalid facts/);
    await service.flush();
    expect(server.requests).toHaveLength(1);
    await service.close();
    expect(start().status().refused).toHaveLength(1);
  });

  it('[FR3] a network error or a 5xx is retried; the status says why meanwhile', async () => {
    const service = start();
    const health: string[] = [];
    service.onStatus((h) => health.push(h.state));
    server.set(() =>
      Response.json(
        { error: 'unavailable', reason: 'the database does not answer' },
        { status: 503 },
      ),
    );
    service.feed(read(EPC, 'FR1', 0));
    service.feed(read(EPC, 'FLOOR', 1_000));
    let status = await service.flush();
    expect(status).toMatchObject({ waiting: 1 });
    expect(status.lastError).toMatch(/answered 503: the database does not answer/);
    expect(service.health()).toMatchObject({ state: 'error' });
    server.set(() => {
      throw new TypeError('fetch failed');
    });
    status = await service.flush();
    expect(status.lastError).toMatch(/cannot reach the sync server: fetch failed/);
    server.set((req) =>
      Response.json(
        req.body.docs.map((d) => ({ ok: true, id: d._id, rev: '1-a' })),
        { status: 201 },
      ),
    );
    status = await service.flush();
    expect(status).toMatchObject({ waiting: 0, lastError: null });
    expect(service.health()).toEqual({ state: 'ready' });
    expect(health).toContain('error');
  });

  it('[FR4] open sessions survive a restart and close by the rules', async () => {
    const first = start();
    first.feed(read(EPC, 'FR1', 0));
    first.feed(read(EPC2, 'FR2', 0));
    await first.close();
    expect(first.health().state).toBe('offline');
    const second = start();
    expect(second.rooms().flatMap((r) => r.sessions.map((s) => s.epc))).toEqual([EPC, EPC2]);
    // Seen again in its room: still the same session; then it leaves.
    second.feed(read(EPC, 'FR1', 50_000));
    second.feed(read(EPC, 'FLOOR', 80_000));
    // The other is never seen again: closed at the longest length.
    clock = T0 + 3 * 3_600_000;
    second.tick();
    await second.flush();
    const docs = server.requests.flatMap((r) => r.body.docs);
    expect(docs.map((d) => [d._id, d.room, d.durationMs, d.closedBy])).toEqual([
      ['S001-FR-T0001', 'FR1', 80_000, 'left-room'],
      ['S001-FR-T0002', 'FR2', 2 * 3_600_000, 'max-length'],
    ]);
  });

  it('[TO6] [HZ3] links a room’s sessions to a member; a zone not a room is refused in words', async () => {
    const service = start();
    service.feed(read(EPC, 'FR1', 0));
    expect(() => service.linkMember('FLOOR', 'M-1')).toThrow(/not a fitting room/);
    expect(service.linkMember('FR2', 'M-1')).toBe(0);
    expect(service.linkMember('FR1', 'M-1', 'S001-E03')).toBe(1);
    expect(service.rooms()[0]!.sessions[0]).toMatchObject({ memberId: 'M-1', clerkId: 'S001-E03' });
    await service.close();
    const again = start();
    again.feed(read(EPC, 'FLOOR', 61_000));
    await again.flush();
    expect(server.requests[0]!.body.docs[0]).toMatchObject({ memberId: 'M-1', tryOn: true });
  });

  it('[HZ4] the tags in a zone, with what their EPC names', () => {
    const service = start();
    service.feed(read(EPC, 'FR1', 0));
    service.feed(read(EPC2, 'FLOOR', 0));
    expect(service.zoneTags('FR1')).toEqual([
      {
        epc: EPC,
        gtin: '80614141123458',
        serial: '6789',
        zone: 'FR1',
        since: new Date(T0).toISOString(),
        lastSeen: new Date(T0).toISOString(),
      },
    ]);
    expect(service.zoneTags().map((t) => t.epc)).toEqual([EPC, EPC2]);
    expect(() => service.zoneTags('NOPE')).toThrow(/not a zone of this store/);
  });

  it('[FR2] an outbox that cannot be opened is said in words', () => {
    writeFileSync(join(dir, 'a-file'), '');
    const outboxPath = join(dir, 'a-file', 'outbox.jsonl');
    expect(() => start({ outboxPath })).toThrow(
      `cannot open the fitting-room outbox ${outboxPath}: E`,
    );
  });

  it('[FR2] a fact id is the device id and a ULID; the doc is the fact with its kind', () => {
    expect(ulid(T0)).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(ulid(T0).slice(0, 10)).toBe(ulid(T0).slice(0, 10));
    expect(ulid(T0 + 1) > ulid(T0)).toBe(true);
    const service = start({ newId: undefined });
    service.feed(read(EPC, 'FR1', 0));
    expect(service.rooms()[0]!.sessions[0]!.id).toMatch(/^S001-FR-[0-9A-Z]{26}$/);
    const fact = {
      id: 'S001-FR-X',
      storeId: 'S001',
      deviceId: 'S001-FR',
      epc: EPC,
      room: 'FR1',
      openedAt: 'a',
      closedAt: 'b',
      durationMs: 0,
      tryOn: false,
      closedBy: 'departed' as const,
    };
    expect(tryOnDoc(fact)).toEqual({ ...fact, id: undefined, _id: 'S001-FR-X', kind: 'tryOn' });
  });
});
