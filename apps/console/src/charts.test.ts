import { describe, expect, it } from 'vitest';
import type { SalesRow } from '@pos/domain';
import { salesByBucketOption, salesByStoreOption } from './charts';

const row = (storeId: string, channel: string, bucket: string, netFen: number): SalesRow => ({
  storeId,
  channel,
  bucket,
  sales: 1,
  returns: 0,
  netFen,
  units: 1,
});

describe('the dashboard’s charts', () => {
  it('[HC10] net sales by hour: buckets in time order, a stacked series per channel, yuan, axes and legend', () => {
    const option = salesByBucketOption(
      [
        row('S001', 'pos', '2026-12-07T03:00:00.000Z', 1000),
        row('S002', 'pos', '2026-12-07T03:00:00.000Z', 550),
        row('S001', 'online', '2026-12-07T01:00:00.000Z', 9990),
      ],
      (bucket) => bucket.slice(11, 16),
      (channel) => channel.toUpperCase(),
      'yuan',
    );
    expect(option.xAxis.data).toEqual(['01:00', '03:00']);
    expect(option.legend.data).toEqual(['ONLINE', 'POS']);
    expect(option.series).toEqual([
      { name: 'ONLINE', type: 'bar', stack: 'net', data: [99.9, 0] },
      { name: 'POS', type: 'bar', stack: 'net', data: [0, 15.5] },
    ]);
    expect(option.yAxis).toEqual({ type: 'value', name: 'yuan' });
  });

  it('[HC10] net sales by store: the largest first', () => {
    const option = salesByStoreOption(
      [
        { storeId: 'S001', netFen: 100 },
        { storeId: 'S002', netFen: 5000 },
      ],
      (s) => s,
      'Net',
      'yuan',
    );
    expect(option.xAxis.data).toEqual(['S002', 'S001']);
    expect(option.series[0]!.data).toEqual([50, 1]);
    expect(salesByStoreOption([], (s) => s, 'Net', 'yuan').series[0]!.data).toEqual([]);
  });
});
