/**
 * Production storage: a real PostgreSQL through a `pg` pool. Several server
 * processes may share one database; LISTEN/NOTIFY tells each about the others'
 * writes.
 */
import pg from 'pg';
import {
  SqlSyncStorage,
  type Queryable,
  type SqlDriver,
  type WriteGroupOptions,
} from './sql-storage';
import { ALL_CHANGED, LISTEN_LOST, asStorageError } from './storage';

export type PostgresOptions = {
  /** Keep the tables in this schema (created if missing) instead of the default search_path. */
  schema?: string;
  /** Largest number of pooled connections. */
  max?: number;
  /** How write transactions are grouped ([ST9]). */
  writeGroup?: WriteGroupOptions;
  onError?: (error: Error) => void;
  /**
   * `application_name` of every connection (default `pos-sync`; the LISTEN
   * one gets ` listen` appended, by default it is `pos-sync-listen <channel>`),
   * so an operator or a test can tell this server's backends apart.
   */
  applicationName?: string;
  /** How long to wait for a new connection before the request gets 503 (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * [FL1] A direct connection to the same database for what needs a session
   * of its own: LISTEN (and creating `schema`). When given, `connectionString`
   * is taken to be a transaction-mode pooler such as PgBouncer ([FL2]).
   * Default: `connectionString` for both, no pooler.
   */
  sessionConnectionString?: string;
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** Wait before reconnecting a dropped LISTEN connection. */
const RECONNECT_MS = 250;

export async function openPostgresStorage(
  connectionString: string,
  options: PostgresOptions = {},
): Promise<SqlSyncStorage> {
  const { schema, onError = () => {} } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`schema "${schema}" must be a lower-case SQL identifier`);
  }
  const sessionConnectionString = options.sessionConnectionString ?? connectionString;
  // [FL2] Behind a transaction-mode pooler, consecutive transactions of one
  // pooled client may run on different server connections: nothing may
  // outlive a transaction (no named prepared statements, no startup options).
  const pooler = sessionConnectionString !== connectionString;
  if (pooler && schema) {
    throw new Error(
      'a schema cannot be set through a transaction-mode pooler: set search_path ' +
        "in the pooler's connect_query or on the database role instead",
    );
  }
  if (options.max !== undefined && !(Number.isInteger(options.max) && options.max > 0)) {
    throw new Error(`the pool size must be a positive whole number, got ${options.max}`);
  }
  if (schema) {
    const client = new pg.Client({ connectionString: sessionConnectionString });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await client.end();
    }
  }
  const applicationName = options.applicationName ?? 'pos-sync';
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: applicationName.slice(0, 63),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle pooled connection that dies must not crash the process.
  let reportPoolError = (_error: Error) => {};
  pool.on('error', (error) => {
    onError(error);
    reportPoolError(error);
  });

  let closed = false;
  let listener: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;

  /**
   * [ST6] The LISTEN connection: when it drops, reconnect and then tell every
   * listener that notifications may have been lost (ALL_CHANGED), so waiting
   * longpolls re-read now instead of stalling until their timeout.
   */
  async function startListener(
    channel: string,
    onPayload: (payload: string) => void,
    reconnecting = false,
  ): Promise<void> {
    const client = new pg.Client({
      connectionString: sessionConnectionString,
      application_name: (options.applicationName
        ? `${options.applicationName} listen`
        : `pos-sync-listen ${channel}`
      ).slice(0, 63),
    });
    let live = false;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      onError(error);
      void client.end().catch(() => {});
      if (listener === client) listener = null;
      // [FL5] What was learnt from notifications cannot be trusted until the reconnect.
      onPayload(LISTEN_LOST);
      scheduleReconnect(channel, onPayload);
    };
    client.on('notification', (message) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    });
    client.on('error', (error) => (live ? fail(error) : onError(error)));
    client.on('end', () => {
      if (live && !closed) fail(new Error('the LISTEN connection to PostgreSQL ended'));
    });
    try {
      await client.connect();
      // [FL3] NOTIFY is per database: a session URL to another database would
      // never hear this one's writes, so it is refused.
      if (pooler) {
        const [row] = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows;
        if (row?.db !== database) {
          throw new Error(
            `the session connection reaches database "${row?.db}", ` +
              `the pooled one "${database}": both must reach the same database`,
          );
        }
      }
      await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (closed) {
      await client.end();
      return;
    }
    live = true;
    listener = client;
    if (reconnecting) onPayload(ALL_CHANGED);
  }

  function scheduleReconnect(channel: string, onPayload: (payload: string) => void) {
    if (closed) return;
    clearTimeout(retry);
    retry = setTimeout(() => {
      startListener(channel, onPayload, true).catch((error: unknown) => {
        onError(error instanceof Error ? error : new Error(String(error)));
        scheduleReconnect(channel, onPayload);
      });
    }, RECONNECT_MS);
  }

  // Statements with parameters are prepared once per connection and then
  // only bound and executed: the server parses and plans each text once.
  const statementNames = new Map<string, string>();
  // [ST12] A lost or refused connection is thrown as StorageUnavailableError.
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]) {
      try {
        if (!params) return (await client.query(sql)).rows as R[];
        // [FL2] The unnamed statement: parsed, bound and run in one round trip.
        if (pooler) return (await client.query(sql, [...params])).rows as R[];
        let name = statementNames.get(sql);
        if (name === undefined) {
          name = `pos_sync_${statementNames.size + 1}`;
          statementNames.set(sql, name);
        }
        const result = await client.query({ name, text: sql, values: [...params] });
        return result.rows as R[];
      } catch (error) {
        throw asStorageError(error);
      }
    },
  });

  const driver: SqlDriver = {
    ...wrap(pool),
    async transaction(work) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw asStorageError(error);
      }
      // [ST12] The pool listens only to idle clients: a connection that dies
      // while checked out (terminated, the database restarted, the network
      // cut) emits `error` here, which must not be left unhandled (it would
      // end the process). Its next statement fails, and it leaves the pool.
      let broken: Error | undefined;
      const onClientError = (error: Error) => {
        broken ??= error;
        onError(error);
      };
      client.on('error', onClientError);
      const q = wrap(client);
      try {
        await q.query('BEGIN');
        const result = await work(q);
        await q.query('COMMIT');
        client.release(broken);
        return result;
      } catch (error) {
        try {
          if (broken) throw broken;
          await client.query('ROLLBACK');
          client.release();
        } catch (rollbackError) {
          // A client that cannot roll back is destroyed, never reused.
          client.release(rollbackError as Error);
        }
        throw asStorageError(error);
      } finally {
        client.off('error', onClientError);
      }
    },
    listen: (channel, onPayload) => startListener(channel, onPayload),
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = listener;
      listener = null;
      await current?.end().catch(() => {});
      await pool.end();
    },
  };
  // Each schema gets its own channel, so schemas sharing a database stay apart.
  // The schema is the one the tables land in (an explicit option, or the
  // search_path of the URL, e.g. `?options=-c search_path=store_eu`), so every
  // process on the same tables, the CLI included, shares one channel.
  let tablesSchema: string;
  let database = '';
  try {
    const [row] = await driver.query<{ schema: string | null; db: string }>(
      `SELECT current_schema() AS schema, current_database() AS db`,
    );
    tablesSchema = row?.schema ?? 'public';
    database = row?.db ?? '';
  } catch (error) {
    await pool.end();
    throw error;
  }
  const channel = tablesSchema === 'public' ? undefined : `pos_sync_${tablesSchema}`.slice(0, 63);
  const storage = await SqlSyncStorage.open('postgres', driver, channel, options.writeGroup);
  reportPoolError = (error) => storage.reportFailure('pool', error);
  return storage;
}
