/**
 * The tables of inventory: idempotent statements, run at every start under
 * the migration lock ([ST20]). [IV1] Safety stock per store and SKU; it has
 * `store_id`, so the console's row-level security covers it.
 */
export const INVENTORY_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS safety_stock (
     store_id text NOT NULL,
     sku text NOT NULL,
     safety_stock integer NOT NULL CHECK (safety_stock >= 0),
     reorder_point integer NOT NULL CHECK (reorder_point >= 0),
     max_stock integer CHECK (max_stock IS NULL OR max_stock >= 0),
     lead_time_days integer NOT NULL CHECK (lead_time_days >= 0),
     pack_size integer NOT NULL CHECK (pack_size >= 1),
     source text NOT NULL CHECK (source IN ('manual', 'import', 'demand')),
     updated_at timestamptz NOT NULL,
     updated_by text NOT NULL,
     PRIMARY KEY (store_id, sku)
   )`,
  `CREATE INDEX IF NOT EXISTS safety_stock_sku ON safety_stock (sku)`,
];
