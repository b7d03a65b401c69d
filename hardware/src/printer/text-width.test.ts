import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  displayWidth,
  justifyToWidth,
  padEndToWidth,
  padStartToWidth,
  printableText,
  truncateToWidth,
  wrapToWidth,
} from './text-width';

describe('text width', () => {
  it('[W1] counts ASCII and code-page Latin as one column, CJK (anything else) as two', () => {
    expect(displayWidth('Cola')).toBe(4);
    expect(displayWidth('可口可乐')).toBe(8);
    expect(displayWidth('可乐 330ml')).toBe(10);
    expect(displayWidth('𠮷')).toBe(2); // one astral character, two UTF-16 units
    expect(displayWidth('Crème brûlée €5')).toBe(15); // WPC1252 code page: one column each
    expect(displayWidth('−')).toBe(2); // U+2212 is not in the code page: Chinese mode
    expect(displayWidth('')).toBe(0);
  });

  it('[W2] replaces control characters and lone surrogates, so text cannot carry commands', () => {
    expect(printableText('A\x1b@B\nC\x7f')).toBe('A?@B?C?');
    expect(printableText('x\ud800y')).toBe('x?y');
    expect(printableText('e\u0301')).toBe('é'); // NFC
  });

  it('[W3] truncates and pads by columns, never splitting a wide character', () => {
    expect(truncateToWidth('可口可乐', 5)).toBe('可口');
    expect(padEndToWidth('可口可乐', 5)).toBe('可口 ');
    expect(padEndToWidth('ab', 4)).toBe('ab  ');
    expect(padStartToWidth('12.50', 8)).toBe('   12.50');
    expect(padStartToWidth('123456', 3)).toBe('123456'); // figures are never cut
  });

  it('justifies a label and a figure to the full width', () => {
    expect(justifyToWidth('TOTAL', '12.50', 24)).toBe('TOTAL              12.50');
    expect(justifyToWidth('可口可乐', '7.00', 13)).toBe('可口可乐 7.00');
    expect(justifyToWidth('可口可乐', '7.00', 12)).toBe('可口可  7.00'); // no half character
    expect(justifyToWidth('', '7.00', 6)).toBe('  7.00');
  });

  it('[W3] wraps at spaces, or between CJK characters', () => {
    expect(wrapToWidth('Nanjing Road East 100', 12)).toEqual(['Nanjing Road', 'East 100']);
    expect(wrapToWidth('上海市黄浦区', 7)).toEqual(['上海市', '黄浦区']);
    expect(wrapToWidth('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapToWidth('   ', 4)).toEqual([]);
  });

  it('[W3] every wrapped line fits, and no non-space character is lost', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'B', ' ', '中', '文', '1', '.'),
      maxLength: 120,
    });
    fc.assert(
      fc.property(text, fc.integer({ min: 2, max: 48 }), (input, columns) => {
        const lines = wrapToWidth(input, columns);
        for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(columns);
        expect(lines.join('').replace(/ /g, '')).toBe(input.replace(/ /g, ''));
      }),
    );
  });

  it('[W3] padEndToWidth always gives exactly the width', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.integer({ min: 1, max: 48 }),
        (input, columns) => {
          expect(displayWidth(padEndToWidth(input, columns))).toBe(columns);
        },
      ),
    );
  });
});
