/**
 * [CT1] How every table of the server's schema is laid out on distributed
 * PostgreSQL (Citus): distributed by the store (co-located with every other
 * store table, so one store's rows of every table sit on one node), a
 * reference table (chain-wide, small or rarely written, copied to every
 * node), or distributed by another key in a group of its own. A table the
 * schema creates must be here: the readiness test fails on one that is not.
 * `sql/citus/prepare.sql` and `sql/citus/distribute.sql` carry it out; see
 * docs/decisions/citus.md.
 */

/** [CT1] The distribution column of every store table, and the anchor of their co-location group. */
export const STORE_KEY = 'store_id';
/** [CT1] The table every store table is co-located with (distributed first). */
export const STORE_ANCHOR = 'docs';
/** [CT4] The documents table's shard key for chain-wide documents (`store_id` NULL). */
export const CHAIN_SHARD_KEY = '*';

export type TableDistribution =
  | {
      kind: 'distributed';
      /** The distribution column: NOT NULL, in the primary key and every unique index. */
      column: string;
      /** `'store'`: co-located with every store table; `'none'`: a group of its own. */
      colocation: 'store' | 'none';
      why: string;
    }
  | { kind: 'reference'; why: string };

const byStore = (why: string, column = STORE_KEY): TableDistribution => ({
  kind: 'distributed',
  column,
  colocation: 'store',
  why,
});
const reference = (why: string): TableDistribution => ({ kind: 'reference', why });

/**
 * [CT1] Every table, by name. `docs` is distributed by `shard_key` (the store,
 * or {@link CHAIN_SHARD_KEY} for a chain-wide document), a column that
 * `sql/citus/prepare.sql` adds: see {@link PREPARED_TABLES}.
 */
export const DISTRIBUTION: Readonly<Record<string, TableDistribution>> = {
  docs: byStore(
    'every collection in one table: a store document under its store, a chain-wide one under the chain key',
    'shard_key',
  ),
  safety_stock: byStore("a store's replenishment settings per SKU"),
  esl_labels: byStore("a store's shelf labels"),
  esl_pushes: byStore("a store's label push batches"),
  esl_acks: byStore("a store's label acknowledgement ledger"),
  rollup_sales_hour: byStore("a store's sales by hour, written with the store's facts"),
  rollup_sales_day: byStore("a store's sales by day"),
  rollup_clerk_day: byStore("a store's clerks' sales by day"),
  rollup_bopis_order: byStore('an order as seen by its pickup store'),
  device_health: byStore("a store's devices' last syncs, written every rollup batch"),
  device_health_error: byStore("a store's devices' errors"),
  local_docs: {
    kind: 'distributed',
    column: 'owner',
    colocation: 'none',
    why: "each device's replication checkpoints: written by every device on every pull, read and written by the owner alone",
  },
  device_tokens: reference(
    'one row per device (thousands), written when a device is provisioned or rotates its token, read on every request before the store is known',
  ),
  admin_tokens: reference('HQ tokens: a handful, read on every admin request'),
  console_users: reference('HQ and store managers: hundreds, written at sign-in'),
  console_sessions: reference('console sessions: read on every console request'),
  console_read_grants: reference(
    "a console read's stores, inserted in the read's own transaction and never committed; the row-level security function reads it on whichever node runs the read",
  ),
  esl_price_changes: reference('scheduled price changes of chain-wide price lists, written by HQ'),
  exception_resolutions: reference(
    "a person's resolution of an exception: rare, and some exceptions have no store",
  ),
  rollup_exception: reference(
    'one row per exception raised (some have no store), written in batches by the rollup worker',
  ),
  rollup_checkpoint: reference("the rollup worker's place in the documents' sequence: one row"),
};

/**
 * [CT4] Tables whose distribution column `sql/citus/prepare.sql` adds
 * before they are distributed (the storage code that writes it ships with
 * that step); every other table is ready in the schema as it is.
 */
export const PREPARED_TABLES: readonly string[] = ['docs'];

/** The tables distributed by the store, anchor first: the order `distribute.sql` follows. */
export function storeTables(): string[] {
  const tables = Object.entries(DISTRIBUTION)
    .filter(([, d]) => d.kind === 'distributed' && d.colocation === 'store')
    .map(([name]) => name);
  return [STORE_ANCHOR, ...tables.filter((t) => t !== STORE_ANCHOR)];
}

/** [CT6] The flows whose transactions the readiness test measures. */
export type Flow =
  | 'cash sale'
  | "sale for the store's own member"
  | "sale for another store's member"
  | "return for another store's member"
  | 'transfer created'
  | 'transfer step'
  | 'pickup order placed'
  | 'order picked up at two stores';

/**
 * [CT6] The hot-path transactions that write more than one shard today (the
 * chain key counts as one): the shard keys each transaction of the flow
 * writes, as measured, and the way it becomes a transaction of one store
 * (docs/decisions/citus.md). A flow not listed writes its store's shard only.
 */
export const CROSS_STORE_TRANSACTIONS: Partial<
  Record<Flow, { writes: string[][]; citusReady: string }>
> = {
  "sale for another store's member": {
    // saleFacts and stock at the selling store; the member and its point entries at its home store.
    writes: [['S001', 'S002']],
    citusReady:
      "the sale's transaction writes a points outbox row at the selling store; a relay applies it to the member at its home store in a transaction of its own, once per entry id",
  },
  "return for another store's member": {
    // returns and stock at the returning store, the member at its home store, _saleReturns under the chain key.
    writes: [[CHAIN_SHARD_KEY, 'S001', 'S002']],
    citusReady:
      "the sale's returns record goes under the sale's store (sales are returned where they were sold, or through the outbox when not); the points as for a sale",
  },
  'transfer created': {
    // the transfer under the receiving store, a storeState copy at each store.
    writes: [['S001', 'S002']],
    citusReady:
      "HQ's creation writes the receiving store's records; the sending store's copy follows through the outbox",
  },
  'transfer step': {
    writes: [['S001', 'S002']],
    citusReady:
      "a step writes the acting store's copy and movements; the other store's copy follows through the outbox",
  },
  'order picked up at two stores': {
    // the order and its idempotency key under the chain key, the held units at each store.
    writes: [[CHAIN_SHARD_KEY, 'S001', 'S002']],
    citusReady:
      'a hold per store, each in its own transaction, and the order under the chain key last; a failed hold releases the ones taken',
  },
};
