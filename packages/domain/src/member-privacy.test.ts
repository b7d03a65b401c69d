import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INDEX_KEY_FIXTURE, MEMBER_RECORD_FIXTURE } from './fixtures';
import { utf8 } from './hmac';
import {
  erasedMember,
  maskName,
  maskPhone,
  memberForTill,
  memberView,
  phoneIndex,
  phoneTailIndex,
  pseudonymiseSale,
} from './member-privacy';
import { validateDomainDocument } from './schemas';
import type { Member } from './points';

describe('member privacy at the till', () => {
  it('[PV1] keeps the surname or first letter and one star', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧*');
    expect(maskName('Alice Wong')).toBe('A*');
    expect(maskName(' 李 ')).toBe('*');
    expect(maskName('')).toBe('*');
    expect(maskName('𠀋小明')).toBe('𠀋*'); // a character outside the BMP stays whole
  });

  it('[PV1] never shows more than the first character of any name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (name) => {
        const masked = maskName(name);
        const chars = Array.from(masked);
        expect(chars.at(-1)).toBe('*');
        expect(chars.length).toBeLessThanOrEqual(2);
        if (chars.length === 2) expect(chars[0]).toBe(Array.from(name.trim())[0]);
      }),
    );
  });

  it('[PV2] keeps the first three and last four digits of a phone', () => {
    expect(maskPhone('13800138001')).toBe('138****8001');
    expect(maskPhone('1234567')).toBe('*******');
    expect(maskPhone('')).toBe('');
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toHaveLength(11);
        expect(masked.slice(3, 7)).toBe('****');
        expect(masked.slice(0, 3) + masked.slice(7)).toBe(phone.slice(0, 3) + phone.slice(7));
      }),
    );
  });

  it('[PV3] gives a till the id, tier and balance with name and phone masked, never the home store', () => {
    const member: Member = memberView(
      {
        id: 'M1',
        phone: '13800138001',
        name: '张三',
        tier: 'gold',
        homeStoreId: 'S002',
        points: 1200,
        status: 'active',
      },
      INDEX_KEY_FIXTURE,
    );
    expect(memberForTill(member)).toEqual({
      id: 'M1',
      maskedName: '张*',
      maskedPhone: '138****8001',
      tier: 'gold',
      points: 1200,
      status: 'active',
    });
  });

  const phone = fc.stringMatching(/^1[3-9]\d{9}$/);

  it('[PI1] a member document holds the name and phone masked and indexed, never in plaintext', () => {
    const member = memberView(MEMBER_RECORD_FIXTURE, INDEX_KEY_FIXTURE);
    expect(member).toMatchObject({ maskedName: '张*', maskedPhone: '138****8000' });
    expect(JSON.stringify(member)).not.toContain(MEMBER_RECORD_FIXTURE.phone);
    expect(JSON.stringify(member)).not.toContain(MEMBER_RECORD_FIXTURE.name);
    expect(validateDomainDocument('members', member)).toEqual([]);
    fc.assert(
      fc.property(phone, fc.string({ minLength: 2, maxLength: 20 }), (p, name) => {
        const view = memberView({ ...MEMBER_RECORD_FIXTURE, phone: p, name }, INDEX_KEY_FIXTURE);
        expect(JSON.stringify(view)).not.toContain(p);
        expect(validateDomainDocument('members', view)).toEqual([]);
      }),
    );
  });

  it('[PI2] equal phones give equal indexes under one key, and another key gives another index', () => {
    const other = { id: 'ik2', secret: utf8('another key') };
    fc.assert(
      fc.property(phone, phone, (a, b) => {
        expect(phoneIndex(INDEX_KEY_FIXTURE, a)).toMatch(/^[0-9a-f]{32}$/);
        expect(phoneIndex(INDEX_KEY_FIXTURE, a) === phoneIndex(INDEX_KEY_FIXTURE, b)).toBe(a === b);
        expect(phoneIndex(other, a)).not.toBe(phoneIndex(INDEX_KEY_FIXTURE, a));
      }),
    );
  });

  it('[PI3] the tail digest depends on the last four digits only, and differs from the phone index', () => {
    fc.assert(
      fc.property(phone, phone, (a, b) => {
        const same = a.slice(-4) === b.slice(-4);
        expect(phoneTailIndex(INDEX_KEY_FIXTURE, a) === phoneTailIndex(INDEX_KEY_FIXTURE, b)).toBe(
          same,
        );
        expect(phoneTailIndex(INDEX_KEY_FIXTURE, a)).toBe(
          phoneTailIndex(INDEX_KEY_FIXTURE, a.slice(-4)),
        );
        expect(phoneTailIndex(INDEX_KEY_FIXTURE, a)).not.toBe(phoneIndex(INDEX_KEY_FIXTURE, a));
      }),
    );
  });

  it('[PI4] a sale named by phone in plaintext is named by the phone index instead', () => {
    const sale = { id: 'S1', memberPhone: '13900139003', total: 100 };
    expect(pseudonymiseSale(sale, INDEX_KEY_FIXTURE)).toEqual({
      id: 'S1',
      memberPhoneIndex: phoneIndex(INDEX_KEY_FIXTURE, '13900139003'),
      total: 100,
    });
    const byId: { id: string; memberId: string; memberPhone?: string } = {
      id: 'S2',
      memberId: 'M1',
    };
    expect(pseudonymiseSale(byId, INDEX_KEY_FIXTURE)).toBe(byId);
  });

  it('[PI5] an erased member keeps the id and home store and nothing that identifies them', () => {
    const member = memberView(MEMBER_RECORD_FIXTURE, INDEX_KEY_FIXTURE);
    const erased = erasedMember(member);
    expect(erased).toEqual({
      id: 'M1',
      maskedName: '*',
      maskedPhone: '*',
      tier: 'erased',
      homeStoreId: 'S001',
      points: 0,
      status: 'erased',
    });
    expect(validateDomainDocument('members', erased)).toEqual([]);
  });
});
