import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LlrpSimulator } from '../simulators/llrp-simulator';
import { LLRP_MESSAGE } from './llrp';
import { LlrpReader } from './llrp-reader';
import type { TagRead } from './tag-read';

const SGTIN = '3074257BF7194E4000001A85';

describe('LlrpReader against an LLRP reader simulator (real TCP)', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    closers.length = 0;
  });

  it('[LR1][LR2] waits for the reader event, starts a ROSpec, reports tags once, answers keepalives', async () => {
    const simulator = await LlrpSimulator.start({
      tags: [{ epc: SGTIN, antenna: 2, rssi: -61 }],
      reportMs: 20,
    });
    closers.push(() => simulator.close());
    const reader = new LlrpReader({ host: '127.0.0.1', port: simulator.port, id: 'dock-door' });
    closers.push(() => reader.close());
    const reads: TagRead[] = [];
    reader.onTagRead((read) => reads.push(read));
    await reader.open();
    expect(reader.status()).toEqual({ state: 'ready' });
    expect(simulator.received).toEqual([
      LLRP_MESSAGE.DELETE_ROSPEC,
      LLRP_MESSAGE.ADD_ROSPEC,
      LLRP_MESSAGE.ENABLE_ROSPEC,
      LLRP_MESSAGE.START_ROSPEC,
    ]);
    await expect.poll(() => reads.length).toBe(1);
    // The tag is reported again and again; a keepalive sent after several
    // reports is answered only once the reader has handled them.
    const sent = simulator.reportsSent;
    await expect.poll(() => simulator.reportsSent).toBeGreaterThanOrEqual(sent + 3);
    simulator.keepalive();
    await expect.poll(() => simulator.keepaliveAcks).toBe(1);
    expect(reads).toEqual([
      {
        epc: SGTIN,
        scheme: 'sgtin-96',
        gtin: '80614141123458',
        serial: '6789',
        tagUri: 'urn:epc:tag:sgtin-96:3.0614141.812345.6789',
        antenna: 2,
        rssi: -61,
        source: 'dock-door',
        at: expect.any(String),
      },
    ]);
  });

  it('reports the reader refusing a second client in words', async () => {
    const simulator = await LlrpSimulator.start();
    closers.push(() => simulator.close());
    const first = new LlrpReader({ host: '127.0.0.1', port: simulator.port });
    closers.push(() => first.close());
    await first.open();
    const second = new LlrpReader({ host: '127.0.0.1', port: simulator.port, timeoutMs: 1_000 });
    await expect(second.open()).rejects.toMatchObject({
      code: 'DEVICE_OFFLINE',
      message: expect.stringMatching(/already has a client-initiated connection/),
    });
    expect(second.status().state).toBe('error');
  });

  it('[LR1] a server that never sends the reader event is a timeout, not a hang', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    closers.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const reader = new LlrpReader({ host: '127.0.0.1', port, timeoutMs: 300 });
    await expect(reader.open()).rejects.toMatchObject({
      message: expect.stringMatching(/sent no connection event within 300 ms/),
    });
  });

  it('[LR3] a malformed stream drops the connection with an error record and status', async () => {
    const simulator = await LlrpSimulator.start();
    closers.push(() => simulator.close());
    const reader = new LlrpReader({ host: '127.0.0.1', port: simulator.port });
    closers.push(() => reader.close());
    const errors: string[] = [];
    reader.onFrameError((error) => errors.push(error.code));
    await reader.open();
    simulator.sendRaw(Uint8Array.of(0x04, 61, 0, 0, 0, 3, 0, 0, 0, 1));
    await expect.poll(() => reader.status().state).toBe('offline');
    expect(errors).toEqual(['BAD_LENGTH']);
    expect(reader.status().message).toMatch(/bad LLRP stream/);
  });
});
