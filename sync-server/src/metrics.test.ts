import { describe, expect, it } from 'vitest';
import { jsonLogger, jsonRequestLog } from './json-log';
import { ServerMetrics, routeLabel } from './metrics';

const isCollection = (name: string) => ['products', 'stock'].includes(name);

describe('ServerMetrics', () => {
  it('[OB1] renders counters, a cumulative histogram and gauges in the Prometheus text format', () => {
    let clock = 0;
    const metrics = new ServerMetrics(() => clock);
    let listeners = 2;
    metrics.gauge('pos_sync_changes_listeners', 'Waiting longpolls.', () => listeners);
    const first = metrics.startRequest();
    clock = 30; // 30 ms
    expect(first({ method: 'GET', route: '/products/_changes', status: 200 })).toBeCloseTo(0.03);
    const second = metrics.startRequest();
    clock = 2030; // 2 s
    second({ method: 'GET', route: '/products/_changes', status: 200 });
    metrics.documentsWritten(
      new Map([
        ['stock', 3],
        ['saleFacts', 1],
      ]),
    );
    metrics.documentsWritten(new Map([['stock', 2]]));
    metrics.documentRejected('saleFacts', 'forbidden');
    metrics.storageFailed('transaction');
    listeners = 5;

    const text = metrics.render();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n');
    expect(lines).toContain('# TYPE pos_sync_http_requests_total counter');
    expect(lines).toContain(
      'pos_sync_http_requests_total{method="GET",route="/products/_changes",status="200"} 2',
    );
    expect(lines).toContain('# TYPE pos_sync_http_request_duration_seconds histogram');
    const bucket = (le: string) =>
      lines.find((l) =>
        l.startsWith(
          `pos_sync_http_request_duration_seconds_bucket{route="/products/_changes",le="${le}"}`,
        ),
      );
    expect(bucket('0.025')).toMatch(/ 0$/);
    expect(bucket('0.05')).toMatch(/ 1$/);
    expect(bucket('2.5')).toMatch(/ 2$/);
    expect(bucket('+Inf')).toMatch(/ 2$/);
    expect(lines).toContain(
      'pos_sync_http_request_duration_seconds_sum{route="/products/_changes"} 2.03',
    );
    expect(lines).toContain(
      'pos_sync_http_request_duration_seconds_count{route="/products/_changes"} 2',
    );
    expect(lines).toContain('pos_sync_documents_written_total{collection="stock"} 5');
    expect(lines).toContain('pos_sync_documents_written_total{collection="saleFacts"} 1');
    expect(lines).toContain(
      'pos_sync_documents_rejected_total{collection="saleFacts",error="forbidden"} 1',
    );
    expect(lines).toContain('pos_sync_storage_errors_total{kind="transaction"} 1');
    expect(lines).toContain('pos_sync_changes_listeners 5');
    // Every sample line is `name{labels} value`, every family has HELP and TYPE.
    for (const line of lines.filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$|^[a-z_]+(\{[^}]*\})? \+Inf$/);
    }
  });

  it('[OB1] escapes label values', () => {
    const metrics = new ServerMetrics();
    metrics.documentRejected('a"b\\c\nd', 'x');
    expect(metrics.render()).toContain('collection="a\\"b\\\\c\\nd"');
  });

  it('[OB1] route labels are bounded: unknown paths and ids never become labels', () => {
    expect(routeLabel([''], isCollection)).toBe('/');
    expect(routeLabel(['metrics'], isCollection)).toBe('/metrics');
    expect(routeLabel(['healthz'], isCollection)).toBe('/healthz');
    expect(routeLabel(['products'], isCollection)).toBe('/products');
    expect(routeLabel(['products', '_changes'], isCollection)).toBe('/products/_changes');
    expect(routeLabel(['stock', '_bulk_docs'], isCollection)).toBe('/stock/_bulk_docs');
    expect(routeLabel(['products', 'SKU-0001'], isCollection)).toBe('/products/{id}');
    expect(routeLabel(['products', '_local', 'abc'], isCollection)).toBe('/products/_local/{id}');
    expect(routeLabel(['products', '_design'], isCollection)).toBe('other');
    expect(routeLabel(['wp-admin', 'x.php'], isCollection)).toBe('other');
    expect(routeLabel(['products', 'a', 'b'], isCollection)).toBe('other');
  });
});

describe('JSON logs', () => {
  it('[OB2] one JSON line per request with who asked, never a token', () => {
    const lines: string[] = [];
    const log = jsonRequestLog({
      write: (line) => lines.push(line),
      now: () => new Date('2026-01-02T03:04:05.000Z'),
    });
    log({
      method: 'POST',
      route: '/saleFacts/_bulk_docs',
      status: 201,
      ms: 12.345,
      deviceId: 'S001-POS1',
      storeId: 'S001',
    });
    log({ method: 'GET', route: 'other', status: 500, ms: 1 });
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        time: '2026-01-02T03:04:05.000Z',
        level: 'info',
        msg: 'request',
        method: 'POST',
        route: '/saleFacts/_bulk_docs',
        status: 201,
        ms: 12.3,
        deviceId: 'S001-POS1',
        storeId: 'S001',
      },
      {
        time: '2026-01-02T03:04:05.000Z',
        level: 'error',
        msg: 'request',
        method: 'GET',
        route: 'other',
        status: 500,
        ms: 1,
      },
    ]);
  });

  it('[OB2] the server log as JSON lines', () => {
    const lines: string[] = [];
    const log = jsonLogger({ write: (line) => lines.push(line), now: () => new Date(0) });
    log('error', 'request failed', { method: 'GET' });
    expect(JSON.parse(lines[0]!)).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'error',
      msg: 'request failed',
      method: 'GET',
    });
  });
});
