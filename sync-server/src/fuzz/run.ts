/**
 * The full fuzz run: `npm run fuzz` (default 15 500 requests per backend,
 * about 51 000 documents each, so over 100 000 on PGlite and PostgreSQL
 * together). Prints the figures docs/robustness.md records and exits 1 when
 * any guarantee failed. [RB1]-[RB4]
 *   npm run fuzz -- [--runs 15500] [--seed N] [--backend pglite|postgres|both] [--huge]
 * PostgreSQL needs TEST_DATABASE_URL; without it that backend is skipped, loudly.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { BACKENDS } from '../test-support';
import { formatReport, runFuzz, startFuzzServer } from './harness';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15500' },
    seed: { type: 'string' },
    backend: { type: 'string', default: 'both' },
    huge: { type: 'boolean', default: false },
  },
});

const runs = Number(values.runs);
let failed = false;
for (const backend of BACKENDS) {
  const key = backend.name.startsWith('PGlite') ? 'pglite' : 'postgres';
  if (values.backend !== 'both' && values.backend !== key) continue;
  if (backend.skip) {
    console.warn(`${backend.name}: SKIPPED`);
    continue;
  }
  console.log(
    `${backend.name}: ${runs} requests; load before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const target = await startFuzzServer(await backend.open());
  try {
    const report = await runFuzz(target, {
      runs,
      ...(values.seed ? { seed: Number(values.seed) } : {}),
      scale: { hugeStrings: values.huge },
      progress: {
        every: 2000,
        report: (r) =>
          console.log(
            `  ${r.requests} requests, ${r.documents} documents, ${r.accepted} accepted, ` +
              `${r.serverErrors.length} 5xx, ${r.invalidAccepted.length} invalid accepted`,
          ),
      },
    });
    console.log(formatReport(backend.name, report));
    console.log(
      `  load after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    for (const [name, list] of [
      ['5xx', report.serverErrors],
      ['unhealthy', report.unhealthy],
      ['invalid accepted', report.invalidAccepted],
      ['projection differences', report.projectionDiffs],
    ] as const) {
      if (list.length === 0) continue;
      failed = true;
      console.log(`  ${name} (first 10 of ${list.length}):`);
      for (const line of list.slice(0, 10)) console.log(`    ${line.slice(0, 600)}`);
    }
  } finally {
    await target.close();
  }
}
process.exit(failed ? 1 : 0);
