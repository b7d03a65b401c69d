/**
 * A streaming ESC/POS decoder: what a printer would do with the bytes, as
 * records. It understands the commands escpos.ts writes (plus ESC !), decodes
 * GB18030 between FS & and FS ., and keeps the style of each line.
 * [D1] It never throws: an unknown or malformed command becomes an `error`
 *      record and decoding goes on with the next byte.
 * [D2] Bytes may arrive in any chunks: the records equal those of one chunk.
 * [D3] Memory is bounded: at most one partial command or character is held,
 *      and a line longer than `maxLineLength` is cut with an error.
 */
import iconv from 'iconv-lite';
import type { Align } from './escpos';

export type LineStyle = { align: Align; bold: boolean; width: number; height: number };

export type EscPosErrorCode =
  | 'UNKNOWN_COMMAND'
  | 'BAD_ARGUMENT'
  | 'UNSUPPORTED_BYTE'
  | 'MALFORMED_TEXT'
  | 'LINE_TOO_LONG'
  | 'TRUNCATED'
  | 'UNPRINTED_TEXT';

export type EscPosRecord =
  | { kind: 'line'; text: string; style: LineStyle }
  | { kind: 'init' }
  | { kind: 'feed'; lines: number }
  | { kind: 'cut'; partial: boolean }
  | { kind: 'drawer-kick'; m: number; t1: number; t2: number }
  /** DLE EOT n: a real-time status request (n 1-4); the printer answers one byte. */
  | { kind: 'status-request'; n: number }
  | { kind: 'error'; code: EscPosErrorCode; offset: number; bytes: string; message: string };

export type EscPosErrorRecord = Extract<EscPosRecord, { kind: 'error' }>;

export const MAX_LINE_LENGTH = 1024;

const LF = 0x0a;
const CR = 0x0d;
const DLE = 0x10;
const EOT = 0x04;
const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;
const GB18030_REPLACEMENT = '84 31 a4 37';
const ALIGNS: Record<number, Align> = {
  0: 'left',
  1: 'center',
  2: 'right',
  48: 'left',
  49: 'center',
  50: 'right',
};

/** How many bytes the step consumed, or 'incomplete' to wait for more. */
type Step = { length: number } | 'incomplete';

export class EscPosDecoder {
  readonly #maxLineLength: number;
  #pending: number[] = [];
  /** Stream offset of #pending[0]. */
  #offset = 0;
  #kanji = false;
  #style: LineStyle = defaultStyle();
  #line = '';
  #lineStyle: LineStyle | undefined;

  constructor(options: { maxLineLength?: number } = {}) {
    this.#maxLineLength = options.maxLineLength ?? MAX_LINE_LENGTH;
  }

  /** [D1][D2] Decodes a chunk; returns the records it completed. */
  push(chunk: Uint8Array): EscPosRecord[] {
    const bytes = this.#pending.length ? [...this.#pending, ...chunk] : chunk;
    const out: EscPosRecord[] = [];
    let at = 0;
    while (at < bytes.length) {
      const step = this.#step(bytes, at, out);
      if (step === 'incomplete') break;
      at += step.length;
    }
    this.#pending = Array.from(bytes.slice(at));
    this.#offset += at;
    return out;
  }

  /** Ends the stream: a partial command or unprinted text becomes an error record. */
  end(): EscPosRecord[] {
    const out: EscPosRecord[] = [];
    if (this.#pending.length) {
      out.push(
        this.#error(
          'TRUNCATED',
          this.#pending,
          0,
          'the stream ended inside a command or character',
        ),
      );
      this.#offset += this.#pending.length;
      this.#pending = [];
    }
    if (this.#line) {
      const message = `text without a line end was never printed: "${this.#line}"`;
      out.push(this.#error('UNPRINTED_TEXT', [], 0, message));
      this.#line = '';
      this.#lineStyle = undefined;
    }
    return out;
  }

  #step(bytes: ArrayLike<number>, at: number, out: EscPosRecord[]): Step {
    const b = bytes[at] as number;
    if (b >= 0x20 && b <= 0x7e) return this.#append(String.fromCharCode(b), out, at, 1);
    if (b >= 0x80) {
      if (this.#kanji) return this.#kanjiChar(bytes, at, out);
      out.push(
        this.#error(
          'UNSUPPORTED_BYTE',
          [b],
          at,
          'byte above 0x7F outside Chinese mode (code pages are not supported)',
        ),
      );
      return this.#append('\ufffd', out, at, 1);
    }
    if (b === LF) {
      this.#printLine(out);
      return { length: 1 };
    }
    if (b === CR) return { length: 1 };
    if (b === ESC || b === GS || b === FS) return this.#command(bytes, at, out);
    if (b === DLE) return this.#realTime(bytes, at, out);
    out.push(this.#error('UNKNOWN_COMMAND', [b], at, `control byte 0x${hex(b)} is not supported`));
    return { length: 1 };
  }

  #command(bytes: ArrayLike<number>, at: number, out: EscPosRecord[]): Step {
    const has = (count: number) => at + count <= bytes.length;
    const arg = (i: number) => bytes[at + i] as number;
    if (!has(2)) return 'incomplete';
    const prefix = arg(0);
    const name = `${prefix === ESC ? 'ESC' : prefix === GS ? 'GS' : 'FS'} ${printableCode(arg(1))}`;
    const bad = (length: number, message: string): Step => {
      out.push(this.#error('BAD_ARGUMENT', slice(bytes, at, length), at, `${name}: ${message}`));
      return { length };
    };
    switch (command(prefix, arg(1))) {
      case command(ESC, '@'): // init: clears the buffer and the modes
        this.#style = defaultStyle();
        this.#kanji = false;
        this.#line = '';
        this.#lineStyle = undefined;
        out.push({ kind: 'init' });
        return { length: 2 };
      case command(ESC, 'E'): // bold
        if (!has(3)) return 'incomplete';
        this.#style = { ...this.#style, bold: (arg(2) & 1) === 1 };
        return { length: 3 };
      case command(ESC, '!'): // print mode
        if (!has(3)) return 'incomplete';
        this.#style = {
          ...this.#style,
          bold: (arg(2) & 0x08) !== 0,
          height: arg(2) & 0x10 ? 2 : 1,
          width: arg(2) & 0x20 ? 2 : 1,
        };
        return { length: 3 };
      case command(ESC, 'a'): {
        // justification
        if (!has(3)) return 'incomplete';
        const align = ALIGNS[arg(2)];
        if (!align) return bad(3, `justification ${arg(2)} is not 0, 1 or 2`);
        this.#style = { ...this.#style, align };
        return { length: 3 };
      }
      case command(ESC, 'd'): // print and feed n lines
        if (!has(3)) return 'incomplete';
        if (this.#line) this.#printLine(out);
        out.push({ kind: 'feed', lines: arg(2) });
        return { length: 3 };
      case command(ESC, 'p'): {
        // drawer kick: pin, on time, off time
        if (!has(5)) return 'incomplete';
        const [m, t1, t2] = [arg(2), arg(3), arg(4)];
        if (![0, 1, 48, 49].includes(m)) return bad(5, `drawer pin ${m} is not 0 or 1`);
        out.push({ kind: 'drawer-kick', m, t1, t2 });
        return { length: 5 };
      }
      case command(GS, '!'): {
        // character size: width and height multipliers - 1 in the two nibbles
        if (!has(3)) return 'incomplete';
        const n = arg(2);
        if (n & 0x88) return bad(3, `size 0x${hex(n)} is out of range`);
        this.#style = { ...this.#style, width: (n >> 4) + 1, height: (n & 0x07) + 1 };
        return { length: 3 };
      }
      case command(GS, 'V'): {
        // cut: m = 0/48 full, 1/49 partial, 65/66 full/partial after feeding n
        if (!has(3)) return 'incomplete';
        const m = arg(2);
        if (![0, 1, 48, 49, 65, 66].includes(m)) return bad(3, `cut mode ${m} is not supported`);
        const length = m === 65 || m === 66 ? 4 : 3;
        if (!has(length)) return 'incomplete';
        if (this.#line) this.#printLine(out);
        out.push({ kind: 'cut', partial: m === 1 || m === 49 || m === 66 });
        return { length };
      }
      case command(FS, '&'): // Chinese mode on
        this.#kanji = true;
        return { length: 2 };
      case command(FS, '.'): // Chinese mode off
        this.#kanji = false;
        return { length: 2 };
      default:
        out.push(
          this.#error('UNKNOWN_COMMAND', slice(bytes, at, 2), at, `${name} is not supported`),
        );
        return { length: 2 };
    }
  }

  /** DLE EOT n, the real-time status request; other DLE commands are unknown. */
  #realTime(bytes: ArrayLike<number>, at: number, out: EscPosRecord[]): Step {
    if (at + 2 > bytes.length) return 'incomplete';
    const code = bytes[at + 1] as number;
    if (code !== EOT) {
      const message = `DLE 0x${hex(code)} is not supported`;
      out.push(this.#error('UNKNOWN_COMMAND', slice(bytes, at, 2), at, message));
      return { length: 2 };
    }
    if (at + 3 > bytes.length) return 'incomplete';
    const n = bytes[at + 2] as number;
    if (n < 1 || n > 4) {
      const message = `DLE EOT: status ${n} is not 1-4`;
      out.push(this.#error('BAD_ARGUMENT', slice(bytes, at, 3), at, message));
      return { length: 3 };
    }
    out.push({ kind: 'status-request', n });
    return { length: 3 };
  }

  /** One GB18030 character: 2 bytes (81–FE, 40–7E|80–FE) or 4 bytes (81–FE, 30–39, 81–FE, 30–39). */
  #kanjiChar(bytes: ArrayLike<number>, at: number, out: EscPosRecord[]): Step {
    const lead = bytes[at] as number;
    const available = bytes.length - at;
    const isLead = (b: number) => b >= 0x81 && b <= 0xfe;
    const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
    let length = 0;
    if (isLead(lead)) {
      if (available < 2) return 'incomplete';
      const second = bytes[at + 1] as number;
      if ((second >= 0x40 && second <= 0x7e) || (second >= 0x80 && second <= 0xfe)) length = 2;
      else if (isDigit(second)) {
        if (available < 4) return 'incomplete';
        if (isLead(bytes[at + 2] as number) && isDigit(bytes[at + 3] as number)) length = 4;
      }
    }
    const raw = slice(bytes, at, length || 1);
    if (!length) {
      out.push(this.#error('MALFORMED_TEXT', raw, at, 'not a GB18030 character'));
      return this.#append('\ufffd', out, at, 1);
    }
    const char = iconv.decode(Buffer.from(raw), 'gb18030');
    if (char === '\ufffd' && hexBytes(raw) !== GB18030_REPLACEMENT) {
      out.push(this.#error('MALFORMED_TEXT', raw, at, 'GB18030 bytes that map to no character'));
    }
    return this.#append(char, out, at, length);
  }

  #append(text: string, out: EscPosRecord[], at: number, length: number): Step {
    this.#lineStyle ??= this.#style;
    this.#line += text;
    if (this.#line.length >= this.#maxLineLength) {
      const message = `a line reached ${this.#maxLineLength} characters; it is printed in parts`;
      out.push(this.#error('LINE_TOO_LONG', [], at, message));
      this.#printLine(out);
    }
    return { length };
  }

  #printLine(out: EscPosRecord[]): void {
    out.push({ kind: 'line', text: this.#line, style: this.#lineStyle ?? this.#style });
    this.#line = '';
    this.#lineStyle = undefined;
  }

  #error(
    code: EscPosErrorCode,
    bytes: ArrayLike<number>,
    at: number,
    message: string,
  ): EscPosErrorRecord {
    return { kind: 'error', code, offset: this.#offset + at, bytes: hexBytes(bytes), message };
  }
}

/** Decodes a whole byte stream at once. */
export function decodeEscPos(bytes: Uint8Array): EscPosRecord[] {
  const decoder = new EscPosDecoder();
  return [...decoder.push(bytes), ...decoder.end()];
}

/** A number for a command prefix and its code byte, for `switch`. */
function command(prefix: number, code: number | string): number {
  return (prefix << 8) | (typeof code === 'string' ? code.charCodeAt(0) : code);
}

function defaultStyle(): LineStyle {
  return { align: 'left', bold: false, width: 1, height: 1 };
}

function slice(bytes: ArrayLike<number>, at: number, length: number): number[] {
  return Array.from(
    { length: Math.min(length, bytes.length - at) },
    (_, i) => bytes[at + i] as number,
  );
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

function hexBytes(bytes: ArrayLike<number>): string {
  return Array.from(bytes, hex).join(' ');
}

function printableCode(code: number): string {
  return code >= 0x21 && code <= 0x7e ? String.fromCharCode(code) : `0x${hex(code)}`;
}
