import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { progressOf } from './initial-sync';

describe('initial sync progress', () => {
  it('shows a percentage and the time left at the rate so far', () => {
    // 30,000 of 300,000 in 10 s: 3,000/s, so 90 s left.
    expect(progressOf(30_000, 300_000, 10_000, false)).toEqual({
      received: 30_000,
      total: 300_000,
      percent: 10,
      secondsLeft: 90,
      done: false,
    });
  });

  it('gives no estimate before the total is known or too little has arrived', () => {
    expect(progressOf(500, null, 1_000, false)).toMatchObject({ percent: null, secondsLeft: null });
    expect(progressOf(5, 1_000, 1_000, false)).toMatchObject({ percent: 0, secondsLeft: null });
  });

  it('never shows more than 100 % or a negative time, and ends at 100 %', () => {
    fc.assert(
      fc.property(fc.nat(1e6), fc.nat(1e6), fc.nat(1e7), (received, total, elapsed) => {
        const p = progressOf(received, total, elapsed, false);
        if (p.percent !== null) expect(p.percent).toBeGreaterThanOrEqual(0);
        if (p.percent !== null) expect(p.percent).toBeLessThanOrEqual(100);
        if (p.secondsLeft !== null) expect(p.secondsLeft).toBeGreaterThanOrEqual(0);
      }),
    );
    expect(progressOf(10, 20, 100, true)).toMatchObject({
      percent: 100,
      secondsLeft: 0,
      done: true,
    });
  });
});
