import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_MESSAGES_ZH, DIMENSION_WORDS, ratePercent, say } from './messages';

describe('the console in zh-CN and en', () => {
  it('has zh-CN words for every English text the screen says', () => {
    const app = readFileSync(new URL('./App.tsx', import.meta.url), 'utf8');
    const period = readFileSync(new URL('./period.ts', import.meta.url), 'utf8');
    const said = [
      ...[...app.matchAll(/\bt\(\s*'([^']+)'/g)].map((m) => m[1]!),
      ...[...period.matchAll(/reason: '([^']+)'/g)].map((m) => m[1]!),
      ...Object.values(DIMENSION_WORDS).flatMap((w) => [w.title, w.column]),
    ];
    expect(said.length).toBeGreaterThan(30);
    expect(said.filter((text) => !(text in CONSOLE_MESSAGES_ZH))).toEqual([]);
  });

  it('[HC4] shows rates from basis points with one decimal', () => {
    expect(ratePercent(6667)).toBe('66.7%');
    expect(ratePercent(0)).toBe('0.0%');
    expect(ratePercent(10_000)).toBe('100.0%');
    expect(say('zh-CN', 'Updated {time}', { time: '10:00:05' })).toBe('更新于 10:00:05');
    expect(say('en', 'Updated {time}', { time: '10:00:05' })).toBe('Updated 10:00:05');
  });
});
