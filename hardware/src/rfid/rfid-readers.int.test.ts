import { afterEach, describe, expect, it, vi } from 'vitest';
import { openPtyPair, type PtyPair } from '../pty';
import { R2000Simulator, Uhf18Simulator } from '../simulators/rfid-simulators';
import { R2000Reader, Uhf18Reader } from './rfid-readers';
import type { TagRead } from './tag-read';

const SGTIN = '3074257BF7194E4000001A85';
const OTHER = 'E280689400005004F5F4A1F2';

describe('RFID readers over real pty pairs', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    closers.length = 0;
  });

  async function pair(): Promise<PtyPair> {
    const p = await openPtyPair();
    closers.push(() => p.close());
    return p;
  }

  it('[RF1][RF3] R2000: continuous inventory, SGTIN decoded, unknown kept, antenna and RSSI, de-duplicated', async () => {
    const p = await pair();
    const simulator = await R2000Simulator.open(p.simulatorPath, {
      tags: [
        { epc: SGTIN, antenna: 2, rssi: -48 },
        { epc: OTHER, antenna: 1, rssi: -70 },
      ],
    });
    closers.push(() => simulator.close());
    const reader = new R2000Reader({
      path: p.devicePath,
      id: 'rfid-1',
      dedupWindowMs: 60_000,
      intervalMs: 10,
    });
    const reads: TagRead[] = [];
    reader.onTagRead((read) => reads.push(read));
    await reader.open();
    closers.push(() => reader.close());
    await waitUntil(() => simulator.inventoryRounds >= 5);
    expect(reader.status()).toEqual({ state: 'ready' });
    expect(reads).toEqual([
      {
        epc: SGTIN,
        scheme: 'sgtin-96',
        gtin: '80614141123458',
        serial: '6789',
        tagUri: 'urn:epc:tag:sgtin-96:3.0614141.812345.6789',
        antenna: 2,
        rssi: -48,
        source: 'rfid-1',
        at: expect.any(String),
      },
      {
        epc: OTHER,
        scheme: 'unknown',
        antenna: 1,
        rssi: -70,
        source: 'rfid-1',
        at: expect.any(String),
      },
    ]);
    expect(reader.stats.reads).toBeGreaterThanOrEqual(8);
    expect(reader.stats.badFrames).toBe(0);
  });

  it('[RF2] R2000: garbage on the line is counted and skipped; reads go on', async () => {
    const p = await pair();
    const simulator = await R2000Simulator.open(p.simulatorPath, { tags: [{ epc: SGTIN }] });
    closers.push(() => simulator.close());
    simulator.garbageBeforeNextAnswer = Uint8Array.of(
      0x13,
      0x37,
      0xa0,
      0x02,
      0x00,
      0xa0,
      0x09,
      0x01,
      0x89,
    );
    const reader = new R2000Reader({
      path: p.devicePath,
      id: 'rfid-1',
      dedupWindowMs: 0,
      intervalMs: 10,
      replyTimeoutMs: 300,
    });
    const reads: TagRead[] = [];
    reader.onTagRead((read) => reads.push(read));
    await reader.open();
    closers.push(() => reader.close());
    await waitUntil(() => reads.length >= 3);
    expect(reader.stats.badFrames).toBeGreaterThan(0);
    expect(reads.every((r) => r.gtin === '80614141123458')).toBe(true);
  });

  it('[RF1][RF3] UHFReader18: inventory polling, tags in a later round are reported, no tag is fine', async () => {
    const p = await pair();
    const simulator = await Uhf18Simulator.open(p.simulatorPath, { tags: [] });
    closers.push(() => simulator.close());
    const reader = new Uhf18Reader({
      path: p.devicePath,
      id: 'rfid-2',
      dedupWindowMs: 60_000,
      intervalMs: 10,
    });
    const reads: TagRead[] = [];
    reader.onTagRead((read) => reads.push(read));
    await reader.open();
    closers.push(() => reader.close());
    await waitUntil(() => simulator.inventoryRounds >= 3);
    expect(reads).toEqual([]);
    simulator.tags = [{ epc: SGTIN }, { epc: OTHER }];
    await waitUntil(() => reads.length >= 2);
    const rounds = simulator.inventoryRounds;
    await waitUntil(() => simulator.inventoryRounds >= rounds + 3);
    expect(reads.map((r) => [r.epc, r.scheme, r.gtin])).toEqual([
      [SGTIN, 'sgtin-96', '80614141123458'],
      [OTHER, 'unknown', undefined],
    ]);
    expect(reader.stats.badFrames).toBe(0);
  });

  it('UHFReader18: 40 tags arrive in several "more data" responses, each reported once', async () => {
    const p = await pair();
    const tags = Array.from({ length: 40 }, (_, i) => ({
      epc: `E2000000000000000000${i.toString(16).padStart(4, '0')}`.toUpperCase(),
    }));
    const simulator = await Uhf18Simulator.open(p.simulatorPath, { tags });
    closers.push(() => simulator.close());
    const reader = new Uhf18Reader({ path: p.devicePath, dedupWindowMs: 60_000, intervalMs: 10 });
    const reads: TagRead[] = [];
    reader.onTagRead((read) => reads.push(read));
    await reader.open();
    closers.push(() => reader.close());
    await waitUntil(() => simulator.inventoryRounds >= 3);
    expect(reads.map((r) => r.epc).sort()).toEqual(tags.map((t) => t.epc).sort());
  });

  it('a reader whose port is missing reports an error status', async () => {
    const reader = new R2000Reader({ path: '/nonexistent/ttyUSB9' });
    await expect(reader.open()).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
    expect(reader.status().state).toBe('error');
  });
});

/** Waits until `done()` holds, checking every 10 ms; fails after `timeoutMs`. */
async function waitUntil(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!done()) throw new Error('condition not met in time');
    },
    { timeout: timeoutMs, interval: 10 },
  );
}
