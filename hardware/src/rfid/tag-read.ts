/**
 * One RFID tag read, the same shape for every reader (R2000, UHFReader18).
 * Pure types: the browser renderer sees them too.
 */
export type TagRead = {
  /** The EPC as uppercase hex. */
  epc: string;
  /** 'sgtin-96' when the EPC names a trade item; other schemes are 'unknown' and still reported. */
  scheme: 'sgtin-96' | 'unknown';
  /** GTIN-14 of an SGTIN-96. */
  gtin?: string;
  /** Serial number of an SGTIN-96. */
  serial?: string;
  /** EPC tag URI when the scheme is known (urn:epc:tag:...). */
  tagUri?: string;
  /** Antenna 1-based, when the reader says. */
  antenna?: number;
  /** Signal strength in dBm, when the reader says. */
  rssi?: number;
  /** Which reader read it (its device id). */
  source: string;
  /** When it was read, ISO 8601. */
  at: string;
};
