import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as words from './messages';
import { CONSOLE_MESSAGES_ZH, ratePercent, say } from './messages';
import { AGO_WORDS } from './format';

/** The console's source files a screen's words come from. */
function sources(): string[] {
  const folder = new URL('./', import.meta.url);
  const files = [
    ...readdirSync(folder).filter(
      (f) => /\.tsx?$/.test(f) && !f.includes('.test.') && f !== 'messages.ts',
    ),
    ...readdirSync(new URL('./screens/', folder)).map((f) => `screens/${f}`),
  ];
  return files.map((f) => readFileSync(new URL(f, folder), 'utf8'));
}

describe('the console in zh-CN and en', () => {
  it('[HC14] has zh-CN words for every English text the screens say', () => {
    const code = sources().join('\n');
    // t('…'), t(x ? '…' : '…'), words with {places} passed on to be said, the word tables.
    const quoted = /'((?:[^'\\]|\\.)+)'/g;
    const said = [
      ...[...code.matchAll(/\bt\(\s*('[^']+')/g)].map((m) => m[1]!),
      ...[
        ...code.matchAll(/\bt\(\s*[\w.!]+\s*(?:===\s*'[^']+'\s*)?\?\s*('[^']+')\s*:\s*('[^']+')/g),
      ].flatMap((m) => [m[1]!, m[2]!]),
      ...[...code.matchAll(/'[^'\n$`]*\{\w+\}[^'\n$`]*'/g)].map((m) => m[0]),
      ...[...code.matchAll(/reason: '([^']+)'/g)].map((m) => `'${m[1]!}'`),
    ].flatMap((q) => [...q.matchAll(quoted)].map((m) => m[1]!));
    for (const table of Object.values(words)) {
      if (table && typeof table === 'object' && table !== CONSOLE_MESSAGES_ZH) {
        for (const value of Object.values(table as Record<string, unknown>)) {
          if (typeof value === 'string') said.push(value);
          else if (value && typeof value === 'object')
            said.push(...(Object.values(value) as string[]));
        }
      }
    }
    said.push(...Object.values(AGO_WORDS));
    expect(said.length).toBeGreaterThan(250);
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
