/**
 * Frames of the serial protocol of R2000-based UHF modules (Impinj R2000
 * "CMD" protocol, as in many Chinese fixed and desktop readers):
 *
 *   Head 0xA0 | Len | Address | Cmd | Data... | Check
 *
 * Len counts the bytes after it (Address + Cmd + Data + Check); Check is the
 * two's complement of the sum of every byte before it, Head included.
 * [RA1] encode and decode are inverses.
 * [RA2] The decoder never throws; garbage before a head, an impossible length
 *      and a bad checksum each become one error record, and decoding goes on
 *      from the next byte, so a good frame after garbage is still found.
 * [RA3] It holds at most one frame's worth of bytes (257).
 */
import { hexString, type FrameError } from './frame-errors';

export const R2000_HEAD = 0xa0;
/** Address 0xFF: every reader on the bus (the default public address). */
export const R2000_BROADCAST = 0xff;

export const R2000_CMD = {
  /** cmd_real_time_inventory: Data = [repeat]; the reader answers a frame per tag, then a summary. */
  realTimeInventory: 0x89,
  /** cmd_get_firmware_version */
  getFirmwareVersion: 0x72,
} as const;

/** Reader error codes (the one-byte reply to a failed command). */
export const R2000_ERRORS: Readonly<Record<number, string>> = {
  0x10: 'success',
  0x11: 'command failed',
  0x20: 'CPU reset error',
  0x36: 'no tag found',
  0x41: 'parameter invalid',
  0x42: 'antenna port missing',
  0x22: 'antenna not connected',
};

export type R2000Frame = { address: number; command: number; data: Uint8Array };

export type R2000Record = ({ kind: 'frame' } & R2000Frame) | FrameError;

const MIN_LEN = 3; // address, command, check

export function r2000Checksum(bytes: ArrayLike<number>, end = bytes.length): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum = (sum + (bytes[i] as number)) & 0xff;
  return (~sum + 1) & 0xff;
}

/** [RA1] */
export function encodeR2000(frame: R2000Frame): Uint8Array {
  const { address, command, data } = frame;
  if (data.length > 255 - MIN_LEN)
    throw new RangeError(`R2000 data of ${data.length} bytes is too long`);
  const out = new Uint8Array(data.length + 5);
  out.set([R2000_HEAD, data.length + MIN_LEN, address & 0xff, command & 0xff]);
  out.set(data, 4);
  out[out.length - 1] = r2000Checksum(out, out.length - 1);
  return out;
}

/** [RA2][RA3] Streaming decoder: feed bytes as they arrive in any chunks. */
export class R2000FrameDecoder {
  #pending: number[] = [];
  #offset = 0;

  push(chunk: Uint8Array): R2000Record[] {
    const bytes = this.#pending.length ? [...this.#pending, ...chunk] : Array.from(chunk);
    const out: R2000Record[] = [];
    let at = 0;
    while (at < bytes.length) {
      if (bytes[at] !== R2000_HEAD) {
        let end = at;
        while (end < bytes.length && bytes[end] !== R2000_HEAD) end++;
        out.push(this.#error('GARBAGE', at, end - at, 'bytes before a frame head (0xA0)'));
        at = end;
        continue;
      }
      if (at + 2 > bytes.length) break;
      const len = bytes[at + 1] as number;
      if (len < MIN_LEN) {
        out.push(this.#error('BAD_LENGTH', at, 1, `frame length ${len} is below ${MIN_LEN}`));
        at += 1;
        continue;
      }
      const total = len + 2;
      if (at + total > bytes.length) {
        // Waiting for more; unless a whole valid frame already starts later,
        // which means this head byte was garbage.
        const next = nextValidFrame(bytes, at + 1);
        if (next < 0) break;
        out.push(
          this.#error('GARBAGE', at, next - at, `length ${len} runs past a later valid frame`),
        );
        at = next;
        continue;
      }
      const check = bytes[at + total - 1] as number;
      const expected = r2000Checksum(bytes.slice(at, at + total - 1));
      if (check !== expected) {
        const message = `checksum ${hex(check)} should be ${hex(expected)} in ${hexString(bytes.slice(at, at + total))}`;
        out.push(this.#error('BAD_CHECKSUM', at, 1, message));
        at += 1;
        continue;
      }
      out.push({
        kind: 'frame',
        address: bytes[at + 2] as number,
        command: bytes[at + 3] as number,
        data: Uint8Array.from(bytes.slice(at + 4, at + total - 1)),
      });
      at += total;
    }
    this.#pending = bytes.slice(at);
    this.#offset += at;
    return out;
  }

  /** Bytes held for an incomplete frame (at most 257). */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Gives up on the frame being waited for (call it when the reader has been
   * quiet for a while: a stray head byte with a large length would otherwise
   * hold later frames back): skips one byte and decodes the rest.
   */
  resync(): R2000Record[] {
    if (this.#pending.length === 0) return [];
    const rest = Uint8Array.from(this.#pending.slice(1));
    const record = this.#error('TRUNCATED', 0, 1, 'no complete frame followed this head; skipped');
    this.#pending = [];
    this.#offset += 1;
    return [record, ...this.push(rest)];
  }

  /** Ends the stream: a partial frame becomes an error. */
  end(): R2000Record[] {
    if (this.#pending.length === 0) return [];
    const record = this.#error(
      'TRUNCATED',
      0,
      this.#pending.length,
      'the stream ended inside a frame',
    );
    this.#offset += this.#pending.length;
    this.#pending = [];
    return [record];
  }

  #error(code: FrameError['code'], at: number, skipped: number, message: string): FrameError {
    return { kind: 'error', code, offset: this.#offset + at, skipped, message };
  }
}

/** Where the first complete frame with a good checksum starts at or after `from`, or -1. */
function nextValidFrame(bytes: readonly number[], from: number): number {
  for (let p = bytes.indexOf(R2000_HEAD, from); p >= 0; p = bytes.indexOf(R2000_HEAD, p + 1)) {
    const len = bytes[p + 1];
    if (len === undefined || len < MIN_LEN || p + len + 2 > bytes.length) continue;
    const end = p + len + 1;
    if (r2000Checksum(bytes.slice(p, end)) === bytes[end]) return p;
  }
  return -1;
}

/** One tag of a real-time inventory reply. */
export type R2000TagReport = {
  epc: string;
  pc: number;
  /** Antenna 1-4 (the low 2 bits of FreqAnt, plus 1). */
  antenna: number;
  /** Frequency point index (the high 6 bits of FreqAnt). */
  frequency: number;
  /** Received signal strength in dBm (raw value - 129). */
  rssi: number;
};

export type R2000InventoryReply =
  | { kind: 'tag'; tag: R2000TagReport }
  | { kind: 'done'; antenna: number; readRate: number; totalReads: number }
  | { kind: 'failed'; code: number; message: string }
  | { kind: 'bad'; message: string };

/**
 * A real-time inventory (0x89) reply's data:
 * tag: FreqAnt | PC (2) | EPC (n) | RSSI; summary: AntID | ReadRate (2) | TotalRead (4);
 * failure: ErrorCode.
 */
export function parseR2000Inventory(data: Uint8Array): R2000InventoryReply {
  if (data.length === 1) {
    const code = data[0] as number;
    return { kind: 'failed', code, message: R2000_ERRORS[code] ?? `error 0x${hex(code)}` };
  }
  if (data.length === 7) {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    return {
      kind: 'done',
      antenna: (data[0] as number) + 1,
      readRate: view.getUint16(1),
      totalReads: view.getUint32(3),
    };
  }
  // FreqAnt + PC + at least one EPC word + RSSI
  if (data.length < 6) return { kind: 'bad', message: `inventory reply of ${data.length} bytes` };
  const freqAnt = data[0] as number;
  const pc = ((data[1] as number) << 8) | (data[2] as number);
  const epc = data.slice(3, data.length - 1);
  return {
    kind: 'tag',
    tag: {
      epc: hexString(epc),
      pc,
      antenna: (freqAnt & 0x03) + 1,
      frequency: freqAnt >> 2,
      rssi: ((data[data.length - 1] as number) & 0x7f) - 129,
    },
  };
}

/** Data of a tag reply (for the simulator and tests). */
export function r2000TagData(tag: {
  epc: string;
  antenna: number;
  rssi: number;
  frequency?: number;
}): Uint8Array {
  const epc = hexBytes(tag.epc);
  const words = epc.length / 2;
  const pc = (words << 11) & 0xffff;
  const out = new Uint8Array(epc.length + 4);
  out[0] = (((tag.frequency ?? 0) & 0x3f) << 2) | ((tag.antenna - 1) & 0x03);
  out[1] = pc >> 8;
  out[2] = pc & 0xff;
  out.set(epc, 3);
  out[out.length - 1] = Math.max(0, Math.min(0x7f, tag.rssi + 129));
  return out;
}

/** Data of the summary reply that ends an inventory round. */
export function r2000DoneData(antenna: number, readRate: number, totalReads: number): Uint8Array {
  const out = new Uint8Array(7);
  const view = new DataView(out.buffer);
  out[0] = (antenna - 1) & 0xff;
  view.setUint16(1, readRate & 0xffff);
  view.setUint32(3, totalReads >>> 0);
  return out;
}

export function hexBytes(hexText: string): Uint8Array {
  const clean = hexText.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(Math.floor(clean.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
