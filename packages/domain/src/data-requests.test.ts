import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataRequestDueAt, isOverdue, memberExportCsv } from './data-requests';

/** Reads quoted RFC 4180 CSV with CRLF row ends: just enough to read an export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('data-subject requests', () => {
  it('[DR1] a request is due 15 days after it was received', () => {
    expect(dataRequestDueAt('2026-12-06T10:00:00.000Z')).toBe('2026-12-21T10:00:00.000Z');
    expect(dataRequestDueAt('2026-12-06T10:00:00.000Z', 30)).toBe('2027-01-05T10:00:00.000Z');
    expect(() => dataRequestDueAt('yesterday')).toThrow(RangeError);
  });

  it('[DR2] an open request past its due date is overdue; a completed one never is', () => {
    const dueAt = '2026-12-21T10:00:00.000Z';
    expect(isOverdue({ status: 'received', dueAt }, '2026-12-21T10:00:00.001Z')).toBe(true);
    expect(isOverdue({ status: 'received', dueAt }, '2026-12-20T10:00:00.000Z')).toBe(false);
    expect(isOverdue({ status: 'completed', dueAt }, '2027-01-01T00:00:00.000Z')).toBe(false);
  });

  it('[DR3] the CSV export has one row per field of every record, and reads back to the same values', () => {
    const csv = memberExportCsv({
      member: [
        { id: 'M1', name: '张伟', addresses: [{ city: '上海', detail: '南京路 "1" 号, 2楼' }] },
      ],
      sales: [
        { id: 'S1', total: 1990 },
        { id: 'S2', total: 500 },
      ],
    });
    expect(parseCsv(csv)).toEqual([
      ['section', 'record', 'field', 'value'],
      ['member', '1', 'id', 'M1'],
      ['member', '1', 'name', '张伟'],
      ['member', '1', 'addresses.0.city', '上海'],
      ['member', '1', 'addresses.0.detail', '南京路 "1" 号, 2楼'],
      ['sales', '1', 'id', 'S1'],
      ['sales', '1', 'total', '1990'],
      ['sales', '2', 'id', 'S2'],
      ['sales', '2', 'total', '500'],
    ]);
    fc.assert(
      fc.property(
        fc.array(
          fc.dictionary(
            fc.string({ minLength: 1 }).filter((k) => !k.includes('.')),
            fc.string(),
          ),
          { maxLength: 4 },
        ),
        (records) => {
          const rows = parseCsv(memberExportCsv({ s: records }));
          const values = rows
            .slice(1)
            .filter((r) => r[2] !== '')
            .map((r) => r[3]);
          expect(values).toEqual(records.flatMap((r) => Object.values(r)));
        },
      ),
    );
  });
});
