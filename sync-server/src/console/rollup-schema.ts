/** The tables of rollups (read models, device health): idempotent statements, run at every start under the migration lock ([ST20]). */
export const ROLLUP_SCHEMA: readonly string[] = [];
