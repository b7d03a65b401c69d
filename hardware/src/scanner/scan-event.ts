/** One barcode read, the same shape for every kind of scanner (serial, HID, keyboard wedge). */
export type ScanEvent = {
  /** The barcode data, without any AIM symbology identifier. */
  code: string;
  /** A readable symbology name ('EAN-13') when the scanner sent a known AIM id, else the raw id (']X9'). */
  symbology?: string;
  /** Which scanner read it (its device id). */
  source: string;
  /** When it was read, ISO 8601. */
  at: string;
};
