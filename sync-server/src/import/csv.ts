/**
 * A CSV reader after RFC 4180: fields separated by commas, records by CRLF
 * (a bare LF or CR is accepted too), a field in double quotes may hold commas,
 * line breaks and doubled quotes (`""`). A leading byte order mark is
 * skipped. Pure and total: any text gives records or one typed error naming
 * the line. [IM1]
 */

/** One record and the line of the file it starts on (1-based; quoted line breaks count). */
export type CsvRecord = { line: number; fields: string[] };

export type CsvErrorCode = 'unclosed_quote' | 'quote_in_field' | 'text_after_quote';

export type CsvError = { code: CsvErrorCode; line: number; message: string };

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; error: CsvError };

const BOM = '\uFEFF';

/**
 * Reads every record of `text`. A line break at the very end does not make an
 * empty record; an empty line elsewhere is a record with one empty field.
 */
export function parseCsv(text: string): CsvResult {
  const records: CsvRecord[] = [];
  const start = text.startsWith(BOM) ? 1 : 0;
  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let i = start;
  const n = text.length;
  if (i === n) return { ok: true, records };

  for (;;) {
    // At the start of a field.
    let value: string;
    if (text[i] === '"') {
      const openedOn = line;
      let out = '';
      let from = ++i;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) {
          return fail('unclosed_quote', openedOn, 'a quoted field is not closed');
        }
        for (let k = i; k < quote; k++) {
          const c = text.charCodeAt(k);
          if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) line++;
        }
        if (text[quote + 1] === '"') {
          out += text.slice(from, quote + 1);
          i = from = quote + 2;
          continue;
        }
        out += text.slice(from, quote);
        i = quote + 1;
        break;
      }
      value = out;
      if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        return fail(
          'text_after_quote',
          line,
          'text after the closing quote of a field; double a quote inside a quoted field ("")',
        );
      }
    } else {
      let end = i;
      while (end < n) {
        const c = text[end];
        if (c === ',' || c === '\n' || c === '\r') break;
        if (c === '"') {
          return fail(
            'quote_in_field',
            line,
            'a quote inside an unquoted field; put the whole field in quotes and double the quote ("")',
          );
        }
        end++;
      }
      value = text.slice(i, end);
      i = end;
    }
    fields.push(value);

    // After a field: a comma, a line break, or the end.
    if (i >= n) {
      records.push({ line: recordLine, fields });
      return { ok: true, records };
    }
    const c = text[i];
    if (c === ',') {
      i++;
      continue;
    }
    i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line++;
    records.push({ line: recordLine, fields });
    fields = [];
    recordLine = line;
    if (i >= n) return { ok: true, records };
  }
}

function fail(code: CsvErrorCode, line: number, message: string): CsvResult {
  return { ok: false, error: { code, line, message } };
}

/** One field as RFC 4180 writes it: quoted when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Records as CSV text with CRLF line ends, as spreadsheets save it. */
export function toCsv(records: readonly (readonly string[])[]): string {
  return records.map((fields) => fields.map(csvField).join(',') + '\r\n').join('');
}
