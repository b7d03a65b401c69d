import { access, lstat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openPtyPair } from './pty';
import { SerialConnection } from './serial-connection';

describe('openPtyPair', () => {
  it('links two pseudo-terminals that carry bytes both ways, and removes them on close', async () => {
    const pair = await openPtyPair();
    expect((await lstat(pair.devicePath)).isSymbolicLink()).toBe(true);
    const received: string[] = [];
    const device = new SerialConnection({
      path: pair.devicePath,
      baudRate: 9600,
      onData: (b) => received.push(`device:${Buffer.from(b)}`),
    });
    const simulator = new SerialConnection({
      path: pair.simulatorPath,
      baudRate: 9600,
      onData: (b) => received.push(`simulator:${Buffer.from(b)}`),
    });
    await device.open();
    await simulator.open();
    await device.write(Buffer.from('ping'));
    await simulator.write(Buffer.from('pong'));
    await expect.poll(() => received.sort()).toEqual(['device:pong', 'simulator:ping']);
    await device.close();
    await simulator.close();
    await pair.close();
    await expect(access(pair.devicePath)).rejects.toThrow();
    await expect(access(pair.simulatorPath)).rejects.toThrow();
  });
});
