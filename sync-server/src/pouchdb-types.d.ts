/**
 * The little of PouchDB 9 and express-pouchdb that the tests and the
 * benchmark use (they ship no types). Dev dependencies only: `src/` proper
 * never imports them.
 */
declare module 'pouchdb-core' {
  export type PouchDoc = { _id: string; _rev?: string; [field: string]: unknown };
  export type ReplicationResult = {
    ok: boolean;
    docs_read: number;
    docs_written: number;
    doc_write_failures: number;
    errors: unknown[];
    last_seq: number | string;
  };
  export type FetchLike = (url: string | Request, init?: RequestInit) => Promise<Response>;
  export interface PouchDatabase {
    readonly name: string;
    allDocs(options: { include_docs: true }): Promise<{
      total_rows: number;
      rows: { id: string; value: { rev: string }; doc?: PouchDoc }[];
    }>;
    bulkDocs(docs: PouchDoc[]): Promise<unknown[]>;
    info(): Promise<{ doc_count: number; update_seq: number | string }>;
    replicate: {
      from(
        source: PouchDatabase | string,
        options?: { batch_size?: number; batches_limit?: number; live?: false },
      ): Promise<ReplicationResult>;
      from(
        source: PouchDatabase | string,
        options: {
          live: true;
          retry?: boolean;
          heartbeat?: number;
          back_off_function?: (delay: number) => number;
        },
      ): LiveReplication;
    };
    close(): Promise<void>;
    destroy(): Promise<void>;
  }
  /** A live replication: an event emitter that can be cancelled. */
  export interface LiveReplication {
    on(event: 'change', listener: (info: { docs: PouchDoc[] }) => void): LiveReplication;
    on(event: 'paused' | 'error', listener: (error?: unknown) => void): LiveReplication;
    on(event: 'active' | 'complete', listener: () => void): LiveReplication;
    cancel(): void;
  }
  export interface PouchStatic {
    new (name: string, options?: { adapter?: string; fetch?: FetchLike }): PouchDatabase;
    plugin(plugin: unknown): PouchStatic;
    defaults(options: { adapter?: string }): PouchStatic;
    fetch: FetchLike;
  }
  const PouchDB: PouchStatic;
  export default PouchDB;
}

declare module 'pouchdb-adapter-memory' {
  const plugin: unknown;
  export default plugin;
}

declare module 'pouchdb-adapter-http' {
  const plugin: unknown;
  export default plugin;
}

declare module 'pouchdb-replication' {
  const plugin: unknown;
  export default plugin;
}

declare module 'express-pouchdb' {
  import type { RequestListener } from 'node:http';
  import type { PouchStatic } from 'pouchdb-core';
  const expressPouchDB: (
    pouch: PouchStatic,
    options?: {
      mode?: 'fullCouchDB' | 'minimumForPouchDB';
      inMemoryConfig?: boolean;
      logPath?: string;
    },
  ) => RequestListener;
  export default expressPouchDB;
}
