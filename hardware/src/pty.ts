/**
 * A connected pair of pseudo-terminals made by socat: the driver opens one
 * end, a simulator the other, and bytes flow as over a null-modem cable.
 * Pseudo-terminals have no modem lines, so open them with `hupcl: false` and
 * expect modem-line ioctls (`port.set`, `port.get`) to fail.
 */
import { spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type PtyPair = {
  /** Path the driver opens (a symlink to /dev/pts/N). */
  devicePath: string;
  /** Path the simulator opens. */
  simulatorPath: string;
  /** Stops socat and removes the links. */
  close(): Promise<void>;
};

const READY_TIMEOUT_MS = 5_000;

/**
 * `name` fixes the link names in `dir` (default: random), so a test can
 * unplug a device (close the pair) and plug it back (open a pair with the
 * same `dir` and `name`).
 */
export async function openPtyPair(opts: { dir?: string; name?: string } = {}): Promise<PtyPair> {
  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'pos-pty-')));
  const suffix = opts.name ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const devicePath = join(dir, `device-${suffix}`);
  const simulatorPath = join(dir, `simulator-${suffix}`);

  const socat = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${simulatorPath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  // socat logs this notice once both ptys exist and it is copying bytes.
  let transferring = false;
  socat.stderr.setEncoding('utf8');
  socat.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2_000);
    transferring ||= stderr.includes('starting data transfer loop');
  });
  let spawnError: Error | undefined;
  // 'exit' may not follow a spawn 'error' (e.g. socat is not installed).
  const exited = new Promise<void>((resolve) => {
    socat.once('exit', () => resolve());
    socat.once('error', (error) => {
      spawnError = error;
      resolve();
    });
  });

  const close = async () => {
    if (socat.exitCode === null && socat.signalCode === null && !spawnError) socat.kill('SIGTERM');
    await exited;
    await rm(devicePath, { force: true });
    await rm(simulatorPath, { force: true });
    if (ownsDir) await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  const isReady = async () =>
    transferring && (await exists(devicePath)) && (await exists(simulatorPath));
  while (!(await isReady())) {
    const failure =
      spawnError?.message ??
      (socat.exitCode !== null ? `socat exited with code ${socat.exitCode}` : undefined) ??
      (Date.now() > deadline ? `socat made no pty links within ${READY_TIMEOUT_MS} ms` : undefined);
    if (failure) {
      await close();
      throw new Error(`openPtyPair: ${failure}${stderr ? `\n${stderr.trim()}` : ''}`);
    }
    await sleep(10);
  }
  return { devicePath, simulatorPath, close };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
