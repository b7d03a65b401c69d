import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matchesSearchKey, normaliseQuery, searchKey } from './search-key';

const finds = (name: string, typed: string) =>
  matchesSearchKey(searchKey(name), normaliseQuery(typed));

describe('product search keys', () => {
  it('[SK1] keys a name by its text, the pinyin of its Chinese, and the initials', () => {
    expect(searchKey('伊利纯牛奶 Pure Milk 250ml')).toEqual({
      text: '伊利纯牛奶puremilk250ml',
      pinyin: 'yilichunniunai',
      initials: 'ylcnn',
    });
    expect(searchKey('Coca-Cola Zero')).toEqual({
      text: 'coca-colazero',
      pinyin: '',
      initials: '',
    });
  });

  it('[SK2] finds 牛奶 by "nn", "niunai", the characters, and Latin words in any case', () => {
    const name = '伊利纯牛奶 Pure Milk';
    for (const typed of ['nn', 'NN', 'niunai', 'niu nai', '牛奶', 'pure milk', 'PURE', 'ylc'])
      expect(finds(name, typed), typed).toBe(true);
    for (const typed of ['', '  ', 'nnn', 'yogurt', '酸奶', 'sn'])
      expect(finds(name, typed), typed).toBe(false);
  });

  it('[SK2] reads full-width letters and digits as the cashier means them', () => {
    expect(finds('Ｐｕｒｅ Milk ２５０ml', 'pure')).toBe(true);
    expect(finds('Pure Milk 250ml', '２５０')).toBe(true);
  });

  it('[SK3] reads a character with several readings by its neighbours', () => {
    expect(searchKey('银行').pinyin).toBe('yinhang');
    expect(searchKey('重庆火锅底料').initials).toBe('cqhgdl');
    expect(searchKey('绿茶').pinyin).toBe('lvcha');
  });

  it('[SK1] gives the same key with or without the cache of readings', () => {
    const runs = new Map<string, readonly string[]>();
    for (const name of ['海天酱油', '海天酱油 500ml', '李锦记酱油', '银行'])
      expect(searchKey(name, runs)).toEqual(searchKey(name));
  });

  it('[SK2] any typed text gives a short query without spaces, and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (typed) => {
        const query = normaliseQuery(typed);
        expect(query.length).toBeLessThanOrEqual(100);
        expect(query).not.toMatch(/\s/u);
        expect(typeof matchesSearchKey(searchKey(typed), query)).toBe('boolean');
      }),
    );
  });

  it('[SK2] every part of a name a cashier might type finds it', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(...'牛奶酱油海天可乐 abcXYZ12'),
          minLength: 1,
          maxLength: 20,
        }),
        fc.nat(),
        fc.nat(),
        (name, a, b) => {
          const key = searchKey(name);
          const from = a % (key.text.length + 1);
          const to = from + (b % (key.text.length - from + 1));
          const part = key.text.slice(from, to);
          if (part) expect(matchesSearchKey(key, part)).toBe(true);
        },
      ),
    );
  });
});
