/**
 * [XS2] The resolutions of exceptions: append-only (the server only ever
 * inserts a row), with the exception's store so that row-level security
 * covers them like the exceptions. Idempotent statements, run at every
 * start under the migration lock ([ST20]).
 */
export const EXCEPTION_REVIEW_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS exception_resolutions (
     id text PRIMARY KEY,
     seq bigserial NOT NULL,
     exception_id text NOT NULL,
     store_id text,
     action text NOT NULL CHECK (action IN ('accepted', 'corrected', 'escalated', 'dismissed')),
     note text NOT NULL CHECK (char_length(note) <= 500),
     user_id text NOT NULL,
     user_name text NOT NULL,
     at timestamptz NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS exception_resolutions_exception
     ON exception_resolutions (exception_id, at, seq)`,
];
