/**
 * The HTTP endpoints of consent, the message outbox and data-subject
 * requests. Thin: parse, check, call the ledger, outbox or request service.
 * The consent page itself (`/consent/<token>`) needs no token of a device:
 * the invitation in its URL is the customer's key. See SPEC.md [CS1]-[CS5], [DQ1]-[DQ4].
 */
import { adminOnly, allow } from '../route-guards';
import { consentSummary, memberExportCsv, type Member } from '@pos/domain';
import { principalKey } from '../auth';
import { SyncError } from '../protocol';
import type { ServiceRequest } from '../service-routes';
import type { SyncStorage } from '../storage/storage';
import { DEFAULT_POLICY_VERSION, readConsents, readMember, storageReader } from './consent-check';
import { createInvitation, findInvitation, InvitationError } from './consent-invitations';
import { ConsentError, recordConsentAnswer } from './consent-ledger';
import {
  CONSENT_PAGE_HEADERS,
  parseConsentAnswer,
  pickLanguage,
  renderConsentPage,
  renderConsentProblem,
  type PageLanguage,
  type PageProblem,
} from './consent-page';
import {
  completeDataRequest,
  createDataRequest,
  DataRequestError,
  isDataRequestStatus,
  listDataRequests,
  memberExport,
  parseDataRequestInput,
  readDataRequest,
  type PersonalDataReadLog,
  type PersonalDataVault,
} from './data-requests';
import { listMessages, markSent, type MessageStatus } from './outbox';

/** What the server is configured with for privacy. */
export type PrivacyOptions = {
  /** Where members' personal data is read and shredded; without it, exports and deletions are refused. */
  vault?: PersonalDataVault;
  /** The recorded reads of a member's personal data, for their export. */
  readLog?: PersonalDataReadLog;
  /** [CS2] The privacy policy the consent page is answered under; default `DEFAULT_POLICY_VERSION`. */
  policyVersion?: string;
  /**
   * The server's address as customers' phones reach it, e.g.
   * `https://pos.example.cn`; default the address the request came to.
   */
  publicUrl?: string;
};

/** The first path segment of the consent page. */
export const CONSENT_PAGE_SEGMENT = 'consent';

/** Largest answer the consent page takes: a few short fields. */
const CONSENT_ANSWER_MAX_BYTES = 8 * 1024;

export type ConsentPageRequest = {
  storage: SyncStorage;
  method: string;
  /** The path segments after `consent`. */
  rest: readonly string[];
  query: URLSearchParams;
  acceptLanguage: string | undefined;
  contentType: string | undefined;
  readBody(maxBytes: number): Promise<string>;
  send(status: number, headers: Readonly<Record<string, string>>, body: string): void;
  now: () => Date;
  consent: PrivacyOptions;
};

function sendPage(request: ConsentPageRequest, status: number, html: string): void {
  request.send(status, CONSENT_PAGE_HEADERS, html);
}

function sendProblem(
  request: ConsentPageRequest,
  status: number,
  problem: PageProblem,
  language: PageLanguage,
): void {
  sendPage(request, status, renderConsentProblem(problem, language));
}

/**
 * [CS2] `GET /consent/<token>`: the page for the invitation's member.
 * `POST /consent/<token>`: records the customer's answer (the page's form,
 * or JSON) with channel `customer-web`, the configured policy version and
 * the server's clock, and answers with the page as it now stands (JSON
 * `{states}` to JSON). An invitation serves any number of answers until it
 * expires. Unknown token: 404; expired, or the member no longer active: 410;
 * an answer that cannot be read: 400; each changes nothing.
 */
export async function serveConsentPage(request: ConsentPageRequest): Promise<void> {
  const language = pickLanguage(request.query.get('lang'), request.acceptLanguage);
  const [token, ...more] = request.rest;
  if (token === undefined || more.length > 0) return sendProblem(request, 404, 'unknown', language);
  if (request.method !== 'GET' && request.method !== 'POST') {
    request.send(405, { ...CONSENT_PAGE_HEADERS, allow: 'GET, HEAD, POST' }, '');
    return;
  }
  const now = request.now();
  const found = await findInvitation(request.storage, token, now);
  if (found.state === 'unknown') return sendProblem(request, 404, 'unknown', language);
  if (found.state === 'expired') return sendProblem(request, 410, 'expired', language);
  const { invitation } = found;
  const reader = storageReader(request.storage);
  const member = await readMember(reader, invitation.memberId);
  if (member?.status !== 'active') return sendProblem(request, 410, 'inactive', language);
  const policyVersion = request.consent.policyVersion ?? DEFAULT_POLICY_VERSION;
  let saved: 'changed' | 'unchanged' | undefined;
  let entries;
  const json = (request.contentType ?? '').toLowerCase().startsWith('application/json');
  if (request.method === 'POST') {
    const answer = parseConsentAnswer(
      request.contentType,
      await request.readBody(CONSENT_ANSWER_MAX_BYTES),
    );
    if (!answer.ok) {
      if (json) {
        request.send(
          400,
          { ...CONSENT_PAGE_HEADERS, 'content-type': 'application/json' },
          JSON.stringify({ error: 'bad_request', reason: answer.reason }),
        );
        return;
      }
      return sendProblem(request, 400, 'bad-answer', language);
    }
    try {
      const recorded = await recordConsentAnswer(request.storage, {
        memberId: invitation.memberId,
        choices: answer.choices,
        // [CN2] The page a customer opens: the only channel reachable over HTTP.
        channel: 'customer-web',
        policyVersion,
        at: now.toISOString(),
      });
      entries = recorded.entries;
      saved = recorded.added.length > 0 ? 'changed' : 'unchanged';
    } catch (error) {
      if (error instanceof ConsentError && error.code === 'member-inactive') {
        return sendProblem(request, 410, 'inactive', language);
      }
      throw error;
    }
  } else {
    entries = await readConsents(reader, invitation.memberId);
  }
  const states = consentSummary(entries, invitation.memberId);
  if (json) {
    request.send(
      200,
      { ...CONSENT_PAGE_HEADERS, 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify({ policyVersion, states, ...(saved ? { saved } : {}) }),
    );
    return;
  }
  sendPage(
    request,
    200,
    renderConsentPage(
      {
        action: `/${CONSENT_PAGE_SEGMENT}/${token}`,
        maskedName: member.maskedName,
        policyVersion,
        states,
        expiresAt: invitation.expiresAt,
        ...(saved ? { saved } : {}),
      },
      language,
    ),
  );
}

/** What a privacy endpoint gets beyond a service endpoint. */
export type PrivacyServiceRequest = ServiceRequest & {
  /** Sends a body that is not JSON (an export as CSV). */
  sendText(status: number, headers: Readonly<Record<string, string>>, body: string): void;
  /** The address the request came to, e.g. `http://127.0.0.1:5984`. */
  requestUrl: string;
  consent: PrivacyOptions;
};

/** The first path segments this module serves beside the service routes. */
export function isPrivacyRoute(first: string): boolean {
  return first === '_consent';
}

const LIST_PAGE = 100;
const LIST_MAX = 1000;

function limitParam(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return LIST_PAGE;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > LIST_MAX) {
    throw new SyncError('bad_request', `limit must be a whole number from 1 to ${LIST_MAX}`);
  }
  return Number(raw);
}

const MEMBER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

function now(request: ServiceRequest): Date {
  return (request.now ?? (() => new Date()))();
}

/**
 * [CS2] `POST /_consent/invitations {memberId}` (a device or admin): an
 * invitation for the member to answer on their own phone:
 * `{url, expiresAt}`, the URL to show as a QR code. Nothing else a device
 * sends records consent.
 */
async function inviteToConsent(request: PrivacyServiceRequest): Promise<void> {
  allow(request.method, 'POST');
  const body = (await request.readJson()) as { memberId?: unknown } | null;
  const memberId = body?.memberId;
  if (typeof memberId !== 'string' || !MEMBER_ID.test(memberId)) {
    throw new SyncError('bad_request', 'send {memberId}');
  }
  try {
    const { token, expiresAt } = await createInvitation(
      request.storage,
      memberId,
      principalKey(request.principal),
      now(request),
    );
    const base = (request.consent.publicUrl ?? request.requestUrl).replace(/\/+$/, '');
    request.send(201, { url: `${base}/${CONSENT_PAGE_SEGMENT}/${token}`, expiresAt });
  } catch (error) {
    if (error instanceof InvitationError) {
      throw new SyncError(
        error.code === 'unknown-member' ? 'not_found' : 'conflict',
        error.message,
      );
    }
    throw error;
  }
}

/**
 * [CS1] `GET /_members/{id}/consents` (an admin, or a device of the
 * member's home store): `{memberId, states, entries}`.
 */
async function memberConsents(request: ServiceRequest, memberId: string): Promise<void> {
  allow(request.method, 'GET');
  const reader = storageReader(request.storage);
  const member: Member | undefined = await readMember(reader, memberId);
  const { principal } = request;
  if (!member || (principal.kind === 'device' && principal.storeId !== member.homeStoreId)) {
    throw new SyncError('not_found', `no member ${memberId} of this store`);
  }
  const entries = await readConsents(reader, memberId);
  request.send(200, { memberId, states: consentSummary(entries, memberId), entries });
}

const MESSAGE_STATUSES: readonly MessageStatus[] = ['pending', 'sent', 'cancelled'];

/**
 * [CS5] `GET /_admin/outbox?status=pending&limit=100` (admin): the messages
 * of a status, oldest first; pending ones only while their consent stands now.
 */
async function readOutbox(request: ServiceRequest): Promise<void> {
  allow(request.method, 'GET');
  adminOnly(request.principal);
  const status = request.query.get('status') ?? 'pending';
  if (!(MESSAGE_STATUSES as readonly string[]).includes(status)) {
    throw new SyncError('bad_request', `status must be one of ${MESSAGE_STATUSES.join(', ')}`);
  }
  const messages = await listMessages(
    request.storage,
    status as MessageStatus,
    now(request).toISOString(),
    limitParam(request.query),
  );
  request.send(200, { messages });
}

/** [CS5] `POST /_admin/outbox/{id}/sent` (admin): the sender sent it. 409 when it must not be. */
async function messageSent(request: ServiceRequest, id: string): Promise<void> {
  allow(request.method, 'POST');
  adminOnly(request.principal);
  const result = await markSent(request.storage, id, now(request).toISOString());
  if (result.ok) {
    request.send(200, { message: result.message });
    return;
  }
  if (result.reason === 'not-found') throw new SyncError('not_found', `no message ${id}`);
  throw new SyncError(
    'conflict',
    result.reason === 'no-consent'
      ? `the member's consent for ${result.message?.purpose ?? 'its purpose'} is gone: do not send it`
      : `message ${id} is ${result.message?.status ?? 'not pending'}`,
    { reason_code: result.reason },
  );
}

function dataRequestFailure(error: unknown): never {
  if (error instanceof DataRequestError) {
    const code = {
      'bad-request': 'bad_request',
      'not-found': 'not_found',
      conflict: 'conflict',
      'no-vault': 'not_implemented',
    } as const;
    throw new SyncError(code[error.code], error.message);
  }
  throw error;
}

/** [DQ1]-[DQ4] `/_admin/data-requests…` (admin). */
async function dataRequests(
  request: PrivacyServiceRequest,
  id: string | undefined,
  action: string | undefined,
): Promise<void> {
  adminOnly(request.principal);
  const handledBy = principalKey(request.principal);
  try {
    if (id === undefined) {
      allow(request.method, 'GET', 'POST');
      if (request.method === 'POST') {
        const input = parseDataRequestInput(await request.readJson());
        if (typeof input === 'string') throw new SyncError('bad_request', input);
        request.send(201, await createDataRequest(request.storage, input, now(request), handledBy));
        return;
      }
      const status = request.query.get('status');
      if (status !== null && !isDataRequestStatus(status)) {
        throw new SyncError('bad_request', 'status must be received, completed or rejected');
      }
      const list = await listDataRequests(
        request.storage,
        status,
        now(request),
        limitParam(request.query),
      );
      request.send(200, { requests: list });
      return;
    }
    if (action === undefined) {
      allow(request.method, 'GET');
      request.send(200, await readDataRequest(request.storage, id));
      return;
    }
    if (action === 'export') {
      allow(request.method, 'GET');
      const format = request.query.get('format') ?? 'json';
      if (format !== 'json' && format !== 'csv') {
        throw new SyncError('bad_request', 'format must be json or csv');
      }
      const data = await memberExport(request.storage, id, request.consent);
      const disposition = `attachment; filename="${id}.${format}"`;
      if (format === 'csv') {
        request.sendText(
          200,
          { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition },
          memberExportCsv(data),
        );
      } else {
        request.sendText(
          200,
          { 'content-type': 'application/json; charset=utf-8', 'content-disposition': disposition },
          JSON.stringify(data),
        );
      }
      return;
    }
    if (action === 'complete') {
      allow(request.method, 'POST');
      const completed = await completeDataRequest(request.storage, id, {
        vault: request.consent.vault,
        now: now(request),
        handledBy,
      });
      request.send(200, completed);
      return;
    }
  } catch (error) {
    dataRequestFailure(error);
  }
  throw new SyncError('not_found', `no such endpoint: /${request.segments.join('/')}`);
}

/**
 * Serves a privacy endpoint; false when the path is not one (the service
 * routes answer it).
 */
export async function servePrivacy(request: PrivacyServiceRequest): Promise<boolean> {
  const [first, second, third, fourth, ...more] = request.segments;
  if (more.length > 0) return false;
  if (first === '_consent' && second === 'invitations' && third === undefined) {
    await inviteToConsent(request);
    return true;
  }
  if (first === '_members' && second && second !== 'lookup' && third === 'consents' && !fourth) {
    await memberConsents(request, second);
    return true;
  }
  if (first === '_admin' && second === 'outbox') {
    if (third === undefined) await readOutbox(request);
    else if (fourth === 'sent') await messageSent(request, third);
    else return false;
    return true;
  }
  if (first === '_admin' && second === 'data-requests') {
    await dataRequests(request, third, fourth);
    return true;
  }
  return false;
}
