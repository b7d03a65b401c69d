/**
 * Structured logs: one JSON object per line. A request line names the time,
 * level, method, route, status, duration and who asked (device or admin id),
 * never the token or the query string. [OB2]
 */
import type { Logger, LogLevel } from './server';

export type RequestLogEntry = {
  method: string;
  /** The bounded route label (metrics.ts `routeLabel`), not the raw path. */
  route: string;
  status: number;
  ms: number;
  deviceId?: string;
  storeId?: string;
  adminId?: string;
};

export type RequestLogger = (entry: RequestLogEntry) => void;

export type JsonLogOptions = {
  /** Where each line goes (default: stdout). */
  write?: (line: string) => void;
  now?: () => Date;
};

function levelOf(status: number): LogLevel {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

/** A request log writing one JSON line per answered request. */
export function jsonRequestLog(options: JsonLogOptions = {}): RequestLogger {
  const { write = (line) => process.stdout.write(`${line}\n`), now = () => new Date() } = options;
  return (entry) =>
    write(
      JSON.stringify({
        time: now().toISOString(),
        level: levelOf(entry.status),
        msg: 'request',
        ...entry,
        ms: Math.round(entry.ms * 10) / 10,
      }),
    );
}

/** The server's `Logger` as JSON lines (default: stderr). */
export function jsonLogger(options: JsonLogOptions = {}): Logger {
  const { write = (line) => process.stderr.write(`${line}\n`), now = () => new Date() } = options;
  return (level, message, fields) =>
    write(JSON.stringify({ time: now().toISOString(), level, msg: message, ...fields }));
}
