/**
 * Frames of the UHFReader18 serial protocol (Chafon CF-RU5102 and the many
 * desktop and handheld readers that copied it):
 *
 *   command:  Len | Adr | Cmd | Data... | CRC-16 LSB | CRC-16 MSB
 *   response: Len | Adr | reCmd | Status | Data... | CRC-16 LSB | CRC-16 MSB
 *
 * Len counts the bytes after it. The CRC is CRC-16 with polynomial 0x8408
 * (reflected 0x1021), preset 0xFFFF, no final XOR, over Len..Data.
 * [U1] encode and decode are inverses.
 * [U2] The decoder never throws. There is no start byte, so a frame is only
 *      accepted when its CRC matches; otherwise one byte is skipped (counted
 *      as an error record) and decoding resumes there.
 * [U3] It holds at most one frame's worth of bytes (256).
 */
import { hexString, type FrameError } from './frame-errors';

export const UHF18_BROADCAST = 0xff;

export const UHF18_CMD = {
  /** Inventory (EPC C1G2): response Data = Num | (EPC length | EPC bytes) x Num. */
  inventory: 0x01,
  getReaderInformation: 0x21,
} as const;

export const UHF18_STATUS: Readonly<Record<number, string>> = {
  0x00: 'success',
  0x01: 'inventory finished within the scan time',
  0x02: 'inventory scan time overflowed',
  0x03: 'more data follows',
  0x04: 'reader memory is full',
  0xf9: 'command execution error',
  0xfa: 'poor communication with the tag',
  0xfb: 'no tag in the field',
  0xfe: 'illegal command',
  0xff: 'parameter error',
};

export type Uhf18Frame = { address: number; command: number; body: Uint8Array };
export type Uhf18Record = ({ kind: 'frame' } & Uhf18Frame) | FrameError;

const MIN_LEN = 4; // address, command, CRC x2
const MAX_LEN = 255;

/** CRC-16/0x8408, preset 0xFFFF, over bytes[start, end). */
export function crc16_8408(bytes: ArrayLike<number>, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i] as number;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc & 0xffff;
}

/** [U1] `body` is Data for a command, Status + Data for a response. */
export function encodeUhf18(frame: Uhf18Frame): Uint8Array {
  const { address, command, body } = frame;
  if (body.length > MAX_LEN - MIN_LEN) {
    throw new RangeError(`UHFReader18 body of ${body.length} bytes is too long`);
  }
  const out = new Uint8Array(body.length + 5);
  out.set([body.length + MIN_LEN, address & 0xff, command & 0xff]);
  out.set(body, 3);
  const crc = crc16_8408(out, 0, out.length - 2);
  out[out.length - 2] = crc & 0xff;
  out[out.length - 1] = crc >> 8;
  return out;
}

/** [U2][U3] */
export class Uhf18FrameDecoder {
  #pending: number[] = [];
  #offset = 0;
  /** Bytes skipped in the current run, reported as one record when a frame is found. */
  #skipStart = -1;
  #skipped = 0;

  push(chunk: Uint8Array): Uhf18Record[] {
    const bytes = this.#pending.length ? [...this.#pending, ...chunk] : Array.from(chunk);
    const out: Uhf18Record[] = [];
    let at = 0;
    while (at < bytes.length) {
      const len = bytes[at] as number;
      if (len < MIN_LEN) {
        this.#skip(at, 'BAD_LENGTH', `frame length ${len} is below ${MIN_LEN}`);
        at += 1;
        continue;
      }
      const total = len + 1;
      if (at + total > bytes.length) {
        // Waiting for more; unless a whole valid frame already starts later,
        // which means this length byte was garbage.
        const next = nextValidFrame(bytes, at + 1);
        if (next < 0) break;
        this.#skip(at, 'GARBAGE', `length ${len} runs past a later valid frame`);
        for (let i = at + 1; i < next; i++) this.#skipped++;
        at = next;
        continue;
      }
      const crc = crc16_8408(bytes, at, at + total - 2);
      const got = (bytes[at + total - 2] as number) | ((bytes[at + total - 1] as number) << 8);
      if (crc !== got) {
        const message = `CRC ${hex4(got)} should be ${hex4(crc)} in ${hexString(bytes.slice(at, at + total))}`;
        this.#skip(at, 'BAD_CHECKSUM', message);
        at += 1;
        continue;
      }
      this.#flushSkip(out);
      out.push({
        kind: 'frame',
        address: bytes[at + 1] as number,
        command: bytes[at + 2] as number,
        body: Uint8Array.from(bytes.slice(at + 3, at + total - 2)),
      });
      at += total;
    }
    this.#flushSkip(out);
    this.#pending = bytes.slice(at);
    this.#offset += at;
    return out;
  }

  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Gives up on the frame being waited for (call it when the reader has been
   * quiet: a garbage byte read as a large length would otherwise hold later
   * frames back): skips one byte and decodes the rest.
   */
  resync(): Uhf18Record[] {
    if (this.#pending.length === 0) return [];
    const rest = Uint8Array.from(this.#pending.slice(1));
    this.#skip(0, 'TRUNCATED', 'no complete frame followed this length byte; skipped');
    this.#pending = [];
    this.#offset += 1;
    return this.push(rest); // reports the skipped byte too
  }

  end(): Uhf18Record[] {
    if (this.#pending.length === 0) return [];
    const record: FrameError = {
      kind: 'error',
      code: 'TRUNCATED',
      offset: this.#offset,
      skipped: this.#pending.length,
      message: 'the stream ended inside a frame',
    };
    this.#offset += this.#pending.length;
    this.#pending = [];
    return [record];
  }

  #lastCode: FrameError['code'] = 'GARBAGE';
  #lastMessage = '';

  /** Consecutive skipped bytes become one record, so garbage cannot flood the caller. */
  #skip(at: number, code: FrameError['code'], message: string): void {
    if (this.#skipStart < 0) {
      this.#skipStart = this.#offset + at;
      this.#lastCode = code;
      this.#lastMessage = message;
    }
    this.#skipped++;
  }

  #flushSkip(out: Uhf18Record[]): void {
    if (this.#skipStart < 0) return;
    out.push({
      kind: 'error',
      code: this.#skipped > 1 ? 'GARBAGE' : this.#lastCode,
      offset: this.#skipStart,
      skipped: this.#skipped,
      message:
        this.#skipped > 1
          ? `${this.#skipped} bytes skipped; first: ${this.#lastMessage}`
          : this.#lastMessage,
    });
    this.#skipStart = -1;
    this.#skipped = 0;
  }
}

/** Where the first complete frame with a good CRC starts at or after `from`, or -1. */
function nextValidFrame(bytes: readonly number[], from: number): number {
  for (let p = from; p < bytes.length; p++) {
    const len = bytes[p] as number;
    if (len < MIN_LEN || p + len + 1 > bytes.length) continue;
    const crc = crc16_8408(bytes, p, p + len - 1);
    if (crc === ((bytes[p + len - 1] as number) | ((bytes[p + len] as number) << 8))) return p;
  }
  return -1;
}

export type Uhf18InventoryReply =
  | { kind: 'tags'; status: number; more: boolean; epcs: string[] }
  | { kind: 'failed'; status: number; message: string }
  | { kind: 'bad'; message: string };

/** Inventory response body: Status | Num | (len | EPC) x Num. */
export function parseUhf18Inventory(body: Uint8Array): Uhf18InventoryReply {
  const status = body[0];
  if (status === undefined) return { kind: 'bad', message: 'empty inventory response' };
  if (![0x00, 0x01, 0x02, 0x03, 0x04].includes(status)) {
    return { kind: 'failed', status, message: UHF18_STATUS[status] ?? `status 0x${hex2(status)}` };
  }
  const count = body[1] ?? 0;
  const epcs: string[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const length = body[at];
    if (length === undefined || at + 1 + length > body.length) {
      return { kind: 'bad', message: `tag ${i + 1} of ${count} runs past the frame` };
    }
    epcs.push(hexString(body.slice(at + 1, at + 1 + length)));
    at += 1 + length;
  }
  if (at !== body.length)
    return { kind: 'bad', message: `${body.length - at} bytes after the tags` };
  return { kind: 'tags', status, more: status === 0x03, epcs };
}

/** Inventory response body for the simulator: Status | Num | (len | EPC) x Num. */
export function uhf18InventoryBody(epcs: readonly Uint8Array[], status = 0x01): Uint8Array {
  const out = new Uint8Array(2 + epcs.reduce((sum, epc) => sum + 1 + epc.length, 0));
  out[0] = status;
  out[1] = epcs.length;
  let at = 2;
  for (const epc of epcs) {
    out[at] = epc.length;
    out.set(epc, at + 1);
    at += 1 + epc.length;
  }
  return out;
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
