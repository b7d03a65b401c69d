/**
 * Data-subject requests under PIPL: a member asks for everything the chain
 * holds about them (access) or to be deleted. Each gets an intake record and
 * a due date; an access request is answered with an export in JSON and CSV.
 * Pure. See SPEC.md [DR1]-[DR3].
 */

export type DataRequestKind = 'access' | 'deletion';
export type DataRequestStatus = 'received' | 'completed' | 'rejected';

/** [DR1] The intake record of one request. */
export type DataRequest = {
  id: string;
  memberId: string;
  kind: DataRequestKind;
  /** How it reached the chain, e.g. `customer-web`, `store`, `email`. */
  channel: string;
  receivedAt: string;
  dueAt: string;
  status: DataRequestStatus;
  completedAt?: string;
  /** Who recorded or completed it (an admin or a staff id). */
  handledBy?: string;
  note?: string;
};

/** [DR1] Days the chain gives itself to answer: 15, as PIPL's guidance sets for most requests. */
export const DATA_REQUEST_DUE_DAYS = 15;

const DAY_MS = 86_400_000;

/** [DR1] The due date of a request received at `receivedAt` (ISO instant): `days` later, same time. */
export function dataRequestDueAt(receivedAt: string, days = DATA_REQUEST_DUE_DAYS): string {
  const at = Date.parse(receivedAt);
  if (!Number.isFinite(at)) throw new RangeError(`not an instant: ${receivedAt}`);
  return new Date(at + days * DAY_MS).toISOString();
}

/** [DR2] Whether a request still open at `now` is past its due date. */
export function isOverdue(request: Pick<DataRequest, 'status' | 'dueAt'>, now: string): boolean {
  return request.status === 'received' && now > request.dueAt;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** [DR3] The sections of an access export, each a list of records. */
export type MemberExport = Readonly<Record<string, readonly { readonly [key: string]: Json }[]>>;

/**
 * [DR3] An access export as CSV (RFC 4180, CRLF, every field quoted): one row
 * per field of every record, `section,record,field,value`, nested values as
 * dotted field paths, so any spreadsheet opens it and nothing is left out.
 */
export function memberExportCsv(data: MemberExport): string {
  const rows: string[][] = [['section', 'record', 'field', 'value']];
  const walk = (section: string, record: number, path: string, value: Json): void => {
    if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value)
        ? value.map((v, i) => [String(i), v] as const)
        : Object.entries(value);
      if (entries.length === 0) rows.push([section, String(record), path, '']);
      for (const [key, v] of entries) walk(section, record, path ? `${path}.${key}` : key, v);
      return;
    }
    rows.push([section, String(record), path, value === null ? '' : String(value)]);
  };
  for (const [section, records] of Object.entries(data)) {
    records.forEach((record, i) => walk(section, i + 1, '', record as Json));
  }
  return (
    rows.map((row) => row.map((f) => `"${f.replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n'
  );
}
