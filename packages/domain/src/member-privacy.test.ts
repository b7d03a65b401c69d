import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskName, maskPhone, memberForTill } from './member-privacy';
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
    const member: Member = {
      id: 'M1',
      phone: '13800138001',
      name: '张三',
      tier: 'gold',
      homeStoreId: 'S002',
      points: 1200,
      status: 'active',
    };
    expect(memberForTill(member)).toEqual({
      id: 'M1',
      name: '张*',
      phone: '138****8001',
      tier: 'gold',
      points: 1200,
      status: 'active',
    });
  });
});
