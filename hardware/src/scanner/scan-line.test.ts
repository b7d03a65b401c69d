import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SCAN_LINE_LENGTH, ScanLineSplitter, parseScanLine } from './scan-line';

const context = { source: 'scanner-1', at: '2026-11-22T03:00:00.000Z' };

describe('parseScanLine', () => {
  it.each([
    [']E06901234567892', '6901234567892', 'EAN-13'],
    [']E469012349', '69012349', 'EAN-8'],
    [']C1010690123456789217250101', '010690123456789217250101', 'GS1-128'],
    [']Q1https://example.com/?a=1', 'https://example.com/?a=1', 'QR'],
    [']A0ABC-123', 'ABC-123', 'Code 39'],
  ])('[SC2] strips and names the AIM id of %s', (line, code, symbology) => {
    expect(parseScanLine(line, context)).toEqual({
      ok: true,
      event: { code, symbology, ...context },
    });
  });

  it('[SC2] keeps an unknown AIM id raw as the symbology', () => {
    expect(parseScanLine(']X9HELLO', context)).toEqual({
      ok: true,
      event: { code: 'HELLO', symbology: ']X9', ...context },
    });
  });

  it('[SC2] a line without an AIM id has no symbology', () => {
    expect(parseScanLine('6901234567892', context)).toEqual({
      ok: true,
      event: { code: '6901234567892', ...context },
    });
    expect(parseScanLine(']', context)).toMatchObject({ ok: true, event: { code: ']' } });
  });

  it('[SC2] rejects an AIM id without data', () => {
    expect(parseScanLine(']E0', context)).toEqual({
      ok: false,
      rejection: { code: 'SCAN_EMPTY', message: 'scan ]E0 carried no data', source: 'scanner-1' },
    });
  });

  it('[SC3] rejects a line longer than the limit, accepts one at the limit', () => {
    expect(parseScanLine('9'.repeat(MAX_SCAN_LINE_LENGTH + 1), context)).toMatchObject({
      ok: false,
      rejection: { code: 'SCAN_TOO_LONG' },
    });
    expect(parseScanLine('9'.repeat(MAX_SCAN_LINE_LENGTH), context).ok).toBe(true);
  });

  it('[SC4] rejects empty lines and embedded line breaks', () => {
    expect(parseScanLine('', context)).toMatchObject({
      ok: false,
      rejection: { code: 'SCAN_EMPTY' },
    });
    expect(parseScanLine('12\r34', context)).toMatchObject({
      ok: false,
      rejection: { code: 'SCAN_LINE_BREAK' },
    });
  });

  it('[SC4] any input is an event or a coded rejection, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 5000 }), (line) => {
        const result = parseScanLine(line, context);
        if (result.ok) {
          expect(result.event.code.length).toBeGreaterThan(0);
          expect(line.endsWith(result.event.code)).toBe(true);
        } else {
          expect(['SCAN_EMPTY', 'SCAN_TOO_LONG', 'SCAN_LINE_BREAK']).toContain(
            result.rejection.code,
          );
          expect(result.rejection.message).not.toBe('');
        }
      }),
    );
  });
});

describe('ScanLineSplitter', () => {
  const lines = (results: ReturnType<ScanLineSplitter['push']>) =>
    results.map((r) => ('line' in r ? r.line : '<overflow>'));

  it('[SC1] splits on CR, LF and CRLF and ignores empty lines', () => {
    const splitter = new ScanLineSplitter();
    expect(lines(splitter.push('A\rB\nC\r\n\r\n\nD'))).toEqual(['A', 'B', 'C']);
    expect(lines(splitter.push('E\r'))).toEqual(['DE']);
  });

  it('[SC1] a CRLF split across chunks gives one line', () => {
    const splitter = new ScanLineSplitter();
    expect(lines(splitter.push('123\r'))).toEqual(['123']);
    expect(lines(splitter.push('\n456\r\n'))).toEqual(['456']);
  });

  it('[SC3] reports an overlong line once, drops it, and recovers at the next line end', () => {
    const splitter = new ScanLineSplitter(8);
    expect(lines(splitter.push('12345'))).toEqual([]);
    expect(lines(splitter.push('6789'))).toEqual(['<overflow>']);
    expect(lines(splitter.push('more and more'))).toEqual([]);
    expect(splitter.pending).toBe(0);
    expect(lines(splitter.push('tail\nOK\n'))).toEqual(['OK']);
  });

  it('[SC1][SC3] any chunking gives the same lines, and the buffer stays bounded', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', '1', ']', '\r', '\n', 'é'),
      maxLength: 300,
    });
    fc.assert(
      fc.property(text, fc.array(fc.nat(300), { maxLength: 10 }), (input, cuts) => {
        const whole = lines(new ScanLineSplitter(16).push(input));
        const splitter = new ScanLineSplitter(16);
        const chunked: string[] = [];
        let start = 0;
        for (const cut of [...cuts].sort((a, b) => a - b).concat(input.length)) {
          chunked.push(...lines(splitter.push(input.slice(start, Math.max(start, cut)))));
          start = Math.max(start, cut);
          expect(splitter.pending).toBeLessThanOrEqual(16);
        }
        expect(chunked).toEqual(whole);
      }),
    );
  });
});

describe('scanner wire fuzz (bytes → splitter → parser, as SerialScanner does)', () => {
  it('[SC1][SC3][SC4] random bytes never throw; every line is a scan or a counted rejection; good scans among garbage come through', () => {
    const goodScan = fc
      .tuple(fc.constantFrom('', ']E0', ']C1', ']Q1'), fc.stringMatching(/^[0-9A-Z]{1,40}$/))
      .map(([aim, code]) => ({ code, bytes: new TextEncoder().encode(`${aim}${code}\r\n`) }));
    const garbage = fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ code: undefined, bytes }));
    fc.assert(
      fc.property(fc.array(fc.oneof(goodScan, garbage), { maxLength: 20 }), (pieces) => {
        const splitter = new ScanLineSplitter(64);
        const decoder = new TextDecoder('utf-8');
        const scanned: string[] = [];
        let rejected = 0;
        let overflows = 0;
        for (const { bytes } of pieces) {
          for (const piece of splitter.push(decoder.decode(bytes, { stream: true }))) {
            if (!('line' in piece)) {
              overflows++;
              continue;
            }
            const result = parseScanLine(piece.line, context);
            if (result.ok) scanned.push(result.event.code);
            else rejected++;
          }
          expect(splitter.pending).toBeLessThanOrEqual(64);
        }
        // A good scan right after a line end (or at the start) is never lost to the garbage before it.
        pieces.forEach((piece, i) => {
          const previous = pieces[i - 1]?.bytes;
          const clean = i === 0 || previous?.at(-1) === 0x0a;
          if (piece.code !== undefined && clean) expect(scanned).toContain(piece.code);
        });
        // Nothing is invented: at most one outcome per line end (plus an overlong unfinished line).
        const lineEnds = pieces.reduce(
          (n, p) => n + p.bytes.filter((b) => b === 0x0a || b === 0x0d).length,
          0,
        );
        expect(scanned.length + rejected + overflows).toBeLessThanOrEqual(lineEnds + 1);
      }),
      { numRuns: 300 },
    );
  });
});
