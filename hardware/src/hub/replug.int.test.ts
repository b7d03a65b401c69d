import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SerialPrinter } from '../printer/serial-printer';
import { openPtyPair, type PtyPair } from '../pty';
import { R2000Reader } from '../rfid/rfid-readers';
import type { TagRead } from '../rfid/tag-read';
import type { ScanEvent } from '../scanner/scan-event';
import { SerialScanner } from '../scanner/serial-scanner';
import { PrinterSimulator } from '../simulators/printer-simulator';
import { R2000Simulator } from '../simulators/rfid-simulators';
import { ScannerSimulator } from '../simulators/scanner-simulator';
import { createHub, type Hub } from './hub';
import { sampleReceipt } from './test-fixtures';

type Plugged = {
  pairs: PtyPair[];
  scanner: ScannerSimulator;
  printer: PrinterSimulator;
  rfid: R2000Simulator;
};

/** [SP1] Unplugging a device (its pty pair goes away) and plugging it back in, with the hub running. */
describe('unplug and replug with the hub running (real ptys)', () => {
  let dir: string;
  let hub: Hub | undefined;
  let plugged: Plugged | undefined;

  afterEach(async () => {
    await hub?.close();
    if (plugged) await unplug(plugged);
    await rm(dir, { recursive: true, force: true });
  });

  async function plugIn(): Promise<Plugged> {
    const pairs = [
      await openPtyPair({ dir, name: 'scanner' }),
      await openPtyPair({ dir, name: 'printer' }),
      await openPtyPair({ dir, name: 'rfid' }),
    ];
    const [s, p, r] = pairs as [PtyPair, PtyPair, PtyPair];
    return {
      pairs,
      scanner: await ScannerSimulator.open(s.simulatorPath),
      printer: await PrinterSimulator.open(p.simulatorPath),
      rfid: await R2000Simulator.open(r.simulatorPath, {
        tags: [{ epc: '3074257BF7194E4000001A85' }],
      }),
    };
  }

  async function unplug(devices: Plugged): Promise<void> {
    await devices.scanner.close();
    await devices.printer.close();
    await devices.rfid.close();
    for (const pair of devices.pairs) await pair.close();
  }

  it('goes offline, comes back by itself, and scans, prints and reads tags again', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pos-replug-'));
    plugged = await plugIn();
    hub = createHub({
      scanners: [
        new SerialScanner({ path: join(dir, 'device-scanner'), id: 'scanner-1', reconnectMs: 50 }),
      ],
      printer: new SerialPrinter({
        path: join(dir, 'device-printer'),
        id: 'printer-1',
        reconnectMs: 50,
        status: { timeoutMs: 300, pollMs: 0 },
      }),
      rfidReaders: [
        new R2000Reader({
          path: join(dir, 'device-rfid'),
          id: 'rfid-1',
          reconnectMs: 50,
          intervalMs: 10,
          dedupWindowMs: 0,
          replyTimeoutMs: 200,
        }),
      ],
    });
    const scans: ScanEvent[] = [];
    const reads: TagRead[] = [];
    hub.onScan((scan) => scans.push(scan));
    hub.onTagRead((read) => reads.push(read));
    const history = new Map<string, string[]>();
    hub.onDeviceStatus((devices) => {
      for (const device of devices) {
        const seen = history.get(device.id) ?? [];
        if (seen.at(-1) !== device.state) seen.push(device.state);
        history.set(device.id, seen);
      }
    });
    await hub.open();
    const states = () => hub!.deviceStatus().map((d) => d.state);
    expect(states()).toEqual(['ready', 'ready', 'ready', 'ready']);

    await unplug(plugged);
    plugged = undefined;
    await expect
      .poll(() => states(), { timeout: 5_000 })
      .toEqual(['offline', 'offline', 'offline', 'offline']);
    expect(hub.deviceStatus()[0]?.message).toMatch(
      /^(unplugged: .*device-scanner is gone|disconnected: .+)$/,
    );
    // A receipt printed while the printer is unplugged waits in the hub's queue.
    expect(await hub.printReceipt(sampleReceipt, 32)).toMatchObject({
      printed: false,
      queued: true,
    });

    plugged = await plugIn();
    await expect
      .poll(() => states(), { timeout: 5_000 })
      .toEqual(['ready', 'ready', 'ready', 'ready']);
    await plugged.scanner.scan('6901234567892', { aim: ']E0' });
    await expect.poll(() => scans.map((s) => s.code)).toEqual(['6901234567892']);
    // Every device class reported disconnected, then connected again.
    for (const id of ['scanner-1', 'printer-1', 'rfid-1']) {
      expect(history.get(id)?.join(' ')).toMatch(/offline.* ready$/);
    }
    // The queued receipt prints once the printer is back; asking again does not reprint it.
    expect((await plugged.printer.waitForReceipt()).join('\n')).toContain('TOTAL');
    expect(await hub.printReceipt(sampleReceipt, 32)).toEqual({ printed: true });
    await hub.printReceipt(sampleReceipt, 32, { jobId: 'copy-2' });
    await plugged.printer.waitForReceipt();
    expect(plugged.printer.receipts).toHaveLength(2);
    const before = reads.length;
    await expect.poll(() => reads.length, { timeout: 5_000 }).toBeGreaterThan(before);
  });

  it('opens a device that was not plugged in when the hub started', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pos-replug-'));
    const scanner = new SerialScanner({
      path: join(dir, 'device-scanner'),
      id: 'scanner-1',
      reconnectMs: 50,
    });
    hub = createHub({ scanners: [scanner] });
    await hub.open();
    expect(scanner.status().state).toBe('error');
    plugged = await plugIn();
    await expect.poll(() => scanner.status().state, { timeout: 5_000 }).toBe('ready');
  });
});
