import { describe, expect, it } from 'vitest';
import { devicesConfigProblems, parseDevicesConfig } from './devices';

const scanners = [{ id: 'scanner-1', path: '/dev/ttyACM0' }];

describe('device settings of the till', () => {
  it('takes a serial, a network (TCP) and a USB printer-class printer, and the drawer level', () => {
    for (const printer of [
      { id: 'printer-1', path: '/dev/ttyUSB0' }, // written before printers had a type
      { type: 'serial', id: 'printer-1', path: 'COM3', baudRate: 115200, drawerOpenLevel: 'low' },
      { type: 'tcp', id: 'printer-1', host: '192.168.1.50' },
      { type: 'tcp', id: 'printer-1', host: 'printer.local', port: 9101, drawerOpenLevel: 'high' },
      { type: 'usb', id: 'printer-1', path: '/dev/usb/lp0' },
    ]) {
      expect(devicesConfigProblems({ scanners, printer })).toEqual([]);
    }
    expect(devicesConfigProblems({ scanners: [] })).toEqual([]);
  });

  it('takes a network or serial label printer in ZPL or TSPL, and names what is wrong with one', () => {
    for (const labelPrinter of [
      { type: 'tcp', id: 'label-printer-1', language: 'zpl', host: '192.168.1.60' },
      {
        type: 'tcp',
        id: 'label-printer-1',
        language: 'zpl',
        dpi: 300,
        cjkFont: 'E:MSUNG.FNT',
        host: 'zebra.local',
        port: 9100,
      },
      {
        type: 'serial',
        id: 'label-printer-1',
        language: 'tspl',
        path: '/dev/ttyUSB1',
        baudRate: 115200,
      },
    ]) {
      expect(devicesConfigProblems({ scanners, labelPrinter })).toEqual([]);
    }
    expect(
      devicesConfigProblems({
        scanners,
        labelPrinter: { type: 'tcp', id: '', language: 'epl', dpi: 600, cjkFont: '^XZ', path: 'x' },
      }),
    ).toEqual([
      'devices.labelPrinter.id: must be a name such as "label-printer-1"',
      'devices.labelPrinter.language: must be "zpl" or "tspl" (got "epl")',
      'devices.labelPrinter.dpi: must be 203 or 300 (got 600)',
      'devices.labelPrinter.cjkFont: must be a ZPL font name such as "E:SIMSUN.FNT"',
      "devices.labelPrinter.host: needs the printer's host name or IP",
      'devices.labelPrinter.path: not a setting of a tcp label printer (it takes type, id, language, dpi, cjkFont, host, port)',
    ]);
    expect(devicesConfigProblems({ scanners, labelPrinter: { type: 'usb' } })).toEqual([
      'devices.labelPrinter.type: must be "tcp" or "serial" (got "usb")',
    ]);
  });

  it('[TL8] takes serial RFID readers (R2000 or UHFReader18), and names what is wrong with one', () => {
    const rfidReaders = [
      { id: 'rfid-counter', protocol: 'r2000', path: '/dev/ttyUSB1' },
      { id: 'rfid-2', protocol: 'uhf18', path: 'COM4', baudRate: 57600 },
    ];
    expect(devicesConfigProblems({ scanners: [], rfidReaders })).toEqual([]);
    expect(
      devicesConfigProblems({
        scanners: [],
        rfidReaders: [{ id: '', protocol: 'llrp', path: '', baudRate: -1, antenna: 2 }],
      }),
    ).toEqual([
      'devices.rfidReaders[0].id: must be a name such as "rfid-counter"',
      'devices.rfidReaders[0].protocol: must be "r2000" or "uhf18" (got "llrp")',
      "devices.rfidReaders[0].path: must be the reader's port",
      'devices.rfidReaders[0].baudRate: must be a positive whole number such as 9600 or 115200 (got -1)',
      'devices.rfidReaders[0].antenna: not a setting of an RFID reader (it takes id, protocol, path, baudRate)',
    ]);
    expect(devicesConfigProblems({ scanners: [], rfidReaders: {} })).toEqual([
      'devices.rfidReaders: must be a list',
    ]);
  });

  it('names each wrong setting and what it should be', () => {
    expect(
      devicesConfigProblems({
        scanners: [{ id: 'scanner-1' }],
        printer: { type: 'tcp', id: 'printer-1', port: 70000, drawerOpenLevel: 'closed' },
        receiptTimeZone: 'Mars/Olympus',
      }),
    ).toEqual([
      "devices.scanners[0].path: must be the scanner's port",
      'devices.printer.host: a tcp printer needs its host name or IP address',
      'devices.printer.port: must be a port from 1 to 65535; leave it out for 9100 (got 70000)',
      'devices.printer.drawerOpenLevel: must be "high" or "low" (got "closed")',
      'devices.receiptTimeZone: must be an IANA time zone such as "Asia/Shanghai" (got "Mars/Olympus")',
    ]);
    expect(devicesConfigProblems({ scanners, printer: { type: 'bluetooth', id: 'p' } })).toEqual([
      'devices.printer.type: must be "serial", "tcp" or "usb" (got "bluetooth")',
    ]);
    expect(
      devicesConfigProblems({
        scanners,
        printer: { type: 'usb', id: 'p', path: '/dev/usb/lp0', drawerOpenLevel: 'low' },
      }),
    ).toEqual([
      "devices.printer.drawerOpenLevel: a usb printer reports no status, so the drawer's state cannot be read; remove it",
    ]);
    expect(
      devicesConfigProblems({
        scanners,
        printer: { type: 'tcp', id: 'p', host: 'h', path: '/dev/x' },
      }),
    ).toEqual([
      'devices.printer.path: not a setting of a tcp printer (it takes type, id, host, port, drawerOpenLevel)',
    ]);
    expect(
      devicesConfigProblems({
        scanners,
        printer: { id: 'p', path: '/dev/ttyS0', baudRate: '9600' },
      }),
    ).toEqual([
      'devices.printer.baudRate: must be a positive whole number such as 9600 or 115200 (got "9600")',
    ]);
  });

  it('refuses an invalid configuration with every problem in one error', () => {
    expect(() =>
      parseDevicesConfig({ printer: { type: 'usb', id: 'p' } }, '/etc/pos/terminal.json'),
    ).toThrow(
      '/etc/pos/terminal.json has invalid device settings:\n' +
        '- devices.scanners: must be a list (empty when the till has no serial scanner)\n' +
        '- devices.printer.path: a usb printer needs its device file, such as "/dev/usb/lp0"',
    );
  });
});
