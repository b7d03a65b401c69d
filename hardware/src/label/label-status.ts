/**
 * What a label printer says about itself, and what that means for printing.
 * Pure.
 * [LS1] ZPL: the answer to `~HS` is three lines, each framed STX … ETX CR LF;
 *       the first says paper out (2nd field) and pause (3rd), the second
 *       head open (3rd) and ribbon out (4th). Anything else is no answer.
 * [LS2] TSPL: the answer to `<ESC>!?` is one byte: bit 0 head open, 1 paper
 *       jam, 2 paper out, 3 ribbon out, 4 pause, 5 printing, 6 cover open,
 *       7 other error.
 * [LS3] Out of labels, head or cover open, a jam, out of ribbon, an error
 *       and pause block printing, each with plain words and what to do.
 */
import type { DeviceProblem, DeviceProblemCode } from '../device-status';

export type LabelPrinterFlags = {
  paperOut: boolean;
  headOpen: boolean;
  paused: boolean;
  ribbonOut: boolean;
  paperJam: boolean;
  error: boolean;
};

export const READY_FLAGS: LabelPrinterFlags = {
  paperOut: false,
  headOpen: false,
  paused: false,
  ribbonOut: false,
  paperJam: false,
  error: false,
};

const STX = 0x02;
const ETX = 0x03;

/** [LS1] The three `~HS` lines' bodies in `bytes`, once all have arrived. */
export function hostStatusFrames(bytes: Uint8Array): string[] | undefined {
  const frames: string[] = [];
  let at = bytes.indexOf(STX);
  while (at >= 0 && frames.length < 3) {
    const end = bytes.indexOf(ETX, at + 1);
    if (end < 0) return undefined;
    frames.push(Buffer.from(bytes.subarray(at + 1, end)).toString('latin1'));
    at = bytes.indexOf(STX, end + 1);
  }
  return frames.length === 3 ? frames : undefined;
}

/** [LS1] The flags in a `~HS` answer, or undefined when it is not one. */
export function parseHostStatus(frames: readonly string[]): LabelPrinterFlags | undefined {
  const first = frames[0]?.split(',');
  const second = frames[1]?.split(',');
  if (!first || !second || first.length < 3 || second.length < 4) return undefined;
  const flag = (value: string | undefined) =>
    value === '1' ? true : value === '0' ? false : undefined;
  const [paperOut, paused, headOpen, ribbonOut] = [
    flag(first[1]),
    flag(first[2]),
    flag(second[2]),
    flag(second[3]),
  ];
  if (paperOut === undefined || paused === undefined || headOpen === undefined) return undefined;
  return { ...READY_FLAGS, paperOut, paused, headOpen, ribbonOut: ribbonOut ?? false };
}

/** [LS1] The printer's answer to `~HS` for `flags` (what the simulator sends). */
export function hostStatusAnswer(flags: LabelPrinterFlags): Uint8Array {
  const bit = (on: boolean) => (on ? '1' : '0');
  const lines = [
    `030,${bit(flags.paperOut)},${bit(flags.paused)},1199,000,0,0,0,000,0,0,0`,
    `001,0,${bit(flags.headOpen)},${bit(flags.ribbonOut)},0,2,6,0,00000000,1,000`,
    '1234,0',
  ];
  return new TextEncoder().encode(lines.map((line) => `\x02${line}\x03\r\n`).join(''));
}

/** [LS2] The flags in a TSPL status byte. */
export function decodeTsplStatus(byte: number): LabelPrinterFlags {
  const bit = (n: number) => (byte & (1 << n)) !== 0;
  return {
    headOpen: bit(0) || bit(6),
    paperJam: bit(1),
    paperOut: bit(2),
    ribbonOut: bit(3),
    paused: bit(4),
    error: bit(7),
  };
}

/** [LS2] The TSPL status byte for `flags` (what the simulator sends). */
export function tsplStatusByte(flags: LabelPrinterFlags): number {
  const bit = (on: boolean, n: number) => (on ? 1 << n : 0);
  return (
    bit(flags.headOpen, 0) |
    bit(flags.paperJam, 1) |
    bit(flags.paperOut, 2) |
    bit(flags.ribbonOut, 3) |
    bit(flags.paused, 4) |
    bit(flags.error, 7)
  );
}

const words = (
  code: DeviceProblemCode,
  message: string,
  action: string,
  blocksPrinting = true,
): DeviceProblem => ({ code, message, action, blocksPrinting });

/** [LS3] The label printer's problems, most urgent first (empty when all is well). */
export function labelPrinterProblems(flags: LabelPrinterFlags): DeviceProblem[] {
  const problems: DeviceProblem[] = [];
  if (flags.paperOut) {
    problems.push(
      words(
        'PAPER_OUT',
        'Label printer out of labels',
        'Load a new label roll and close the print head, then print again.',
      ),
    );
  }
  if (flags.headOpen) {
    problems.push(
      words(
        'COVER_OPEN',
        'Label printer head is open',
        'Close the print head until it clicks, then print again.',
      ),
    );
  }
  if (flags.paperJam) {
    problems.push(
      words(
        'PRINTER_ERROR',
        'Labels are jammed',
        'Open the print head, clear the labels, close the head.',
      ),
    );
  }
  if (flags.ribbonOut) {
    problems.push(
      words('PRINTER_ERROR', 'Label printer out of ribbon', 'Load a new ribbon, then print again.'),
    );
  }
  if (flags.error && problems.length === 0) {
    problems.push(
      words(
        'PRINTER_ERROR',
        'Label printer has an error',
        'Turn the label printer off and on again; call support if it stays.',
      ),
    );
  }
  if (flags.paused) {
    problems.push(
      words(
        'PRINTER_OFFLINE',
        'Label printer is paused',
        'Press the pause (or feed) button on the label printer.',
      ),
    );
  }
  return problems;
}

export const NO_STATUS_PROBLEM: DeviceProblem = words(
  'NO_STATUS',
  'Label printer does not answer status requests',
  'Check the cable; some printers and cables only receive.',
  false,
);
