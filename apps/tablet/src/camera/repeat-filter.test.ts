import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRepeatFilter } from './repeat-filter';

describe('[TA8] a code the camera keeps seeing is read once', () => {
  it('passes a code once while it stays in view, again after a pause out of view', () => {
    const filter = createRepeatFilter(1000);
    expect(filter.accept('6901234567892', 0)).toBe(true);
    expect(filter.accept('6901234567892', 100)).toBe(false);
    expect(filter.accept('6901234567892', 1050)).toBe(false); // still in view: seen at 100
    expect(filter.accept('4006381333931', 1100)).toBe(true); // another code at once
    expect(filter.accept('6901234567892', 2100)).toBe(true); // out of view for over 1 s
  });

  it('never passes the same code twice within the pause of its last sighting', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C'), fc.integer({ min: 0, max: 400 }))),
        (sightings) => {
          const filter = createRepeatFilter(500);
          let now = 0;
          const last = new Map<string, number>();
          for (const [code, step] of sightings) {
            now += step;
            const accepted = filter.accept(code, now);
            const before = last.get(code);
            expect(accepted).toBe(before === undefined || now - before > 500);
            last.set(code, now);
          }
        },
      ),
    );
  });
});
