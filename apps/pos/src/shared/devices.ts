/** Which devices a terminal drives, and where they are attached. */

/** Which level of the drawer switch (DLE EOT 1, bit 2: connector pin 3) means open. */
export type DrawerOpenLevel = 'high' | 'low';

type PrinterCommon = {
  id: string;
  /**
   * Default 'high': most drawers close the switch when shut, so pin 3 is high
   * while open. A drawer wired the other way needs 'low'.
   */
  drawerOpenLevel?: DrawerOpenLevel;
};

/** An ESC/POS receipt printer on a serial port (RS-232, or USB in serial/CDC mode). */
export type SerialPrinterConfig = PrinterCommon & {
  /** Default 'serial', so a configuration from before the other kinds still reads. */
  type?: 'serial';
  path: string;
  /** Default 9600. */
  baudRate?: number;
};

/** A network ESC/POS printer (raw TCP, "JetDirect"/port 9100). */
export type TcpPrinterConfig = PrinterCommon & {
  type: 'tcp';
  host: string;
  /** Default 9100. */
  port?: number;
};

/**
 * A USB printer-class printer through its device file (Linux usblp:
 * /dev/usb/lp0). The device file gives no status back, so the drawer's
 * state is not known and `drawerOpenLevel` cannot be set.
 */
export type UsbPrinterConfig = Omit<PrinterCommon, 'drawerOpenLevel'> & {
  type: 'usb';
  path: string;
};

export type PrinterConfig = SerialPrinterConfig | TcpPrinterConfig | UsbPrinterConfig;

/** A label printer for shipping labels: ZPL or TSPL, on the network (TCP 9100) or a serial port. */
export type LabelPrinterConfig = {
  id: string;
  /** The printer's language: 'zpl' (Zebra and compatibles) or 'tspl' (TSC, Xprinter, Gprinter). */
  language: 'zpl' | 'tspl';
  /** Default 203. */
  dpi?: 203 | 300;
  /** ZPL: the printer's font with Chinese glyphs; default E:SIMSUN.FNT. */
  cjkFont?: string;
} & (
  | { type: 'tcp'; host: string; /** Default 9100. */ port?: number }
  | { type: 'serial'; path: string; /** Default 9600. */ baudRate?: number }
);

/**
 * A serial UHF RFID reader: an R2000 module (`A0` frames) or a
 * UHFReader18. The counter's one rings up sales ([TL8]).
 */
export type RfidReaderConfig = {
  id: string;
  protocol: 'r2000' | 'uhf18';
  path: string;
  /** Default 115200 (R2000) or 57600 (UHFReader18). */
  baudRate?: number;
};

export type DevicesConfig = {
  scanners: { id: string; path: string; baudRate?: number }[];
  /** RFID readers on serial ports; none when absent. */
  rfidReaders?: RfidReaderConfig[];
  printer?: PrinterConfig;
  /** The store's label printer for parcels' shipping labels. */
  labelPrinter?: LabelPrinterConfig;
  receiptTimeZone?: string;
};

const PRINTER_TYPES = ['serial', 'tcp', 'usb'] as const;
const PRINTER_KEYS: Record<(typeof PRINTER_TYPES)[number], readonly string[]> = {
  serial: ['type', 'id', 'path', 'baudRate', 'drawerOpenLevel'],
  tcp: ['type', 'id', 'host', 'port', 'drawerOpenLevel'],
  usb: ['type', 'id', 'path'],
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '';
const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

function baudRateProblem(where: string, value: unknown): string[] {
  return value === undefined || (Number.isInteger(value) && (value as number) > 0)
    ? []
    : [
        `${where}.baudRate: must be a positive whole number such as 9600 or 115200 (got ${show(value)})`,
      ];
}

function printerProblems(printer: unknown): string[] {
  const where = 'devices.printer';
  if (!isRecord(printer)) return [`${where}: must be an object (got ${show(printer)})`];
  const type = printer.type ?? 'serial';
  if (!PRINTER_TYPES.includes(type as never)) {
    return [`${where}.type: must be "serial", "tcp" or "usb" (got ${show(printer.type)})`];
  }
  const kind = type as (typeof PRINTER_TYPES)[number];
  const problems: string[] = [];
  if (!isText(printer.id)) problems.push(`${where}.id: must be a name such as "printer-1"`);
  if (kind === 'tcp') {
    if (!isText(printer.host)) {
      problems.push(`${where}.host: a tcp printer needs its host name or IP address`);
    }
    const port = printer.port;
    if (
      port !== undefined &&
      !(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)
    ) {
      problems.push(
        `${where}.port: must be a port from 1 to 65535; leave it out for 9100 (got ${show(port)})`,
      );
    }
  } else {
    if (!isText(printer.path)) {
      problems.push(
        kind === 'usb'
          ? `${where}.path: a usb printer needs its device file, such as "/dev/usb/lp0"`
          : `${where}.path: a serial printer needs its port, such as "/dev/ttyUSB0" or "COM3"`,
      );
    }
    if (kind === 'serial') problems.push(...baudRateProblem(where, printer.baudRate));
  }
  const level = printer.drawerOpenLevel;
  if (kind === 'usb' && level !== undefined) {
    problems.push(
      `${where}.drawerOpenLevel: a usb printer reports no status, so the drawer's state cannot be read; remove it`,
    );
  } else if (level !== undefined && level !== 'high' && level !== 'low') {
    problems.push(`${where}.drawerOpenLevel: must be "high" or "low" (got ${show(level)})`);
  }
  for (const key of Object.keys(printer)) {
    if (PRINTER_KEYS[kind].includes(key) || (kind === 'usb' && key === 'drawerOpenLevel')) continue;
    problems.push(
      `${where}.${key}: not a setting of a ${kind} printer (it takes ${PRINTER_KEYS[kind].join(', ')})`,
    );
  }
  return problems;
}

const LABEL_PRINTER_KEYS = {
  tcp: ['type', 'id', 'language', 'dpi', 'cjkFont', 'host', 'port'],
  serial: ['type', 'id', 'language', 'dpi', 'cjkFont', 'path', 'baudRate'],
} as const;

function labelPrinterProblems(printer: unknown): string[] {
  const where = 'devices.labelPrinter';
  if (!isRecord(printer)) return [`${where}: must be an object (got ${show(printer)})`];
  if (printer.type !== 'tcp' && printer.type !== 'serial') {
    return [`${where}.type: must be "tcp" or "serial" (got ${show(printer.type)})`];
  }
  const kind = printer.type;
  const problems: string[] = [];
  if (!isText(printer.id)) problems.push(`${where}.id: must be a name such as "label-printer-1"`);
  if (printer.language !== 'zpl' && printer.language !== 'tspl') {
    problems.push(`${where}.language: must be "zpl" or "tspl" (got ${show(printer.language)})`);
  }
  if (printer.dpi !== undefined && printer.dpi !== 203 && printer.dpi !== 300) {
    problems.push(`${where}.dpi: must be 203 or 300 (got ${show(printer.dpi)})`);
  }
  if (
    printer.cjkFont !== undefined &&
    !(typeof printer.cjkFont === 'string' && /^[A-Z]:[A-Z0-9_.-]{1,16}$/i.test(printer.cjkFont))
  ) {
    problems.push(`${where}.cjkFont: must be a ZPL font name such as "E:SIMSUN.FNT"`);
  }
  if (kind === 'tcp') {
    if (!isText(printer.host)) problems.push(`${where}.host: needs the printer's host name or IP`);
    const port = printer.port;
    if (
      port !== undefined &&
      !(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)
    ) {
      problems.push(`${where}.port: must be a port from 1 to 65535; leave it out for 9100`);
    }
  } else {
    if (!isText(printer.path)) problems.push(`${where}.path: needs the printer's port`);
    problems.push(...baudRateProblem(where, printer.baudRate));
  }
  for (const key of Object.keys(printer)) {
    if (!(LABEL_PRINTER_KEYS[kind] as readonly string[]).includes(key)) {
      problems.push(
        `${where}.${key}: not a setting of a ${kind} label printer (it takes ${LABEL_PRINTER_KEYS[kind].join(', ')})`,
      );
    }
  }
  return problems;
}

const RFID_READER_KEYS = ['id', 'protocol', 'path', 'baudRate'];

function rfidReaderProblems(readers: unknown): string[] {
  if (!Array.isArray(readers)) return ['devices.rfidReaders: must be a list'];
  return readers.flatMap((reader: unknown, i) => {
    const where = `devices.rfidReaders[${i}]`;
    if (!isRecord(reader)) return [`${where}: must be an object with id, protocol and path`];
    const problems: string[] = [];
    if (!isText(reader.id)) problems.push(`${where}.id: must be a name such as "rfid-counter"`);
    if (reader.protocol !== 'r2000' && reader.protocol !== 'uhf18') {
      problems.push(`${where}.protocol: must be "r2000" or "uhf18" (got ${show(reader.protocol)})`);
    }
    if (!isText(reader.path)) problems.push(`${where}.path: must be the reader's port`);
    problems.push(...baudRateProblem(where, reader.baudRate));
    for (const key of Object.keys(reader)) {
      if (!RFID_READER_KEYS.includes(key)) {
        problems.push(
          `${where}.${key}: not a setting of an RFID reader (it takes ${RFID_READER_KEYS.join(', ')})`,
        );
      }
    }
    return problems;
  });
}

/** Every problem of a devices configuration, in words that name the setting; [] when valid. */
export function devicesConfigProblems(value: unknown): string[] {
  if (!isRecord(value)) return [`devices: must be an object (got ${show(value)})`];
  const problems: string[] = [];
  if (!Array.isArray(value.scanners)) {
    problems.push('devices.scanners: must be a list (empty when the till has no serial scanner)');
  } else {
    value.scanners.forEach((scanner: unknown, i) => {
      const where = `devices.scanners[${i}]`;
      if (!isRecord(scanner)) {
        problems.push(`${where}: must be an object with id and path`);
        return;
      }
      if (!isText(scanner.id)) problems.push(`${where}.id: must be a name such as "scanner-1"`);
      if (!isText(scanner.path)) problems.push(`${where}.path: must be the scanner's port`);
      problems.push(...baudRateProblem(where, scanner.baudRate));
    });
  }
  if (value.rfidReaders !== undefined) problems.push(...rfidReaderProblems(value.rfidReaders));
  if (value.printer !== undefined) problems.push(...printerProblems(value.printer));
  if (value.labelPrinter !== undefined) problems.push(...labelPrinterProblems(value.labelPrinter));
  if (value.receiptTimeZone !== undefined) {
    let known = isText(value.receiptTimeZone);
    try {
      if (known) new Intl.DateTimeFormat('en', { timeZone: value.receiptTimeZone as string });
    } catch {
      known = false;
    }
    if (!known) {
      problems.push(
        `devices.receiptTimeZone: must be an IANA time zone such as "Asia/Shanghai" (got ${show(value.receiptTimeZone)})`,
      );
    }
  }
  return problems;
}

/** The devices configuration, or an error that lists every problem. */
export function parseDevicesConfig(
  value: unknown,
  source = 'the terminal configuration',
): DevicesConfig {
  const problems = devicesConfigProblems(value);
  if (problems.length > 0) {
    throw new Error(`${source} has invalid device settings:\n- ${problems.join('\n- ')}`);
  }
  return value as DevicesConfig;
}
