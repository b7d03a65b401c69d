import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvCell, toCsv, type CsvCell } from './csv';

/** An RFC 4180 reader, to read the console's exports back. */
function readCsv(text: string): string[][] {
  const body = text.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  return rows;
}

describe('CSV exports', () => {
  it('[HC6] quotes what must be quoted, with a byte-order mark and CRLF lines', () => {
    expect(
      toCsv(
        ['款式', 'Rate'],
        [
          ['TEE-01', '66.7%'],
          ['a,"b"', 3],
          [null, 0],
        ],
      ),
    ).toBe('\uFEFF款式,Rate\r\nTEE-01,66.7%\r\n"a,""b""",3\r\n,0\r\n');
  });

  it('[HC6] keeps a cell that looks like a formula as text', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+86')).toBe("'+86");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM')).toBe("'@SUM");
    expect(csvCell(-1)).toBe('-1');
  });

  it('[HC6] any table reads back cell for cell', () => {
    const cell = fc.oneof(fc.string(), fc.integer(), fc.constant(null)) as fc.Arbitrary<CsvCell>;
    fc.assert(
      fc.property(
        fc.array(fc.string(), { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 10 }),
        (header, rows) => {
          const back = readCsv(toCsv(header, rows));
          const expected = [header, ...rows].map((row) =>
            row.map((value) => {
              if (value === null) return '';
              if (typeof value === 'number') return String(value);
              return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
            }),
          );
          expect(back).toEqual(expected);
        },
      ),
    );
  });
});
