/**
 * Generated documents, valid and mutated, pushed to every collection a till
 * pushes and every collection HQ writes, on PGlite and on PostgreSQL.
 * CI-sized here (FUZZ_RUNS requests per backend, default 600); the full run
 * is `npm run fuzz`. [RB1]-[RB4]
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../test-support';
import {
  formatReport,
  runFuzz,
  startFuzzServer,
  type FuzzReport,
  type FuzzTarget,
} from './harness';

const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`pushed documents fuzzed on ${backend.name}`, () => {
    let target: FuzzTarget;
    let report: FuzzReport;
    beforeAll(async () => {
      target = await startFuzzServer(await backend.open());
      report = await runFuzz(target, { runs: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) });
      console.log(formatReport(backend.name, report));
    }, 600_000);
    afterAll(async () => {
      await target?.close();
    });

    it('[RB1] answers every request without a 5xx', () => {
      expect(report.serverErrors.slice(0, 5)).toEqual([]);
    });

    it('[RB2] stays healthy throughout', () => {
      expect(report.unhealthy).toEqual([]);
    });

    it('[RB3] accepts only documents the domain rules accept, and only what the device owns', () => {
      expect(report.invalidAccepted.slice(0, 5)).toEqual([]);
    });

    it('[RB4] stock, points and coupons equal the model of the accepted facts', () => {
      expect(report.projectionDiffs.slice(0, 10)).toEqual([]);
    });

    it('accepts a realistic share of what it is sent', () => {
      expect(report.accepted).toBeGreaterThan(report.documents / 5);
      expect(report.refused).toBeGreaterThan(0);
    });
  });
}
