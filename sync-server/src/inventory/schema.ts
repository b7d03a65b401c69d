/** The tables of inventory (safety stock): idempotent statements, run at every start under the migration lock ([ST20]). */
export const INVENTORY_SCHEMA: readonly string[] = [];
