import {
  checkCoupon,
  earnPoints,
  makeCouponCode,
  memberLookup,
  redeemPoints,
  validateDocument,
  verifyPin,
  type CollectionName,
} from '@pos/domain';
import { describe, expect, it } from 'vitest';
import {
  DEMO_CODE_KEY,
  DEMO_COUPONS,
  DEMO_EARN_RULES,
  DEMO_MEMBER_VIEWS,
  DEMO_MEMBERS,
  DEMO_PINS,
  DEMO_PROMOTIONS,
  DEMO_REDEMPTION,
  DEMO_STAFF,
} from './demo-people';
import { DEMO_PRIVACY_KEYS } from './pii/keyring';
import { memberRecordProblems } from './pii/member-record';

describe('demo people and offers', () => {
  it('[DM2] every document is valid against the shared schemas and rules', () => {
    const all: [CollectionName, readonly object[]][] = [
      ['staff', DEMO_STAFF],
      ['members', DEMO_MEMBER_VIEWS],
      ['promotions', DEMO_PROMOTIONS],
      ['coupons', DEMO_COUPONS],
    ];
    for (const [db, docs] of all) {
      for (const doc of docs) expect(validateDocument(db, doc), `${db}`).toEqual([]);
    }
    // [PK3] Members are records for the intake; what devices get is their view.
    for (const record of DEMO_MEMBERS) {
      expect(memberRecordProblems(record, DEMO_PRIVACY_KEYS.indexKey)).toEqual([]);
    }
  });

  it('[DM2] each store has a cashier (PIN 1111) and a supervisor (PIN 2222) who sign in', () => {
    const byId = new Map(DEMO_STAFF.map((s) => [s.id, s]));
    expect(byId.get('S001-E01')).toMatchObject({ name: '王芳', roles: ['cashier'] });
    expect(byId.get('S002-E01')).toMatchObject({ name: '刘洋', roles: ['cashier'] });
    expect(byId.get('S001-E02')).toMatchObject({ name: '陈强', roles: ['supervisor'] });
    expect(byId.get('S002-E02')).toMatchObject({ name: '赵敏', roles: ['supervisor'] });
    for (const staff of DEMO_STAFF) {
      const pin = staff.roles.includes('cashier') ? DEMO_PINS.cashier : DEMO_PINS.supervisor;
      expect(verifyPin(staff, pin)).toBe(true);
      expect(verifyPin(staff, pin === '1111' ? '2222' : '1111')).toBe(false);
    }
  });

  it('[DM2] members are found by their phones; M0003 belongs to the other store', () => {
    for (const member of DEMO_MEMBERS) {
      expect(memberLookup(member.phone, [DEMO_CODE_KEY], '2026-06-01T00:00:00Z')).toEqual({
        ok: true,
        by: 'phone',
        phone: member.phone,
      });
    }
    expect(DEMO_MEMBERS.map((m) => [m.id, m.homeStoreId, m.points])).toEqual([
      ['M0001', 'S001', 1200],
      ['M0002', 'S001', 300],
      ['M0003', 'S002', 5000],
    ]);
  });

  it('[DM2] a demo coupon code signed with the demo key is accepted in its window', () => {
    const coupon = DEMO_COUPONS[0]!;
    const code = makeCouponCode(coupon.id, DEMO_CODE_KEY);
    const ctx = { storeId: 'S001', channel: 'store' as const, utcOffsetMinutes: 480 };
    const find = (id: string) => DEMO_COUPONS.find((c) => c.id === id);
    expect(
      checkCoupon(code, [DEMO_CODE_KEY], find, { ...ctx, now: '2026-01-01T00:00:00+08:00' }),
    ).toMatchObject({ ok: true, coupon: { id: 'CP-0001' } });
    expect(
      checkCoupon(code, [DEMO_CODE_KEY], find, { ...ctx, now: '2028-01-01T00:00:00+08:00' }),
    ).toMatchObject({ ok: false, code: 'COUPON_EXPIRED' });
  });

  it('[DM2] gold members earn twice the points of basic ones; 100 points pay 1元', () => {
    const lines = [{ category: 'Beverages', net: 1_000 }];
    expect(earnPoints(lines, 'basic', DEMO_EARN_RULES).total).toBe(10);
    expect(earnPoints(lines, 'gold', DEMO_EARN_RULES).total).toBe(20);
    expect(redeemPoints(300, 300, 1_000, DEMO_REDEMPTION)).toMatchObject({
      ok: true,
      tender: { kind: 'points', amount: 300, points: 300 },
    });
  });
});
