/**
 * [FL5] Quiet feeds: an empty poll answered without asking the database.
 *
 * A till polls each of its collections' `_changes` every few seconds, and
 * most polls find nothing new. Each process learns of every committed write
 * from its LISTEN connection ([ST4]), so it can remember, per collection,
 * the update seq a read saw when no change to that collection had been
 * announced since: a poll from that seq or later, while no change has been
 * announced, has nothing to read. Nothing is remembered while this process
 * writes anything but a device's facts, nor while the LISTEN connection is
 * down (notifications may be lost). A device that pushed facts reads the
 * database for its next polls for a while (it reads its own writes at once);
 * other devices see a change once its notification arrived, milliseconds
 * after it committed.
 */
import { ALL_CHANGED, LISTEN_LOST, REVOKED_PREFIX, type SyncStorage } from './storage/storage';

export type ReadMark = { epoch: number; generation: number };

/** How long after pushing facts a device's polls read the database. */
export const WRITER_READS_MS = 2_000;

export class QuietFeeds {
  /** Per collection: its update seq, read when no change had been announced since. */
  private readonly known = new Map<string, number>();
  /** Per collection: how many changes were announced. */
  private readonly generations = new Map<string, number>();
  /** Moves on when everything known may be stale (a local write ended, LISTEN came back). */
  private epoch = 0;
  private writing = 0;
  private live = true;
  private readonly unlisten: () => void;
  /** Devices that pushed facts lately: until when their polls read the database. */
  private readonly writers = new Map<string, number>();
  /** Polls answered from memory, and polls that read the database. */
  hits = 0;
  misses = 0;

  constructor(storage: Pick<SyncStorage, 'listen'>) {
    this.unlisten = storage.listen((payload) => this.announced(payload));
  }

  private announced(payload: string): void {
    if (payload.startsWith(REVOKED_PREFIX)) return;
    if (payload === ALL_CHANGED || payload === LISTEN_LOST) {
      this.live = payload === ALL_CHANGED;
      this.known.clear();
      this.epoch++;
      return;
    }
    this.known.delete(payload);
    this.generations.set(payload, (this.generations.get(payload) ?? 0) + 1);
  }

  /** True when a poll of `db` after `since` by `principal` has nothing to read. */
  quiet(db: string, since: number, principal: string, now = Date.now()): boolean {
    const until = this.writers.get(principal);
    if (until !== undefined && until <= now) this.writers.delete(principal);
    const reads = this.writing > 0 || !this.live || (until !== undefined && until > now);
    const seq = reads ? undefined : this.known.get(db);
    const quiet = seq !== undefined && since >= seq;
    if (quiet) this.hits++;
    else this.misses++;
    return quiet;
  }

  /** Taken before reading `db`'s changes. */
  mark(db: string): ReadMark {
    return { epoch: this.epoch, generation: this.generations.get(db) ?? 0 };
  }

  /**
   * After a read of `db` that started at `mark`: a page that was not full
   * ends at the collection's update seq, remembered unless a change was
   * announced, a write ran here, or LISTEN dropped since the mark.
   */
  read(db: string, mark: ReadMark, page: { full: boolean; lastSeq: number }): void {
    if (page.full || !this.live || this.writing > 0) return;
    if (mark.epoch !== this.epoch || mark.generation !== (this.generations.get(db) ?? 0)) return;
    this.known.set(db, page.lastSeq);
  }

  /**
   * A request that may write started here. Anything but a device's facts:
   * nothing is remembered until it ends. A push of facts: its principal's
   * polls read the database for WRITER_READS_MS after it ended.
   */
  writeStarted(factPush: boolean): (principal: string | null, now?: number) => void {
    if (!factPush) {
      this.writing++;
      this.known.clear();
    }
    let ended = false;
    return (principal, now = Date.now()) => {
      if (ended) return;
      ended = true;
      if (principal) this.writers.set(principal, now + WRITER_READS_MS);
      if (factPush) return;
      this.writing--;
      this.epoch++;
    };
  }

  close(): void {
    this.unlisten();
  }
}
