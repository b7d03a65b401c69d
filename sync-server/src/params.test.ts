import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_LIMIT,
  MAX_LOCAL_DOC_BYTES,
  parseAllDocsBody,
  parseAllDocsQuery,
  parseBulkDocsBody,
  parseChangesQuery,
  parseBulkGetBody,
  parseJson,
  parseLocalDocBody,
  parseRevsDiffBody,
  type Parsed,
} from './params';

const query = (params: Record<string, string>) => new URLSearchParams(params);

/** A parser result is a value, or a reason a person can read. */
function expectClear<T>(parsed: Parsed<T>): void {
  if (!parsed.ok) {
    expect(typeof parsed.reason).toBe('string');
    expect(parsed.reason.length).toBeGreaterThan(5);
  }
}

describe('parseChangesQuery', () => {
  it('[P3] reads exactly what RxDB replication-couchdb sends on pull', () => {
    const parsed = parseChangesQuery(
      query({
        style: 'all_docs',
        feed: 'normal',
        include_docs: 'true',
        since: '0',
        heartbeat: '60000',
        limit: '100',
        seq_interval: '100',
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        feed: 'normal',
        since: 0,
        limit: 100,
        includeDocs: true,
        timeoutMs: 60_000,
        heartbeatMs: 60_000,
      },
    });
  });

  it('[P3] reads the live longpoll RxDB starts with since=now', () => {
    const parsed = parseChangesQuery(
      query({
        style: 'all_docs',
        feed: 'longpoll',
        since: 'now',
        include_docs: 'true',
        limit: '20',
      }),
    );
    expect(parsed.ok && parsed.value).toMatchObject({ feed: 'longpoll', since: 'now', limit: 20 });
  });

  it('[P3] defaults: normal feed from 0, no docs, the largest page', () => {
    expect(parseChangesQuery(query({}))).toEqual({
      ok: true,
      value: {
        feed: 'normal',
        since: 0,
        limit: MAX_LIMIT,
        includeDocs: false,
        timeoutMs: 60_000,
        heartbeatMs: null,
      },
    });
  });

  it.each([
    [{ feed: 'continuous' }, /feed=continuous is not supported/],
    [{ since: '12-g1AAAA' }, /since must be a sequence number/],
    [{ since: '-1' }, /since must be/],
    [{ limit: '0' }, /limit must be a positive integer/],
    [{ limit: String(MAX_LIMIT + 1) }, /limit must be at most/],
    [{ include_docs: 'yes' }, /include_docs must be true or false/],
    [{ filter: '_doc_ids' }, /filters are not supported/],
    [{ descending: 'true' }, /descending=true is not supported/],
    [{ heartbeat: 'often' }, /heartbeat must be/],
    [{ timeout: '1.5' }, /timeout must be/],
  ])('[P3] refuses %o with a clear reason', (params, reason) => {
    const parsed = parseChangesQuery(query(params));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('[P3] clamps the longpoll timeout and a tiny heartbeat', () => {
    const parsed = parseChangesQuery(query({ timeout: '99999999', heartbeat: '1' }));
    expect(parsed.ok && parsed.value).toMatchObject({ timeoutMs: 300_000, heartbeatMs: 1000 });
  });

  it('[P3] never throws on arbitrary query strings', () => {
    const key = fc.constantFrom(
      'feed',
      'since',
      'limit',
      'include_docs',
      'style',
      'heartbeat',
      'timeout',
      'descending',
      'filter',
      'seq_interval',
      'other',
    );
    fc.assert(
      fc.property(fc.dictionary(key, fc.string()), fc.string(), (params, raw) => {
        for (const q of [query(params), new URLSearchParams(raw)]) {
          const parsed = parseChangesQuery(q);
          expectClear(parsed);
          if (parsed.ok) {
            const { since, limit } = parsed.value;
            expect(since === 'now' || (Number.isSafeInteger(since) && since >= 0)).toBe(true);
            expect(limit >= 1 && limit <= MAX_LIMIT).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('_all_docs parameters', () => {
  it('[P3] reads the body RxDB push sends before writing', () => {
    expect(
      parseAllDocsBody({ keys: ['a', 'b'], include_docs: true, deleted: 'ok' }, query({})),
    ).toEqual({ ok: true, value: { keys: ['a', 'b'], includeDocs: true } });
  });

  it('[P3] reads the unencoded JSON keys RxDB sends when it fetches conflicts', () => {
    const url = new URL('http://x/sales/_all_docs?include_docs=true&keys=["S001-POS1-1","b c"]');
    expect(parseAllDocsQuery(url.searchParams)).toEqual({
      ok: true,
      value: { keys: ['S001-POS1-1', 'b c'], includeDocs: true },
    });
  });

  it.each([
    [{}, /keys is required/],
    [{ keys: 'a' }, /keys must be an array/],
    [{ keys: [1] }, /keys must be an array of document ids/],
    [{ keys: [], include_docs: 'yes' }, /include_docs must be true or false/],
    [[], /JSON object/],
  ])('[P3] refuses the body %o', (body, reason) => {
    const parsed = parseAllDocsBody(body, query({}));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('[P3] never throws on arbitrary bodies or queries', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), fc.string(), (body, keys, include) => {
        expectClear(parseAllDocsBody(body, query({ include_docs: include })));
        expectClear(parseAllDocsBody({ keys: body, include_docs: body }, query({})));
        expectClear(parseAllDocsQuery(query({ keys, include_docs: include })));
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseBulkDocsBody', () => {
  it('[P3] reads the docs RxDB push sends', () => {
    const docs = [{ _id: 'a', _deleted: false }];
    expect(parseBulkDocsBody({ docs })).toEqual({ ok: true, value: docs });
  });

  it.each([
    [null, /JSON object/],
    [{ docs: {} }, /docs must be an array/],
    [{ docs: [], new_edits: false }, /new_edits=false/],
    [{ docs: [], all_or_nothing: true }, /all_or_nothing/],
  ])('[P3] refuses %o', (body, reason) => {
    const parsed = parseBulkDocsBody(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('[P3] never throws on arbitrary bodies', () => {
    fc.assert(
      fc.property(fc.anything(), (body) => {
        expectClear(parseBulkDocsBody(body));
        expectClear(parseBulkDocsBody({ docs: body, new_edits: body }));
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseJson', () => {
  it('[P3] gives a reason for an empty or broken body, never an exception', () => {
    expect(parseJson('')).toEqual({ ok: false, reason: 'the request body is empty; send JSON' });
    expect(parseJson('{"a":')).toEqual({ ok: false, reason: 'the request body is not valid JSON' });
    fc.assert(fc.property(fc.string(), (text) => expectClear(parseJson(text))));
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(parseJson(JSON.stringify(v)).ok).toBe(true);
      }),
    );
  });
});

describe('PouchDB replicator bodies', () => {
  it('[PD2] reads a _revs_diff body of ids to revisions', () => {
    const parsed = parseRevsDiffBody({ a: ['1-x', '2-y'], b: [] });
    expect(parsed).toEqual({
      ok: true,
      value: new Map([
        ['a', ['1-x', '2-y']],
        ['b', []],
      ]),
    });
    expect(parseRevsDiffBody([])).toMatchObject({ ok: false });
    expect(parseRevsDiffBody({ a: '1-x' })).toMatchObject({ ok: false });
    expect(parseRevsDiffBody({ a: [1] })).toMatchObject({ ok: false });
  });

  it('[PD3] reads a _bulk_get body and its revs and latest flags', () => {
    expect(
      parseBulkGetBody(
        { docs: [{ id: 'a', rev: '1-x' }, { id: 'b' }] },
        query({ revs: 'true', latest: 'true' }),
      ),
    ).toEqual({
      ok: true,
      value: {
        docs: [
          { id: 'a', rev: '1-x' },
          { id: 'b', rev: null },
        ],
        revs: true,
        latest: true,
      },
    });
    expect(parseBulkGetBody({ docs: [{ rev: '1' }] }, query({}))).toMatchObject({ ok: false });
    expect(parseBulkGetBody({ docs: [{ id: 'a', atts_since: [] }] }, query({}))).toMatchObject({
      ok: false,
    });
    expect(parseBulkGetBody({ docs: [] }, query({ attachments: 'true' }))).toMatchObject({
      ok: false,
    });
  });

  it('[PD1] reads a _local document, keeping its fields and its _rev', () => {
    expect(parseLocalDocBody({ _id: '_local/x', _rev: '0-1', last_seq: 5 }, 'x')).toEqual({
      ok: true,
      value: { rev: '0-1', body: { last_seq: 5 } },
    });
    expect(parseLocalDocBody({ _id: '_local/y' }, 'x')).toMatchObject({ ok: false });
    expect(parseLocalDocBody({ _deleted: true }, 'x')).toMatchObject({ ok: false });
    expect(parseLocalDocBody({ pad: 'x'.repeat(MAX_LOCAL_DOC_BYTES) }, 'x')).toMatchObject({
      ok: false,
    });
  });

  it('[PD1] [V2] [V3] a _local document with a prototype key or deep nesting is refused', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(parseLocalDocBody({ checkpoint: deep }, 'x')).toMatchObject({ ok: false });
    const proto = JSON.parse('{"checkpoint":{"__proto__":{"polluted":true}}}') as unknown;
    expect(parseLocalDocBody(proto, 'x')).toMatchObject({ ok: false });
    expect(parseLocalDocBody(JSON.parse('{"__proto__":{"a":1}}'), 'x')).toMatchObject({
      ok: false,
    });
  });

  it('[P3] [PD1]-[PD3] the replicator body parsers are total', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.string()), (body, params) => {
        expectClear(parseRevsDiffBody(body));
        expectClear(parseBulkGetBody(body, query(params)));
        expectClear(parseLocalDocBody(body, 'x'));
      }),
    );
  });
});
