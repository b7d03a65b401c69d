/**
 * Pure parsing for serial scanners: bytes → lines → scan events. No IO, no
 * clock (the caller passes `at`). Rules:
 * [SC1] A line ends at CR, LF or CRLF; empty lines are ignored.
 * [SC2] An optional AIM symbology identifier (`]` + letter + modifier) is
 *       stripped and named; an unknown id is kept raw as the symbology.
 * [SC3] A line longer than MAX_SCAN_LINE_LENGTH is rejected, and the splitter
 *       never buffers more than that while waiting for a line end.
 * [SC4] Parsing never throws: any input is an event or a rejection with a code.
 */
import type { ScanEvent } from './scan-event';

export const MAX_SCAN_LINE_LENGTH = 4096;

/** AIM (ISO/IEC 15424) identifiers the common retail symbologies send. */
export const AIM_SYMBOLOGIES: Readonly<Record<string, string>> = {
  ']A0': 'Code 39',
  ']C0': 'Code 128',
  ']C1': 'GS1-128',
  ']E0': 'EAN-13',
  ']E4': 'EAN-8',
  ']F0': 'Codabar',
  ']G0': 'Code 93',
  ']I0': 'ITF',
  ']I1': 'ITF',
  ']L2': 'PDF417',
  ']Q1': 'QR',
  ']Q3': 'GS1 QR',
  ']d1': 'Data Matrix',
  ']d2': 'GS1 DataMatrix',
  ']e0': 'GS1 DataBar',
};

const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;

export type ScanRejectionCode = 'SCAN_EMPTY' | 'SCAN_TOO_LONG' | 'SCAN_LINE_BREAK';

export type ScanRejection = { code: ScanRejectionCode; message: string; source: string };

export type ScanParseResult =
  { ok: true; event: ScanEvent } | { ok: false; rejection: ScanRejection };

/** [SC2][SC3][SC4] One received line (without its terminator) → a scan event or a rejection. */
export function parseScanLine(
  line: string,
  context: { source: string; at: string },
): ScanParseResult {
  const { source, at } = context;
  const reject = (code: ScanRejectionCode, message: string): ScanParseResult => ({
    ok: false,
    rejection: { code, message, source },
  });
  if (line.length > MAX_SCAN_LINE_LENGTH) {
    return reject(
      'SCAN_TOO_LONG',
      `scan of ${line.length} characters exceeds ${MAX_SCAN_LINE_LENGTH}; check the scanner's suffix setting`,
    );
  }
  if (/[\r\n]/.test(line))
    return reject('SCAN_LINE_BREAK', 'a scan line must not contain CR or LF');
  const aim = AIM_PREFIX.exec(line)?.[0];
  const code = aim ? line.slice(aim.length) : line;
  if (code.length === 0) {
    return reject('SCAN_EMPTY', aim ? `scan ${aim} carried no data` : 'empty scan');
  }
  const event: ScanEvent = { code, source, at };
  if (aim) event.symbology = AIM_SYMBOLOGIES[aim] ?? aim;
  return { ok: true, event };
}

export type SplitResult = { line: string } | { overflow: true };

/**
 * [SC1][SC3] Splits decoded text into lines. Holds at most `maxLength`
 * characters: a line that grows past it is reported once as `{ overflow }` at
 * once, and its text is dropped up to the next line end, so a scanner that
 * never sends CR/LF cannot exhaust memory.
 */
export class ScanLineSplitter {
  #buffer = '';
  #dropping = false;

  constructor(private readonly maxLength = MAX_SCAN_LINE_LENGTH) {}

  push(text: string): SplitResult[] {
    const results: SplitResult[] = [];
    let start = 0;
    for (let i = 0; i <= text.length; i++) {
      const ch = text.charCodeAt(i);
      const atLineEnd = ch === 0x0d || ch === 0x0a;
      if (!atLineEnd && i < text.length) continue;
      this.#append(text.slice(start, i), results);
      start = i + 1;
      if (!atLineEnd) break;
      if (!this.#dropping && this.#buffer.length > 0) results.push({ line: this.#buffer });
      this.#buffer = '';
      this.#dropping = false;
    }
    return results;
  }

  /** Characters waiting for a line end (never more than `maxLength`). */
  get pending(): number {
    return this.#buffer.length;
  }

  #append(piece: string, results: SplitResult[]): void {
    if (this.#dropping || piece.length === 0) return;
    if (this.#buffer.length + piece.length > this.maxLength) {
      results.push({ overflow: true });
      this.#buffer = '';
      this.#dropping = true;
      return;
    }
    this.#buffer += piece;
  }
}
