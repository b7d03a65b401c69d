import { describe, expect, it } from 'vitest';
import { dateTime, timeOfDay, zoneOfOffset } from './format';

describe('times on screen', () => {
  const at = '2026-11-22T03:04:05.000Z';

  it('are in the store’s time zone, in the language’s format, whatever the browser’s zone', () => {
    expect(dateTime({ language: 'zh-CN', timeZone: 'Asia/Shanghai' }, at)).toBe('2026/11/22 11:04');
    expect(dateTime({ language: 'en', timeZone: 'Asia/Shanghai' }, at)).toBe('11/22/2026, 11:04');
    expect(timeOfDay({ language: 'zh-CN', timeZone: 'Asia/Shanghai' }, at)).toBe('11:04');
    expect(timeOfDay({ language: 'en', timeZone: 'Europe/London' }, at)).toBe('03:04');
  });

  it('knows the store’s zone from its UTC offset when no zone is configured', () => {
    expect(zoneOfOffset(480)).toBe('Asia/Shanghai');
    expect(zoneOfOffset(0)).toBe('UTC');
    expect(zoneOfOffset(540)).toBe('Etc/GMT-9');
    expect(timeOfDay({ language: 'en', timeZone: zoneOfOffset(-300) }, at)).toBe('22:04');
  });
});
