/**
 * The options of the console's charts, built from the dashboards' answers:
 * net sales by hour (a line per channel) and by store (bars). Pure; the
 * chart component draws them with Apache ECharts. Amounts are shown in yuan
 * (the answers' fen / 100).
 */
import type { SalesRow } from '@pos/domain';

/** The parts of an ECharts option the console uses (checked by `Chart`). */
export type ChartOption = {
  tooltip: { trigger: 'axis' };
  legend: { data: string[]; top: number };
  grid: { left: number; right: number; top: number; bottom: number; containLabel: true };
  xAxis: { type: 'category'; data: string[]; name?: string };
  yAxis: { type: 'value'; name: string };
  series: { name: string; type: 'line' | 'bar'; data: number[]; stack?: string }[];
};

const GRID = { left: 12, right: 24, top: 40, bottom: 8, containLabel: true } as const;

/** Fen as yuan with two decimals, as a number for an axis. */
function yuanValue(fen: number): number {
  return Math.round(fen) / 100;
}

/**
 * [HC10] Net sales per bucket (hour or day), one stacked series per
 * channel; buckets in time order, labelled by `bucketLabel`, channels by
 * `channelLabel`; a bucket a channel has no row for is 0.
 */
export function salesByBucketOption(
  rows: readonly SalesRow[],
  bucketLabel: (bucket: string) => string,
  channelLabel: (channel: string) => string,
  axisName: string,
): ChartOption {
  const buckets = [...new Set(rows.map((r) => r.bucket))].sort(
    (a, b) => Date.parse(a) - Date.parse(b),
  );
  const channels = [...new Set(rows.map((r) => r.channel))].sort();
  const at = new Map(buckets.map((b, i) => [b, i]));
  const series = channels.map((channel) => {
    const data = buckets.map(() => 0);
    for (const row of rows) {
      if (row.channel === channel) data[at.get(row.bucket)!]! += row.netFen;
    }
    return {
      name: channelLabel(channel),
      type: 'bar' as const,
      stack: 'net',
      data: data.map(yuanValue),
    };
  });
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: series.map((s) => s.name), top: 0 },
    grid: GRID,
    xAxis: { type: 'category', data: buckets.map(bucketLabel) },
    yAxis: { type: 'value', name: axisName },
    series,
  };
}

/** [HC10] Net sales per store (bars), the largest first. */
export function salesByStoreOption(
  byStore: readonly { storeId: string; netFen: number }[],
  storeLabel: (storeId: string) => string,
  seriesName: string,
  axisName: string,
): ChartOption {
  const sorted = [...byStore].sort(
    (a, b) => b.netFen - a.netFen || (a.storeId < b.storeId ? -1 : 1),
  );
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: [seriesName], top: 0 },
    grid: GRID,
    xAxis: { type: 'category', data: sorted.map((s) => storeLabel(s.storeId)) },
    yAxis: { type: 'value', name: axisName },
    series: [{ name: seriesName, type: 'bar', data: sorted.map((s) => yuanValue(s.netFen)) }],
  };
}
