import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_RETRY_MS, RETRY_MS, backoffMs, liveRequest } from './replication';

describe('retry with backoff', () => {
  it('retries at once after one failure, then doubles the wait up to a minute', () => {
    const totals = [1, 2, 3, 4, 5, 6, 7, 8].map((failures) => RETRY_MS + backoffMs(failures));
    expect(totals).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(backoffMs(0)).toBe(0);
  });

  it('never waits less than nothing or more than the longest wait', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), (failures) => {
        const wait = backoffMs(failures);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(RETRY_MS + wait).toBeLessThanOrEqual(MAX_RETRY_MS);
      }),
    );
  });
});

describe('live pulls as polls', () => {
  it("turns RxDB's live longpoll into a poll answered at once, keeping its page size", () => {
    const asked =
      'http://127.0.0.1:5984/products/_changes?style=all_docs&feed=longpoll&since=42&include_docs=true&heartbeat=60000&limit=2000&seq_interval=2000';
    const poll = liveRequest(asked);
    expect(poll?.limit).toBe(2000);
    const url = new URL(poll!.url);
    expect(url.searchParams.get('feed')).toBe('normal');
    expect(url.searchParams.get('since')).toBe('42');
    expect(url.searchParams.has('heartbeat')).toBe(false);
  });

  it('leaves every other request as it is', () => {
    expect(liveRequest('http://127.0.0.1:5984/products/_changes?since=0&limit=2000')).toBeNull();
    expect(liveRequest('http://127.0.0.1:5984/saleFacts/_bulk_docs')).toBeNull();
  });
});
