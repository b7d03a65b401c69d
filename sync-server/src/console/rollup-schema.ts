/**
 * The tables of rollups (read models, device health): idempotent statements,
 * run at every start under the migration lock ([ST20]). Every table with a
 * store's rows has a `store_id` column, so row-level security covers it.
 * See SPEC.md [RM1]-[RM12].
 */

/** [RM1] The checkpoint's name of the rollup worker. */
export const ROLLUP_CHECKPOINT = 'dashboards';

export const ROLLUP_SCHEMA: readonly string[] = [
  // [RM2] Sales by store, channel and hour; the same by the store's day for long ranges.
  `CREATE TABLE IF NOT EXISTS rollup_sales_hour (
     store_id text NOT NULL,
     channel text NOT NULL,
     hour timestamptz NOT NULL,
     sales integer NOT NULL DEFAULT 0,
     returns integer NOT NULL DEFAULT 0,
     net_fen bigint NOT NULL DEFAULT 0,
     units bigint NOT NULL DEFAULT 0,
     PRIMARY KEY (store_id, channel, hour)
   )`,
  `CREATE INDEX IF NOT EXISTS rollup_sales_hour_by_hour ON rollup_sales_hour (hour)`,
  `CREATE TABLE IF NOT EXISTS rollup_sales_day (
     store_id text NOT NULL,
     channel text NOT NULL,
     day timestamptz NOT NULL,
     sales integer NOT NULL DEFAULT 0,
     returns integer NOT NULL DEFAULT 0,
     net_fen bigint NOT NULL DEFAULT 0,
     units bigint NOT NULL DEFAULT 0,
     PRIMARY KEY (store_id, channel, day)
   )`,
  `CREATE INDEX IF NOT EXISTS rollup_sales_day_by_day ON rollup_sales_day (day)`,
  // [RM3] Clerks' credited sales and commission per store and day.
  `CREATE TABLE IF NOT EXISTS rollup_clerk_day (
     store_id text NOT NULL,
     staff_id text NOT NULL,
     day date NOT NULL,
     lines integer NOT NULL DEFAULT 0,
     credited_net_fen bigint NOT NULL DEFAULT 0,
     commission_fen bigint NOT NULL DEFAULT 0,
     PRIMARY KEY (store_id, staff_id, day)
   )`,
  // [RM4] One row per order and pickup store, replaced by the order's next version.
  `CREATE TABLE IF NOT EXISTS rollup_bopis_order (
     order_id text NOT NULL,
     store_id text NOT NULL,
     placed_at timestamptz NOT NULL,
     status text NOT NULL,
     hold_open boolean NOT NULL,
     paid boolean NOT NULL,
     ready boolean NOT NULL,
     ready_minutes integer,
     picked_up boolean NOT NULL,
     picked_up_on_time boolean NOT NULL,
     no_show boolean NOT NULL,
     PRIMARY KEY (order_id, store_id)
   )`,
  `CREATE INDEX IF NOT EXISTS rollup_bopis_order_by_store ON rollup_bopis_order (store_id, placed_at)`,
  // [RM5] Each exception the server raised, by store and kind.
  `CREATE TABLE IF NOT EXISTS rollup_exception (
     exception_id text PRIMARY KEY,
     store_id text,
     kind text NOT NULL,
     received_at timestamptz NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS rollup_exception_by_time ON rollup_exception (received_at)`,
  // [RM1] Where the worker is in the documents' sequence, and the newest fact applied.
  `CREATE TABLE IF NOT EXISTS rollup_checkpoint (
     name text PRIMARY KEY,
     seq bigint NOT NULL,
     applied_through timestamptz
   )`,
  `INSERT INTO rollup_checkpoint (name, seq) VALUES ('${ROLLUP_CHECKPOINT}', 0)
     ON CONFLICT (name) DO NOTHING`,
  // [RM8] Each device's last syncs and its own report, and its errors of the last day.
  // [CT5] Keyed by store and device, so the store can distribute it.
  `CREATE TABLE IF NOT EXISTS device_health (
     device_id text NOT NULL,
     store_id text NOT NULL,
     last_pull_at timestamptz,
     last_push_at timestamptz,
     facts_waiting integer,
     app_version text,
     last_error text,
     last_error_at timestamptz,
     PRIMARY KEY (store_id, device_id)
   )`,
  // [CT5] A database made before: its key by device alone becomes store and
  // device, rows kept. Checked first: ALTER TABLE locks out readers.
  `DO $$ BEGIN
     IF (SELECT array_agg(a.attname::text ORDER BY k.ord)
           FROM pg_constraint c
           CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
          WHERE c.conrelid = 'device_health'::regclass AND c.contype = 'p')
        IS DISTINCT FROM ARRAY['store_id', 'device_id'] THEN
       ALTER TABLE device_health DROP CONSTRAINT IF EXISTS device_health_pkey;
       ALTER TABLE device_health ADD CONSTRAINT device_health_pkey PRIMARY KEY (store_id, device_id);
     END IF;
   END $$`,
  `CREATE TABLE IF NOT EXISTS device_health_error (
     device_id text NOT NULL,
     store_id text NOT NULL,
     at timestamptz NOT NULL,
     error text NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS device_health_error_by_device ON device_health_error (device_id, at)`,
];
