import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import {
  DEFAULT_ROUTING_POLICY,
  isOpenAt,
  locationProblems,
  routingPolicy,
  type FulfilmentLocation,
  type OpeningSpan,
} from './locations';

const CHINA = 480;
// Local (UTC+8) times of the week of Monday 2026-12-07 as instants.
const local = (day: number, hhmm: string) =>
  new Date(
    Date.parse(`2026-12-${String(6 + day).padStart(2, '0')}T${hhmm}:00.000+08:00`),
  ).toISOString();

describe('isOpenAt', () => {
  const weekdays: OpeningSpan[] = [{ days: [1, 2, 3, 4, 5], open: '09:00', close: '21:30' }];

  it('[LOC2] opening inclusive, closing exclusive, in the chain local time', () => {
    expect(isOpenAt(weekdays, local(1, '08:59'), CHINA)).toBe(false);
    expect(isOpenAt(weekdays, local(1, '09:00'), CHINA)).toBe(true);
    expect(isOpenAt(weekdays, local(1, '21:29'), CHINA)).toBe(true);
    expect(isOpenAt(weekdays, local(1, '21:30'), CHINA)).toBe(false);
    // Sunday is day 0 and not in the span.
    expect(isOpenAt(weekdays, local(0, '12:00'), CHINA)).toBe(false);
    // The same instant in UTC is 04:00 on Monday: closed there, open in China.
    expect(isOpenAt(weekdays, local(1, '12:00'), 0)).toBe(false);
  });

  it('[LOC2] a span closing before it opens runs past midnight into the next day', () => {
    const late: OpeningSpan[] = [{ days: [5], open: '22:00', close: '02:00' }];
    expect(isOpenAt(late, local(5, '21:59'), CHINA)).toBe(false);
    expect(isOpenAt(late, local(5, '23:30'), CHINA)).toBe(true);
    // Saturday small hours belong to Friday's span.
    expect(isOpenAt(late, local(6, '01:59'), CHINA)).toBe(true);
    expect(isOpenAt(late, local(6, '02:00'), CHINA)).toBe(false);
    // Friday small hours belong to Thursday's, which is not in the span.
    expect(isOpenAt(late, local(5, '01:00'), CHINA)).toBe(false);
    // Saturday's span wraps into Sunday (day 0).
    const weekend: OpeningSpan[] = [{ days: [6], open: '20:00', close: '03:00' }];
    expect(isOpenAt(weekend, local(7, '02:00'), CHINA)).toBe(true);
    expect(isOpenAt([], local(1, '12:00'), CHINA)).toBe(false);
  });

  it('[LOC2] a 00:00-24:00 span on every day is always open, whatever the offset', () => {
    const always: OpeningSpan[] = [{ days: [0, 1, 2, 3, 4, 5, 6], open: '00:00', close: '24:00' }];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.integer({ min: -720, max: 840 }),
        (at, offset) => isOpenAt(always, at.toISOString(), offset),
      ),
    );
  });

  it('[LOC2] refuses an instant that is none and a time that is not HH:MM', () => {
    expect(() => isOpenAt(weekdays, 'Monday noon', CHINA)).toThrow(DomainError);
    expect(() =>
      isOpenAt([{ days: [1], open: '9:00', close: '18:00' }], local(1, '12:00'), CHINA),
    ).toThrow(/not HH:MM/);
    expect(() =>
      isOpenAt([{ days: [1], open: '09:00', close: '24:30' }], local(1, '12:00'), CHINA),
    ).toThrow(/not HH:MM/);
  });
});

describe('routingPolicy', () => {
  it('[LOC3] the defaults: safety stock 1, 50 yuan, 5 km, 30 + 60 minutes, merge 10, UTC+8, 1,000,000 nodes', () => {
    expect(routingPolicy()).toEqual({
      safetyStock: 1,
      noSplitBelowFen: 5_000,
      sameCityRadiusMetres: 5_000,
      sameCityPrepMinutes: 30,
      sameCityWindowMinutes: 60,
      mergeWindowMinutes: 10,
      utcOffsetMinutes: 480,
      maxSearchNodes: 1_000_000,
    });
    expect(routingPolicy({ safetyStock: 0, utcOffsetMinutes: -300 })).toMatchObject({
      safetyStock: 0,
      utcOffsetMinutes: -300,
      maxSearchNodes: DEFAULT_ROUTING_POLICY.maxSearchNodes,
    });
  });

  it('[LOC3] refuses figures that are not whole numbers >= 0, and a node limit of 0', () => {
    for (const bad of [
      { safetyStock: -1 },
      { noSplitBelowFen: 1.5 },
      { sameCityRadiusMetres: Number.NaN },
      { mergeWindowMinutes: '10' as unknown as number },
      { maxSearchNodes: 0 },
      { utcOffsetMinutes: 0.5 },
    ]) {
      expect(() => routingPolicy(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'ROUTING_POLICY_INVALID' }),
      );
    }
  });
});

describe('locationProblems', () => {
  const good: FulfilmentLocation = {
    id: 'S001',
    name: '徐汇店',
    kind: 'store',
    lat: 31.19,
    lng: 121.44,
    modes: ['pickup', 'ship', 'same-city'],
    hours: [{ days: [0, 1, 2, 3, 4, 5, 6], open: '10:00', close: '22:00' }],
    dailyCapacity: 200,
    rank: 10,
  };

  it('[LOC1] [LOC4] a good location has no problem', () => {
    expect(locationProblems(good)).toEqual([]);
    expect(locationProblems({ ...good, kind: 'warehouse', modes: ['ship'], hours: [] })).toEqual(
      [],
    );
  });

  it('[LOC4] names what is wrong with each field', () => {
    const cases: [Partial<Record<keyof FulfilmentLocation, unknown>>, RegExp][] = [
      [{ id: 'S 001' }, /^id must/],
      [{ id: 'x'.repeat(41) }, /^id must/],
      [{ name: '' }, /^name must/],
      [{ kind: 'kiosk' }, /^kind must/],
      [{ lat: 91 }, /^lat must/],
      [{ lng: Number.NaN }, /^lat must/],
      [{ modes: ['ship', 'ship'] }, /^modes must/],
      [{ modes: ['drone'] }, /^modes must/],
      [{ kind: 'warehouse', modes: ['pickup'] }, /warehouse has no pickup/],
      [{ hours: 'all day' }, /^hours must/],
      [{ hours: [{ days: [7], open: '10:00', close: '22:00' }] }, /^hours: days/],
      [{ hours: [{ days: [], open: '10:00', close: '22:00' }] }, /^hours: days/],
      [{ hours: [{ days: [1], open: '25:00', close: '22:00' }] }, /^hours: .*HH:MM/],
      [{ dailyCapacity: -1 }, /^dailyCapacity must/],
      [{ rank: 1.5 }, /^rank must/],
    ];
    for (const [change, problem] of cases) {
      const problems = locationProblems({ ...good, ...change });
      expect(problems, JSON.stringify(change)).toHaveLength(1);
      expect(problems[0]).toMatch(problem);
    }
    expect(locationProblems(null)).toEqual(['a location is an object']);
    expect(locationProblems({}).length).toBeGreaterThan(5);
  });
});
