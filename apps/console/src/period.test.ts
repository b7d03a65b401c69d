import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { calendarDay, reportPeriod } from './period';

const SHANGHAI = 480;

describe('the period a report covers', () => {
  it('[HC3] today is the stores’ calendar day, to the next midnight', () => {
    // 2026-12-06 23:30 UTC is already 07:30 on the 7th in Shanghai.
    const now = new Date('2026-12-06T23:30:00.000Z');
    expect(reportPeriod({ kind: 'today' }, now, SHANGHAI)).toEqual({
      ok: true,
      period: {
        from: '2026-12-06T16:00:00.000Z',
        to: '2026-12-07T16:00:00.000Z',
        lastDay: '2026-12-07',
      },
    });
  });

  it('[HC3] the last 7 days include today', () => {
    const now = new Date('2026-12-07T08:00:00.000Z');
    const answer = reportPeriod({ kind: 'last-7-days' }, now, SHANGHAI);
    expect(answer).toEqual({
      ok: true,
      period: {
        from: '2026-11-30T16:00:00.000Z',
        to: '2026-12-07T16:00:00.000Z',
        lastDay: '2026-12-07',
      },
    });
  });

  it('[HC3] chosen days include both ends', () => {
    const now = new Date('2026-12-07T08:00:00.000Z');
    expect(
      reportPeriod({ kind: 'custom', fromDay: '2026-12-01', toDay: '2026-12-03' }, now, SHANGHAI),
    ).toEqual({
      ok: true,
      period: {
        from: '2026-11-30T16:00:00.000Z',
        to: '2026-12-03T16:00:00.000Z',
        lastDay: '2026-12-03',
      },
    });
  });

  it('[HC3] refuses chosen days that are missing, impossible, reversed or too many', () => {
    const now = new Date('2026-12-07T08:00:00.000Z');
    const ask = (fromDay: string, toDay: string) =>
      reportPeriod({ kind: 'custom', fromDay, toDay }, now, SHANGHAI);
    expect(ask('', '2026-12-03')).toEqual({ ok: false, reason: 'Choose both days' });
    expect(ask('2026-02-30', '2026-03-01')).toEqual({ ok: false, reason: 'Choose both days' });
    expect(ask('2026-12-03', '2026-12-01')).toEqual({
      ok: false,
      reason: 'The first day is after the last',
    });
    expect(ask('2024-01-01', '2026-01-01')).toEqual({ ok: false, reason: 'At most 366 days' });
    expect(ask('2025-12-07', '2026-12-07').ok).toBe(true);
  });

  it('[HC3] any instant lies inside its own day’s period, at any offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (ms, offset) => {
          const now = new Date(ms);
          const answer = reportPeriod({ kind: 'today' }, now, offset);
          if (!answer.ok) return false;
          const { from, to, lastDay } = answer.period;
          return (
            Date.parse(from) <= ms &&
            ms < Date.parse(to) &&
            Date.parse(to) - Date.parse(from) === 86_400_000 &&
            lastDay === calendarDay(now, offset)
          );
        },
      ),
    );
  });
});
