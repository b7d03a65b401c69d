/** The tables of exceptions (resolutions): idempotent statements, run at every start under the migration lock ([ST20]). */
export const EXCEPTION_REVIEW_SCHEMA: readonly string[] = [];
