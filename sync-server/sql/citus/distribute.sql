-- [CT3] Distributes the server's schema on Citus. Run it with psql on the
-- coordinator, in the server's schema (`SET search_path TO <schema>` first),
-- after prepare.sql, with the servers stopped. Each call moves a table's rows
-- to the workers; a failed call leaves that table as it was, so the script
-- can be run again from the failed line. The table list is
-- sync-server/src/storage/distribution.ts; the readiness test checks that
-- this file distributes exactly its tables. Why each table is where it is:
-- docs/decisions/citus.md.

-- 64 shards for 500 stores: enough to spread over 8 to 16 workers and to
-- rebalance by moving whole shards.
SET citus.shard_count = 64;

-- Reference tables first: chain-wide, copied to every node, so a store's
-- transaction joins them on its own node. console_sessions refers to
-- console_users, so console_users comes first.
SELECT create_reference_table('console_users');
SELECT create_reference_table('console_sessions');
SELECT create_reference_table('console_read_grants');
SELECT create_reference_table('device_tokens');
SELECT create_reference_table('admin_tokens');
SELECT create_reference_table('esl_price_changes');
SELECT create_reference_table('exception_resolutions');
SELECT create_reference_table('rollup_exception');
SELECT create_reference_table('rollup_checkpoint');

-- The row-level security policies of the store tables call this function
-- (it reads console_read_grants) on whichever node runs a console read:
-- create it on every node before the tables whose policies name it.
SELECT create_distributed_function('pos_console_scope()');

-- The store tables: the documents first (a new co-location group), then
-- every table with a store's rows in the same group, so one store's
-- documents, labels, rollups and device health share a node and a store's
-- transaction never leaves it.
SELECT create_distributed_table('docs', 'shard_key', colocate_with => 'none');
SELECT create_distributed_table('safety_stock', 'store_id', colocate_with => 'docs');
SELECT create_distributed_table('esl_labels', 'store_id', colocate_with => 'docs');
SELECT create_distributed_table('esl_pushes', 'store_id', colocate_with => 'docs');
SELECT create_distributed_table('esl_acks', 'store_id', colocate_with => 'docs');
SELECT create_distributed_table('rollup_sales_hour', 'store_id', colocate_with => 'docs');
SELECT create_distributed_table('rollup_sales_day', 'store_id', colocate_with => 'docs');
SELECT create_distributed_table('rollup_clerk_day', 'store_id', colocate_with => 'docs');
SELECT create_distributed_table('rollup_bopis_order', 'store_id', colocate_with => 'docs');
SELECT create_distributed_table('device_health', 'store_id', colocate_with => 'docs');
SELECT create_distributed_table('device_health_error', 'store_id', colocate_with => 'docs');

-- Each device's replication checkpoints: by their owner, in a group of their
-- own (they never join a store's rows).
SELECT create_distributed_table('local_docs', 'owner', colocate_with => 'none');

-- The chain-wide documents (catalogue, prices, promotions, orders, point
-- entries, ...) all carry the shard key '*': give that key a shard of its
-- own, with the same key range cut out of every co-located table, so it can
-- be moved to a node of its own (citus_move_shard_placement) when it is hot.
SELECT isolate_tenant_to_new_shard('docs', '*', cascade_option => 'CASCADE');
