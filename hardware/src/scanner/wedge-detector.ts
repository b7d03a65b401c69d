/**
 * Keyboard-wedge scan detection, for the renderer: a wedge scanner "types"
 * the barcode as key presses followed by an end key (usually Enter), much
 * faster than a person can. Pure and browser-safe: no Node imports, no clock
 * (each key carries its own `timeStamp`, as a DOM KeyboardEvent does).
 * [KW1] A burst of at least `minLength` characters ending in an end key, whose
 *       average time per character is at most `maxAverageMsPerChar`, is a scan.
 * [KW2] Anything slower, shorter, or with a gap over `maxGapMs` is typing: the
 *       buffer restarts at the key after the gap, so typing then scanning
 *       still finds the scan.
 * [KW3] Modifier keys (Shift for capitals, ...) are ignored; any other
 *       non-character key (Backspace, arrows, Tab when not an end key) ends the
 *       burst as typing.
 * [KW4] Memory is bounded: at most `maxLength` characters are held.
 * [KW5] It never throws, whatever the keys and times.
 */
import type { ScanEvent } from './scan-event';
import { parseScanLine } from './scan-line';

export type WedgeOptions = {
  /** Largest average time per character of a scan, in ms. Default 30. */
  maxAverageMsPerChar: number;
  /** Fewest characters in a scan. Default 6 (EAN-8 has 8, a short Code 39 may have 6). */
  minLength: number;
  /** Largest gap between two keys of one scan, in ms. Default 100. */
  maxGapMs: number;
  /** Keys (KeyboardEvent.key) that end a scan. Default ['Enter']. */
  endKeys: readonly string[];
  /** Longest scan kept; longer bursts are typing. Default 4096. */
  maxLength: number;
};

export const DEFAULT_WEDGE_OPTIONS: Readonly<WedgeOptions> = {
  maxAverageMsPerChar: 30,
  minLength: 6,
  maxGapMs: 100,
  endKeys: ['Enter'],
  maxLength: 4096,
};

/** The parts of a DOM KeyboardEvent the detector reads; pass the event itself. */
export type WedgeKey = { key: string; timeStamp: number };

/**
 * What one key meant:
 * - `scan`: this end key completed a scan. The caller should `preventDefault()`
 *   the end key and remove `code` from the focused field if the keys reached it.
 * - `pending`: this key may be part of a scan.
 * - `typing`: this key is typing (or ends a burst that was typing).
 */
export type WedgeDecision =
  | {
      kind: 'scan';
      /** Barcode data without an AIM id, as with serial scanners. */
      code: string;
      symbology?: string;
      /** The characters exactly as typed (with any AIM id). */
      typed: string;
      startedAt: number;
      endedAt: number;
    }
  | { kind: 'pending' }
  | { kind: 'typing' };

const MODIFIERS = new Set([
  'Shift',
  'Control',
  'Alt',
  'AltGraph',
  'Meta',
  'CapsLock',
  'NumLock',
  'Fn',
  'OS',
  'Unidentified',
  'Dead',
]);

export class WedgeScanDetector {
  readonly options: Readonly<WedgeOptions>;
  #chars: string[] = [];
  #active = false;
  #overflow = false;
  #firstAt = 0;
  #lastAt = 0;

  constructor(options: Partial<WedgeOptions> = {}) {
    this.options = { ...DEFAULT_WEDGE_OPTIONS, ...options };
  }

  /** [KW1]-[KW5] Feed every keydown, in order. */
  key(event: WedgeKey): WedgeDecision {
    const { key } = event;
    const at = typeof event.timeStamp === 'number' ? event.timeStamp : Number.NaN;
    if (typeof key !== 'string' || MODIFIERS.has(key)) return this.#held();
    const gap = at - this.#lastAt;
    // A long pause (or a clock that went backwards or is not a number) starts over.
    if (this.#active && !(gap >= 0 && gap <= this.options.maxGapMs)) this.reset();

    if (this.options.endKeys.includes(key)) return this.#end(at);
    if ([...key].length !== 1) {
      this.reset();
      return { kind: 'typing' };
    }
    if (!this.#active) {
      this.#active = true;
      this.#firstAt = at;
    }
    this.#lastAt = at;
    if (this.#overflow) return { kind: 'typing' };
    if (this.#chars.length >= this.options.maxLength) {
      // Too long for a scan: drop it, and the rest of this burst with it.
      this.#chars = [];
      this.#overflow = true;
      return { kind: 'typing' };
    }
    this.#chars.push(key);
    return { kind: 'pending' };
  }

  /** Characters held while waiting for an end key (never more than `maxLength`). */
  get pending(): number {
    return this.#chars.length;
  }

  /** Forgets the current burst (e.g. when focus moves). */
  reset(): void {
    this.#chars = [];
    this.#active = false;
    this.#overflow = false;
  }

  #held(): WedgeDecision {
    return this.#active && !this.#overflow ? { kind: 'pending' } : { kind: 'typing' };
  }

  #end(at: number): WedgeDecision {
    const typed = this.#chars.join('');
    const count = this.#chars.length;
    const startedAt = this.#firstAt;
    const overflow = this.#overflow;
    this.reset();
    if (overflow || count < this.options.minLength) return { kind: 'typing' };
    // n characters and the end key are n intervals after the first character.
    const average = (at - startedAt) / count;
    if (!(average >= 0 && average <= this.options.maxAverageMsPerChar)) return { kind: 'typing' };
    const parsed = parseScanLine(typed, { source: '', at: '' });
    if (!parsed.ok) return { kind: 'typing' };
    const { code, symbology } = parsed.event;
    if (code.length < this.options.minLength) return { kind: 'typing' };
    return {
      kind: 'scan',
      code,
      ...(symbology ? { symbology } : {}),
      typed,
      startedAt,
      endedAt: at,
    };
  }
}

/** The scan as the one ScanEvent shape every scanner produces. */
export function wedgeScanEvent(
  decision: Extract<WedgeDecision, { kind: 'scan' }>,
  context: { source: string; at: Date },
): ScanEvent {
  return {
    code: decision.code,
    ...(decision.symbology ? { symbology: decision.symbology } : {}),
    source: context.source,
    at: context.at.toISOString(),
  };
}
