/**
 * The till's hub built from its device settings, against the hardware
 * package's simulators over real sockets and device files: a network (TCP)
 * printer, a USB printer-class device file, and a cash drawer wired either way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSaleReceipt } from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
import {
  decodeEscPos,
  TcpLabelPrinterSimulator,
  TcpPrinterSimulator,
  type DeviceStatus,
  type Hub,
} from '@pos/hardware';
import type { DevicesConfig } from '../shared/devices';
import { openHub } from './devices';

const receipt = buildSaleReceipt(saleFactFixture(), {
  name: 'Storefront 南京路店',
  address: '南京东路 100 号',
});

describe('the hub from the till’s device settings', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function hubWith(devices: DevicesConfig): Promise<Hub> {
    const hub = await openHub(devices, 48);
    closers.push(() => hub.close());
    return hub;
  }

  async function tcpPrinter(): Promise<TcpPrinterSimulator> {
    const simulator = await TcpPrinterSimulator.start();
    closers.push(() => simulator.close());
    return simulator;
  }

  const drawer = (hub: Hub): DeviceStatus | undefined =>
    hub.deviceStatus().find((d) => d.kind === 'drawer');

  it('prints the receipt and opens the drawer on a network (TCP) printer', async () => {
    const simulator = await tcpPrinter();
    const hub = await hubWith({
      scanners: [],
      printer: { type: 'tcp', id: 'printer-1', host: '127.0.0.1', port: simulator.port },
    });
    expect(hub.deviceStatus()).toContainEqual(
      expect.objectContaining({ id: 'printer-1', kind: 'printer', state: 'ready' }),
    );
    expect(await hub.printReceipt(receipt, 48)).toEqual({ printed: true });
    const lines = await simulator.printer.waitForReceipt(5_000);
    expect(lines[0]).toBe('Storefront 南京路店');
    await hub.openDrawer();
    await simulator.printer.waitForDrawerKicks(1);
    expect(simulator.printer.errors).toEqual([]);
  });

  it('[LH1] prints a shipping label on a network label printer in its language', async () => {
    const simulator = await TcpLabelPrinterSimulator.start({ language: 'tspl', dpi: 300 });
    closers.push(() => simulator.close());
    const hub = await hubWith({
      scanners: [],
      labelPrinter: {
        type: 'tcp',
        id: 'label-printer-1',
        language: 'tspl',
        dpi: 300,
        host: '127.0.0.1',
        port: simulator.port,
      },
    });
    expect(hub.deviceStatus()).toContainEqual(
      expect.objectContaining({ id: 'label-printer-1', kind: 'label-printer', state: 'ready' }),
    );
    const label = {
      shipmentId: 'SHP-1',
      carrier: '顺丰速运',
      trackingNo: 'SF1000000001',
      mode: 'ship' as const,
      from: { name: '南京路店' },
      shipTo: {
        name: '张*',
        phone: '138****8001',
        region: '上海市 黄浦区',
        detail: '南京东路 100 号',
      },
      orderNumbers: ['1024-0001'],
    };
    expect(await hub.printLabel(label)).toEqual({ printed: true });
    const printed = await simulator.printer.waitForLabel(5_000);
    expect(printed.width).toBe(1181);
    expect(printed.fields).toContainEqual(
      expect.objectContaining({ kind: 'barcode', data: 'SF1000000001' }),
    );
    expect(simulator.printer.errors).toEqual([]);
  });

  it('prints to a USB printer-class device file', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'pos-usblp-')), 'lp0');
    await writeFile(path, ''); // the kernel's usblp creates it; the driver never does
    const hub = await hubWith({ scanners: [], printer: { type: 'usb', id: 'printer-1', path } });
    expect(await hub.printReceipt(receipt, 48)).toEqual({ printed: true });
    const records = decodeEscPos(new Uint8Array(await readFile(path)));
    expect(records.filter((r) => r.kind === 'error')).toEqual([]);
    expect(records.filter((r) => r.kind === 'cut')).toHaveLength(1);
  });

  it('reads a drawer wired the other way (open when pin 3 is low) as closed and open', async () => {
    const simulator = await tcpPrinter();
    simulator.printer.setDrawerPin('high'); // this drawer is shut
    const hub = await hubWith({
      scanners: [],
      printer: {
        type: 'tcp',
        id: 'printer-1',
        host: '127.0.0.1',
        port: simulator.port,
        drawerOpenLevel: 'low',
      },
    });
    expect(drawer(hub)).toEqual({ id: 'printer-1:drawer', kind: 'drawer', state: 'ready' });

    simulator.printer.setDrawerPin('low'); // opened
    await hub.printReceipt(receipt, 48); // a print asks the printer's status first
    await simulator.printer.waitForReceipt(5_000);
    expect(drawer(hub)).toMatchObject({
      state: 'ready',
      message: 'Cash drawer is open. Close the cash drawer.',
      problems: [expect.objectContaining({ code: 'DRAWER_OPEN' })],
    });
  });

  it('without the setting, the same shut drawer reads as open (the default level is high)', async () => {
    const simulator = await tcpPrinter();
    simulator.printer.setDrawerPin('high');
    const hub = await hubWith({
      scanners: [],
      printer: { type: 'tcp', id: 'printer-1', host: '127.0.0.1', port: simulator.port },
    });
    expect(drawer(hub)).toMatchObject({
      problems: [expect.objectContaining({ code: 'DRAWER_OPEN' })],
    });
  });

  it('refuses invalid device settings before opening anything', async () => {
    await expect(
      openHub({ scanners: [], printer: { type: 'tcp', id: 'printer-1', host: '' } }, 48),
    ).rejects.toThrow(/devices\.printer\.host: a tcp printer needs its host name or IP address/);
  });
});
