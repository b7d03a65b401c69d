-- [CT4] Prepares the server's schema for distributed PostgreSQL (Citus).
-- Plain PostgreSQL: run it on the coordinator, in the server's schema
-- (`SET search_path TO <schema>` first), with the servers stopped, before
-- distribute.sql. Idempotent: a second run changes nothing. It ships with the
-- storage release that writes `docs.shard_key` (docs/decisions/citus.md,
-- "What the storage code changes"); the servers before it cannot write
-- documents once it has run.
--
-- Every other table is ready as the server creates it (the readiness test,
-- sync-server/src/citus-readiness.int.test.ts, checks it on every start of
-- the suite); only the documents table needs a column that is never NULL.

-- The documents table's shard key: the document's store, or '*' for a
-- chain-wide document (store_id NULL). Citus refuses NULL in a distribution
-- column, and a chain-wide document belongs to no store.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                  WHERE table_schema = current_schema() AND table_name = 'docs'
                    AND column_name = 'shard_key') THEN
    ALTER TABLE docs ADD COLUMN shard_key text;
  END IF;
END $$;

UPDATE docs SET shard_key = coalesce(store_id, '*') WHERE shard_key IS NULL;

ALTER TABLE docs ALTER COLUMN shard_key SET NOT NULL;

-- The key always follows the store, so a reader may route by either.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint
                  WHERE conrelid = 'docs'::regclass AND conname = 'docs_shard_key_is_store') THEN
    ALTER TABLE docs ADD CONSTRAINT docs_shard_key_is_store
      CHECK (shard_key = coalesce(store_id, '*'));
  END IF;
END $$;

-- The primary key with the shard key in front: a document is unique within
-- its shard, which is all Citus can enforce.
DO $$ BEGIN
  IF (SELECT array_agg(a.attname::text ORDER BY k.ord)
        FROM pg_constraint c
        CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
       WHERE c.conrelid = 'docs'::regclass AND c.contype = 'p')
     IS DISTINCT FROM ARRAY['shard_key', 'db', 'id'] THEN
    ALTER TABLE docs DROP CONSTRAINT IF EXISTS docs_pkey;
    ALTER TABLE docs ADD CONSTRAINT docs_pkey PRIMARY KEY (shard_key, db, id);
  END IF;
END $$;

-- The changes feed's index stays, without uniqueness: a sequence number is
-- unique because one sequence on the coordinator hands it out, not because a
-- shard could check it. (The server's own `CREATE UNIQUE INDEX IF NOT EXISTS
-- docs_changes` then finds the index and does nothing.)
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_index
              WHERE indexrelid = to_regclass('docs_changes') AND indisunique) THEN
    DROP INDEX docs_changes;
  END IF;
END $$;

CREATE INDEX IF NOT EXISTS docs_changes ON docs (db, seq);
