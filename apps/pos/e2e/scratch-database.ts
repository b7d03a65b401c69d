/**
 * A PostgreSQL database of a test file's own inside the server at
 * TEST_DATABASE_URL, so files running side by side never share tables.
 * Created before the file's tests and dropped after them.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export type ScratchDatabase = {
  /** The database's name: `prefix` and a random suffix. */
  name: string;
  /** `baseUrl` pointing at the new database. */
  url: string;
};

async function asAdmin(baseUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Creates an empty database named `prefix` and a random suffix. */
export async function createScratchDatabase(
  baseUrl: string,
  prefix: string,
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await asAdmin(baseUrl, `CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Drops the database, closing any connection still open to it. */
export async function dropScratchDatabase(baseUrl: string, name: string): Promise<void> {
  await asAdmin(baseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
