/**
 * A print queue in front of one printer: a receipt waits while the printer
 * is offline, out of paper or has its cover open, and prints once it can.
 * [Q1] Jobs print one at a time, in the order submitted.
 * [Q2] A job the printer refused without taking a byte (PRINTER_NOT_READY,
 *      DEVICE_OFFLINE) stays queued with the reason in words, and is tried
 *      again when the printer's status changes or after `retryMs`.
 * [Q3] A job is never printed twice: a job id already printed (or printing)
 *      is not printed again when submitted again, e.g. by a client retrying
 *      after a reconnect; and a job that failed while bytes were going out
 *      (DEVICE_IO: it may be half printed) is not retried by the queue.
 * [Q4] Memory is bounded: at most `maxJobs` waiting, and the ids of the last
 *      `rememberPrinted` printed jobs.
 */
import type { DeviceHealth } from '../device-status';
import { HardwareError, errorMessage } from '../errors';
import { Listeners } from '../listeners';

export type QueuePrinter = {
  print(bytes: Uint8Array): Promise<void>;
  status(): DeviceHealth;
  onStatus(callback: (health: DeviceHealth) => void): () => void;
};

export type PrintJobState = 'queued' | 'printing' | 'printed' | 'failed';
export type PrintJobView = { id: string; state: PrintJobState; message?: string };

type Job = {
  id: string;
  bytes: Uint8Array;
  state: PrintJobState;
  message?: string;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
};

export class PrintQueue {
  readonly #printer: QueuePrinter;
  readonly #retryMs: number;
  readonly #maxJobs: number;
  readonly #rememberPrinted: number;
  readonly #what: string;
  readonly #jobs: Job[] = [];
  readonly #printed = new Set<string>();
  readonly #changes = new Listeners<PrintJobView[]>();
  readonly #stopStatus: () => void;
  #running = false;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: {
    printer: QueuePrinter;
    retryMs?: number;
    maxJobs?: number;
    rememberPrinted?: number;
    /** What a job is, in messages: 'receipt' (default) or 'label'. */
    what?: 'receipt' | 'label';
  }) {
    this.#printer = options.printer;
    this.#retryMs = options.retryMs ?? 2_000;
    this.#maxJobs = options.maxJobs ?? 100;
    this.#rememberPrinted = options.rememberPrinted ?? 1_000;
    this.#what = options.what ?? 'receipt';
    this.#stopStatus = this.#printer.onStatus(() => this.#kick());
  }

  /**
   * [Q1]-[Q3] Queues `bytes` as job `id`; resolves once printed. Rejects only
   * when the job failed mid-print (DEVICE_IO), the queue is full or closed.
   */
  submit(id: string, bytes: Uint8Array): Promise<void> {
    if (this.#printed.has(id)) return Promise.resolve();
    const existing = this.#jobs.find((job) => job.id === id);
    if (existing) return existing.done;
    if (this.#closed)
      return Promise.reject(new HardwareError('DEVICE_OFFLINE', 'the print queue is closed'));
    if (this.#jobs.length >= this.#maxJobs) {
      return Promise.reject(
        new HardwareError(
          'DEVICE_OFFLINE',
          `${this.#maxJobs} ${this.#what}s are already waiting; fix the printer first`,
        ),
      );
    }
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#jobs.push({ id, bytes, state: 'queued', done, resolve, reject });
    this.#emit();
    this.#kick();
    return done;
  }

  /** Jobs not yet printed, oldest first, with why they wait. */
  jobs(): PrintJobView[] {
    return this.#jobs.map(({ id, state, message }) => ({
      id,
      state,
      ...(message ? { message } : {}),
    }));
  }

  onChange(callback: (jobs: PrintJobView[]) => void): () => void {
    return this.#changes.add(callback);
  }

  /** Stops; waiting jobs reject with DEVICE_OFFLINE (they were not printed). */
  close(): void {
    this.#closed = true;
    this.#stopStatus();
    if (this.#timer) clearTimeout(this.#timer);
    for (const job of this.#jobs.splice(0)) {
      job.reject(
        new HardwareError(
          'DEVICE_OFFLINE',
          `${this.#what} ${job.id} was not printed: the queue closed`,
        ),
      );
    }
  }

  #kick(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    void this.#run().finally(() => (this.#running = false));
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const job = this.#jobs[0];
      if (!job) return;
      job.state = 'printing';
      this.#emit();
      try {
        await this.#printer.print(job.bytes);
      } catch (error) {
        const code = error instanceof HardwareError ? error.code : 'INTERNAL';
        if (code === 'PRINTER_NOT_READY' || code === 'DEVICE_OFFLINE') {
          // [Q2] Nothing was sent: wait for the printer and try again.
          job.state = 'queued';
          job.message = errorMessage(error);
          this.#emit();
          this.#retryLater();
          return;
        }
        // [Q3] Bytes may have gone out: never retried by the queue.
        this.#jobs.shift();
        job.state = 'failed';
        job.message = `${errorMessage(error)}. The ${this.#what} may be partly printed; check the printer before printing it again.`;
        this.#emit();
        job.reject(new HardwareError('DEVICE_IO', job.message));
        continue;
      }
      this.#jobs.shift();
      job.state = 'printed';
      this.#printed.add(job.id);
      if (this.#printed.size > this.#rememberPrinted) {
        this.#printed.delete(this.#printed.values().next().value as string);
      }
      this.#emit();
      job.resolve();
    }
  }

  #retryLater(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#kick();
    }, this.#retryMs);
    this.#timer.unref?.();
  }

  #emit(): void {
    this.#changes.emit(this.jobs());
  }
}
