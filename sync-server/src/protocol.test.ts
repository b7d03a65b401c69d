import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentLimitProblem } from '@pos/domain';
import {
  isDocProblem,
  isUnstorableText,
  parseCouchDoc,
  toCouchDoc,
  unstorableJsonReason,
} from './protocol';

describe('CouchDB documents on the wire', () => {
  it('[P1] sends _id and _rev instead of id', () => {
    expect(toCouchDoc('SKU-0001', '1-abc', { id: 'SKU-0001', name: 'x' })).toEqual({
      _id: 'SKU-0001',
      _rev: '1-abc',
      name: 'x',
    });
  });

  it('[P2] reads what RxDB pushes: _id, fields, _deleted false, maybe _rev', () => {
    expect(parseCouchDoc({ _id: 'a', _rev: '2-x', total: 1, _deleted: false })).toEqual({
      id: 'a',
      rev: '2-x',
      body: { id: 'a', total: 1 },
    });
    expect(parseCouchDoc({ _id: 'a', _attachments: {} })).toEqual({
      id: 'a',
      rev: null,
      body: { id: 'a' },
    });
  });

  it.each([
    [{ name: 'no id' }, 'bad_request', /_id must be a non-empty string/],
    [{ _id: '_design/x' }, 'bad_request', /reserved/],
    [{ _id: 'a', _rev: 3 }, 'bad_request', /_rev must be a string/],
    [{ _id: 'a', _deleted: true }, 'forbidden', /never deleted/],
    [{ _id: 'a', _attachments: { f: {} } }, 'bad_request', /attachments/],
    [{ _id: 'a', id: 'b' }, 'bad_request', /id and _id differ/],
    [{ _id: 'a', _conflicts: [] }, 'bad_request', /_conflicts is not a supported special field/],
    ['text', 'bad_request', /JSON object/],
  ])('[P2] refuses %o', (raw, error, reason) => {
    const parsed = parseCouchDoc(raw);
    expect(isDocProblem(parsed) && parsed.error).toBe(error);
    if (isDocProblem(parsed)) expect(parsed.reason).toMatch(reason);
  });

  it('[P2] never throws, and a parsed body never carries _ fields', () => {
    const docLike = fc.record(
      { _id: fc.oneof(fc.string(), fc.anything()), _rev: fc.anything(), _deleted: fc.anything() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), docLike, fc.dictionary(fc.string(), fc.anything())),
        (raw) => {
          const parsed = parseCouchDoc(raw);
          if (!isDocProblem(parsed)) {
            expect(Object.keys(parsed.body).some((k) => k.startsWith('_'))).toBe(false);
            expect(parsed.body.id).toBe(parsed.id);
          } else expect(parsed.reason.length).toBeGreaterThan(5);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** Whether any key or string of a JSON value, at any depth, is text the database cannot store. */
function hasUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return isUnstorableText(value);
  if (Array.isArray(value)) return value.some(hasUnstorableText);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => isUnstorableText(k) || hasUnstorableText(v));
  }
  return false;
}

describe('text the database cannot store', () => {
  const storable = fc.string({ unit: 'grapheme' }).filter((t) => !t.includes('\u0000'));
  const bad = fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\udc00b', '\ud83d');

  it('[ST13] finds a NUL or a lone surrogate in any string, and nothing in well-formed text', () => {
    fc.assert(
      fc.property(storable, bad, storable, (before, unstorable, after) => {
        expect(isUnstorableText(before + after)).toBe(false);
        expect(isUnstorableText(before + unstorable + after)).toBe(true);
      }),
    );
    expect(isUnstorableText('😀 张三')).toBe(false);
  });

  it('[ST13] [P2] a document with one anywhere, in a key or a value at any depth, is a per-document bad_request; never throws', () => {
    fc.assert(
      fc.property(
        // JSON.stringify escapes a lone surrogate, so every key and string is looked at itself;
        // a key named like a prototype member is refused before the text is looked at ([V2]).
        fc.jsonValue().filter((v) => !hasUnstorableText(v) && documentLimitProblem({ v }) === null),
        bad,
        fc.boolean(),
        (value, unstorable, inKey) => {
          expect(unstorableJsonReason({ _id: 'a', v: value })).toBeNull();
          const nested = inKey ? { [`k${unstorable}`]: value } : { k: [value, unstorable] };
          const doc = { _id: 'S001-POS1-1', deep: { deeper: nested } };
          expect(unstorableJsonReason(doc)).toMatch(/NUL|surrogate/);
          expect(parseCouchDoc(doc)).toMatchObject({ error: 'bad_request', id: 'S001-POS1-1' });
        },
      ),
    );
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => unstorableJsonReason({ _id: 'a', deep })).not.toThrow();
  });
});
