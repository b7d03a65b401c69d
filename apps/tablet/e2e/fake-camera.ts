/**
 * The fake camera of the end-to-end tests: a Y4M video (what Chromium's
 * `--use-file-for-fake-video-capture` plays) of a product's EAN-13 barcode,
 * drawn large and clean in the luma plane, as a clerk would hold it in
 * front of the tablet. The EAN-13 encoder is the standard's: start guard,
 * six left digits in L or G codes chosen by the first digit's parity
 * pattern, centre guard, six right digits in R codes, end guard.
 */
import { writeFileSync } from 'node:fs';

const L_CODES = [
  '0001101',
  '0011001',
  '0010011',
  '0111101',
  '0100011',
  '0110001',
  '0101111',
  '0111011',
  '0110111',
  '0001011',
];
/** G codes are the R codes reversed; R codes are the L codes inverted. */
const R_CODES = L_CODES.map((code) => [...code].map((bit) => (bit === '0' ? '1' : '0')).join(''));
const G_CODES = R_CODES.map((code) => [...code].reverse().join(''));
/** Which of the left digits use G codes, by the first digit. */
const PARITY = [
  'LLLLLL',
  'LLGLGG',
  'LLGGLG',
  'LLGGGL',
  'LGLLGG',
  'LGGLLG',
  'LGGGLL',
  'LGLGLG',
  'LGLGGL',
  'LGGLGL',
];

/** The EAN-13 check digit of 12 digits. */
export function ean13CheckDigit(twelve: string): number {
  if (!/^\d{12}$/.test(twelve))
    throw new Error(`EAN-13 needs 12 digits before its check digit, got "${twelve}"`);
  const sum = [...twelve].reduce(
    (total, digit, i) => total + Number(digit) * (i % 2 === 0 ? 1 : 3),
    0,
  );
  return (10 - (sum % 10)) % 10;
}

/** The 95 modules (1 = bar) of an EAN-13 code; `code` is 13 digits with a right check digit. */
export function ean13Modules(code: string): string {
  if (!/^\d{13}$/.test(code)) throw new Error(`an EAN-13 code has 13 digits, got "${code}"`);
  if (ean13CheckDigit(code.slice(0, 12)) !== Number(code[12])) {
    throw new Error(`"${code}" has a wrong check digit`);
  }
  const digits = [...code].map(Number);
  const parity = PARITY[digits[0]!]!;
  const left = digits
    .slice(1, 7)
    .map((d, i) => (parity[i] === 'G' ? G_CODES[d] : L_CODES[d]))
    .join('');
  const right = digits
    .slice(7)
    .map((d) => R_CODES[d])
    .join('');
  return `101${left}01010${right}101`;
}

export const FRAME = { width: 640, height: 480 } as const;
/** Video-range luma: black bars on white paper. */
const BLACK = 16;
const WHITE = 235;

/** One 640×480 luma plane with `code`'s bars centred, 5 pixels a module, 11 modules of quiet zone. */
export function barcodeLuma(code: string): Uint8Array {
  const modules = ean13Modules(code);
  const { width, height } = FRAME;
  const moduleWidth = 5;
  const luma = new Uint8Array(width * height).fill(WHITE);
  const left = Math.floor((width - modules.length * moduleWidth) / 2);
  const top = 90;
  const bottom = height - 90;
  for (let y = top; y < bottom; y++) {
    for (let m = 0; m < modules.length; m++) {
      if (modules[m] !== '1') continue;
      const x0 = left + m * moduleWidth;
      luma.fill(BLACK, y * width + x0, y * width + x0 + moduleWidth);
    }
  }
  return luma;
}

/** A Y4M (YUV4MPEG2, 4:2:0) video of `frames` identical frames of `luma`, grey chroma. */
export function y4mOf(luma: Uint8Array, frames = 5): Buffer {
  const { width, height } = FRAME;
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), chroma]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}

/** Writes the fake camera's video of `code` to `path` (for Chromium's fake capture flag). */
export function writeBarcodeVideo(path: string, code: string): string {
  writeFileSync(path, y4mOf(barcodeLuma(code)));
  return path;
}
