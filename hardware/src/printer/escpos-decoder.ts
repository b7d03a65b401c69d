/**
 * A streaming ESC/POS decoder: what a printer would do with the bytes, as
 * records. It understands the commands escpos.ts writes (plus ESC !), decodes
 * GB18030 between FS & and FS . and WPC1252 after ESC t 16, keeps the style
 * of each line, and reports each QR code (GS ( k) and barcode (GS k) with
 * its content, so a test can read what a scanner would.
 * [DE1] It never throws: an unknown or malformed command becomes an `error`
 *      record and decoding goes on with the next byte.
 * [DE2] Bytes may arrive in any chunks: the records equal those of one chunk.
 * [DE3] Memory is bounded: at most one partial command or character is held,
 *      and a line longer than `maxLineLength` is cut with an error.
 * [DE4] A QR code (GS ( k print) and a barcode (GS k) are records with their
 *      content, so a test can assert what a scanner would read.
 */
import iconv from 'iconv-lite';
import { WPC1252_TABLE, wpc1252Char } from './code-page';
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

export type BarcodeHri = 'none' | 'above' | 'below' | 'both';

export type EscPosRecord =
  | { kind: 'line'; text: string; style: LineStyle }
  /** GS ( k print: a QR code and what it holds (UTF-8). */
  | {
      kind: 'qr';
      data: string;
      model: number;
      errorCorrection: 'L' | 'M' | 'Q' | 'H';
      size: number;
    }
  /** GS k: a barcode, its content, where its human-readable text goes, and its module width. */
  | {
      kind: 'barcode';
      symbology: string;
      data: string;
      hri: BarcodeHri;
      width: number;
      height: number;
    }
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
  /** ESC t table; undefined until one is chosen (printers differ in their default). */
  #codePage: number | undefined;
  #qr: QrState = defaultQr();
  #barcode: BarcodeState = defaultBarcode();
  #style: LineStyle = defaultStyle();
  #line = '';
  #lineStyle: LineStyle | undefined;

  constructor(options: { maxLineLength?: number } = {}) {
    this.#maxLineLength = options.maxLineLength ?? MAX_LINE_LENGTH;
  }

  /** [DE1][DE2] Decodes a chunk; returns the records it completed. */
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
      const char = this.#codePage === WPC1252_TABLE ? wpc1252Char(b) : undefined;
      if (char !== undefined) return this.#append(char, out, at, 1);
      const why =
        this.#codePage === undefined
          ? 'no code page was chosen with ESC t'
          : `code page ${this.#codePage} is not WPC1252 (16)`;
      out.push(
        this.#error('UNSUPPORTED_BYTE', [b], at, `byte 0x${hex(b)} outside Chinese mode: ${why}`),
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
        this.#codePage = undefined;
        this.#qr = defaultQr();
        this.#barcode = defaultBarcode();
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
      case command(ESC, 't'): // character code table
        if (!has(3)) return 'incomplete';
        this.#codePage = arg(2);
        return { length: 3 };
      case command(GS, 'H'): {
        // barcode human-readable text position
        if (!has(3)) return 'incomplete';
        const hri = HRI[arg(2)];
        if (!hri) return bad(3, `HRI position ${arg(2)} is not 0-3`);
        this.#barcode = { ...this.#barcode, hri };
        return { length: 3 };
      }
      case command(GS, 'f'): // HRI font
        if (!has(3)) return 'incomplete';
        return { length: 3 };
      case command(GS, 'h'): // barcode height in dots
        if (!has(3)) return 'incomplete';
        if (arg(2) === 0) return bad(3, 'barcode height 0');
        this.#barcode = { ...this.#barcode, height: arg(2) };
        return { length: 3 };
      case command(GS, 'w'): // barcode module width in dots
        if (!has(3)) return 'incomplete';
        if (arg(2) < 1 || arg(2) > 6) return bad(3, `module width ${arg(2)} is not 1-6`);
        this.#barcode = { ...this.#barcode, width: arg(2) };
        return { length: 3 };
      case command(GS, 'k'):
        return this.#barcodeCommand(bytes, at, out, bad);
      case command(GS, '('): {
        // GS ( k pL pH cn fn …: 2D codes. Every GS ( function is GS ( fn pL pH and pL + 256 pH bytes: skip unknown ones whole.
        if (!has(5)) return 'incomplete';
        const length = 5 + arg(3) + arg(4) * 256;
        if (!has(length)) return 'incomplete';
        if (arg(2) !== 0x6b) {
          const message = `GS ( ${printableCode(arg(2))} is not supported`;
          out.push(this.#error('UNKNOWN_COMMAND', slice(bytes, at, 5), at, message));
          return { length };
        }
        this.#twoDimensional(slice(bytes, at + 5, length - 5), out, (message) =>
          bad(length, message),
        );
        return { length };
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

  /** GS k m …: m 0–6 NUL-terminated data, m 65–79 a length byte then the data. */
  #barcodeCommand(
    bytes: ArrayLike<number>,
    at: number,
    out: EscPosRecord[],
    bad: (length: number, message: string) => Step,
  ): Step {
    if (at + 3 > bytes.length) return 'incomplete';
    const m = bytes[at + 2] as number;
    let data: number[];
    let length: number;
    if (m <= 6) {
      let end = at + 3;
      while (end < bytes.length && bytes[end] !== 0 && end - at - 3 < 255) end++;
      if (end >= bytes.length) return 'incomplete';
      if (bytes[end] !== 0) return bad(3, 'barcode data has no NUL end within 255 bytes');
      data = slice(bytes, at + 3, end - at - 3);
      length = end - at + 1;
    } else if (m >= 65 && m <= 79) {
      if (at + 4 > bytes.length) return 'incomplete';
      const n = bytes[at + 3] as number;
      length = 4 + n;
      if (at + length > bytes.length) return 'incomplete';
      data = slice(bytes, at + 4, n);
    } else {
      return bad(3, `barcode system ${m} is not supported`);
    }
    const symbology = BARCODE_SYSTEMS[m >= 65 ? m - 65 : m] ?? `system ${m}`;
    const text = symbology === 'CODE128' ? readCode128(data) : latin(data);
    if (text === undefined || data.length === 0) {
      return bad(length, `${symbology} data ${hexBytes(data)} is not valid`);
    }
    if (this.#line) this.#printLine(out);
    const { hri, width, height } = this.#barcode;
    out.push({ kind: 'barcode', symbology, data: text, hri, width, height });
    return { length };
  }

  /** GS ( k with cn = 49: QR model, size, error correction, store, print. */
  #twoDimensional(params: number[], out: EscPosRecord[], bad: (message: string) => Step): void {
    const [cn, fn, n1] = params;
    if (cn !== 0x31) {
      bad(`symbol ${cn ?? 'none'} is not QR (49)`);
      return;
    }
    switch (fn) {
      case 0x41: // model: 49 model 1, 50 model 2, 51 micro
        if (n1 === undefined || n1 < 49 || n1 > 51) bad('QR model is not 49-51');
        else this.#qr = { ...this.#qr, model: n1 - 48 };
        return;
      case 0x43: // module size
        if (n1 === undefined || n1 < 1 || n1 > 16) bad('QR module size is not 1-16');
        else this.#qr = { ...this.#qr, size: n1 };
        return;
      case 0x45: {
        const ecc = n1 === undefined ? undefined : QR_ECC[n1];
        if (!ecc) bad('QR error correction is not 48-51');
        else this.#qr = { ...this.#qr, errorCorrection: ecc };
        return;
      }
      case 0x50: // store data (m = 48)
        this.#qr = { ...this.#qr, data: params.slice(3) };
        return;
      case 0x51: {
        // print the stored symbol
        const { data, model, errorCorrection, size } = this.#qr;
        if (!data || data.length === 0) {
          bad('QR print with no data stored');
          return;
        }
        if (this.#line) this.#printLine(out);
        const text = new TextDecoder('utf-8').decode(Uint8Array.from(data));
        out.push({ kind: 'qr', data: text, model, errorCorrection, size });
        return;
      }
      case 0x52: // transmit size: nothing printed
        return;
      default:
        bad(`QR function ${fn ?? 'none'} is not supported`);
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

type QrState = {
  model: number;
  size: number;
  errorCorrection: 'L' | 'M' | 'Q' | 'H';
  data: number[] | undefined;
};
type BarcodeState = { hri: BarcodeHri; width: number; height: number };

const HRI: Record<number, BarcodeHri> = {
  0: 'none',
  1: 'above',
  2: 'below',
  3: 'both',
  48: 'none',
  49: 'above',
  50: 'below',
  51: 'both',
};
const QR_ECC: Record<number, 'L' | 'M' | 'Q' | 'H'> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };
const BARCODE_SYSTEMS = [
  'UPC-A',
  'UPC-E',
  'EAN13',
  'EAN8',
  'CODE39',
  'ITF',
  'CODABAR',
  'CODE93',
  'CODE128',
] as const;

function defaultQr(): QrState {
  return { model: 2, size: 3, errorCorrection: 'L', data: undefined };
}

function defaultBarcode(): BarcodeState {
  return { hri: 'none', width: 3, height: 162 };
}

/** Printable ASCII bytes as text, or undefined. */
function latin(data: readonly number[]): string | undefined {
  return data.every((b) => b >= 0x20 && b <= 0x7e) ? String.fromCharCode(...data) : undefined;
}

/**
 * The text of GS k 73 data: `{A`/`{B`/`{C` choose the code set (one must
 * come first), `{{` is a brace, `{1`–`{4` and `{S` are function/shift codes
 * (not text); set C bytes are pairs of digits 00–99.
 */
function readCode128(data: readonly number[]): string | undefined {
  let set: 'A' | 'B' | 'C' | undefined;
  let text = '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i] as number;
    if (b === 0x7b) {
      const next = data[++i];
      if (next === 0x41 || next === 0x42 || next === 0x43) set = String.fromCharCode(next) as 'A';
      else if (next === 0x7b && set !== undefined && set !== 'C') text += '{';
      else if (next === 0x53 || (next !== undefined && next >= 0x31 && next <= 0x34)) continue;
      else return undefined;
      continue;
    }
    if (set === undefined) return undefined;
    if (set === 'C') {
      if (b > 99) return undefined;
      text += String(b).padStart(2, '0');
    } else if (b >= 0x20 && b <= 0x7e) text += String.fromCharCode(b);
    else if (set === 'A' && b < 0x20) text += '?';
    else return undefined;
  }
  return set === undefined ? undefined : text;
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
