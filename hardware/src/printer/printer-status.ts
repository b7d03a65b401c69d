/**
 * ESC/POS real-time status (`DLE EOT n`, Epson ESC/POS reference) and what
 * it means for the cashier, in plain words. Pure: no IO.
 * [PS1] Every status byte has the fixed pattern 0xx1xx10 (bits 0 and 7 clear,
 *       bits 1 and 4 set); a byte without it is not a status answer.
 * [PS2] Paper out, cover open, a cutter or other error, and offline block
 *       printing; paper near its end and an open drawer do not.
 * [PS3] Each problem has a code, a message a cashier understands, and what
 *       to do about it.
 */
import type { DeviceProblem, DeviceProblemCode } from '../device-status';

export const DLE = 0x10;
export const EOT = 0x04;

/** 1 printer, 2 offline cause, 3 error cause, 4 roll paper sensor. */
export type StatusRequest = 1 | 2 | 3 | 4;

/** DLE EOT n: ask for one status byte; the printer answers at once, even when offline. */
export const statusRequest = (n: StatusRequest) => Uint8Array.of(DLE, EOT, n);

const FIXED_MASK = 0x93;
const FIXED_BITS = 0x12;

/** [PS1] */
export function isStatusByte(byte: number): boolean {
  return (byte & FIXED_MASK) === FIXED_BITS;
}

export type PrinterFlags = {
  /** n=1 bit 3 clear. */
  online: boolean;
  /** n=1 bit 2: the drawer kick-out connector's pin 3 is high. */
  drawerPinHigh: boolean;
  /** n=2 bit 2. */
  coverOpen: boolean;
  /** n=2 bit 5 or n=4 bits 5-6: printing stopped for lack of paper. */
  paperOut: boolean;
  /** n=4 bits 2-3. */
  paperNearEnd: boolean;
  /** n=3 bit 3. */
  cutterError: boolean;
  /** n=3 bit 5. */
  unrecoverableError: boolean;
  /** n=2 bit 6: an error occurred (see the error flags). */
  error: boolean;
};

export const PRINTER_READY: PrinterFlags = {
  online: true,
  drawerPinHigh: false,
  coverOpen: false,
  paperOut: false,
  paperNearEnd: false,
  cutterError: false,
  unrecoverableError: false,
  error: false,
};

/** The status bytes, by request. n=3 may be missing (only asked after an error). */
export type StatusBytes = { 1: number; 2: number; 4: number; 3?: number };

export function decodePrinterStatus(bytes: StatusBytes): PrinterFlags {
  const bit = (byte: number | undefined, n: number) => ((byte ?? FIXED_BITS) & (1 << n)) !== 0;
  return {
    online: !bit(bytes[1], 3),
    drawerPinHigh: bit(bytes[1], 2),
    coverOpen: bit(bytes[2], 2),
    paperOut: bit(bytes[2], 5) || (bit(bytes[4], 5) && bit(bytes[4], 6)),
    paperNearEnd: bit(bytes[4], 2) && bit(bytes[4], 3),
    cutterError: bit(bytes[3], 3),
    unrecoverableError: bit(bytes[3], 5),
    error: bit(bytes[2], 6),
  };
}

/** The bytes a printer in this state answers to DLE EOT 1-4 (for the simulator). */
export function encodePrinterStatus(flags: PrinterFlags): Required<StatusBytes> {
  const set = (n: number, on: boolean) => (on ? 1 << n : 0);
  const stopped = flags.paperOut || flags.coverOpen || flags.error || !flags.online;
  return {
    1: FIXED_BITS | set(2, flags.drawerPinHigh) | set(3, stopped),
    2: FIXED_BITS | set(2, flags.coverOpen) | set(5, flags.paperOut) | set(6, flags.error),
    3: FIXED_BITS | set(3, flags.cutterError) | set(5, flags.unrecoverableError),
    4: FIXED_BITS | (flags.paperNearEnd || flags.paperOut ? 0x0c : 0) | (flags.paperOut ? 0x60 : 0),
  };
}

/** How the drawer's switch is wired: most drawers report open with pin 3 high. */
export type DrawerOpenLevel = 'high' | 'low';

const PROBLEMS: Record<DeviceProblemCode, Omit<DeviceProblem, 'code'>> = {
  PAPER_OUT: {
    message: 'Printer out of paper',
    action: 'Load a new paper roll and close the cover, then print again.',
    blocksPrinting: true,
  },
  COVER_OPEN: {
    message: 'Printer cover is open',
    action: 'Close the printer cover, then print again.',
    blocksPrinting: true,
  },
  CUTTER_ERROR: {
    message: 'Printer cutter is jammed',
    action: 'Open the cover, clear the paper from the cutter, close the cover.',
    blocksPrinting: true,
  },
  PRINTER_ERROR: {
    message: 'Printer has an error',
    action: 'Turn the printer off and on again; call support if it stays.',
    blocksPrinting: true,
  },
  PRINTER_OFFLINE: {
    message: 'Printer is offline',
    action: 'Check that the printer is on and its cover is closed.',
    blocksPrinting: true,
  },
  PAPER_LOW: {
    message: 'Printer paper is running low',
    action: 'Have a new paper roll ready.',
    blocksPrinting: false,
  },
  DRAWER_OPEN: {
    message: 'Cash drawer is open',
    action: 'Close the cash drawer.',
    blocksPrinting: false,
  },
  NO_STATUS: {
    message: 'Printer does not answer status requests',
    action: 'Check the cable; some printers and cables only receive.',
    blocksPrinting: false,
  },
};

export function problem(code: DeviceProblemCode): DeviceProblem {
  return { code, ...PROBLEMS[code] };
}

/** [PS2][PS3] The printer's problems, most urgent first (empty when all is well). */
export function printerProblems(
  flags: PrinterFlags,
  drawerOpenLevel: DrawerOpenLevel = 'high',
): DeviceProblem[] {
  const codes: DeviceProblemCode[] = [];
  if (flags.paperOut) codes.push('PAPER_OUT');
  if (flags.coverOpen) codes.push('COVER_OPEN');
  if (flags.cutterError) codes.push('CUTTER_ERROR');
  const explained = flags.cutterError || flags.coverOpen || flags.paperOut;
  if (flags.unrecoverableError || (flags.error && !explained)) codes.push('PRINTER_ERROR');
  if (!flags.online && codes.length === 0) codes.push('PRINTER_OFFLINE');
  if (flags.paperNearEnd && !flags.paperOut) codes.push('PAPER_LOW');
  if (flags.drawerPinHigh === (drawerOpenLevel === 'high')) codes.push('DRAWER_OPEN');
  return codes.map(problem);
}

/** "Printer out of paper. Load a new paper roll and close the cover, then print again." */
export function describeProblem(p: DeviceProblem): string {
  return `${p.message}. ${p.action}`;
}
