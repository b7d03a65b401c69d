/**
 * The protocol and schema version check at the server's door: the contract
 * itself (versions, header names, the typed refusal) is the domain's
 * `sync-contract.ts`, shared with the devices; this reads Node's request
 * headers and turns a refusal into the HTTP error. See SPEC.md [VC1]-[VC4].
 */
import {
  CURRENT_VERSIONS,
  PROTOCOL_HEADER,
  SCHEMA_HEADER,
  checkVersions,
  parseProtocolHeader,
  parseSchemaHeader,
  type ServerVersions,
} from '@pos/domain';
import { SyncError } from './protocol';

export { PROTOCOL_HEADER, SCHEMA_HEADER, type ServerVersions };

/** What this server speaks: `GET /` reports it, and refusals name it. */
export const SERVER_VERSIONS: ServerVersions = CURRENT_VERSIONS;

type Headers = Record<string, string | string[] | undefined>;

function headerText(headers: Headers, name: string): string | null | 'invalid' {
  const raw = headers[name];
  if (raw === undefined) return null;
  if (Array.isArray(raw)) return raw.length === 1 ? raw[0]! : 'invalid';
  return raw;
}

/**
 * [VC1] A request without the headers is served (third-party CouchDB tools).
 * [VC2] A malformed header is a 400. [VC3] A client older than the server
 * serves gets 426 `protocol_outdated`; [VC4] a newer one 409
 * `server_outdated`. Returns null when the client may sync.
 */
export function checkClientVersions(
  headers: Headers,
  server: ServerVersions = SERVER_VERSIONS,
): SyncError | null {
  const protocolText = headerText(headers, PROTOCOL_HEADER);
  const schemaText = headerText(headers, SCHEMA_HEADER);
  const protocol =
    protocolText === null
      ? null
      : parseProtocolHeader(protocolText === 'invalid' ? '' : protocolText);
  const schemas =
    schemaText === null ? null : parseSchemaHeader(schemaText === 'invalid' ? '' : schemaText);
  if (protocol && !protocol.ok) return new SyncError('bad_request', protocol.reason);
  if (schemas && !schemas.ok) return new SyncError('bad_request', schemas.reason);
  const refusal = checkVersions(
    { protocol: protocol?.value ?? null, schemas: schemas?.value ?? null },
    server,
  );
  if (!refusal) return null;
  const { error, reason, ...details } = refusal;
  return new SyncError(error, reason, details);
}
