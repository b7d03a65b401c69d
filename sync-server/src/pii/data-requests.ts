/**
 * Data-subject requests on the server: the intake record of each access or
 * deletion request ([DR1]-[DR2] in the domain), the export that answers an
 * access request ([DR3]), and the crypto-shredding that completes a
 * deletion. The personal data itself is read and shredded through the
 * vault. See SPEC.md [DQ1]-[DQ4].
 */
import { randomBytes } from 'node:crypto';
import {
  dataRequestDueAt,
  isOverdue,
  type CollectionName,
  type DataRequest,
  type DataRequestKind,
  type DataRequestStatus,
  type MemberExport,
  type PersonalData,
} from '@pos/domain';
import type { JsonObject } from '../protocol';
import { SALE_RETURNS_DB } from '../ledgers';
import type { SyncStorage } from '../storage/storage';
import { CONSENTS_DB } from './consent-check';
import { OUTBOX_DB, cancelPendingMessages } from './outbox';

/** [DQ1] Server-only: the intake records. */
export const DATA_REQUESTS_DB = '_dataRequests' as CollectionName;

/**
 * Where members' personal data is kept, encrypted: read for an export,
 * shredded (its key destroyed) for a deletion. `shred` returns whether
 * there was anything to shred.
 */
export type PersonalDataVault = {
  read(memberId: string): Promise<PersonalData | null>;
  shred(memberId: string, at: string): Promise<boolean>;
};

/** The reads of a member's personal data recorded by the server (who, when, why), for the export. */
export type PersonalDataReadLog = (memberId: string) => Promise<JsonObject[]>;

export type DataRequestInput = {
  memberId: string;
  kind: DataRequestKind;
  channel: string;
  note?: string;
};

export class DataRequestError extends Error {
  constructor(
    readonly code: 'bad-request' | 'not-found' | 'conflict' | 'no-vault',
    message: string,
  ) {
    super(message);
    this.name = 'DataRequestError';
  }
}

const MEMBER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const CHANNEL = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const DATA_REQUEST_STATUSES = ['received', 'completed', 'rejected'] as const;

export function isDataRequestStatus(value: string): value is DataRequestStatus {
  return (DATA_REQUEST_STATUSES as readonly string[]).includes(value);
}

/** [DQ1] The input of an intake, checked: a reason a person can read, or the request. */
export function parseDataRequestInput(value: unknown): DataRequestInput | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'send {memberId, kind: "access"|"deletion", channel, note?}';
  }
  const { memberId, kind, channel, note, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) return `unknown field ${extra[0]}`;
  if (typeof memberId !== 'string' || !MEMBER_ID.test(memberId)) {
    return 'memberId must be a member id';
  }
  if (kind !== 'access' && kind !== 'deletion') return 'kind must be access or deletion';
  if (typeof channel !== 'string' || !CHANNEL.test(channel)) {
    return 'channel must be 1-40 lowercase letters, digits or "-", e.g. store, email, customer-web';
  }
  if (note !== undefined && (typeof note !== 'string' || note.length > 500)) {
    return 'note must be text of at most 500 characters';
  }
  return { memberId, kind, channel, ...(note === undefined ? {} : { note }) };
}

/** [DQ1] Records a request received now: its due date follows ([DR1]). */
export async function createDataRequest(
  storage: SyncStorage,
  input: DataRequestInput,
  now: Date,
  handledBy: string,
): Promise<DataRequest> {
  const receivedAt = now.toISOString();
  const id = `dr-${receivedAt.slice(0, 10).replaceAll('-', '')}-${randomBytes(6).toString('hex')}`;
  const request: DataRequest = {
    id,
    memberId: input.memberId,
    kind: input.kind,
    channel: input.channel,
    receivedAt,
    dueAt: dataRequestDueAt(receivedAt),
    status: 'received',
    handledBy,
    ...(input.note === undefined ? {} : { note: input.note }),
  };
  return storage.transaction(async (tx) => {
    if (!(await tx.getDocs('members', [input.memberId])).has(input.memberId)) {
      throw new DataRequestError('not-found', `no member ${input.memberId}`);
    }
    const written = await tx.put({
      db: DATA_REQUESTS_DB,
      id,
      body: request,
      storeId: null,
      expectedRev: null,
    });
    if (!written.ok) throw new Error(`data request ${id} already exists`);
    return request;
  });
}

export type ListedDataRequest = DataRequest & { overdue: boolean };

/** [DQ2] The requests (of one status, or all), oldest first, each flagged overdue or not at `now`. */
export async function listDataRequests(
  storage: SyncStorage,
  status: DataRequestStatus | null,
  now: Date,
  limit: number,
): Promise<ListedDataRequest[]> {
  const rows = await storage.findDocs(DATA_REQUESTS_DB, {
    fields: status ? { status } : {},
    limit,
  });
  const at = now.toISOString();
  return rows.map((row) => {
    const request = row.body as DataRequest;
    return { ...request, overdue: isOverdue(request, at) };
  });
}

export async function readDataRequest(storage: SyncStorage, id: string): Promise<DataRequest> {
  const row = (await storage.getDocs(DATA_REQUESTS_DB, [id], null)).get(id);
  if (!row) throw new DataRequestError('not-found', `no data request ${id}`);
  return row.body as DataRequest;
}

/** One record of an export section: JSON as the documents were stored. */
type ExportRecord = MemberExport[string][number];

const asRecords = (rows: { body: JsonObject }[]) => rows.map((row) => row.body as ExportRecord);

/**
 * [DQ3] Everything the chain holds about the member of an access request:
 * their personal data (from the vault), the member document, the consent
 * ledger, the sales naming them, the returns of those sales, their point
 * entries, the messages queued for them, their requests, and the recorded
 * reads of their personal data.
 */
export async function memberExport(
  storage: SyncStorage,
  requestId: string,
  options: { vault?: PersonalDataVault | undefined; readLog?: PersonalDataReadLog | undefined },
): Promise<MemberExport> {
  const request = await readDataRequest(storage, requestId);
  if (request.kind !== 'access') {
    throw new DataRequestError('conflict', `${requestId} is a ${request.kind} request, not access`);
  }
  if (!options.vault) {
    throw new DataRequestError('no-vault', 'this server has no personal data vault configured');
  }
  const { memberId } = request;
  const [personal, member, consents, sales, pointEntries, messages, requests, reads] =
    await Promise.all([
      options.vault.read(memberId),
      storage.getDocs('members', [memberId], null),
      storage.findDocs(CONSENTS_DB, { memberId }),
      storage.findDocs('saleFacts', { memberId }),
      storage.findDocs('pointEntries', { memberId }),
      storage.findDocs(OUTBOX_DB, { memberId }),
      storage.findDocs(DATA_REQUESTS_DB, { memberId }),
      options.readLog ? options.readLog(memberId) : Promise.resolve([]),
    ]);
  const saleReturns = await storage.getDocs(
    SALE_RETURNS_DB,
    sales.map((sale) => sale.id),
    null,
  );
  const returnIds = [...saleReturns.values()].flatMap((row) => {
    const record = row.body as { applied?: string[]; pending?: string[] };
    return [...(record.applied ?? []), ...(record.pending ?? [])];
  });
  const returns = await storage.getDocs('returns', returnIds, null);
  return {
    personalData: personal ? [personal as unknown as ExportRecord] : [],
    member: asRecords([...member.values()]),
    consents: asRecords(consents),
    sales: asRecords(sales),
    returns: asRecords([...returns.values()]),
    pointEntries: asRecords(pointEntries),
    messages: asRecords(messages),
    dataRequests: asRecords(requests),
    personalDataReads: reads as ExportRecord[],
  };
}

/**
 * [DQ4] Completes a request. A deletion shreds the member's personal data
 * through the vault first, and cancels every message still pending for
 * them; their sales stay, naming only the member id (pseudonymised). A
 * request already completed or rejected stays as it is.
 */
export async function completeDataRequest(
  storage: SyncStorage,
  id: string,
  options: { vault: PersonalDataVault | undefined; now: Date; handledBy: string },
): Promise<DataRequest & { shredded?: boolean }> {
  const request = await readDataRequest(storage, id);
  if (request.status !== 'received') {
    throw new DataRequestError('conflict', `${id} is already ${request.status}`);
  }
  const at = options.now.toISOString();
  let shredded: boolean | undefined;
  if (request.kind === 'deletion') {
    if (!options.vault) {
      throw new DataRequestError('no-vault', 'this server has no personal data vault configured');
    }
    // Shredding is idempotent: a retry after a failure below shreds nothing new.
    shredded = await options.vault.shred(request.memberId, at);
  }
  return storage.transaction(async (tx) => {
    const row = (await tx.getDocs(DATA_REQUESTS_DB, [id])).get(id);
    const current = row?.body as DataRequest | undefined;
    if (!row || current?.status !== 'received') {
      throw new DataRequestError('conflict', `${id} was completed meanwhile`);
    }
    const completed: DataRequest & { shredded?: boolean } = {
      ...current,
      status: 'completed',
      completedAt: at,
      handledBy: options.handledBy,
      ...(shredded === undefined ? {} : { shredded }),
    };
    if (request.kind === 'deletion') {
      await cancelPendingMessages(tx, { memberId: request.memberId, reason: 'member-deleted', at });
    }
    const written = await tx.put({
      db: DATA_REQUESTS_DB,
      id,
      body: completed,
      storeId: null,
      expectedRev: row.rev,
    });
    if (!written.ok) throw new DataRequestError('conflict', `${id} changed meanwhile`);
    return completed;
  });
}
