/**
 * Each device's sync health, recorded as it pulls (`_changes`) and pushes
 * (`_bulk_docs`): when, what it reports in its headers (app version, facts
 * waiting), and its errors (refused documents, 4xx/5xx answers). Writes are
 * throttled in memory to one per device per 5 s ([RU10]) so the push path
 * does not wait on them: a sync in between is kept and written by the next
 * write or the flush timer. See SPEC.md [RM8]-[RM9].
 */
import {
  DEVICE_HEALTH_INTERVAL_MS,
  deviceSyncStatus,
  healthWriteDue,
  parseDeviceReport,
  type DeviceHealthRow,
} from '@pos/domain';
import type { Logger } from '../server';
import type { SyncStorage } from '../storage/storage';
import type { Queryable } from '../storage/write-group';

/** The request headers a device reports itself in (`packages/replica` sends them). */
export const APP_VERSION_HEADER = 'x-pos-app-version';
export const FACTS_WAITING_HEADER = 'x-pos-facts-waiting';

/** [RM8] One sync of a device, as the server saw it. */
export type DeviceSync = {
  deviceId: string;
  storeId: string;
  kind: 'pull' | 'push';
  at: Date;
  appVersion?: string | undefined;
  factsWaiting?: string | undefined;
  /** What went wrong, if anything: a refused document or a failed request. */
  error?: string | undefined;
};

type Pending = {
  storeId: string;
  lastPullAt: string | null;
  lastPushAt: string | null;
  appVersion: string | null;
  factsWaiting: number | null;
  errors: { at: string; error: string }[];
};

export type DeviceHealthRecorder = {
  record(sync: DeviceSync): void;
  /** Writes whatever is pending now. */
  flush(): Promise<void>;
  stop(): Promise<void>;
};

/** The longest error text kept. */
const ERROR_MAX = 200;

async function writeHealth(q: Queryable, rows: [string, Pending][]): Promise<void> {
  await q.query(
    `INSERT INTO device_health (device_id, store_id, last_pull_at, last_push_at, facts_waiting,
       app_version, last_error, last_error_at)
     SELECT device_id, store_id, last_pull_at, last_push_at, facts_waiting, app_version,
            last_error, last_error_at
       FROM jsonb_to_recordset($1::jsonb) AS x(device_id text, store_id text,
            last_pull_at timestamptz, last_push_at timestamptz, facts_waiting integer,
            app_version text, last_error text, last_error_at timestamptz)
     ON CONFLICT (store_id, device_id) DO UPDATE SET
       last_pull_at = greatest(device_health.last_pull_at, EXCLUDED.last_pull_at),
       last_push_at = greatest(device_health.last_push_at, EXCLUDED.last_push_at),
       facts_waiting = coalesce(EXCLUDED.facts_waiting, device_health.facts_waiting),
       app_version = coalesce(EXCLUDED.app_version, device_health.app_version),
       last_error = coalesce(EXCLUDED.last_error, device_health.last_error),
       last_error_at = coalesce(EXCLUDED.last_error_at, device_health.last_error_at)`,
    [
      JSON.stringify(
        rows.map(([deviceId, p]) => {
          const last = p.errors.at(-1);
          return {
            device_id: deviceId,
            store_id: p.storeId,
            last_pull_at: p.lastPullAt,
            last_push_at: p.lastPushAt,
            facts_waiting: p.factsWaiting,
            app_version: p.appVersion,
            last_error: last?.error ?? null,
            last_error_at: last?.at ?? null,
          };
        }),
      ),
    ],
  );
  const errors = rows.flatMap(([deviceId, p]) =>
    p.errors.map((e) => ({ device_id: deviceId, store_id: p.storeId, at: e.at, error: e.error })),
  );
  if (errors.length > 0) {
    await q.query(
      `INSERT INTO device_health_error (device_id, store_id, at, error)
       SELECT device_id, store_id, at, error FROM jsonb_to_recordset($1::jsonb)
         AS x(device_id text, store_id text, at timestamptz, error text)`,
      [JSON.stringify(errors)],
    );
    // Only the last day's errors are counted; older ones go.
    await q.query(
      `DELETE FROM device_health_error
        WHERE device_id IN (SELECT jsonb_array_elements_text($1::jsonb))
          AND at < $2::timestamptz - interval '24 hours'`,
      [JSON.stringify([...new Set(errors.map((e) => e.device_id))]), errors[0]!.at],
    );
  }
}

/**
 * [RM8] A recorder for this server process. A sync is written at once when
 * its device's last write is 5 s old or it brings an error; else it waits
 * for the flush timer. Failures to write are logged, never the device's problem.
 */
export function startDeviceHealth(
  storage: SyncStorage,
  options: { log?: Logger; intervalMs?: number; nowMs?: () => number } = {},
): DeviceHealthRecorder {
  const log = options.log ?? (() => {});
  const nowMs = options.nowMs ?? Date.now;
  const pending = new Map<string, Pending>();
  const lastWritten = new Map<string, number>();
  // Devices to write. One transaction at a time per process, and at most one
  // waiting behind it that takes every device due by the time it starts: under
  // many devices the writes never queue up faster than they commit.
  const due = new Set<string>();
  let writing: Promise<void> = Promise.resolve();
  let queued = false;

  const write = (ids: string[]): Promise<void> => {
    for (const id of ids) {
      if (!pending.has(id)) continue;
      due.add(id);
      lastWritten.set(id, nowMs());
    }
    if (queued || due.size === 0) return writing;
    queued = true;
    writing = writing.then(async () => {
      queued = false;
      const rows: [string, Pending][] = [];
      // In device order: two processes' upserts take their row locks in one order.
      for (const id of [...due].sort()) {
        const p = pending.get(id);
        if (!p) continue;
        pending.delete(id);
        rows.push([id, p]);
      }
      due.clear();
      if (rows.length === 0) return;
      try {
        await storage.sqlTransaction((q) => writeHealth(q, rows));
      } catch (error) {
        log('warn', 'device health not recorded', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
    return writing;
  };

  const timer = setInterval(
    () => void write([...pending.keys()]),
    options.intervalMs ?? DEVICE_HEALTH_INTERVAL_MS,
  );
  timer.unref();

  return {
    record(sync) {
      const at = sync.at.toISOString();
      const report = parseDeviceReport(sync.appVersion, sync.factsWaiting);
      const p = pending.get(sync.deviceId) ?? {
        storeId: sync.storeId,
        lastPullAt: null,
        lastPushAt: null,
        appVersion: null,
        factsWaiting: null,
        errors: [],
      };
      p.storeId = sync.storeId;
      if (sync.kind === 'pull') p.lastPullAt = at;
      else p.lastPushAt = at;
      if (report.appVersion !== null) p.appVersion = report.appVersion;
      if (report.factsWaiting !== null) p.factsWaiting = report.factsWaiting;
      if (sync.error !== undefined) p.errors.push({ at, error: sync.error.slice(0, ERROR_MAX) });
      pending.set(sync.deviceId, p);
      const due = healthWriteDue(
        lastWritten.get(sync.deviceId) ?? null,
        nowMs(),
        sync.error !== undefined,
      );
      if (due) void write([sync.deviceId]);
    },
    flush: () => write([...pending.keys()]),
    async stop() {
      clearInterval(timer);
      await write([...pending.keys()]);
    },
  };
}

/** [RM9] The devices dashboard's rows: stores `stores` (null: all), with their last day's errors. */
export async function deviceHealthRows(
  q: Queryable,
  stores: readonly string[] | null,
  now: Date,
): Promise<DeviceHealthRow[]> {
  const rows = await q.query<{
    device_id: string;
    store_id: string;
    last_pull_at: Date | string | null;
    last_push_at: Date | string | null;
    facts_waiting: number | null;
    app_version: string | null;
    last_error: string | null;
    errors: number | string;
  }>(
    `SELECT h.device_id, h.store_id, h.last_pull_at, h.last_push_at, h.facts_waiting,
            h.app_version, h.last_error,
            (SELECT count(*) FROM device_health_error e
              WHERE e.store_id = h.store_id AND e.device_id = h.device_id
                AND e.at > $2::timestamptz - interval '24 hours') AS errors
       FROM device_health h
      WHERE ($1::jsonb IS NULL OR h.store_id IN (SELECT jsonb_array_elements_text($1::jsonb)))
      ORDER BY h.store_id, h.device_id`,
    [stores === null ? null : JSON.stringify(stores), now.toISOString()],
  );
  const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
  return rows.map((r) => {
    const lastPullAt = iso(r.last_pull_at);
    const lastPushAt = iso(r.last_push_at);
    return {
      deviceId: r.device_id,
      storeId: r.store_id,
      lastPullAt,
      lastPushAt,
      factsWaiting: r.facts_waiting === null ? null : Number(r.facts_waiting),
      appVersion: r.app_version,
      errors24h: Number(r.errors),
      lastError: r.last_error,
      status: deviceSyncStatus(lastPullAt, lastPushAt, now.toISOString()),
    };
  });
}
