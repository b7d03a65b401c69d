import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceHealth } from '../device-status';
import { HardwareError } from '../errors';
import { Listeners } from '../listeners';
import { PrintQueue, type QueuePrinter } from './print-queue';

/** A printer stand-in whose next answers the test decides. */
function fakePrinter() {
  const statuses = new Listeners<DeviceHealth>();
  const printed: string[] = [];
  let failure: HardwareError | undefined;
  const printer: QueuePrinter = {
    async print(bytes) {
      if (failure) throw failure;
      printed.push(new TextDecoder().decode(bytes));
    },
    status: () => ({ state: failure ? 'error' : 'ready' }),
    onStatus: (callback) => statuses.add(callback),
  };
  return {
    printer,
    printed,
    fail(error: HardwareError | undefined) {
      failure = error;
      statuses.emit(printer.status());
    },
  };
}
const bytes = (text: string) => new TextEncoder().encode(text);

describe('PrintQueue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('[Q1] prints jobs one at a time, in order', async () => {
    const fake = fakePrinter();
    const queue = new PrintQueue({ printer: fake.printer });
    await Promise.all([queue.submit('a', bytes('A')), queue.submit('b', bytes('B'))]);
    expect(fake.printed).toEqual(['A', 'B']);
    expect(queue.jobs()).toEqual([]);
  });

  it('[Q2] waits while the printer is out of paper, says why, and prints when it is back', async () => {
    const fake = fakePrinter();
    fake.fail(
      new HardwareError('PRINTER_NOT_READY', 'Printer out of paper. Load a new paper roll.'),
    );
    const queue = new PrintQueue({ printer: fake.printer, retryMs: 60_000 });
    let printed = false;
    const done = queue.submit('r1', bytes('R1')).then(() => (printed = true));
    await expect
      .poll(() => queue.jobs())
      .toEqual([
        { id: 'r1', state: 'queued', message: 'Printer out of paper. Load a new paper roll.' },
      ]);
    expect(printed).toBe(false);
    fake.fail(undefined); // paper loaded: the status change retries at once
    await done;
    expect(fake.printed).toEqual(['R1']);
    queue.close();
  });

  it('[Q3] never prints a job id twice, even when submitted again after printing', async () => {
    const fake = fakePrinter();
    const queue = new PrintQueue({ printer: fake.printer });
    const first = queue.submit('sale-1', bytes('S1'));
    const again = queue.submit('sale-1', bytes('S1'));
    await Promise.all([first, again]);
    await queue.submit('sale-1', bytes('S1'));
    expect(fake.printed).toEqual(['S1']);
  });

  it('[Q3] a job that failed while printing is reported and not retried', async () => {
    vi.useFakeTimers();
    const fake = fakePrinter();
    fake.fail(new HardwareError('DEVICE_IO', 'writing to /dev/ttyS0 failed: EIO'));
    const queue = new PrintQueue({ printer: fake.printer, retryMs: 10 });
    await expect(queue.submit('x', bytes('X'))).rejects.toMatchObject({
      code: 'DEVICE_IO',
      message: expect.stringMatching(/may be partly printed; check the printer/),
    });
    fake.fail(undefined); // the status change that retries waiting jobs
    await vi.advanceTimersByTimeAsync(50); // five retry periods
    expect(fake.printed).toEqual([]);
  });

  it('[Q4] refuses jobs beyond maxJobs, and close() rejects what waits', async () => {
    const fake = fakePrinter();
    fake.fail(new HardwareError('DEVICE_OFFLINE', '/dev/ttyS0 is not open'));
    const queue = new PrintQueue({ printer: fake.printer, maxJobs: 2, retryMs: 60_000 });
    const a = queue.submit('a', bytes('A'));
    const b = queue.submit('b', bytes('B'));
    await expect(queue.submit('c', bytes('C'))).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
    queue.close();
    await expect(a).rejects.toMatchObject({ message: /was not printed/ });
    await expect(b).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
  });
});
