/**
 * De-duplication of tag reads. A tag in the field is read many times a
 * second; it is reported once per window.
 * [DD1] The first read of an EPC is reported; reads of it within `windowMs`
 *       of its last report are not; the first read after that is.
 * [DD2] Memory is bounded: at most `maxTags` EPCs are remembered (the ones
 *       reported longest ago are forgotten first). Pure: time comes in.
 */
export class TagReadDeduplicator {
  readonly windowMs: number;
  readonly maxTags: number;
  readonly #lastReported = new Map<string, number>();

  constructor(options: { windowMs?: number; maxTags?: number } = {}) {
    this.windowMs = options.windowMs ?? 2_000;
    this.maxTags = options.maxTags ?? 10_000;
  }

  /** True when this read should be reported. */
  accept(epc: string, nowMs: number): boolean {
    const last = this.#lastReported.get(epc);
    if (last !== undefined && nowMs - last >= 0 && nowMs - last < this.windowMs) return false;
    this.#lastReported.delete(epc);
    this.#lastReported.set(epc, nowMs);
    while (this.#lastReported.size > this.maxTags) {
      const oldest = this.#lastReported.keys().next().value as string;
      this.#lastReported.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.#lastReported.size;
  }

  clear(): void {
    this.#lastReported.clear();
  }
}
