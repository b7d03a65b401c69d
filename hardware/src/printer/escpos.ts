/**
 * The few ESC/POS commands our receipts need (Epson ESC/POS reference; the
 * same bytes work on Xprinter, Rongta, Sunmi and other 58/80 mm printers).
 * [E1] Text is printable ASCII as-is; every other character is GB18030 inside
 *      `FS &` … `FS .` (Chinese/Kanji mode). [E2] Text never carries control
 *      bytes (see printableText). [E3] The drawer kick is `ESC p 0 25 250`:
 *      pin 2, 50 ms on, 500 ms off.
 */
import iconv from 'iconv-lite';
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

/** [E3] Pin 2 with a 50 ms pulse and 500 ms rest: what common drawers (e.g. 24 V solenoids) expect. */
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
  /** [E3] ESC p m t1 t2: pulse the drawer-kick connector. */
  drawerKick: ({ pin, onTime, offTime }: DrawerKick = DEFAULT_DRAWER_KICK) =>
    Uint8Array.of(ESC, 0x70, pin, byte(onTime), byte(offTime)),
  /** [E1][E2] Text without a line end. */
  text: encodeText,
  /** Text and LF, which prints the line. */
  line: (text = '') => concatBytes([encodeText(text), Uint8Array.of(LF)]),
};

/** [E1][E2] ASCII runs as-is; other runs as GB18030 between FS & and FS . */
export function encodeText(text: string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const run of printableText(text).match(/[\x20-\x7e]+|[^\x20-\x7e]+/g) ?? []) {
    const code = run.charCodeAt(0);
    if (code >= 0x20 && code <= 0x7e) parts.push(new TextEncoder().encode(run));
    else parts.push(Uint8Array.of(FS, 0x26), iconv.encode(run, 'gb18030'), Uint8Array.of(FS, 0x2e));
  }
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
