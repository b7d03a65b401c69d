/**
 * The few ESC/POS commands our receipts need (Epson ESC/POS reference; the
 * same bytes work on Xprinter, Rongta, Sunmi and other 58/80 mm printers).
 * [EP1] Text is printable ASCII as-is; Latin characters of WPC1252 (é, ü, €)
 *      as that code page's bytes after `ESC t 16`; every other character is
 *      GB18030 inside `FS &` … `FS .` (Chinese/Kanji mode). [EP2] Text never
 *      carries control bytes (see printableText). [EP3] The drawer kick is
 *      `ESC p 0 25 250`: pin 2, 50 ms on, 500 ms off. [EP4] QR codes are model 2
 *      with `GS ( k` (store, then print); Code 128 is `GS k 73` in code set B
 *      with the human-readable text printed below by the printer (`GS H 2`).
 */
import iconv from 'iconv-lite';
import { WPC1252_TABLE, wpc1252Byte } from './code-page';
import { printableText } from './text-width';

export const LF = 0x0a;
export const ESC = 0x1b;
export const FS = 0x1c;
export const GS = 0x1d;

export type Align = 'left' | 'center' | 'right';
const ALIGN_CODE: Record<Align, number> = { left: 0, center: 1, right: 2 };

export type DrawerKick = {
  /** 0: connector pin 2 (drawer 1); 1: pin 5 (drawer 2). */
  pin: 0 | 1;
  /** Pulse on-time in 2 ms units (25 → 50 ms). */
  onTime: number;
  /** Pulse off-time in 2 ms units (250 → 500 ms). */
  offTime: number;
};

/** [EP3] Pin 2 with a 50 ms pulse and 500 ms rest: what common drawers (e.g. 24 V solenoids) expect. */
export const DEFAULT_DRAWER_KICK: DrawerKick = { pin: 0, onTime: 25, offTime: 250 };

export const escpos = {
  /** ESC @: reset the printer's modes. */
  init: () => Uint8Array.of(ESC, 0x40),
  /** ESC E n: emphasized (bold) on/off. */
  bold: (on: boolean) => Uint8Array.of(ESC, 0x45, on ? 1 : 0),
  /** ESC a n: justification of the following lines. */
  align: (align: Align) => Uint8Array.of(ESC, 0x61, ALIGN_CODE[align]),
  /** GS ! n: character size, width and height multipliers 1–8 (double size = 2, 2). */
  size: (width: number, height: number) =>
    Uint8Array.of(GS, 0x21, ((clampSize(width) - 1) << 4) | (clampSize(height) - 1)),
  /** ESC d n: print the buffer and feed n lines. */
  feed: (lines: number) => Uint8Array.of(ESC, 0x64, Math.max(0, Math.min(255, lines))),
  /** GS V 66 0: feed to the cutter and cut partially (one point left uncut). */
  partialCut: () => Uint8Array.of(GS, 0x56, 66, 0),
  /** [EP3] ESC p m t1 t2: pulse the drawer-kick connector. */
  drawerKick: ({ pin, onTime, offTime }: DrawerKick = DEFAULT_DRAWER_KICK) =>
    Uint8Array.of(ESC, 0x70, pin, byte(onTime), byte(offTime)),
  /** [EP1][EP2] Text without a line end. */
  text: encodeText,
  /** Text and LF, which prints the line. */
  line: (text = '') => concatBytes([encodeText(text), Uint8Array.of(LF)]),
  /** ESC t n: the single-byte code page for bytes 0x80–0xFF outside Chinese mode. */
  codePage: (table: number = WPC1252_TABLE) => Uint8Array.of(ESC, 0x74, byte(table)),
  /** FS .: Chinese mode off (some Chinese printers start with it on). */
  chineseOff: () => Uint8Array.of(FS, 0x2e),
  qrCode,
  code128,
};

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';
const QR_ECC: Record<QrErrorCorrection, number> = { L: 48, M: 49, Q: 50, H: 51 };
/** What GS ( k can store for a model 2 QR code. */
export const QR_MAX_BYTES = 7089;

/**
 * [EP4] A model 2 QR code of `data` (UTF-8): select the model, the module size
 * in dots (1–16), the error correction, store the data, print it.
 */
export function qrCode(
  data: string,
  options: { moduleSize?: number; errorCorrection?: QrErrorCorrection } = {},
): Uint8Array {
  const payload = new TextEncoder().encode(data).subarray(0, QR_MAX_BYTES);
  const size = Math.max(1, Math.min(16, Math.trunc(options.moduleSize ?? 6)));
  const store = payload.length + 3;
  return concatBytes([
    Uint8Array.of(GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 50, 0), // model 2
    Uint8Array.of(GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, size),
    Uint8Array.of(GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, QR_ECC[options.errorCorrection ?? 'M']),
    Uint8Array.of(GS, 0x28, 0x6b, store & 0xff, store >> 8, 0x31, 0x50, 0x30),
    payload,
    Uint8Array.of(GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30), // print
  ]);
}

/** Code 128 symbols (start, data, check, stop) of `data` in code set B, or undefined when it cannot be. */
export function code128Symbols(data: string): number | undefined {
  return /^[\x20-\x7e]{1,200}$/.test(data) ? data.length + 3 : undefined;
}

/**
 * [EP4] A Code 128 barcode of printable-ASCII `data` in code set B (`{B`, `{`
 * doubled), `moduleWidth` dots per module (2–6), `height` dots, with the
 * human-readable text below. Throws on data Code 128 set B cannot carry.
 */
export function code128(
  data: string,
  options: { moduleWidth?: number; height?: number } = {},
): Uint8Array {
  if (code128Symbols(data) === undefined) {
    throw new RangeError('Code 128 set B takes 1 to 200 printable ASCII characters');
  }
  const body = new TextEncoder().encode(`{B${data.replaceAll('{', '{{')}`);
  if (body.length > 255) throw new RangeError('Code 128 data is longer than 255 bytes');
  return concatBytes([
    Uint8Array.of(GS, 0x48, 2), // HRI below
    Uint8Array.of(GS, 0x66, 0), // HRI font A
    Uint8Array.of(GS, 0x68, byte(options.height ?? 80)),
    Uint8Array.of(GS, 0x77, Math.max(2, Math.min(6, Math.trunc(options.moduleWidth ?? 2)))),
    Uint8Array.of(GS, 0x6b, 73, body.length),
    body,
  ]);
}

/**
 * [EP1][EP2] ASCII runs as-is; Latin runs of WPC1252 after ESC t 16; other runs
 * as GB18030 between FS & and FS .
 */
export function encodeText(text: string): Uint8Array {
  const parts: Uint8Array[] = [];
  const pattern = /[\x20-\x7e]+|[\u00a0-\uffff\u{10000}-\u{10ffff}]/gu;
  let chinese = '';
  let latin: number[] = [];
  const flush = () => {
    if (latin.length) parts.push(escpos.codePage(WPC1252_TABLE), Uint8Array.from(latin));
    if (chinese) {
      parts.push(
        Uint8Array.of(FS, 0x26),
        iconv.encode(chinese, 'gb18030'),
        Uint8Array.of(FS, 0x2e),
      );
    }
    latin = [];
    chinese = '';
  };
  for (const [run] of printableText(text).matchAll(pattern)) {
    const code = run.charCodeAt(0);
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      parts.push(new TextEncoder().encode(run));
      continue;
    }
    const single = wpc1252Byte(run);
    if (single !== undefined) {
      if (chinese) flush();
      latin.push(single);
    } else {
      if (latin.length) flush();
      chinese += run;
    }
  }
  flush();
  return concatBytes(parts);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function clampSize(multiplier: number): number {
  return Math.max(1, Math.min(8, Math.trunc(multiplier)));
}

function byte(value: number): number {
  return Math.max(0, Math.min(255, Math.trunc(value)));
}
