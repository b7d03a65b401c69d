/**
 * Live replication by short polls instead of long polls. A browser (and
 * Electron) opens at most 6 HTTP/1.1 connections to one server: the 8
 * collections that flow down, each holding a long poll open, would take them
 * all, and every other request to the sync server (the first download,
 * uploads of sales) would wait behind them. So each long poll becomes a
 * normal changes request sent after a short wait: changes still arrive within
 * seconds, and a connection is held only while a request is answered.
 */
export const LIVE_POLL_MS = 2_000;

export function shortPollFetch(
  base: typeof fetch,
  waitMs = LIVE_POLL_MS,
  wait: (ms: number, signal?: AbortSignal | null) => Promise<void> = sleep,
): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.includes('feed=longpoll')) return base(input, init);
    await wait(waitMs, init?.signal);
    return base(url.replace('feed=longpoll', 'feed=normal'), init);
  };
}

function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    });
  });
}
