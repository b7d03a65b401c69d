import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSchemaVersions } from '@pos/domain';
import { SyncError } from './protocol';
import { checkClientVersions, type ServerVersions } from './version';

const server: ServerVersions = {
  protocol: 3,
  minProtocol: 2,
  schemas: { products: 2, saleFacts: 5 },
};
const check = (headers: Record<string, string | string[] | undefined>) =>
  checkClientVersions(headers, server);

describe('checkClientVersions', () => {
  it('[VC1] serves a client that sends no version headers, or current ones', () => {
    expect(check({})).toBeNull();
    expect(check({ 'x-pos-protocol': '3', 'x-pos-schema': 'products=2,saleFacts=5' })).toBeNull();
    expect(check({ 'x-pos-protocol': '2' })).toBeNull();
    expect(check({ 'x-pos-schema': ' saleFacts=5 , products=2 ' })).toBeNull();
    // A client that syncs only some collections names only those.
    expect(check({ 'x-pos-protocol': '3', 'x-pos-schema': 'saleFacts=5' })).toBeNull();
  });

  it('[VC2] refuses a malformed header with 400', () => {
    for (const value of ['', 'v3', '-1', '1.5', '9999999999', ['3', '3']]) {
      expect(check({ 'x-pos-protocol': value })).toMatchObject({ error: 'bad_request' });
    }
    for (const value of ['', '5', 'products', 'products=', 'products=1,products=1', 'a=1,,b=2']) {
      expect(check({ 'x-pos-schema': value })).toMatchObject({
        error: 'bad_request',
        reason: expect.stringMatching(/x-pos-schema must be collection=version pairs/),
      });
    }
  });

  it('[VC3] refuses an out-of-date client with 426 protocol_outdated, naming what it needs', () => {
    const old = check({ 'x-pos-protocol': '1', 'x-pos-schema': 'products=2,saleFacts=5' });
    expect(old).toBeInstanceOf(SyncError);
    expect(old?.status).toBe(426);
    expect(old).toMatchObject({
      error: 'protocol_outdated',
      details: {
        incompatibility: 'client_protocol_too_old',
        required: { protocol: 2, schemas: server.schemas },
        supported: { protocol: 3, schemas: server.schemas },
        sent: { protocol: 1, schemas: { products: 2, saleFacts: 5 } },
      },
    });
    expect(old?.reason).toMatch(/needs at least 2\. Update the app/);
    const oldProducts = check({ 'x-pos-schema': 'products=1,saleFacts=5' });
    expect(oldProducts?.status).toBe(426);
    expect(oldProducts).toMatchObject({
      error: 'protocol_outdated',
      details: {
        incompatibility: 'client_schema_too_old',
        collections: [{ collection: 'products', client: 1, server: 2 }],
      },
    });
  });

  it('[VC4] refuses a client newer than the server with 409 server_outdated', () => {
    const newer = check({ 'x-pos-protocol': '4' });
    expect(newer?.status).toBe(409);
    expect(newer).toMatchObject({
      error: 'server_outdated',
      details: { incompatibility: 'server_protocol_too_old' },
    });
    expect(check({ 'x-pos-schema': 'saleFacts=6' })).toMatchObject({
      details: {
        incompatibility: 'server_schema_too_old',
        collections: [{ collection: 'saleFacts', client: 6, server: 5 }],
      },
    });
    // A collection the server does not have at all is newer than the server.
    expect(check({ 'x-pos-schema': 'orders=0,products=2' })).toMatchObject({
      error: 'server_outdated',
      details: { collections: [{ collection: 'orders', client: 0, server: null }] },
    });
  });

  it('[VC1]-[VC4] is total, and serves exactly the versions within range', () => {
    const schemaHeader = fc.oneof(
      fc.string(),
      fc
        .record(
          { products: fc.nat({ max: 4 }), saleFacts: fc.nat({ max: 7 }) },
          {
            requiredKeys: [],
          },
        )
        .filter((v) => Object.keys(v).length > 0)
        .map(formatSchemaVersions),
    );
    fc.assert(
      fc.property(
        fc.option(fc.oneof(fc.string(), fc.nat({ max: 10 }).map(String)), { nil: undefined }),
        fc.option(schemaHeader, { nil: undefined }),
        (protocol, schema) => {
          const result = check({ 'x-pos-protocol': protocol, 'x-pos-schema': schema });
          const p =
            protocol === undefined
              ? null
              : /^\s*\d{1,9}\s*$/.test(protocol)
                ? Number(protocol)
                : NaN;
          const pairs =
            schema === undefined
              ? null
              : schema.split(',').map((pair) => /^\s*(\w+)=(\d{1,9})\s*$/.exec(pair));
          const schemaOk =
            pairs === null ||
            (pairs.every(Boolean) &&
              new Set(pairs.map((m) => m![1])).size === pairs.length &&
              pairs.every(
                (m) =>
                  Object.hasOwn(server.schemas, m![1]!) && server.schemas[m![1]!] === Number(m![2]),
              ));
          const ok = (p === null || (p >= 2 && p <= 3)) && schemaOk;
          expect(result === null).toBe(ok);
          if (result) expect([400, 409, 426]).toContain(result.status);
        },
      ),
    );
  });
});
