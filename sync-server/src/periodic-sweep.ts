/**
 * A sweep the server runs every so often (holds expiring, try-on visits
 * decided): one at a time, the next scheduled when the last one ends, until
 * stopped. A failed sweep is reported (unless stopping) and the next tick
 * tries again. The timer never keeps the process alive.
 */
export type PeriodicSweep = { stop(): Promise<void> };

export function startPeriodicSweep(
  sweep: () => Promise<void>,
  intervalMs: number,
  failed: (error: unknown) => void,
): PeriodicSweep {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = sweep().catch((error: unknown) => {
      if (!stopped) failed(error);
    });
    void running.then(schedule);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
