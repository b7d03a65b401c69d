/**
 * The tables of shelf labels, each with the `store_id` row-level security
 * keys on: the labels (binding and current state), the push batches, the
 * append-only acknowledgement ledger and the scheduled price changes.
 * Idempotent statements, run at every start under the migration lock ([ST20]).
 * See SPEC.md [SV1].
 */
export const LABEL_SCHEMA: readonly string[] = [
  // [SV1] A bound label: its SKU, the content it should show (and the push
  // that sends it), and what it last acknowledged showing.
  `CREATE TABLE IF NOT EXISTS esl_labels (
    store_id text NOT NULL,
    label_id text NOT NULL,
    sku text NOT NULL,
    bound_at timestamptz NOT NULL,
    desired_hash text,
    desired_json jsonb,
    desired_fen integer,
    push_id text,
    status text NOT NULL DEFAULT 'pending',
    since timestamptz NOT NULL,
    retries integer NOT NULL DEFAULT 0,
    shown_hash text,
    shown_fen integer,
    last_ack_at timestamptz,
    last_error text,
    battery_pct integer,
    PRIMARY KEY (store_id, label_id)
  )`,
  `CREATE INDEX IF NOT EXISTS esl_labels_pending ON esl_labels (store_id, status, push_id)`,
  `CREATE INDEX IF NOT EXISTS esl_labels_sku ON esl_labels (sku)`,
  // [SV2] One push batch: why, from when, how many labels.
  `CREATE TABLE IF NOT EXISTS esl_pushes (
    store_id text NOT NULL,
    push_id text NOT NULL,
    reason text NOT NULL,
    effective_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    started_at timestamptz,
    labels integer NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, push_id)
  )`,
  // [SV3] The acknowledgement ledger: append-only, a replay is the same row.
  `CREATE TABLE IF NOT EXISTS esl_acks (
    store_id text NOT NULL,
    label_id text NOT NULL,
    push_id text NOT NULL,
    hash text NOT NULL,
    status text NOT NULL,
    error text,
    battery_pct integer,
    at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (store_id, label_id, push_id, status, at)
  )`,
  `CREATE INDEX IF NOT EXISTS esl_acks_push ON esl_acks (store_id, push_id, status)`,
  // [SV5] Price changes waiting for their effective time (chain-wide: price lists are).
  `CREATE TABLE IF NOT EXISTS esl_price_changes (
    change_id text PRIMARY KEY,
    price_list text NOT NULL,
    sku text NOT NULL,
    amount_fen integer NOT NULL,
    effective_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    applied_at timestamptz
  )`,
  `CREATE INDEX IF NOT EXISTS esl_price_changes_due ON esl_price_changes (effective_at) WHERE applied_at IS NULL`,
];
