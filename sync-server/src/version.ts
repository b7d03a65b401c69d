/**
 * The protocol and schema version check: a client names the sync protocol and
 * the document schema it speaks in request headers, and an out-of-date one gets
 * a typed refusal instead of reading or writing documents it would corrupt.
 * Pure. See SPEC.md [VC1]-[VC4].
 */
import { SCHEMA_VERSION } from '@pos/domain';
import { SYNC_PROTOCOL_VERSION, SyncError } from './protocol';

export const PROTOCOL_HEADER = 'x-pos-protocol';
export const SCHEMA_HEADER = 'x-pos-schema';

/** The oldest client protocol this server still serves. */
export const MIN_CLIENT_PROTOCOL = 1;

/** What a server speaks: `GET /` reports it, and refusals name it. */
export type ServerVersions = {
  /** The newest protocol this server speaks. */
  protocol: number;
  /** The oldest protocol it still serves. */
  minProtocol: number;
  /** The document schema version (`SCHEMA_VERSION` of `@pos/domain`) it validates against. */
  schema: number;
};

export const SERVER_VERSIONS: ServerVersions = {
  protocol: SYNC_PROTOCOL_VERSION,
  minProtocol: MIN_CLIENT_PROTOCOL,
  schema: SCHEMA_VERSION,
};

/** Why a client cannot sync with this server. */
export type Incompatibility =
  | 'client_protocol_too_old'
  | 'client_schema_too_old'
  | 'server_protocol_too_old'
  | 'server_schema_too_old';

type Headers = Record<string, string | string[] | undefined>;

function readVersion(headers: Headers, name: string): number | null | 'invalid' {
  const raw = headers[name];
  if (raw === undefined) return null;
  const text = Array.isArray(raw) ? (raw.length === 1 ? raw[0]! : '') : raw;
  if (!/^\s*\d{1,9}\s*$/.test(text)) return 'invalid';
  return Number(text);
}

function refusal(
  incompatibility: Incompatibility,
  reason: string,
  sent: { protocol: number | null; schema: number | null },
  server: ServerVersions,
): SyncError {
  const clientOld =
    incompatibility === 'client_protocol_too_old' || incompatibility === 'client_schema_too_old';
  return new SyncError(clientOld ? 'protocol_outdated' : 'server_outdated', reason, {
    incompatibility,
    required: { protocol: server.minProtocol, schema: server.schema },
    supported: { protocol: server.protocol, schema: server.schema },
    sent,
  });
}

/**
 * [VC1] A request without the headers is served (clients that do not send them
 * yet). [VC2] A malformed header is a 400. [VC3] A client older than the server
 * serves (protocol below `minProtocol`, or another schema version below the
 * server's) gets 426 `protocol_outdated`. [VC4] A client newer than the server
 * gets 409 `server_outdated`. Returns null when the client may sync.
 */
export function checkClientVersions(
  headers: Headers,
  server: ServerVersions = SERVER_VERSIONS,
): SyncError | null {
  const protocol = readVersion(headers, PROTOCOL_HEADER);
  const schema = readVersion(headers, SCHEMA_HEADER);
  if (protocol === 'invalid' || schema === 'invalid') {
    return new SyncError(
      'bad_request',
      `${PROTOCOL_HEADER} and ${SCHEMA_HEADER} must be non-negative integers`,
    );
  }
  const sent = { protocol, schema };
  if (protocol !== null && protocol < server.minProtocol) {
    return refusal(
      'client_protocol_too_old',
      `this client speaks sync protocol ${protocol}; the server needs at least ${server.minProtocol}. Update the app`,
      sent,
      server,
    );
  }
  if (protocol !== null && protocol > server.protocol) {
    return refusal(
      'server_protocol_too_old',
      `this client speaks sync protocol ${protocol}; the server speaks at most ${server.protocol}. Update the server`,
      sent,
      server,
    );
  }
  if (schema !== null && schema < server.schema) {
    return refusal(
      'client_schema_too_old',
      `this client's documents have schema version ${schema}; the server validates version ${server.schema}. Update the app`,
      sent,
      server,
    );
  }
  if (schema !== null && schema > server.schema) {
    return refusal(
      'server_schema_too_old',
      `this client's documents have schema version ${schema}; the server knows only up to ${server.schema}. Update the server`,
      sent,
      server,
    );
  }
  return null;
}
