/**
 * The sync protocol's version contract, shared by the devices (which send it)
 * and the sync server (which checks it): the protocol version, the schema
 * versions, the header names and the typed refusal an incompatible client
 * gets. Pure. See [DS3] here and [VC1]-[VC5] in sync-server/SPEC.md.
 *
 * One schema-version rule: every synced collection's schema has a `version`
 * (raised by one for each change of the collection's documents, with a
 * migration on the device). A client sends the version of every collection
 * it syncs; the server serves it only when each one equals its own.
 */
import { SCHEMAS, type CollectionName } from './collections';

/** Bumped when the HTTP protocol changes incompatibly. */
export const SYNC_PROTOCOL_VERSION = 1;
/** The oldest client protocol a server of this version still serves. */
export const MIN_SYNC_PROTOCOL = 1;

/** The sync protocol the client speaks: one non-negative integer. */
export const PROTOCOL_HEADER = 'x-pos-protocol';
/** The schema versions of the collections the client syncs: `name=version,...`. */
export const SCHEMA_HEADER = 'x-pos-schema';

/** Schema version by collection name. */
export type SchemaVersions = Readonly<Record<string, number>>;

/** The version of each schema in a set of (RxDB-shaped) schemas. */
export function schemaVersionsOf(
  schemas: Readonly<Record<string, { readonly version: number }>>,
): Record<string, number> {
  return Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, s.version]));
}

/** [DS3] The schema version of every synced collection, as this build of the domain defines it. */
export const SCHEMA_VERSIONS: Readonly<Record<CollectionName, number>> = schemaVersionsOf(
  SCHEMAS,
) as Record<CollectionName, number>;

/** The `X-Pos-Schema` value: `name=version` pairs sorted by name, comma-separated. */
export function formatSchemaVersions(versions: SchemaVersions): string {
  return Object.keys(versions)
    .sort()
    .map((name) => `${name}=${versions[name]}`)
    .join(',');
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const VERSION = /^\d{1,9}$/;
const PAIR = /^([A-Za-z][A-Za-z0-9_]{0,63})=(\d{1,9})$/;
const MAX_COLLECTIONS = 64;

/** [VC2] `X-Pos-Protocol`: a non-negative integer (surrounding spaces allowed). Never throws. */
export function parseProtocolHeader(text: string): Parsed<number> {
  const trimmed = text.trim();
  return VERSION.test(trimmed)
    ? { ok: true, value: Number(trimmed) }
    : { ok: false, reason: `${PROTOCOL_HEADER} must be a non-negative integer` };
}

/** [VC2] `X-Pos-Schema`: `name=version` pairs, each name once. Never throws. */
export function parseSchemaHeader(text: string): Parsed<SchemaVersions> {
  const bad = (why: string): Parsed<SchemaVersions> => ({
    ok: false,
    reason: `${SCHEMA_HEADER} must be collection=version pairs separated by commas (${why})`,
  });
  const pairs = text.split(',').map((part) => part.trim());
  if (pairs.length > MAX_COLLECTIONS) return bad(`at most ${MAX_COLLECTIONS}`);
  const versions: Record<string, number> = {};
  for (const pair of pairs) {
    const match = PAIR.exec(pair);
    if (!match) return bad(pair === '' ? 'an empty pair' : `not a pair: ${pair.slice(0, 40)}`);
    const [, name, version] = match as unknown as [string, string, string];
    if (Object.hasOwn(versions, name)) return bad(`${name} twice`);
    versions[name] = Number(version);
  }
  return { ok: true, value: versions };
}

/** The headers a client sends with every request to the sync server. */
export function syncVersionHeaders(
  schemas: SchemaVersions = SCHEMA_VERSIONS,
  protocol: number = SYNC_PROTOCOL_VERSION,
): Record<string, string> {
  return {
    [PROTOCOL_HEADER]: String(protocol),
    [SCHEMA_HEADER]: formatSchemaVersions(schemas),
  };
}

/** What a server speaks: `GET /` reports it, and refusals name it. */
export type ServerVersions = {
  /** The newest protocol the server speaks. */
  protocol: number;
  /** The oldest protocol it still serves. */
  minProtocol: number;
  /** The schema version of every collection it syncs. */
  schemas: SchemaVersions;
};

export const CURRENT_VERSIONS: ServerVersions = {
  protocol: SYNC_PROTOCOL_VERSION,
  minProtocol: MIN_SYNC_PROTOCOL,
  schemas: SCHEMA_VERSIONS,
};

/** What a client said it speaks; null for a header it did not send. */
export type ClientVersions = { protocol: number | null; schemas: SchemaVersions | null };

/** Why a client cannot sync with a server. */
export type Incompatibility =
  | 'client_protocol_too_old'
  | 'client_schema_too_old'
  | 'server_protocol_too_old'
  | 'server_schema_too_old';

/** A collection whose schema version differs (null: that side does not have it). */
export type SchemaDifference = { collection: string; client: number; server: number | null };

/** The typed answer to an incompatible client: the JSON body of a 426 or 409. */
export type VersionRefusal = {
  /** 426 when the client must be updated, 409 when the server must be. */
  error: 'protocol_outdated' | 'server_outdated';
  reason: string;
  incompatibility: Incompatibility;
  required: { protocol: number; schemas: SchemaVersions };
  supported: { protocol: number; schemas: SchemaVersions };
  sent: ClientVersions;
  /** The collections whose versions differ (empty for a protocol refusal). */
  collections: SchemaDifference[];
};

export const VERSION_REFUSAL_STATUS = { protocol_outdated: 426, server_outdated: 409 } as const;

function refusal(
  incompatibility: Incompatibility,
  reason: string,
  sent: ClientVersions,
  server: ServerVersions,
  collections: SchemaDifference[] = [],
): VersionRefusal {
  const clientOld =
    incompatibility === 'client_protocol_too_old' || incompatibility === 'client_schema_too_old';
  return {
    error: clientOld ? 'protocol_outdated' : 'server_outdated',
    reason,
    incompatibility,
    required: { protocol: server.minProtocol, schemas: server.schemas },
    supported: { protocol: server.protocol, schemas: server.schemas },
    sent,
    collections,
  };
}

const named = (differences: SchemaDifference[]) =>
  differences.map((d) => `${d.collection} ${d.client} (server ${d.server ?? 'none'})`).join(', ');

/**
 * [VC1] No header: no check. [VC3] A client older than the server serves
 * (protocol below `minProtocol`, or a collection's schema version below the
 * server's) is refused as `protocol_outdated`. [VC4] A newer one (protocol
 * above the server's, a collection's version above the server's, or a
 * collection the server does not have) as `server_outdated`. Collections the
 * server has and the client does not send are not the client's concern.
 * Returns null when the client may sync.
 */
export function checkVersions(
  client: ClientVersions,
  server: ServerVersions = CURRENT_VERSIONS,
): VersionRefusal | null {
  const { protocol, schemas } = client;
  if (protocol !== null && protocol < server.minProtocol) {
    return refusal(
      'client_protocol_too_old',
      `this client speaks sync protocol ${protocol}; the server needs at least ${server.minProtocol}. Update the app`,
      client,
      server,
    );
  }
  if (protocol !== null && protocol > server.protocol) {
    return refusal(
      'server_protocol_too_old',
      `this client speaks sync protocol ${protocol}; the server speaks at most ${server.protocol}. Update the server`,
      client,
      server,
    );
  }
  if (schemas === null) return null;
  const older: SchemaDifference[] = [];
  const newer: SchemaDifference[] = [];
  for (const collection of Object.keys(schemas).sort()) {
    const mine = schemas[collection]!;
    const theirs = Object.hasOwn(server.schemas, collection) ? server.schemas[collection]! : null;
    if (theirs === null || mine > theirs) newer.push({ collection, client: mine, server: theirs });
    else if (mine < theirs) older.push({ collection, client: mine, server: theirs });
  }
  if (older.length) {
    return refusal(
      'client_schema_too_old',
      `this client's documents have older schema versions than the server's: ${named(older)}. Update the app`,
      client,
      server,
      [...older, ...newer],
    );
  }
  if (newer.length) {
    return refusal(
      'server_schema_too_old',
      `this client's documents have newer schema versions than the server knows: ${named(newer)}. Update the server`,
      client,
      server,
      newer,
    );
  }
  return null;
}

const INCOMPATIBILITIES: readonly Incompatibility[] = [
  'client_protocol_too_old',
  'client_schema_too_old',
  'server_protocol_too_old',
  'server_schema_too_old',
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * [VC5] A server's answer read by a client: the refusal when the answer is a
 * 426 or 409 version refusal, null for any other answer. Never throws.
 */
export function readVersionRefusal(status: number, body: unknown): VersionRefusal | null {
  if (status !== 426 && status !== 409) return null;
  if (!isObject(body)) return null;
  const incompatibility = body.incompatibility;
  if (!INCOMPATIBILITIES.includes(incompatibility as Incompatibility)) return null;
  const error = status === 426 ? 'protocol_outdated' : 'server_outdated';
  if (body.error !== error) return null;
  const versions = (value: unknown) => {
    const v = isObject(value) ? value : {};
    const schemas = isObject(v.schemas) ? v.schemas : {};
    return {
      protocol: typeof v.protocol === 'number' ? v.protocol : 0,
      schemas: Object.fromEntries(
        Object.entries(schemas).filter((e): e is [string, number] => typeof e[1] === 'number'),
      ),
    };
  };
  const sent = isObject(body.sent) ? body.sent : {};
  return {
    error,
    reason: typeof body.reason === 'string' ? body.reason : '',
    incompatibility: incompatibility as Incompatibility,
    required: versions(body.required),
    supported: versions(body.supported),
    sent: {
      protocol: typeof sent.protocol === 'number' ? sent.protocol : null,
      schemas: isObject(sent.schemas) ? versions(sent).schemas : null,
    },
    collections: Array.isArray(body.collections)
      ? body.collections.filter(
          (d): d is SchemaDifference =>
            isObject(d) && typeof d.collection === 'string' && typeof d.client === 'number',
        )
      : [],
  };
}

/** [VC5] A refusal in words a cashier or a support person can act on. */
export function describeVersionRefusal(refusal: VersionRefusal): string {
  const collections = refusal.collections.length
    ? ` (${refusal.collections
        .map(
          (d) =>
            `${d.collection}: this device ${d.client}, the server ${d.server ?? 'does not have it'}`,
        )
        .join('; ')})`
    : '';
  switch (refusal.incompatibility) {
    case 'client_protocol_too_old':
      return `This app is too old for the sync server: it speaks sync protocol ${refusal.sent.protocol ?? '?'}, the server needs ${refusal.required.protocol} or newer. Update the app; sales stay on this device until then.`;
    case 'server_protocol_too_old':
      return `The sync server is older than this app: the app speaks sync protocol ${refusal.sent.protocol ?? '?'}, the server at most ${refusal.supported.protocol}. Update the server; sales stay on this device until then.`;
    case 'client_schema_too_old':
      return `This app is too old for the sync server: its documents have older versions${collections}. Update the app; sales stay on this device until then.`;
    case 'server_schema_too_old':
      return `The sync server is older than this app: the app's documents have newer versions${collections}. Update the server; sales stay on this device until then.`;
  }
}
