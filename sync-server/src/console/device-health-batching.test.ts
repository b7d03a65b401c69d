import { describe, expect, it, vi } from 'vitest';
import type { SyncStorage } from '../storage/storage';
import { startDeviceHealth } from './rollup-device-health';

describe('[FL6] device health writes under many devices', () => {
  it('one transaction at a time; the devices due meanwhile go together in the next', async () => {
    const transactions: string[][] = [];
    let release: () => void = () => {};
    const storage = {
      async sqlTransaction(
        work: (q: { query(sql: string, params?: unknown[]): Promise<unknown[]> }) => Promise<void>,
      ) {
        await work({
          async query(sql: string, params?: unknown[]) {
            if (sql.includes('INSERT INTO device_health (')) {
              const rows = JSON.parse(params![0] as string) as { device_id: string }[];
              transactions.push(rows.map((r) => r.device_id));
            }
            return [];
          },
        });
        // The first transaction stays open until the test lets it commit.
        if (transactions.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
    } as unknown as SyncStorage;
    const health = startDeviceHealth(storage, { intervalMs: 60_000 });
    const sync = (deviceId: string) =>
      health.record({ deviceId, storeId: 'S001', kind: 'pull', at: new Date() });
    sync('S001-POS1');
    await vi.waitFor(() => expect(transactions).toHaveLength(1));
    // Due while the first is being written: 50 devices, each once due.
    for (let d = 50; d >= 2; d--) sync(`S001-POS${d}`);
    expect(transactions).toEqual([['S001-POS1']]);
    release();
    await health.flush();
    expect(transactions).toHaveLength(2);
    expect(transactions[1]).toHaveLength(49);
    // In device order, so two processes lock the rows in one order.
    expect(transactions[1]).toEqual([...transactions[1]!].sort());
    await health.stop();
  });
});
