import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WEDGE_OPTIONS,
  WedgeScanDetector,
  wedgeScanEvent,
  type WedgeDecision,
  type WedgeKey,
} from './wedge-detector';

/**
 * Representative key timings (keydown `key` and `timeStamp` in ms): a USB
 * scanner in keyboard mode types a key every 8-12 ms, people at the till
 * 70-250 ms. Written for these tests, not captured from a device.
 */
const recorded = {
  /** EAN-13 6901234567892 + Enter from a scanner: 8–12 ms apart. */
  scannerEan13: [
    ['6', 10452.3],
    ['9', 10461.1],
    ['0', 10470.6],
    ['1', 10479.9],
    ['2', 10490.2],
    ['3', 10499.0],
    ['4', 10508.7],
    ['5', 10518.1],
    ['6', 10527.4],
    ['7', 10536.9],
    ['8', 10546.2],
    ['9', 10555.8],
    ['2', 10565.0],
    ['Enter', 10575.3],
  ],
  /** Code 39 "AB-123" with capitals: the scanner presses Shift before each. */
  scannerCode39WithShift: [
    ['Shift', 2000.0],
    ['A', 2004.1],
    ['Shift', 2012.0],
    ['B', 2016.2],
    ['-', 2024.9],
    ['1', 2033.0],
    ['2', 2041.3],
    ['3', 2049.8],
    ['Enter', 2058.4],
  ],
  /** With an AIM prefix enabled: ]E4 then an EAN-8. */
  scannerAim: [
    [']', 500.0],
    ['E', 507.9],
    ['4', 515.8],
    ['9', 523.6],
    ['6', 531.4],
    ['3', 539.3],
    ['8', 547.2],
    ['5', 555.0],
    ['0', 562.9],
    ['7', 570.7],
    ['4', 578.6],
    ['Enter', 586.4],
  ],
  /** A cashier typing a product number 123456 and Enter: 110–220 ms apart. */
  cashierTyping: [
    ['1', 3000.0],
    ['2', 3180.4],
    ['3', 3300.9],
    ['4', 3512.7],
    ['5', 3650.2],
    ['6', 3790.8],
    ['Enter', 4001.6],
  ],
  /** A fast typist (about 70 ms a key): still typing. */
  fastTypist: [
    ['s', 100.0],
    ['e', 168.2],
    ['a', 231.9],
    ['r', 305.4],
    ['c', 371.0],
    ['h', 440.6],
    ['Enter', 512.3],
  ],
  /** A short fast burst: a 4-digit PLU scanned off a sheet (shorter than minLength). */
  shortScan: [
    ['4', 100.0],
    ['0', 108.0],
    ['1', 116.0],
    ['1', 124.0],
    ['Enter', 132.0],
  ],
} satisfies Record<string, [string, number][]>;

const keys = (rows: readonly (readonly [string, number])[]): WedgeKey[] =>
  rows.map(([key, timeStamp]) => ({ key, timeStamp }));

function run(detector: WedgeScanDetector, input: WedgeKey[]): WedgeDecision[] {
  return input.map((k) => detector.key(k));
}
const scansOf = (decisions: WedgeDecision[]) =>
  decisions.filter((d): d is Extract<WedgeDecision, { kind: 'scan' }> => d.kind === 'scan');

describe('WedgeScanDetector', () => {
  it('[KW1] a recorded scanner burst is a scan, reported at the Enter key', () => {
    const decisions = run(new WedgeScanDetector(), keys(recorded.scannerEan13));
    expect(decisions.slice(0, -1).every((d) => d.kind === 'pending')).toBe(true);
    expect(decisions.at(-1)).toEqual({
      kind: 'scan',
      code: '6901234567892',
      typed: '6901234567892',
      startedAt: 10452.3,
      endedAt: 10575.3,
    });
  });

  it('[KW3] Shift presses between characters are ignored', () => {
    const [scan] = scansOf(run(new WedgeScanDetector(), keys(recorded.scannerCode39WithShift)));
    expect(scan?.code).toBe('AB-123');
  });

  it('an AIM prefix is stripped and named, as with serial scanners', () => {
    const [scan] = scansOf(run(new WedgeScanDetector(), keys(recorded.scannerAim)));
    expect(scan).toMatchObject({ code: '96385074', symbology: 'EAN-8', typed: ']E496385074' });
    expect(
      wedgeScanEvent(scan!, { source: 'wedge', at: new Date('2026-11-22T03:00:00Z') }),
    ).toEqual({
      code: '96385074',
      symbology: 'EAN-8',
      source: 'wedge',
      at: '2026-11-22T03:00:00.000Z',
    });
  });

  it('[KW2] a cashier typing, even a fast typist, is typing', () => {
    for (const rows of [recorded.cashierTyping, recorded.fastTypist]) {
      const decisions = run(new WedgeScanDetector(), keys(rows));
      expect(decisions.at(-1)).toEqual({ kind: 'typing' });
      expect(scansOf(decisions)).toEqual([]);
    }
  });

  it('[KW1] fewer than minLength characters is not a scan; minLength is tunable', () => {
    expect(scansOf(run(new WedgeScanDetector(), keys(recorded.shortScan)))).toEqual([]);
    const plu = scansOf(run(new WedgeScanDetector({ minLength: 4 }), keys(recorded.shortScan)));
    expect(plu.map((s) => s.code)).toEqual(['4011']);
  });

  it('the speed threshold is tunable per store (a slow Bluetooth scanner at 40 ms)', () => {
    const slow = keys(recorded.scannerEan13).map((k, i) => ({ ...k, timeStamp: i * 40 }));
    expect(scansOf(run(new WedgeScanDetector(), slow))).toEqual([]);
    const tuned = new WedgeScanDetector({ maxAverageMsPerChar: 45 });
    expect(scansOf(run(tuned, slow)).map((s) => s.code)).toEqual(['6901234567892']);
  });

  it('other end keys can be configured (Tab suffix)', () => {
    const rows = keys(recorded.scannerEan13).map((k) =>
      k.key === 'Enter' ? { ...k, key: 'Tab' } : k,
    );
    expect(scansOf(run(new WedgeScanDetector(), rows))).toEqual([]);
    const tab = new WedgeScanDetector({ endKeys: ['Tab', 'Enter'] });
    expect(scansOf(run(tab, rows)).map((s) => s.code)).toEqual(['6901234567892']);
  });

  it('[KW2] typing followed by a scan: the pause restarts the burst and the scan is found', () => {
    const typedFirst = keys([
      ['x', 9000],
      ['y', 9200],
    ]);
    const decisions = run(new WedgeScanDetector(), [...typedFirst, ...keys(recorded.scannerEan13)]);
    expect(scansOf(decisions).map((s) => s.code)).toEqual(['6901234567892']);
  });

  it('[KW2] a pause inside a burst splits it: neither half is a scan', () => {
    const rows = keys(recorded.scannerEan13).map((k, i) =>
      i >= 7 ? { ...k, timeStamp: k.timeStamp + 500 } : k,
    );
    // The second half (6 digits + Enter) is fast and long enough on its own.
    expect(scansOf(run(new WedgeScanDetector(), rows)).map((s) => s.code)).toEqual(['567892']);
    expect(scansOf(run(new WedgeScanDetector({ minLength: 8 }), rows))).toEqual([]);
  });

  it('[KW3] Backspace or an arrow key ends the burst as typing', () => {
    const rows = keys(recorded.scannerEan13);
    rows.splice(5, 0, { key: 'Backspace', timeStamp: 10494 });
    expect(scansOf(run(new WedgeScanDetector({ minLength: 9 }), rows))).toEqual([]);
  });

  it('two scans in a row are two scans', () => {
    const second = keys(recorded.scannerEan13).map((k) => ({ ...k, timeStamp: k.timeStamp + 800 }));
    const detector = new WedgeScanDetector();
    const codes = scansOf(run(detector, [...keys(recorded.scannerEan13), ...second]));
    expect(codes.map((s) => s.code)).toEqual(['6901234567892', '6901234567892']);
    expect(detector.pending).toBe(0);
  });

  it('[KW4] a burst longer than maxLength is dropped and memory stays bounded', () => {
    const detector = new WedgeScanDetector({ maxLength: 32 });
    const long = Array.from({ length: 1000 }, (_, i) => ({ key: '7', timeStamp: i * 5 }));
    for (const k of long) {
      detector.key(k);
      expect(detector.pending).toBeLessThanOrEqual(32);
    }
    expect(detector.key({ key: 'Enter', timeStamp: 5000 })).toEqual({ kind: 'typing' });
  });

  it('defaults are 30 ms per character, at least 6 characters, Enter', () => {
    expect(DEFAULT_WEDGE_OPTIONS).toMatchObject({
      maxAverageMsPerChar: 30,
      minLength: 6,
      endKeys: ['Enter'],
    });
  });

  it('[KW4][KW5] never throws and never holds more than maxLength, whatever the keys', () => {
    const key = fc.record({
      key: fc.oneof(
        fc.constantFrom('Enter', 'Shift', 'Tab', 'Backspace', 'ArrowLeft', '', 'Ω', '😀'),
        fc.string({ maxLength: 3 }),
      ),
      timeStamp: fc.oneof(
        fc.double({ noNaN: false }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.constant(Number.NaN),
      ),
    });
    fc.assert(
      fc.property(fc.array(key, { maxLength: 200 }), (input) => {
        const detector = new WedgeScanDetector({ maxLength: 16, minLength: 1 });
        for (const k of input) {
          const decision = detector.key(k);
          expect(['scan', 'pending', 'typing']).toContain(decision.kind);
          expect(detector.pending).toBeLessThanOrEqual(16);
        }
      }),
    );
  });
});
