import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, parseCsv, toCsv } from './csv';

const fieldsOf = (text: string) => {
  const result = parseCsv(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.records.map((r) => r.fields);
};

describe('parseCsv', () => {
  it('[IM1] reads quoted commas, doubled quotes and line breaks inside quotes, with CRLF or LF', () => {
    const text =
      '\uFEFFsku,name,price\r\nA1,"Tee, ""Cotton""",7900\r\nA2,"two\r\nlines",100\nA3,,5\n';
    const result = parseCsv(text);
    expect(result).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['sku', 'name', 'price'] },
        { line: 2, fields: ['A1', 'Tee, "Cotton"', '7900'] },
        { line: 3, fields: ['A2', 'two\r\nlines', '100'] },
        { line: 5, fields: ['A3', '', '5'] },
      ],
    });
  });

  it('[IM1] keeps Chinese text and an empty last field, and reads an empty file as no records', () => {
    expect(fieldsOf('农夫山泉 550ml,饮料,')).toEqual([['农夫山泉 550ml', '饮料', '']]);
    expect(fieldsOf('')).toEqual([]);
    expect(fieldsOf('\uFEFF')).toEqual([]);
    expect(fieldsOf('a\n\nb')).toEqual([['a'], [''], ['b']]);
    expect(fieldsOf('a\rb\r')).toEqual([['a'], ['b']]);
  });

  it('[IM1] names the line of a quote that is never closed, and of stray quotes', () => {
    expect(parseCsv('a,b\nc,"open\nstill open\n')).toEqual({
      ok: false,
      error: { code: 'unclosed_quote', line: 2, message: 'a quoted field is not closed' },
    });
    expect(parseCsv('a,b\n"x\ny"z,1')).toMatchObject({
      ok: false,
      error: { code: 'text_after_quote', line: 3 },
    });
    expect(parseCsv('a,b\r\nc,d\r\n12" screen,1\r\n')).toMatchObject({
      ok: false,
      error: { code: 'quote_in_field', line: 3 },
    });
  });

  const field = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'Z', '1', ' ', ',', '"', '\r', '\n', '店', '€') }),
    fc.string({ unit: 'grapheme' }),
  );
  const records = fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { maxLength: 20 });

  it('[IM1] reads back whatever a conforming writer wrote, with the line each record starts on', () => {
    fc.assert(
      fc.property(
        records,
        fc.constantFrom('\r\n', '\n'),
        fc.boolean(),
        fc.boolean(),
        (table, eol, bom, trailingEol) => {
          // A lone empty field is quoted, else the record would be a blank line.
          const lines = table.map((fields) =>
            fields.length === 1 && fields[0] === '' ? '""' : fields.map(csvField).join(','),
          );
          let text = (bom ? '\uFEFF' : '') + lines.join(eol);
          if (trailingEol && lines.length) text += eol;
          const result = parseCsv(text);
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(result.records.map((r) => r.fields)).toEqual(table);
          let line = 1;
          result.records.forEach((record, i) => {
            expect(record.line).toBe(line);
            line += (lines[i]!.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('[IM1] never throws on any text: records, or an error on a line of the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', '\uFEFF', ' ') }),
          fc.string({ unit: 'binary' }),
        ),
        (text) => {
          const result = parseCsv(text);
          const lines = (text.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
          if (result.ok) {
            for (const r of result.records) expect(r.line).toBeLessThanOrEqual(lines);
          } else {
            expect(result.error.line).toBeGreaterThanOrEqual(1);
            expect(result.error.line).toBeLessThanOrEqual(lines);
            expect(result.error.message).not.toBe('');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('toCsv writes CRLF records that parseCsv reads back', () => {
    const table = [
      ['id', 'name'],
      ['S001', '静安店, "Jing\'an"'],
    ];
    expect(toCsv(table)).toBe('id,name\r\nS001,"静安店, ""Jing\'an"""\r\n');
    expect(fieldsOf(toCsv(table))).toEqual(table);
  });
});
