import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceHealth } from '../device-status';
import { openPtyPair, type PtyPair } from '../pty';
import { ScannerSimulator } from '../simulators/scanner-simulator';
import type { ScanEvent } from './scan-event';
import type { ScanRejection } from './scan-line';
import { SerialScanner } from './serial-scanner';

describe('SerialScanner over a real pty pair', () => {
  let pair: PtyPair;
  let simulator: ScannerSimulator;
  let scanner: SerialScanner;
  const scans: ScanEvent[] = [];
  const rejections: ScanRejection[] = [];
  const statuses: DeviceHealth[] = [];

  beforeEach(async () => {
    scans.length = rejections.length = statuses.length = 0;
    pair = await openPtyPair();
    simulator = await ScannerSimulator.open(pair.simulatorPath);
    scanner = new SerialScanner({
      path: pair.devicePath,
      id: 'scanner-1',
      now: () => new Date('2026-11-22T03:00:00.000Z'),
    });
    scanner.onScan((scan) => scans.push(scan));
    scanner.onRejected((rejection) => rejections.push(rejection));
    scanner.onStatus((health) => statuses.push(health));
    await scanner.open();
  });

  afterEach(async () => {
    await scanner.close();
    await simulator.close();
    await pair.close();
  });

  it('emits a scan event with the symbology named from the AIM id', async () => {
    await simulator.scan('6901234567892', { aim: ']E0' });
    await simulator.scan('ABC-123');
    await expect.poll(() => scans.length).toBe(2);
    expect(scans).toEqual([
      {
        code: '6901234567892',
        symbology: 'EAN-13',
        source: 'scanner-1',
        at: '2026-11-22T03:00:00.000Z',
      },
      { code: 'ABC-123', source: 'scanner-1', at: '2026-11-22T03:00:00.000Z' },
    ]);
    expect(scanner.status()).toEqual({ state: 'ready' });
  });

  it('splits lines however the bytes arrive, with CR, LF or CRLF', async () => {
    await simulator.write('1111\r2222\n33');
    await simulator.write('33\r');
    await simulator.write('\n\r\n4444\r\n');
    await expect.poll(() => scans.map((s) => s.code)).toEqual(['1111', '2222', '3333', '4444']);
  });

  it('rejects an oversize line before its end arrives, then reads the next scan', async () => {
    await simulator.write('9'.repeat(10_000));
    await expect
      .poll(() => rejections)
      .toMatchObject([{ code: 'SCAN_TOO_LONG', source: 'scanner-1' }]);
    await simulator.write('999\r\n');
    await simulator.scan('6901234567892', { aim: ']E0' });
    await expect.poll(() => scans.map((s) => s.code)).toEqual(['6901234567892']);
    expect(rejections).toHaveLength(1);
  });

  it('decodes UTF-8 split across writes', async () => {
    const bytes = new TextEncoder().encode(']Q1你好\r\n');
    await simulator.write(bytes.subarray(0, 5));
    await simulator.write(bytes.subarray(5));
    await expect.poll(() => scans.map((s) => [s.code, s.symbology])).toEqual([['你好', 'QR']]);
  });

  it('reports closed, and an error when the port cannot be opened', async () => {
    await scanner.close();
    expect(scanner.status()).toEqual({ state: 'offline', message: 'closed' });
    expect(statuses.map((s) => s.state)).toEqual(['ready', 'offline']);

    const missing = new SerialScanner({ path: '/nonexistent/tty-scanner' });
    await expect(missing.open()).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
    expect(missing.status().state).toBe('error');
    expect(missing.status().message).toContain('/nonexistent/tty-scanner');
  });
});
