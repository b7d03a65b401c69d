import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  R2000FrameDecoder,
  R2000_CMD,
  encodeR2000,
  hexBytes,
  parseR2000Inventory,
  r2000DoneData,
  r2000TagData,
  type R2000Record,
} from './r2000-frame';
import {
  Uhf18FrameDecoder,
  UHF18_CMD,
  crc16_8408,
  encodeUhf18,
  parseUhf18Inventory,
  uhf18InventoryBody,
  type Uhf18Record,
} from './uhf18-frame';
import { hexString } from './frame-errors';

const frames = <T extends { kind: string }>(records: T[]) =>
  records.filter((r) => r.kind === 'frame');
const errors = <T extends { kind: string }>(records: T[]) =>
  records.filter((r) => r.kind === 'error');

describe('R2000 frames', () => {
  it('[RA1] encodes the real-time inventory command A0 04 01 89 01 D1', () => {
    const bytes = encodeR2000({
      address: 1,
      command: R2000_CMD.realTimeInventory,
      data: Uint8Array.of(1),
    });
    expect(hexString(bytes)).toBe('A004018901D1');
  });

  it('decodes a tag reply and the round summary', () => {
    // FreqAnt 0x0D (frequency 3, antenna 2), PC 3000, EPC, RSSI 0x4E (-51 dBm)
    const frame = hexBytes('A0 13 01 89 0D 30 00 30 74 25 7B F7 19 4E 40 00 00 1A 85 4E B7');
    expect(hexString(encodeR2000({ address: 1, command: 0x89, data: frame.slice(4, -1) }))).toBe(
      hexString(frame),
    );
    const decoder = new R2000FrameDecoder();
    const [record] = decoder.push(frame);
    expect(record?.kind).toBe('frame');
    if (record?.kind !== 'frame') return;
    expect(parseR2000Inventory(record.data)).toEqual({
      kind: 'tag',
      tag: { epc: '3074257BF7194E4000001A85', pc: 0x3000, antenna: 2, frequency: 3, rssi: -51 },
    });
    expect(parseR2000Inventory(r2000DoneData(2, 120, 345))).toEqual({
      kind: 'done',
      antenna: 2,
      readRate: 120,
      totalReads: 345,
    });
    expect(parseR2000Inventory(Uint8Array.of(0x22))).toEqual({
      kind: 'failed',
      code: 0x22,
      message: 'antenna not connected',
    });
  });

  it('[RA2] resynchronises after garbage, a bad length and a bad checksum', () => {
    const good = encodeR2000({
      address: 1,
      command: 0x89,
      data: r2000TagData({ epc: '3074257BF7194E4000001A85', antenna: 1, rssi: -60 }),
    });
    const corrupt = Uint8Array.from(good);
    corrupt[8] = (corrupt[8] as number) ^ 0xff;
    const stream = Uint8Array.from([0x00, 0x13, 0x37, ...corrupt, 0xa0, 0x01, ...good]);
    const records = new R2000FrameDecoder().push(stream);
    expect(frames(records)).toHaveLength(1);
    expect(errors(records).map((e) => (e as { code: string }).code)).toEqual(
      expect.arrayContaining(['GARBAGE', 'BAD_CHECKSUM', 'BAD_LENGTH']),
    );
  });

  it('[RA2] a stray head with a large length does not hold back a later good frame', () => {
    const good = encodeR2000({ address: 1, command: 0x72, data: Uint8Array.of(1, 2) });
    const decoder = new R2000FrameDecoder();
    const records = decoder.push(Uint8Array.from([0xa0, 0xf0, ...good]));
    expect(records.map((r) => r.kind)).toEqual(['error', 'frame']);
    // With nothing valid after it, the decoder waits; resync() gives the head up.
    expect(decoder.push(Uint8Array.of(0xa0, 0xf0, 0x01))).toEqual([]);
    expect(decoder.resync().map((r) => r.kind)).toEqual(['error', 'error']);
    expect(decoder.pending).toBe(0);
  });

  it('[RA1][RA2][RA3] fuzz: frames survive any chunking and random garbage; never throws, bounded', () => {
    const frameArb = fc.record({
      address: fc.nat(255),
      command: fc.nat(255),
      data: fc.uint8Array({ maxLength: 60 }),
    });
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 8 }),
        fc.array(fc.nat(40), { maxLength: 10 }),
        (list, cuts) => {
          const stream = Uint8Array.from(list.flatMap((f) => [...encodeR2000(f)]));
          const decoder = new R2000FrameDecoder();
          const records: R2000Record[] = [];
          let at = 0;
          for (const cut of [...cuts, stream.length]) {
            const end = Math.min(stream.length, at + cut);
            records.push(...decoder.push(stream.slice(at, end)));
            at = end;
          }
          records.push(...decoder.push(stream.slice(at)));
          expect(errors(records)).toEqual([]);
          expect(
            frames(records).map((f) => f.kind === 'frame' && [f.address, f.command, [...f.data]]),
          ).toEqual(list.map((f) => [f.address, f.command, [...f.data]]));
        },
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const decoder = new R2000FrameDecoder();
        for (const chunk of chunks) {
          for (const record of decoder.push(chunk)) {
            if (record.kind === 'frame') parseR2000Inventory(record.data);
          }
          expect(decoder.pending).toBeLessThanOrEqual(257);
        }
        decoder.resync();
        decoder.end();
      }),
    );
  });
});

describe('UHFReader18 frames', () => {
  it('[U1] encodes the inventory command 04 00 01 DB 4B', () => {
    expect(
      hexString(encodeUhf18({ address: 0, command: UHF18_CMD.inventory, body: new Uint8Array() })),
    ).toBe('040001DB4B');
    expect(crc16_8408(Uint8Array.of(0x04, 0x00, 0x01))).toBe(0x4bdb);
  });

  it('decodes an inventory response with two tags', () => {
    const body = uhf18InventoryBody([hexBytes('3074257BF7194E4000001A85'), hexBytes('E2003412')]);
    const records = new Uhf18FrameDecoder().push(encodeUhf18({ address: 0, command: 1, body }));
    const [frame] = frames(records);
    expect(frame?.kind === 'frame' && parseUhf18Inventory(frame.body)).toEqual({
      kind: 'tags',
      status: 1,
      more: false,
      epcs: ['3074257BF7194E4000001A85', 'E2003412'],
    });
    expect(parseUhf18Inventory(Uint8Array.of(0xfb))).toEqual({
      kind: 'failed',
      status: 0xfb,
      message: 'no tag in the field',
    });
    expect(parseUhf18Inventory(Uint8Array.of(1, 2, 12, 1))).toMatchObject({ kind: 'bad' });
  });

  it('[U2] resynchronises after garbage and a corrupt frame, reporting skipped bytes once per run', () => {
    const good = encodeUhf18({
      address: 0,
      command: 1,
      body: uhf18InventoryBody([hexBytes('E2003412')]),
    });
    const corrupt = Uint8Array.from(good);
    corrupt[5] = (corrupt[5] as number) ^ 0x01;
    const records = new Uhf18FrameDecoder().push(
      Uint8Array.from([0x01, 0x02, ...corrupt, ...good]),
    );
    expect(frames(records)).toHaveLength(1);
    expect(errors(records).length).toBeGreaterThanOrEqual(1);
  });

  it('[U1][U2][U3] fuzz: frames survive any chunking; random bytes never throw, memory bounded', () => {
    const frameArb = fc.record({
      address: fc.nat(255),
      command: fc.nat(255),
      body: fc.uint8Array({ maxLength: 60 }),
    });
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 8 }),
        fc.array(fc.nat(40), { maxLength: 10 }),
        (list, cuts) => {
          const stream = Uint8Array.from(list.flatMap((f) => [...encodeUhf18(f)]));
          const decoder = new Uhf18FrameDecoder();
          const records: Uhf18Record[] = [];
          let at = 0;
          for (const cut of cuts) {
            const end = Math.min(stream.length, at + cut);
            records.push(...decoder.push(stream.slice(at, end)));
            at = end;
          }
          records.push(...decoder.push(stream.slice(at)));
          expect(errors(records)).toEqual([]);
          expect(
            frames(records).map((f) => f.kind === 'frame' && [f.address, f.command, [...f.body]]),
          ).toEqual(list.map((f) => [f.address, f.command, [...f.body]]));
        },
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const decoder = new Uhf18FrameDecoder();
        for (const chunk of chunks) {
          for (const record of decoder.push(chunk)) {
            if (record.kind === 'frame') parseUhf18Inventory(record.body);
          }
          expect(decoder.pending).toBeLessThanOrEqual(256);
        }
        decoder.resync();
        decoder.end();
      }),
    );
  });
});
