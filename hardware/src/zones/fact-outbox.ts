/**
 * The fitting-room service's durable outbox: a JSON-lines file, each change
 * appended and synced to disk before it counts ([FR2]). It holds the open
 * sessions ([FR4]), the closed sessions' facts until the sync server confirms
 * it holds them, and the facts the server refused, with its reason. On open
 * it reads the file back (a line torn by a crash mid-write is skipped) and
 * rewrites it compactly, atomically (a temporary file renamed over it).
 */
import { JsonLinesLog } from '../durable/json-lines-log';
import type { OpenTryOnSession, TryOnFact } from '@pos/domain';

/** A fact the sync server refused as invalid: kept aside, reported, never pushed again. */
export type RefusedFact = { fact: TryOnFact; reason: string };

type Line =
  | { open: OpenTryOnSession }
  | { closed: TryOnFact }
  | { pushed: string[] }
  | { refused: { id: string; reason: string } };

/** Refused facts kept (the newest); older ones are dropped at the next compaction. */
const MAX_REFUSED = 1_000;
/** Compact when the file has this many more lines than live entries. */
const COMPACT_AFTER_LINES = 5_000;

export class FactOutbox {
  readonly path: string;
  readonly #open = new Map<string, OpenTryOnSession>();
  readonly #waiting = new Map<string, TryOnFact>();
  readonly #refused = new Map<string, RefusedFact>();
  readonly #log: JsonLinesLog<Line>;

  /** Opens (or creates) the outbox at `path`: reads what it holds and compacts it. */
  static open(path: string): FactOutbox {
    return new FactOutbox(path);
  }

  private constructor(path: string) {
    this.path = path;
    this.#log = new JsonLinesLog<Line>(path, 'the fitting-room outbox');
    for (const line of this.#log.read(parseLine)) this.#apply(line);
    this.#compact();
  }

  /** [FR4] The sessions open when the file was last written. */
  openSessions(): OpenTryOnSession[] {
    return [...this.#open.values()];
  }

  /** Facts not yet confirmed by the sync server, oldest first. */
  waiting(): TryOnFact[] {
    return [...this.#waiting.values()];
  }

  refused(): RefusedFact[] {
    return [...this.#refused.values()];
  }

  /** A session opened, or changed (a member linked it). */
  recordOpen(session: OpenTryOnSession): void {
    this.#append([{ open: session }]);
  }

  /** [FR2] Sessions closed: their facts wait for the server, their open sessions are gone. */
  recordClosed(facts: readonly TryOnFact[]): void {
    if (facts.length) this.#append(facts.map((fact) => ({ closed: fact })));
  }

  /** The server holds these facts. */
  markPushed(ids: readonly string[]): void {
    if (ids.length) this.#append([{ pushed: [...ids] }]);
    if (this.#log.lineCount > COMPACT_AFTER_LINES + this.#live()) this.#compact();
  }

  /** [FR3] The server refused these as invalid: kept aside with the reason. */
  markRefused(refusals: readonly { id: string; reason: string }[]): void {
    if (refusals.length) this.#append(refusals.map((refused) => ({ refused })));
  }

  close(): void {
    this.#log.close();
  }

  #live(): number {
    return this.#open.size + this.#waiting.size + this.#refused.size;
  }

  #apply(line: Line): void {
    if ('open' in line) {
      this.#open.set(line.open.epc, line.open);
    } else if ('closed' in line) {
      const open = this.#open.get(line.closed.epc);
      if (open?.id === line.closed.id) this.#open.delete(line.closed.epc);
      this.#waiting.set(line.closed.id, line.closed);
    } else if ('pushed' in line) {
      for (const id of line.pushed) this.#waiting.delete(id);
    } else {
      const fact = this.#waiting.get(line.refused.id);
      if (!fact) return;
      this.#waiting.delete(fact.id);
      this.#refused.set(fact.id, { fact, reason: line.refused.reason });
      if (this.#refused.size > MAX_REFUSED) {
        this.#refused.delete(this.#refused.keys().next().value as string);
      }
    }
  }

  /**
   * Takes the lines in memory, then appends them and syncs them to disk: once
   * this returns they count. When the disk fails it throws (the caller
   * reports it); memory still holds them, so nothing waiting is lost while
   * the service runs.
   */
  #append(lines: readonly Line[]): void {
    for (const line of lines) this.#apply(line);
    this.#log.append(lines);
  }

  /** Rewrites the file with only what is live, atomically. */
  #compact(): void {
    this.#log.rewrite([
      ...[...this.#open.values()].map((open) => ({ open })),
      ...[...this.#refused.values()].flatMap(({ fact, reason }) => [
        { closed: fact },
        { refused: { id: fact.id, reason } },
      ]),
      ...[...this.#waiting.values()].map((closed) => ({ closed })),
    ]);
  }
}

/** A line of the file, or null for one that is torn or not ours. */
function parseLine(value: unknown): Line | null {
  if (typeof value !== 'object' || value === null) return null;
  const line = value as Record<string, unknown>;
  const isSession = (v: unknown): v is { id: string; epc: string } =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { id?: unknown }).id === 'string' &&
    typeof (v as { epc?: unknown }).epc === 'string';
  if (isSession(line.open)) return { open: line.open as OpenTryOnSession };
  if (isSession(line.closed)) return { closed: line.closed as TryOnFact };
  if (Array.isArray(line.pushed) && line.pushed.every((id) => typeof id === 'string')) {
    return { pushed: line.pushed as string[] };
  }
  const refused = line.refused as { id?: unknown; reason?: unknown } | undefined;
  if (typeof refused?.id === 'string' && typeof refused.reason === 'string') {
    return { refused: { id: refused.id, reason: refused.reason } };
  }
  return null;
}
