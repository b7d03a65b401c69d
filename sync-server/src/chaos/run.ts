/**
 * The full chaos run: `npm run chaos` (8 terminals × 2 000 sales). Prints the
 * figures docs/robustness.md records and exits 1 when a guarantee failed.
 * [RB5]-[RB7]
 *   npm run chaos -- [--terminals 8] [--sales 2000] [--fault-every 100]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { postgresClusterSkipReason } from './postgres-cluster';
import { formatChaosReport, runChaos } from './run-chaos';

const { values } = parseArgs({
  options: {
    terminals: { type: 'string', default: '8' },
    sales: { type: 'string', default: '2000' },
    'fault-every': { type: 'string', default: '100' },
  },
});

const skip = postgresClusterSkipReason();
if (skip) {
  console.warn(skip);
  process.exit(0);
}
console.log(
  `load before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const report = await runChaos({
  terminals: Number(values.terminals),
  salesPerTerminal: Number(values.sales),
  faultEvery: Number(values['fault-every']),
  log: (line) => console.log(`  ${line}`),
});
console.log(formatChaosReport(report));
console.log(
  `load after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const failures = [
  ...report.lost.map((id) => `lost ${id}`),
  ...report.duplicated.map((id) => `duplicated ${id}`),
  ...report.refused.map((r) => `refused ${r}`),
  ...report.projectionDiffs,
  ...report.unexpectedExits.map((e) => `unexpected exit: ${e.slice(0, 400)}`),
  ...(report.stalled ? [report.stalled] : []),
];
for (const line of failures.slice(0, 20)) console.log(`  ${line}`);
process.exit(failures.length ? 1 : 0);
