/** Which devices a terminal drives, and where they are attached. */
export type DevicesConfig = {
  scanners: { id: string; path: string; baudRate?: number }[];
  printer?: { id: string; path: string; baudRate?: number };
  receiptTimeZone?: string;
};
