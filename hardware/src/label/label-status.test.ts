import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  READY_FLAGS,
  decodeTsplStatus,
  hostStatusAnswer,
  hostStatusFrames,
  labelPrinterProblems,
  parseHostStatus,
  tsplStatusByte,
} from './label-status';

const flags = fc.record({
  paperOut: fc.boolean(),
  headOpen: fc.boolean(),
  paused: fc.boolean(),
  ribbonOut: fc.boolean(),
  paperJam: fc.boolean(),
  error: fc.boolean(),
});

describe('label printer status', () => {
  it('[LS1] a ~HS answer reads back paper out, pause, head open and ribbon out', () => {
    fc.assert(
      fc.property(flags, (f) => {
        const frames = hostStatusFrames(hostStatusAnswer(f));
        expect(frames).toHaveLength(3);
        expect(parseHostStatus(frames!)).toEqual({ ...f, paperJam: false, error: false });
      }),
    );
  });

  it('[LS1] a partial or garbled ~HS answer is no answer, never a throw', () => {
    const whole = hostStatusAnswer(READY_FLAGS);
    expect(hostStatusFrames(whole.subarray(0, whole.length - 5))).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const frames = hostStatusFrames(bytes);
        if (frames) parseHostStatus(frames);
      }),
    );
    expect(parseHostStatus(['a,b,c', 'd,e,f,g', ''])).toBeUndefined();
  });

  it('[LS2] the TSPL status byte reads back', () => {
    expect(decodeTsplStatus(0)).toEqual(READY_FLAGS);
    expect(decodeTsplStatus(0x40)).toMatchObject({ headOpen: true });
    fc.assert(
      fc.property(flags, (f) => {
        expect(decodeTsplStatus(tsplStatusByte(f))).toEqual(f);
      }),
    );
  });

  it('[LS3] every problem blocks printing and says what to do; a ready printer has none', () => {
    expect(labelPrinterProblems(READY_FLAGS)).toEqual([]);
    const all = labelPrinterProblems({
      paperOut: true,
      headOpen: true,
      paused: true,
      ribbonOut: true,
      paperJam: true,
      error: true,
    });
    expect(all.map((p) => p.code)).toEqual([
      'PAPER_OUT',
      'COVER_OPEN',
      'PRINTER_ERROR',
      'PRINTER_ERROR',
      'PRINTER_OFFLINE',
    ]);
    expect(all.every((p) => p.blocksPrinting && p.action.length > 0)).toBe(true);
  });
});
