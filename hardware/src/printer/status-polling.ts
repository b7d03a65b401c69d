/**
 * What a receipt printer and a label printer do alike with their status: ask
 * it one query at a time, poll it while open, refuse a print while something
 * blocks printing, and turn the problems into the device's health.
 */
import type { DeviceHealth, DeviceProblem } from '../device-status';
import { HardwareError } from '../errors';
import type { PrinterLink } from './escpos-printer';
import { describeProblem } from './printer-status';

/** Status queries on one link, one at a time, and a poll of them while the link is open. */
export class StatusPolling<Flags> {
  readonly #link: PrinterLink;
  readonly #ask: () => Promise<Flags | undefined>;
  readonly #enabled: boolean;
  readonly #pollMs: number;
  #queries: Promise<unknown> = Promise.resolve();
  #poll: ReturnType<typeof setInterval> | undefined;
  #polling = false;

  /** `ask` sends one status request and waits for its answer; `enabled` false never asks. */
  constructor(options: {
    link: PrinterLink;
    ask: () => Promise<Flags | undefined>;
    enabled: boolean;
    pollMs: number;
  }) {
    this.#link = options.link;
    this.#ask = options.ask;
    this.#enabled = options.enabled;
    this.#pollMs = options.pollMs;
  }

  /** Asks now, after any query still waiting: the flags, or undefined when there is no answer. */
  query(): Promise<Flags | undefined> {
    const run = this.#queries.then(() => this.#ask());
    this.#queries = run.catch(() => undefined);
    return run;
  }

  /** Opens the link, asks the status once and starts polling it. */
  async open(): Promise<void> {
    await this.#link.open();
    if (!this.#enabled) return;
    await this.query().catch(() => undefined);
    if (this.#pollMs > 0 && !this.#poll) {
      this.#poll = setInterval(() => void this.#pollOnce(), this.#pollMs);
      this.#poll.unref?.();
    }
  }

  /** Stops polling and closes the link. */
  async close(): Promise<void> {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = undefined;
    await this.#link.close();
  }

  async #pollOnce(): Promise<void> {
    if (this.#polling || this.#link.health.state !== 'ready') return;
    this.#polling = true;
    await this.query()
      .catch(() => undefined)
      .finally(() => (this.#polling = false));
  }
}

/** Throws PRINTER_NOT_READY when any of the problems blocks printing. */
export function refuseWhenBlocked(problems: readonly DeviceProblem[]): void {
  const blocking = problems.filter((p) => p.blocksPrinting);
  if (blocking.length > 0) {
    throw new HardwareError(
      'PRINTER_NOT_READY',
      `${blocking.map(describeProblem).join(' ')} Nothing was printed.`,
    );
  }
}

/** The printer's health: the link's while it is not ready, else what the problems say. */
export function printerHealth(link: DeviceHealth, problems: DeviceProblem[]): DeviceHealth {
  if (link.state !== 'ready') return link;
  if (problems.length === 0) return { state: 'ready' };
  return {
    state: problems.some((p) => p.blocksPrinting) ? 'error' : 'ready',
    message: problems.map(describeProblem).join(' '),
    problems,
  };
}
