/**
 * One sync server of the push benchmark, in a process of its own so that
 * neither the clients nor the orchestrator share its event loop. Started by
 * push.bench.ts with `fork`; talks over IPC:
 *   ← { start: ServerConfig }          → { listening: url }
 *   ← { query: sql, params, tag }      → { tag, rows } or { tag, error }
 *   ← { lags: true }                   → { lags: number[] }  ([RM6] received → applied, ms)
 *   ← { stop: true }                   → closes, exits
 * On PGlite (in memory, one process) it opens and seeds the storage itself;
 * on PostgreSQL it opens the schema the orchestrator seeded.
 */
import { provisionDevice } from '../../src/auth';
import { createSyncServer } from '../../src/server';
import { openPostgresStorage } from '../../src/storage/postgres';
import type { Queryable, SqlSyncStorage } from '../../src/storage/sql-storage';
import { openPgliteBench, seedDocs, type BenchStorage } from '../bench-support';
import { chain, type Shape } from './fixture';

export type ServerConfig = {
  backend: { kind: 'pglite'; shape: Shape } | { kind: 'postgres'; url: string; schema: string };
  rollups: boolean;
  /** Pool size on PostgreSQL. */
  max: number;
};

/** Seeds the chain's stores, catalog and device tokens into a fresh storage. */
export async function seedChain(bench: BenchStorage, shape: Shape): Promise<void> {
  const { stores, products, prices, devices, levels } = chain(shape);
  const rows = <T extends { id: string }>(docs: T[]) =>
    docs.map((d) => ({ id: d.id, body: d, storeId: null }));
  await seedDocs(bench, 'stores', rows(stores));
  await seedDocs(bench, 'products', rows(products));
  await seedDocs(bench, 'prices', rows(prices));
  await seedDocs(
    bench,
    'stock',
    levels.map((l) => ({ id: l.id, body: l, storeId: l.storeId })),
  );
  for (const d of devices) await provisionDevice(bench.storage, d.token, d);
}

const send = (message: unknown) => process.send!(message);

async function start(config: ServerConfig) {
  let storage: SqlSyncStorage;
  let sql: Queryable | null = null;
  let closeStorage: () => Promise<void>;
  if (config.backend.kind === 'pglite') {
    const bench = await openPgliteBench();
    await seedChain(bench, config.backend.shape);
    storage = bench.storage;
    sql = bench.sql;
    closeStorage = bench.close;
  } else {
    storage = await openPostgresStorage(config.backend.url, {
      schema: config.backend.schema,
      max: config.max,
      applicationName: 'pos-sync-bench-push',
    });
    closeStorage = () => storage.close();
  }
  const lags: number[] = [];
  const server = createSyncServer({
    storage,
    rateLimit: false,
    ...(config.rollups
      ? {
          rollups: {
            onApplied: ({ receivedAt, appliedAt }) => {
              for (const at of receivedAt) lags.push(appliedAt.getTime() - Date.parse(at));
            },
          },
        }
      : { rollups: false, deviceHealth: false }),
  });
  const url = await server.listen(0);
  process.on('message', (message: Record<string, unknown>) => {
    void (async () => {
      if ('query' in message) {
        try {
          if (!sql) throw new Error('queries go to PostgreSQL directly');
          const rows = await sql.query(message.query as string, message.params as unknown[]);
          send({ tag: message.tag, rows });
        } catch (error) {
          send({ tag: message.tag, error: (error as Error).message });
        }
      } else if ('lags' in message) {
        send({ lags });
      } else if ('stop' in message) {
        await server.close();
        await closeStorage();
        process.exit(0);
      }
    })();
  });
  send({ listening: url });
}

process.once('message', (message: { start?: ServerConfig }) => {
  if (!message.start) throw new Error('the first message is { start }');
  start(message.start).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
