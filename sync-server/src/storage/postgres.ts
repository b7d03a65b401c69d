/**
 * Production storage: a real PostgreSQL through a `pg` pool. Several server
 * processes may share one database; LISTEN/NOTIFY tells each about the others'
 * writes.
 */
import pg from 'pg';
import { SqlSyncStorage, type Queryable, type SqlDriver } from './sql-storage';

export type PostgresOptions = {
  /** Keep the tables in this schema (created if missing) instead of the default search_path. */
  schema?: string;
  /** Largest number of pooled connections. */
  max?: number;
  onError?: (error: Error) => void;
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const RECONNECT_MS = 1000;

export async function openPostgresStorage(
  connectionString: string,
  options: PostgresOptions = {},
): Promise<SqlSyncStorage> {
  const { schema, onError = () => {} } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`schema "${schema}" must be a lower-case SQL identifier`);
  }
  if (schema) {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle pooled connection that dies must not crash the process.
  pool.on('error', onError);

  let closed = false;
  let listener: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;

  async function startListener(channel: string, onPayload: (payload: string) => void) {
    const client = new pg.Client({ connectionString });
    client.on('notification', (message) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    });
    client.on('error', (error) => {
      // Notifications sent while reconnecting are lost; waiting longpolls
      // then answer at their timeout and the next poll reads the changes.
      onError(error);
      void client.end().catch(() => {});
      if (listener === client) listener = null;
      if (!closed) {
        retry = setTimeout(() => {
          startListener(channel, onPayload).catch(onError);
        }, RECONNECT_MS);
      }
    });
    await client.connect();
    await client.query(`LISTEN "${channel}"`);
    if (closed) await client.end();
    else listener = client;
  }

  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params?: readonly unknown[]) {
      const result = await client.query(sql, params ? [...params] : undefined);
      return result.rows as R[];
    },
  });

  const driver: SqlDriver = {
    ...wrap(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (rollbackError) {
          client.release(rollbackError as Error);
        }
        throw error;
      }
    },
    listen: startListener,
    async close() {
      closed = true;
      clearTimeout(retry);
      await listener?.end().catch(() => {});
      await pool.end();
    },
  };
  // Each schema gets its own channel, so databases shared by tests stay apart.
  return SqlSyncStorage.open('postgres', driver, schema ? `pos_sync_${schema}` : undefined);
}
