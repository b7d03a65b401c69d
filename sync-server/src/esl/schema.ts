/** The tables of shelf-labels (bindings, pushes, the acknowledgement ledger): idempotent statements, run at every start under the migration lock ([ST20]). */
export const LABEL_SCHEMA: readonly string[] = [];
