/**
 * [TA8] A camera reads the same code in frame after frame: each code is
 * passed on once, and again only after it has been out of sight for a
 * pause (the clerk took the product away and showed it again). Pure: the
 * time of each sighting comes in.
 */
export type RepeatFilter = {
  /** Whether a sighting of `code` at `atMs` is a new read. */
  accept(code: string, atMs: number): boolean;
};

export function createRepeatFilter(pauseMs: number): RepeatFilter {
  const lastSeen = new Map<string, number>();
  return {
    accept(code, atMs) {
      const seen = lastSeen.get(code);
      lastSeen.set(code, atMs);
      // Codes not seen for long are forgotten, so the map stays small.
      for (const [other, at] of lastSeen) if (atMs - at > pauseMs) lastSeen.delete(other);
      return seen === undefined || atMs - seen > pauseMs;
    },
  };
}
