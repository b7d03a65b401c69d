import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLLECTION_NAMES, SCHEMAS } from './collections';
import {
  CURRENT_VERSIONS,
  SCHEMA_VERSIONS,
  checkVersions,
  describeVersionRefusal,
  formatSchemaVersions,
  parseProtocolHeader,
  parseSchemaHeader,
  readVersionRefusal,
  syncVersionHeaders,
} from './sync-contract';

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,20}$/);
const versions = fc.dictionary(name, fc.nat({ max: 999_999_999 }), { minKeys: 1, maxKeys: 20 });

describe('the sync contract', () => {
  it('[DS3] derives the schema versions from every collection schema, one rule for all', () => {
    expect(Object.keys(SCHEMA_VERSIONS).sort()).toEqual([...COLLECTION_NAMES].sort());
    for (const collection of COLLECTION_NAMES) {
      expect(SCHEMA_VERSIONS[collection]).toBe(SCHEMAS[collection].version);
    }
    expect(CURRENT_VERSIONS.schemas).toBe(SCHEMA_VERSIONS);
    expect(syncVersionHeaders()).toEqual({
      'x-pos-protocol': String(CURRENT_VERSIONS.protocol),
      'x-pos-schema': formatSchemaVersions(SCHEMA_VERSIONS),
    });
  });

  it('[VC2] reads back every schema header it writes, in any order', () => {
    fc.assert(
      fc.property(versions, (v) => {
        expect(parseSchemaHeader(formatSchemaVersions(v))).toEqual({ ok: true, value: v });
        const reversed = Object.entries(v)
          .reverse()
          .map(([k, n]) => ` ${k}=${n} `)
          .join(',');
        expect(parseSchemaHeader(reversed)).toEqual({ ok: true, value: v });
      }),
    );
  });

  it('[VC2] header parsers are total and refuse what is not a version', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const schema = parseSchemaHeader(text);
        const protocol = parseProtocolHeader(text);
        expect(typeof schema.ok).toBe('boolean');
        if (protocol.ok) expect(Number.isSafeInteger(protocol.value)).toBe(true);
      }),
    );
    for (const bad of ['', 'x', 'a=', '=1', 'a=1,a=2', 'a=-1', 'a=1.5', '1a=2', 'a=1;b=2']) {
      expect(parseSchemaHeader(bad).ok).toBe(false);
    }
    expect(parseSchemaHeader(Array.from({ length: 65 }, (_, i) => `c${i}=0`).join(',')).ok).toBe(
      false,
    );
  });

  it('[VC3] [VC4] compares each collection the client syncs with the server', () => {
    const server = { protocol: 2, minProtocol: 2, schemas: { a: 1, b: 3 } };
    expect(checkVersions({ protocol: 2, schemas: { a: 1, b: 3 } }, server)).toBeNull();
    expect(checkVersions({ protocol: null, schemas: { b: 3 } }, server)).toBeNull();
    expect(checkVersions({ protocol: null, schemas: null }, server)).toBeNull();
    expect(checkVersions({ protocol: 2, schemas: { a: 0, b: 4 } }, server)).toMatchObject({
      error: 'protocol_outdated',
      incompatibility: 'client_schema_too_old',
      collections: [
        { collection: 'a', client: 0, server: 1 },
        { collection: 'b', client: 4, server: 3 },
      ],
    });
    expect(checkVersions({ protocol: 2, schemas: { c: 0 } }, server)).toMatchObject({
      error: 'server_outdated',
      incompatibility: 'server_schema_too_old',
      collections: [{ collection: 'c', client: 0, server: null }],
    });
    expect(checkVersions({ protocol: 1, schemas: null }, server)?.incompatibility).toBe(
      'client_protocol_too_old',
    );
    expect(checkVersions({ protocol: 3, schemas: null }, server)?.incompatibility).toBe(
      'server_protocol_too_old',
    );
  });

  it('[VC5] a client reads the refusal back from the answer, and only a refusal', () => {
    const server = { protocol: 2, minProtocol: 2, schemas: { a: 1 } };
    fc.assert(
      fc.property(
        fc.option(fc.nat({ max: 4 }), { nil: null }),
        fc.option(fc.dictionary(fc.constantFrom('a', 'b'), fc.nat({ max: 3 })), { nil: null }),
        (protocol, schemas) => {
          const refusal = checkVersions({ protocol, schemas }, server);
          if (!refusal) return;
          const status = refusal.error === 'protocol_outdated' ? 426 : 409;
          const body = JSON.parse(JSON.stringify(refusal)) as unknown;
          expect(readVersionRefusal(status, body)).toEqual(refusal);
          expect(describeVersionRefusal(refusal)).toMatch(/Update the (app|server)/);
        },
      ),
    );
    expect(readVersionRefusal(409, { error: 'conflict', reason: 'Document update conflict' })).toBe(
      null,
    );
    expect(readVersionRefusal(400, { error: 'bad_request' })).toBeNull();
    expect(readVersionRefusal(426, 'upgrade')).toBeNull();
  });
});
