import { describe, expect, it } from 'vitest';
import { shortPollFetch } from './sync-fetch';

describe('live replication by short polls', () => {
  it('turns a long poll into a normal changes request after a wait, and leaves others alone', async () => {
    const seen: string[] = [];
    const waits: number[] = [];
    const base = (async (input: string) => {
      seen.push(input);
      return new Response('{}');
    }) as unknown as typeof fetch;
    const fetcher = shortPollFetch(base, 2000, async (ms) => void waits.push(ms));
    await fetcher('http://s/products/_changes?style=all_docs&feed=longpoll&since=now');
    await fetcher('http://s/products/_changes?feed=normal&since=0');
    await fetcher('http://s/saleFacts/_bulk_docs', { method: 'POST' });
    expect(seen).toEqual([
      'http://s/products/_changes?style=all_docs&feed=normal&since=now',
      'http://s/products/_changes?feed=normal&since=0',
      'http://s/saleFacts/_bulk_docs',
    ]);
    expect(waits).toEqual([2000]);
  });
});
