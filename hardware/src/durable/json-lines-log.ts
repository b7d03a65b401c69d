/**
 * A durable JSON-lines file, the outbox of the store's services (the
 * fitting rooms' facts, the shelf labels' acknowledgements): each batch of
 * lines is appended and synced to disk before it counts; on open the lines
 * are read back (a line torn by a crash mid-write, or not the caller's, is
 * skipped) and the file is rewritten with only what is live, atomically (a
 * temporary file renamed over it, the directory synced).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export class JsonLinesLog<Line> {
  #fd: number | undefined;
  #lines = 0;

  /** `what` names the file in errors, e.g. "the fitting-room outbox". */
  constructor(
    readonly path: string,
    private readonly what: string,
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** The lines the file holds, each through `parse` (null: skipped). */
  read(parse: (value: unknown) => Line | null): Line[] {
    if (!existsSync(this.path)) return [];
    const lines: Line[] = [];
    for (const text of readFileSync(this.path, 'utf8').split('\n')) {
      if (!text.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        continue;
      }
      const line = parse(value);
      if (line !== null) lines.push(line);
    }
    return lines;
  }

  /** Lines in the file since it was last rewritten. */
  get lineCount(): number {
    return this.#lines;
  }

  /**
   * Appends the lines and syncs them to disk: once this returns they count.
   * When the disk fails it throws (the caller reports it).
   */
  append(lines: readonly Line[]): void {
    if (lines.length === 0) return;
    if (this.#fd === undefined) throw new Error(`${this.what} is closed`);
    writeSync(this.#fd, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    fsyncSync(this.#fd);
    this.#lines += lines.length;
  }

  /** Replaces the file by these lines, atomically, and appends after them from then on. */
  rewrite(lines: readonly Line[]): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    syncDirectory(dirname(this.path));
    this.#fd = openSync(this.path, 'a');
    this.#lines = lines.length;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** Makes a rename durable (where the platform allows opening a directory). */
function syncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported here (e.g. Windows); the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
