import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REVIEW_GROUPS, type Resolution } from './console-api';
import {
  exceptionStatus,
  kindsOfGroup,
  latestResolution,
  maskPersonal,
  oversellShortfall,
  reviewGroupOf,
  validateResolution,
} from './exception-review';

const resolution = (over: Partial<Resolution>): Resolution => ({
  id: 'R1',
  exceptionId: 'oversell:S1',
  action: 'accepted',
  note: '',
  userId: 'u1',
  userName: 'hq',
  at: '2026-12-07T10:00:00.000Z',
  ...over,
});

describe('exception review', () => {
  it('[XR1] groups each kind: the named kinds in their group, every other kind in other', () => {
    expect(reviewGroupOf('oversell')).toBe('oversell');
    expect(reviewGroupOf('coupon-already-redeemed')).toBe('coupon-twice');
    expect(reviewGroupOf('points-overdraw')).toBe('points-write-off');
    expect(reviewGroupOf('duplicate-pickup')).toBe('duplicate-pickup');
    for (const kind of ['unknown-member', 'unknown-member-phone', 'return-member-unknown']) {
      expect(reviewGroupOf(kind)).toBe('unknown-member');
    }
    expect(reviewGroupOf('coupon-void')).toBe('other');
    expect(reviewGroupOf('transfer-discrepancy')).toBe('other');
    expect(kindsOfGroup('other')).toBeNull();
    for (const group of REVIEW_GROUPS) {
      for (const kind of kindsOfGroup(group) ?? []) expect(reviewGroupOf(kind)).toBe(group);
    }
  });

  it('[XR2] is open until a resolution other than escalated; the latest decides', () => {
    expect(exceptionStatus([])).toBe('open');
    expect(exceptionStatus([resolution({ action: 'escalated' })])).toBe('open');
    expect(exceptionStatus([resolution({ action: 'dismissed', note: 'ok' })])).toBe('resolved');
    const first = resolution({ id: 'R1', action: 'accepted' });
    const later = resolution({ id: 'R2', action: 'escalated', at: '2026-12-07T11:00:00.000Z' });
    expect(exceptionStatus([later, first])).toBe('open');
    expect(latestResolution([later, first])?.id).toBe('R2');
    // Same instant: the one recorded later.
    const same = resolution({ id: 'R0', action: 'corrected', at: later.at });
    expect(latestResolution([first, later, same])?.id).toBe('R0');
    expect(latestResolution([first, same, later])?.id).toBe('R2');
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.string({ maxLength: 4 }),
            action: fc.constantFrom('accepted', 'corrected', 'escalated', 'dismissed' as const),
            at: fc.constantFrom('2026-01-01', '2026-01-02', '2026-01-03'),
          }),
        ),
        (rows) => {
          const list = rows.map((r) => resolution(r));
          const status = exceptionStatus(list);
          const last = latestResolution(list);
          expect(status).toBe(!last || last.action === 'escalated' ? 'open' : 'resolved');
          const sorted = [...list].sort((a, b) => a.at.localeCompare(b.at));
          expect(exceptionStatus(sorted)).toBe(status);
        },
      ),
    );
  });

  it('[XR3] a resolution has one of the four actions and a note of at most 500 characters, required to correct or dismiss', () => {
    expect(validateResolution({ action: 'accepted', note: '' })).toEqual({
      ok: true,
      value: { action: 'accepted', note: '' },
    });
    expect(validateResolution({ action: 'escalated' })).toEqual({
      ok: true,
      value: { action: 'escalated', note: '' },
    });
    expect(validateResolution({ action: 'corrected', note: '  counted again  ' })).toEqual({
      ok: true,
      value: { action: 'corrected', note: 'counted again' },
    });
    const refused = (body: unknown) => {
      const result = validateResolution(body);
      expect(result.ok).toBe(false);
      return result.ok ? [] : result.problems;
    };
    expect(refused({ action: 'dismissed', note: '   ' })[0]).toMatch(/needs a note/);
    expect(refused({ action: 'corrected' })[0]).toMatch(/needs a note/);
    expect(refused({ action: 'deleted', note: 'x' })[0]).toMatch(/action must be one of/);
    expect(refused({ action: 'accepted', note: 'x'.repeat(501) })[0]).toMatch(/at most 500/);
    expect(refused({ action: 'accepted', note: 5 })[0]).toMatch(/note must be text/);
    expect(refused({ action: 'accepted', userId: 'me' })[0]).toMatch(/unknown field/);
    expect(refused(null)[0]).toMatch(/object/);
    expect(refused([])[0]).toMatch(/object/);
    fc.assert(
      fc.property(fc.anything(), (body) => {
        const result = validateResolution(body);
        if (result.ok) {
          expect(result.value.note.length).toBeLessThanOrEqual(500);
          expect(['accepted', 'corrected', 'escalated', 'dismissed']).toContain(
            result.value.action,
          );
        } else expect(result.problems.length).toBeGreaterThan(0);
      }),
    );
  });

  it('[XR4] an oversell shortfall is the units sold beyond what was on hand', () => {
    expect(oversellShortfall(3, 1)).toBe(0);
    expect(oversellShortfall(3, 0)).toBe(0);
    expect(oversellShortfall(3, -1)).toBe(1);
    expect(oversellShortfall(3, -5)).toBe(3);
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.nat(50), (before, sold) => {
        const shortfall = oversellShortfall(sold, before - sold);
        expect(shortfall).toBe(Math.min(sold, Math.max(0, sold - Math.max(before, 0))));
      }),
    );
  });
});

describe('masking the facts behind an exception', () => {
  it('[XR5] masks phones and names, hides addresses and phone indexes, keeps members by id', () => {
    const masked = maskPersonal({
      memberId: 'M0001',
      memberPhone: '13800138001',
      maskedPhone: '138****8001',
      phoneIndex: 'abc123',
      customerName: '张三丰',
      email: 'a@b.c',
      address: '上海市 1 号',
      note: 'call 138****8001',
      other: '13800138001',
      lines: [{ sku: 'SKU-1', name: 'T恤', quantity: 2, contactPhone: '13900139002' }],
    }) as Record<string, unknown>;
    expect(masked).toEqual({
      memberId: 'M0001',
      memberPhone: '138****8001',
      maskedPhone: '138****8001',
      phoneIndex: '(hidden)',
      customerName: '张*',
      email: '(hidden)',
      address: '(hidden)',
      note: 'call 138****8001',
      other: '138****8001',
      lines: [{ sku: 'SKU-1', name: 'T恤', quantity: 2, contactPhone: '139****9002' }],
    });
    fc.assert(
      fc.property(fc.stringMatching(/^1\d{10}$/), (phone) => {
        expect(
          JSON.stringify(maskPersonal({ a: [{ phone }, phone], b: { mobile: phone } })),
        ).not.toContain(phone);
      }),
    );
  });
});
