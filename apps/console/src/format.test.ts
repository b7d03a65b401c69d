import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  agoParts,
  fenOfYuan,
  localToInstant,
  minutes,
  secondsTo95,
  share,
  weeksOfCover,
  workingSteps,
  workingText,
  yuan,
} from './format';

describe('the console’s figures', () => {
  it('[HC10] says how long ago an answer was made, in whole units', () => {
    const now = new Date('2026-12-07T10:00:00.000Z');
    expect(agoParts(now, '2026-12-07T09:59:57.400Z')).toEqual({ unit: 's', value: 2 });
    expect(agoParts(now, '2026-12-07T09:58:00.000Z')).toEqual({ unit: 'min', value: 2 });
    expect(agoParts(now, '2026-12-07T07:00:00.000Z')).toEqual({ unit: 'h', value: 3 });
    expect(agoParts(now, '2026-12-05T10:00:00.000Z')).toEqual({ unit: 'd', value: 2 });
    // A clock a little behind the server's says 0 s, never a negative.
    expect(agoParts(now, '2026-12-07T10:00:01.000Z')).toEqual({ unit: 's', value: 0 });
    expect(agoParts(now, null)).toBeNull();
    expect(agoParts(now, 'not a time')).toBeNull();
  });

  it('[HC10] money from fen, minutes and shares', () => {
    expect(yuan('en', 123450)).toBe('CN¥1,234.50');
    expect(yuan('zh-CN', -500)).toBe('-¥5.00');
    expect(minutes(null)).toBe('–');
    expect(minutes(12.345)).toBe('12.3 min');
    expect(share(9, 10)).toBe('90.0%');
    expect(share(0, 0)).toBe('–');
  });

  it('[HC11] numbers the working lines in order and lines up their results', () => {
    const lines = [
      'mean daily demand 3.2 over 28 days',
      'lead-time demand = 3.2 × 4 = 12.8',
      '',
      'order up to 40 − ATP 9 = 31',
      'rounded up to packs of 6 = 36',
    ];
    expect(workingSteps(lines)).toEqual([
      { step: 1, text: 'mean daily demand 3.2 over 28 days', result: null },
      { step: 2, text: 'lead-time demand = 3.2 × 4', result: '12.8' },
      { step: 3, text: 'order up to 40 − ATP 9', result: '31' },
      { step: 4, text: 'rounded up to packs of 6', result: '36' },
    ]);
    expect(workingText(lines.slice(0, 2))).toBe(
      '1. mean daily demand 3.2 over 28 days; 2. lead-time demand = 3.2 × 4 = 12.8',
    );
    expect(workingSteps([])).toEqual([]);
    expect(weeksOfCover(2.345)).toBe('2.3');
    expect(weeksOfCover(999)).toBe('∞');
    expect(weeksOfCover(Infinity)).toBe('∞');
  });

  it('[HC11] working lines keep every non-blank line’s words, whatever they say', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (lines) => {
        const steps = workingSteps(lines);
        const kept = lines.map((l) => l.trim()).filter(Boolean);
        expect(steps.map((s) => (s.result === null ? s.text : `${s.text} = ${s.result}`))).toEqual(
          kept.map((l) => {
            const at = l.lastIndexOf(' = ');
            return at > 0 ? `${l.slice(0, at)} = ${l.slice(at + 3).trim()}` : l;
          }),
        );
        expect(steps.map((s) => s.step)).toEqual(kept.map((_, i) => i + 1));
      }),
    );
  });

  it('[HC12] a price typed in yuan is integer fen; anything else is refused', () => {
    expect(fenOfYuan('59.9')).toBe(5990);
    expect(fenOfYuan(' 59.90 ')).toBe(5990);
    expect(fenOfYuan('12')).toBe(1200);
    expect(fenOfYuan('0.01')).toBe(1);
    for (const bad of ['', '0', '0.00', '-1', '1.234', '1e3', '¥5', '1,000', '.5']) {
      expect(fenOfYuan(bad)).toBeNull();
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999_999 }), (fen) => {
        const text = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
        expect(fenOfYuan(text)).toBe(fen);
      }),
    );
  });

  it('[HC12] an effective time in store-local time is the instant at the stores’ offset', () => {
    expect(localToInstant('2026-12-08T08:00', 480)).toBe('2026-12-08T00:00:00.000Z');
    expect(localToInstant('2026-12-08T07:59', 480)).toBe('2026-12-07T23:59:00.000Z');
    expect(localToInstant('2026-02-30T08:00', 480)).toBeNull();
    expect(localToInstant('2026-12-08T24:00', 480)).toBeNull();
    expect(localToInstant('tomorrow', 480)).toBeNull();
  });

  it('[HC13] a push’s time to 95 % acknowledged, in seconds, once it has one', () => {
    expect(
      secondsTo95({ startedAt: '2026-12-07T10:00:00.000Z', ack95At: '2026-12-07T10:01:04.600Z' }),
    ).toBe(65);
    expect(secondsTo95({ startedAt: '2026-12-07T10:00:00.000Z', ack95At: null })).toBeNull();
    expect(secondsTo95({ startedAt: null, ack95At: null })).toBeNull();
  });
});
