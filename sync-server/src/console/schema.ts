/**
 * The tables of console-auth (users, sessions, the console's database role
 * and its row-level security policies): idempotent statements, run at every
 * start under the migration lock ([ST20]), after every other feature's
 * tables, so the policies cover them. See SPEC.md [UC1]-[UC15].
 */

/** [UC8] The database role console reads run as (NOLOGIN: only `SET ROLE` from the server's own connection). */
export const CONSOLE_DB_ROLE = 'pos_console';
/** [UC9] The setting naming the transaction's read grant; only its key, never the stores. */
export const CONSOLE_GRANT_SETTING = 'pos.console_grant';

/**
 * [UC10] Collections of the documents table a console reader sees, by
 * store: a row whose `store_id` is one of the reader's stores (any store for
 * `'all'`, and then also such rows without a store).
 */
export const CONSOLE_STORE_DBS: readonly string[] = [
  'stock',
  'storeState',
  'facts',
  'saleFacts',
  'returns',
  'shifts',
  'stockMovements',
  '_exceptions',
  '_tryOnFacts',
  '_transfers',
];
/**
 * [UC10] Chain-wide collections (no store) every console reader sees:
 * the catalogue, prices, promotions, stores, staff (the clerks' names) and
 * the chain's settings. Members, point entries, orders, the shop's sessions and every other
 * collection are not readable by the console's role at all.
 */
export const CONSOLE_CHAIN_DBS: readonly string[] = [
  'stores',
  'staff',
  'products',
  'prices',
  'promotions',
  'chain',
];
/**
 * [UC11] Tables without a store that every console reader reads whole:
 * chain-wide bookkeeping with no store's rows and nothing personal.
 */
export const CONSOLE_CHAIN_TABLES: readonly string[] = ['rollup_checkpoint'];
/**
 * [UC11] Tables the console's role never reads, even when they have a
 * `store_id`: credentials and the server's own bookkeeping.
 */
export const CONSOLE_HIDDEN_TABLES: readonly string[] = [
  'docs',
  'device_tokens',
  'admin_tokens',
  'local_docs',
  'console_users',
  'console_sessions',
  'console_read_grants',
];

const sqlList = (values: readonly string[]) =>
  `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')}]::text[]`;

/** The reader's stores, once per statement (an InitPlan, not a call per row). */
const SCOPE = `(SELECT pos_console_scope())::text[]`;
const IN_SCOPE = (column: string) => `(${column} = ANY (${SCOPE}) OR '*' = ANY (${SCOPE}))`;

/**
 * [UC10] Which documents a console reader sees. A transfer is stored under
 * the receiving store; its sender sees it too.
 */
const DOCS_POLICY = `(store_id IS NULL AND db = ANY (${sqlList(CONSOLE_CHAIN_DBS)}))
  OR (db = ANY (${sqlList(CONSOLE_STORE_DBS)})
      AND (store_id = ANY (${SCOPE}) OR '*' = ANY (${SCOPE})))
  OR (db = '_transfers' AND (body->>'from') = ANY (${SCOPE}))`;

/** The policies' name: a new version replaces the old ones at start. */
const POLICY = 'pos_console_read_v3';

export const CONSOLE_USERS_SCHEMA: readonly string[] = [
  // [UC1] Users: the password as a scrypt hash with its salt and parameters;
  // [UC6] the TOTP secret wrapped under the server's master key.
  `CREATE TABLE IF NOT EXISTS console_users (
     id text PRIMARY KEY,
     name text NOT NULL UNIQUE,
     display_name text NOT NULL,
     role text NOT NULL,
     stores text[],
     password_hash text NOT NULL,
     totp_secret text,
     totp_pending text,
     disabled boolean NOT NULL DEFAULT false,
     created_at timestamptz NOT NULL,
     last_sign_in_at timestamptz,
     failed_attempts integer NOT NULL DEFAULT 0,
     locked_until timestamptz
   )`,
  // [UC3] Sessions by the SHA-256 of their token (the token is shown once).
  `CREATE TABLE IF NOT EXISTS console_sessions (
     token_hash text PRIMARY KEY,
     user_id text NOT NULL REFERENCES console_users (id),
     created_at timestamptz NOT NULL,
     expires_at timestamptz NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS console_sessions_user ON console_sessions (user_id)`,
  // [UC9] A console read's stores, inserted by the server in the reader's own
  // transaction and never committed: no other transaction ever sees a row.
  `CREATE TABLE IF NOT EXISTS console_read_grants (
     grant_key text PRIMARY KEY,
     stores text[] NOT NULL
   )`,
  // [UC8] The role, once per cluster: several schemas (and servers) may
  // create it at the same moment, so a duplicate is not an error.
  `DO $$ BEGIN
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${CONSOLE_DB_ROLE}') THEN
       CREATE ROLE ${CONSOLE_DB_ROLE} NOLOGIN;
     END IF;
   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
   END $$`,
  // The server's own role switches to it (SET ROLE needs membership unless
  // it is a superuser); granted once, so a non-superuser server role with
  // CREATEROLE works too.
  `DO $$ BEGIN
     IF NOT pg_has_role(current_user, '${CONSOLE_DB_ROLE}', 'MEMBER') THEN
       EXECUTE format('GRANT ${CONSOLE_DB_ROLE} TO %I', current_user);
     END IF;
   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
   END $$`,
  // [UC9] The stores of the grant the transaction's setting names; runs as
  // its owner (the console's role cannot read the grants), with this schema.
  `CREATE OR REPLACE FUNCTION pos_console_scope() RETURNS text[]
     LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $f$
       SELECT coalesce((SELECT stores FROM console_read_grants
                         WHERE grant_key = current_setting('${CONSOLE_GRANT_SETTING}', true)),
                       '{}'::text[])
     $f$`,
  // [UC10] [UC11] Row-level security on the documents and on every table
  // with a store_id, whichever feature made it; SELECT for the console's
  // role on those only. Checked first: ALTER TABLE locks out readers.
  `DO $$
   DECLARE
     t record;
     old record;
   BEGIN
     IF NOT has_schema_privilege('${CONSOLE_DB_ROLE}', current_schema(), 'USAGE') THEN
       EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${CONSOLE_DB_ROLE}', current_schema());
     END IF;
     FOR t IN
       SELECT c.oid::regclass AS rel, c.relname, c.relrowsecurity
         FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace
          AND c.relkind IN ('r', 'p')
          AND (c.relname = 'docs'
               OR (c.relname <> ALL (${sqlList(CONSOLE_HIDDEN_TABLES)})
                   AND EXISTS (SELECT 1 FROM pg_attribute a
                                WHERE a.attrelid = c.oid AND a.attname = 'store_id'
                                  AND NOT a.attisdropped)))
     LOOP
       IF NOT t.relrowsecurity THEN
         EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t.rel);
       END IF;
       FOR old IN SELECT p.polname FROM pg_policy p
                   WHERE p.polrelid = t.rel AND p.polname LIKE 'pos\\_console\\_read%'
                     AND p.polname <> '${POLICY}'
       LOOP
         EXECUTE format('DROP POLICY %I ON %s', old.polname, t.rel);
       END LOOP;
       IF NOT EXISTS (SELECT 1 FROM pg_policy p
                       WHERE p.polrelid = t.rel AND p.polname = '${POLICY}') THEN
         EXECUTE format('CREATE POLICY ${POLICY} ON %s FOR SELECT TO ${CONSOLE_DB_ROLE} USING (%s)',
           t.rel,
           CASE WHEN t.relname = 'docs' THEN $p$${DOCS_POLICY}$p$
                ELSE $p$${IN_SCOPE('store_id::text')}$p$ END);
       END IF;
       IF NOT has_table_privilege('${CONSOLE_DB_ROLE}', t.rel, 'SELECT') THEN
         EXECUTE format('GRANT SELECT ON %s TO ${CONSOLE_DB_ROLE}', t.rel);
       END IF;
     END LOOP;
     FOR t IN
       SELECT c.oid::regclass AS rel FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
          AND c.relname = ANY (${sqlList(CONSOLE_CHAIN_TABLES)})
     LOOP
       IF NOT has_table_privilege('${CONSOLE_DB_ROLE}', t.rel, 'SELECT') THEN
         EXECUTE format('GRANT SELECT ON %s TO ${CONSOLE_DB_ROLE}', t.rel);
       END IF;
     END LOOP;
   END $$`,
];
