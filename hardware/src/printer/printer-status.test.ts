import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEscPos } from './escpos-decoder';
import {
  PRINTER_READY,
  decodePrinterStatus,
  describeProblem,
  encodePrinterStatus,
  isStatusByte,
  printerProblems,
  statusRequest,
} from './printer-status';

describe('printer status (DLE EOT)', () => {
  it('asks with DLE EOT n, which the decoder reads as a status request', () => {
    expect([...statusRequest(4)]).toEqual([0x10, 0x04, 0x04]);
    expect(decodeEscPos(statusRequest(2))).toEqual([{ kind: 'status-request', n: 2 }]);
    expect(decodeEscPos(Uint8Array.of(0x10, 0x04, 9))).toMatchObject([
      { kind: 'error', code: 'BAD_ARGUMENT' },
    ]);
  });

  it('[PS1] reads answers as the Epson reference defines them (ready, out of paper, cover open)', () => {
    expect(decodePrinterStatus({ 1: 0x16, 2: 0x12, 4: 0x12 })).toEqual({
      ...PRINTER_READY,
      drawerPinHigh: true,
    });
    const paperOut = decodePrinterStatus({ 1: 0x1e, 2: 0x32, 4: 0x7e });
    expect(paperOut).toMatchObject({ online: false, paperOut: true, paperNearEnd: true });
    expect(decodePrinterStatus({ 1: 0x1a, 2: 0x16, 4: 0x12 })).toMatchObject({ coverOpen: true });
    expect([0x12, 0x16, 0x1e, 0x7e].every(isStatusByte)).toBe(true);
    expect([0x00, 0x41, 0xff, 0x13].some(isStatusByte)).toBe(false);
  });

  it('[PS2][PS3] says what is wrong and what to do, in plain words', () => {
    const out = printerProblems({ ...PRINTER_READY, paperOut: true, online: false }, 'high');
    expect(out.map((p) => p.code)).toEqual(['PAPER_OUT']);
    expect(describeProblem(out[0]!)).toBe(
      'Printer out of paper. Load a new paper roll and close the cover, then print again.',
    );
    expect(out[0]?.blocksPrinting).toBe(true);
    const low = printerProblems({ ...PRINTER_READY, paperNearEnd: true, drawerPinHigh: true });
    expect(low.map((p) => [p.code, p.blocksPrinting])).toEqual([
      ['PAPER_LOW', false],
      ['DRAWER_OPEN', false],
    ]);
    expect(printerProblems({ ...PRINTER_READY, drawerPinHigh: false }, 'low')[0]?.code).toBe(
      'DRAWER_OPEN',
    );
    expect(
      printerProblems({ ...PRINTER_READY, error: true, cutterError: true }).map((p) => p.code),
    ).toEqual(['CUTTER_ERROR']);
    expect(printerProblems(PRINTER_READY)).toEqual([]);
  });

  it('[PS1] encode and decode agree for every state the simulator can be in', () => {
    const flags = fc.record({
      drawerPinHigh: fc.boolean(),
      coverOpen: fc.boolean(),
      paperOut: fc.boolean(),
      paperNearEnd: fc.boolean(),
      cutterError: fc.boolean(),
      unrecoverableError: fc.boolean(),
    });
    fc.assert(
      fc.property(flags, (f) => {
        const error = f.cutterError || f.unrecoverableError;
        const state = { ...PRINTER_READY, ...f, error };
        const bytes = encodePrinterStatus(state);
        expect(Object.values(bytes).every(isStatusByte)).toBe(true);
        const decoded = decodePrinterStatus(bytes);
        expect(decoded).toMatchObject({ ...f, paperNearEnd: f.paperNearEnd || f.paperOut });
        expect(decoded.online).toBe(!(f.paperOut || f.coverOpen || error));
      }),
    );
  });

  it('never throws on any status bytes', () => {
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), (a, b, c, d) => {
        const problems = printerProblems(decodePrinterStatus({ 1: a, 2: b, 3: c, 4: d }));
        expect(Array.isArray(problems)).toBe(true);
      }),
    );
  });
});
