import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { say, SHOP_MESSAGES_ZH, statusText } from './messages';

describe('the shop in zh-CN and en', () => {
  it('has zh-CN words for every English text the screens say', () => {
    const app = readFileSync(new URL('./App.tsx', import.meta.url), 'utf8');
    const said = [...app.matchAll(/\b(?:t|say\(language,)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
    expect(said.length).toBeGreaterThan(30);
    const missing = said.filter((text) => !(text in SHOP_MESSAGES_ZH));
    expect(missing).toEqual([]);
  });

  it('fills placeholders and names statuses in both languages', () => {
    expect(say('zh-CN', 'In stock: {n}', { n: 3 })).toBe('有货 3 件');
    expect(say('en', 'In stock: {n}', { n: 3 })).toBe('In stock: 3');
    expect(say('en', 'tier:gold')).toBe('Gold');
    expect(statusText('zh-CN', 'paid')).toBe('已支付，凭取货码自提');
  });
});
