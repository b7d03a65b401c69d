import { describe, expect, it } from 'vitest';
import { QuietFeeds, WRITER_READS_MS } from './quiet-feeds';
import { ALL_CHANGED, LISTEN_LOST, REVOKED_PREFIX } from './storage/storage';

/** Quiet feeds over a storage whose notifications the test sends. */
function feeds() {
  let announce: (payload: string) => void = () => {};
  const quiet = new QuietFeeds({
    listen(onChange) {
      announce = onChange;
      return () => {};
    },
  });
  /** A read of `db` that saw `lastSeq` (a page that was not full). */
  const read = (db: string, lastSeq: number, during?: () => void) => {
    const mark = quiet.mark(db);
    during?.();
    quiet.read(db, mark, { full: false, lastSeq });
  };
  return { quiet, read, announce: (payload: string) => announce(payload) };
}

describe('[FL5] quiet feeds', () => {
  it('answers a poll from the last read seq on when no change was announced, per collection', () => {
    const { quiet, read, announce } = feeds();
    expect(quiet.quiet('products', 40, 'device:A')).toBe(false); // nothing read yet
    read('products', 40);
    expect(quiet.quiet('products', 40, 'device:A')).toBe(true);
    expect(quiet.quiet('products', 39, 'device:A')).toBe(false); // may have rows after 39
    expect(quiet.quiet('prices', 40, 'device:A')).toBe(false);
    announce(`${REVOKED_PREFIX}device:B`);
    expect(quiet.quiet('products', 40, 'device:A')).toBe(true);
    announce('prices');
    expect(quiet.quiet('products', 40, 'device:A')).toBe(true);
    announce('products');
    expect(quiet.quiet('products', 40, 'device:A')).toBe(false);
    expect([quiet.hits, quiet.misses]).toEqual([3, 4]);
  });

  it('remembers no read that a change was announced during, nor a full page', () => {
    const { quiet, read, announce } = feeds();
    read('stock', 10, () => announce('stock'));
    expect(quiet.quiet('stock', 10, 'device:A')).toBe(false);
    quiet.read('stock', quiet.mark('stock'), { full: true, lastSeq: 10 });
    expect(quiet.quiet('stock', 10, 'device:A')).toBe(false);
  });

  it('forgets everything when LISTEN drops, and remembers again only once it is back', () => {
    const { quiet, read, announce } = feeds();
    read('products', 40);
    announce(LISTEN_LOST);
    expect(quiet.quiet('products', 40, 'device:A')).toBe(false);
    read('products', 40);
    expect(quiet.quiet('products', 40, 'device:A')).toBe(false);
    announce(ALL_CHANGED);
    read('products', 41);
    expect(quiet.quiet('products', 41, 'device:A')).toBe(true);
  });

  it('while a write other than a fact push runs here, every poll reads, and no read spanning it is remembered', () => {
    const { quiet, read } = feeds();
    read('products', 40);
    let end: (principal: string | null) => void = () => {};
    read('prices', 7, () => {
      end = quiet.writeStarted(false);
    });
    expect(quiet.quiet('products', 40, 'device:A')).toBe(false);
    read('products', 41);
    end('admin:hq');
    expect(quiet.quiet('products', 41, 'device:A')).toBe(false);
    expect(quiet.quiet('prices', 7, 'device:A')).toBe(false);
    read('products', 41);
    expect(quiet.quiet('products', 41, 'device:A')).toBe(true);
  });

  it('a device that pushed facts reads the database for a while; the others are answered from memory', () => {
    const { quiet, read } = feeds();
    read('stock', 50);
    const end = quiet.writeStarted(true);
    expect(quiet.quiet('stock', 50, 'device:B')).toBe(true);
    end('device:A', 1_000);
    expect(quiet.quiet('stock', 50, 'device:A', 1_000 + WRITER_READS_MS - 1)).toBe(false);
    expect(quiet.quiet('stock', 50, 'device:B', 1_000 + WRITER_READS_MS - 1)).toBe(true);
    expect(quiet.quiet('stock', 50, 'device:A', 1_000 + WRITER_READS_MS)).toBe(true);
  });
});
