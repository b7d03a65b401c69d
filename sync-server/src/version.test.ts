import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyncError } from './protocol';
import { checkClientVersions, type ServerVersions } from './version';

const server: ServerVersions = { protocol: 3, minProtocol: 2, schema: 5 };
const check = (headers: Record<string, string | string[] | undefined>) =>
  checkClientVersions(headers, server);

describe('checkClientVersions', () => {
  it('[VC1] serves a client that sends no version headers, or current ones', () => {
    expect(check({})).toBeNull();
    expect(check({ 'x-pos-protocol': '3', 'x-pos-schema': '5' })).toBeNull();
    expect(check({ 'x-pos-protocol': '2' })).toBeNull();
    expect(check({ 'x-pos-schema': ' 5 ' })).toBeNull();
  });

  it('[VC2] refuses a malformed header with 400', () => {
    for (const value of ['', 'v3', '-1', '1.5', '9999999999', ['3', '3']]) {
      expect(check({ 'x-pos-protocol': value })).toMatchObject({ error: 'bad_request' });
    }
  });

  it('[VC3] refuses an out-of-date client with 426 protocol_outdated, naming what it needs', () => {
    const old = check({ 'x-pos-protocol': '1', 'x-pos-schema': '5' });
    expect(old).toBeInstanceOf(SyncError);
    expect(old?.status).toBe(426);
    expect(old).toMatchObject({
      error: 'protocol_outdated',
      details: {
        incompatibility: 'client_protocol_too_old',
        required: { protocol: 2, schema: 5 },
        supported: { protocol: 3, schema: 5 },
        sent: { protocol: 1, schema: 5 },
      },
    });
    expect(old?.reason).toMatch(/needs at least 2\. Update the app/);
    expect(check({ 'x-pos-schema': '4' })).toMatchObject({
      error: 'protocol_outdated',
      details: { incompatibility: 'client_schema_too_old' },
    });
  });

  it('[VC4] refuses a client newer than the server with 409 server_outdated', () => {
    const newer = check({ 'x-pos-protocol': '4' });
    expect(newer?.status).toBe(409);
    expect(newer).toMatchObject({
      error: 'server_outdated',
      details: { incompatibility: 'server_protocol_too_old' },
    });
    expect(check({ 'x-pos-schema': '6' })).toMatchObject({
      details: { incompatibility: 'server_schema_too_old' },
    });
  });

  it('[VC1]-[VC4] is total, and serves exactly the versions within range', () => {
    fc.assert(
      fc.property(
        fc.option(fc.oneof(fc.string(), fc.nat({ max: 10 }).map(String)), { nil: undefined }),
        fc.option(fc.oneof(fc.string(), fc.nat({ max: 10 }).map(String)), { nil: undefined }),
        (protocol, schema) => {
          const result = check({ 'x-pos-protocol': protocol, 'x-pos-schema': schema });
          const p =
            protocol === undefined
              ? null
              : /^\s*\d{1,9}\s*$/.test(protocol)
                ? Number(protocol)
                : NaN;
          const s =
            schema === undefined ? null : /^\s*\d{1,9}\s*$/.test(schema) ? Number(schema) : NaN;
          const ok = (p === null || (p >= 2 && p <= 3)) && (s === null || s === 5);
          expect(result === null).toBe(ok);
          if (result) expect([400, 409, 426]).toContain(result.status);
        },
      ),
    );
  });
});
