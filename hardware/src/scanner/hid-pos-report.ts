/**
 * Pure parsing of HID POS scanner input reports (USB HID Point of Sale Usage
 * Tables 1.02, usage page 0x8C "Bar Code Scanner"). A scanner in "HID POS"
 * mode (Honeywell, Zebra, Datalogic, Newland: "USB HID POS" / "HID COM")
 * sends each barcode as one or more Scanned Data Reports:
 *
 *   byte 0      report id (0x02, Scanned Data Report)
 *   byte 1      number of data bytes in this report (0..capacity)
 *   bytes 2-4   Symbology Identifier 1-3 (AIM id ']' letter modifier, or
 *               letter modifier + vendor code id; zeros when not sent)
 *   bytes 5..   decoded data, `capacity` bytes (56 in a 64-byte report)
 *   last byte   bit 0: Decoded Data Continued (more reports follow)
 *
 * [HP1] A report is a chunk or an error record with a code; parsing never throws.
 * [HP2] Continued chunks are joined into one scan; a scan is at most
 *       MAX_SCAN_LINE_LENGTH bytes and no more than that is held.
 * [HP3] The symbology is named from its AIM id like serial scans; an id we
 *       do not know is kept raw, and none is reported when all zero.
 */
import type { ScanEvent } from './scan-event';
import { AIM_SYMBOLOGIES, MAX_SCAN_LINE_LENGTH } from './scan-line';

/** HID usage page of bar code scanners. */
export const HID_POS_USAGE_PAGE = 0x8c;
/** Usage id of a bar code scanner application collection on that page. */
export const HID_POS_USAGE_SCANNER = 0x02;
export const HID_POS_SCANNED_DATA_REPORT_ID = 0x02;

const HEADER = 5;
const TRAILER = 3;

export type HidReportErrorCode =
  | 'HID_NOT_SCAN_REPORT'
  | 'HID_SHORT_REPORT'
  | 'HID_BAD_LENGTH'
  | 'HID_SCAN_TOO_LONG'
  | 'HID_SCAN_EMPTY';

export type HidReportError = { code: HidReportErrorCode; message: string };

export type HidScanChunk = {
  data: Uint8Array;
  /** Readable name, raw AIM id, or undefined when the scanner sent none. */
  symbology: string | undefined;
  continued: boolean;
};

export type HidReportResult =
  { ok: true; chunk: HidScanChunk } | { ok: false; error: HidReportError };

/** [HP1][HP3] One input report (as node-hid delivers it, report id first). */
export function parseScannedDataReport(
  report: Uint8Array,
  options: { reportId?: number } = {},
): HidReportResult {
  const reportId = options.reportId ?? HID_POS_SCANNED_DATA_REPORT_ID;
  const fail = (code: HidReportErrorCode, message: string): HidReportResult => ({
    ok: false,
    error: { code, message },
  });
  if (report.length < HEADER + TRAILER) {
    return fail('HID_SHORT_REPORT', `report of ${report.length} bytes is too short`);
  }
  if (report[0] !== reportId) {
    return fail(
      'HID_NOT_SCAN_REPORT',
      `report id 0x${hex(report[0] ?? 0)} is not a Scanned Data Report (0x${hex(reportId)})`,
    );
  }
  const capacity = report.length - HEADER - TRAILER;
  const length = report[1] ?? 0;
  if (length > capacity) {
    return fail(
      'HID_BAD_LENGTH',
      `report says ${length} data bytes, but a ${report.length}-byte report holds ${capacity}`,
    );
  }
  return {
    ok: true,
    chunk: {
      data: report.slice(HEADER, HEADER + length),
      symbology: symbologyName(report[2] ?? 0, report[3] ?? 0, report[4] ?? 0),
      continued: ((report[report.length - 1] ?? 0) & 1) === 1,
    },
  };
}

/** [HP3] Names the three Symbology Identifier bytes. */
export function symbologyName(a: number, b: number, c: number): string | undefined {
  if (a === 0 && b === 0 && c === 0) return undefined;
  const chars = String.fromCharCode(a, b, c);
  if (/^\][A-Za-z][0-9A-Za-z]$/.test(chars)) return AIM_SYMBOLOGIES[chars] ?? chars;
  // Letter + modifier, then a vendor code id (Honeywell).
  if (/^[A-Za-z][0-9A-Za-z]$/.test(chars.slice(0, 2))) {
    const aim = `]${chars.slice(0, 2)}`;
    return AIM_SYMBOLOGIES[aim] ?? aim;
  }
  return `HID ${hex(a)} ${hex(b)} ${hex(c)}`;
}

/**
 * [HP2] Joins continued reports into scans. Feed every input report; each
 * call returns a scan when one completed, an error for a bad report, or
 * nothing while a scan is continued.
 */
export class HidScanAssembler {
  #parts: Uint8Array[] = [];
  #held = 0;
  #tooLong = false;
  #symbology: string | undefined;
  readonly #decoder = new TextDecoder('utf-8');

  constructor(private readonly options: { reportId?: number; maxLength?: number } = {}) {}

  push(
    report: Uint8Array,
    context: { source: string; at: string },
  ): { scan: ScanEvent } | { error: HidReportError } | undefined {
    const maxLength = this.options.maxLength ?? MAX_SCAN_LINE_LENGTH;
    const parsed = parseScannedDataReport(
      report,
      this.options.reportId === undefined ? {} : { reportId: this.options.reportId },
    );
    if (!parsed.ok) {
      // A report that is not a scan (e.g. a status report) leaves a scan in progress alone.
      if (parsed.error.code !== 'HID_NOT_SCAN_REPORT') this.#reset();
      return { error: parsed.error };
    }
    const { data, symbology, continued } = parsed.chunk;
    if (this.#parts.length === 0) this.#symbology = symbology;
    if (!this.#tooLong && this.#held + data.length <= maxLength) {
      this.#parts.push(data);
      this.#held += data.length;
    } else {
      this.#tooLong = true;
      this.#parts = [];
      this.#held = 0;
    }
    if (continued) return undefined;

    const tooLong = this.#tooLong;
    const bytes = concat(this.#parts);
    const symbologyOfScan = this.#symbology;
    this.#reset();
    if (tooLong) {
      return {
        error: { code: 'HID_SCAN_TOO_LONG', message: `scan exceeds ${maxLength} bytes` },
      };
    }
    const code = this.#decoder.decode(bytes).replace(/[\r\n]+$/, '');
    if (code.length === 0) return { error: { code: 'HID_SCAN_EMPTY', message: 'empty scan' } };
    return {
      scan: {
        code,
        ...(symbologyOfScan ? { symbology: symbologyOfScan } : {}),
        source: context.source,
        at: context.at,
      },
    };
  }

  /** Bytes held for a continued scan (never more than maxLength). */
  get pending(): number {
    return this.#held;
  }

  #reset(): void {
    this.#parts = [];
    this.#held = 0;
    this.#tooLong = false;
    this.#symbology = undefined;
  }
}

/** What node-hid's `devices()` reports about a device (the fields we read). */
export type HidDeviceInfo = {
  path?: string | undefined;
  vendorId: number;
  productId: number;
  usagePage?: number | undefined;
  usage?: number | undefined;
  product?: string | undefined;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
};

/** HID devices that are bar code scanners in HID POS mode (usage page 0x8C). */
export function findHidPosScanners<T extends HidDeviceInfo>(devices: readonly T[]): T[] {
  return devices.filter((device) => device.usagePage === HID_POS_USAGE_PAGE && device.path);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}
