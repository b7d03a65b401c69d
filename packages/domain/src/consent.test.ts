import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONSENT_PURPOSES,
  consentChanges,
  consentFor,
  consentSummary,
  type ConsentEntry,
  type ConsentPurpose,
} from './consent';

const entry = (over: Partial<ConsentEntry>): ConsentEntry => ({
  id: 'C1',
  memberId: 'M1',
  purpose: 'tryon-suggestions',
  granted: true,
  policyVersion: '2026-11',
  channel: 'customer-web',
  at: '2026-12-01T10:00:00.000Z',
  ...over,
});

describe('consent ledger', () => {
  it('[CN3] no entry is no consent; the latest entry for the purpose decides', () => {
    expect(consentFor([], 'M1', 'tryon-suggestions')).toEqual({
      purpose: 'tryon-suggestions',
      granted: false,
    });
    const given = entry({ id: 'C1' });
    const withdrawn = entry({ id: 'C2', granted: false, at: '2026-12-02T10:00:00.000Z' });
    expect(consentFor([withdrawn, given], 'M1', 'tryon-suggestions')).toMatchObject({
      granted: false,
      entry: withdrawn,
    });
    // Another member's or another purpose's entries do not count.
    expect(consentFor([given], 'M2', 'tryon-suggestions').granted).toBe(false);
    expect(consentFor([given], 'M1', 'marketing-messages').granted).toBe(false);
    expect(consentSummary([given], 'M1').map((s) => s.granted)).toEqual(
      CONSENT_PURPOSES.map((p) => p === 'tryon-suggestions'),
    );
  });

  it('[CN3] the order entries arrive in never changes the answer', () => {
    const arbEntry = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd'),
      at: fc.constantFrom('2026-12-01T10:00:00.000Z', '2026-12-02T10:00:00.000Z'),
      granted: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbEntry, { maxLength: 8 }), (raw) => {
        const entries = raw.map((r, i) => entry({ ...r, id: `${r.id}${i}` }));
        const forward = consentFor(entries, 'M1', 'tryon-suggestions');
        const backward = consentFor([...entries].reverse(), 'M1', 'tryon-suggestions');
        expect(backward).toEqual(forward);
      }),
    );
  });

  it('[CN4] an answer adds one entry per changed purpose, and answering the same again adds none', () => {
    let n = 0;
    const newId = (p: ConsentPurpose) => `E${++n}-${p}`;
    const answer = {
      memberId: 'M1',
      choices: { 'tryon-suggestions': true, 'marketing-messages': false },
      policyVersion: '2026-11',
      channel: 'customer-web' as const,
      at: '2026-12-03T09:00:00.000Z',
    };
    const first = consentChanges([], answer, newId);
    // A "no" to a purpose never answered is already the state: nothing to record.
    expect(first.map((e) => [e.purpose, e.granted])).toEqual([['tryon-suggestions', true]]);
    expect(consentChanges(first, answer, newId)).toEqual([]);
    const withdraw = consentChanges(
      first,
      { ...answer, choices: { 'tryon-suggestions': false } },
      newId,
    );
    expect(withdraw).toMatchObject([{ purpose: 'tryon-suggestions', granted: false }]);
    expect(consentFor([...first, ...withdraw], 'M1', 'tryon-suggestions').granted).toBe(false);
  });
});
