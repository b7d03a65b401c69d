import { describe, expect, it } from 'vitest';
import { INDEX_KEY_FIXTURE, MEMBER_FIXTURE, saleFactFixture } from './fixtures';
import { phoneIndex } from './member-privacy';
import { recordOfflineMember } from './offline-member';
import { validateSaleFact } from './sale-fact';

describe('members the till does not hold', () => {
  const sale = saleFactFixture({ id: 'S001-POS1-M' });

  it('[OM1] names the member by id on a sale priced without one; every figure stays', () => {
    const named = recordOfflineMember(sale, { memberId: 'M0042' });
    expect(named).toEqual({ ...sale, memberId: 'M0042' });
    expect(named.points).toEqual({ earned: 0, redeemed: 0 });
    expect(validateSaleFact(named)).toEqual([]);
  });

  it('[OM1][SF4] or by phone, never both, and never over a member the sale already names', () => {
    const memberPhoneIndex = phoneIndex(INDEX_KEY_FIXTURE, '13900139003');
    const byPhone = recordOfflineMember(sale, { memberPhoneIndex });
    expect(byPhone).toEqual({ ...sale, memberPhoneIndex });
    expect(recordOfflineMember(byPhone, { memberId: 'M0042' })).toBe(byPhone);
    const withMember = saleFactFixture({ id: 'S001-POS1-N', member: MEMBER_FIXTURE });
    expect(recordOfflineMember(withMember, { memberId: 'M0042' })).toBe(withMember);
    expect(validateSaleFact(byPhone)).toEqual([]);
  });
});
