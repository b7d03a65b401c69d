/**
 * The server's metrics in the Prometheus text format (version 0.0.4), served
 * at `GET /metrics`: requests by route and status, request durations,
 * documents written and refused by collection, waiting `_changes` listeners,
 * and storage failures. No dependencies; one registry per server. [OB1]
 */

type Labels = Readonly<Record<string, string>>;

/** Seconds; the buckets of the request duration histogram. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A label value as the text format writes it: backslash, quote and newline escaped. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (!entries.length) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) {
      lines.push(`${this.name}${labelText(labels)} ${formatNumber(value)}`);
    }
    return lines;
  }
}

class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, counts: this.buckets.map(() => 0).concat(0), sum: 0 };
      this.series.set(key, entry);
    }
    const i = this.buckets.findIndex((bound) => value <= bound);
    entry.counts[i === -1 ? this.buckets.length : i]!++;
    entry.sum += value;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum } of this.series.values()) {
      let cumulative = 0;
      [...this.buckets, Infinity].forEach((bound, i) => {
        cumulative += counts[i]!;
        const le = labelText({ ...labels, le: formatNumber(bound) });
        lines.push(`${this.name}_bucket${le} ${cumulative}`);
      });
      lines.push(`${this.name}_sum${labelText(labels)} ${formatNumber(sum)}`);
      lines.push(`${this.name}_count${labelText(labels)} ${cumulative}`);
    }
    return lines;
  }
}

class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  render(): string[] {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      `${this.name} ${formatNumber(this.read())}`,
    ];
  }
}

/** The sync server's metrics; the server and the storage observer feed it. */
export class ServerMetrics {
  private readonly requests = new Counter(
    'pos_sync_http_requests_total',
    'HTTP requests answered, by method, route and status.',
  );
  private readonly durations = new Histogram(
    'pos_sync_http_request_duration_seconds',
    'Time from receiving a request to finishing its answer (longpolls include their wait), by route.',
    DURATION_BUCKETS,
  );
  private readonly written = new Counter(
    'pos_sync_documents_written_total',
    'Document revisions committed to storage, by collection.',
  );
  private readonly rejected = new Counter(
    'pos_sync_documents_rejected_total',
    'Pushed documents refused in a _bulk_docs answer, by collection and error.',
  );
  private readonly failures = new Counter(
    'pos_sync_storage_errors_total',
    'Storage transactions that failed and rolled back, and database pool errors, by kind.',
  );
  private readonly gauges: Gauge[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A number read at each scrape, e.g. the waiting `_changes` listeners. */
  gauge(name: string, help: string, read: () => number): void {
    this.gauges.push(new Gauge(name, help, read));
  }

  /** Call when a request starts; call the result when its answer is finished. */
  startRequest(): (labels: { method: string; route: string; status: number }) => number {
    const started = this.now();
    return ({ method, route, status }) => {
      const seconds = (this.now() - started) / 1000;
      this.requests.inc({ method, route, status: String(status) });
      this.durations.observe({ route }, seconds);
      return seconds;
    };
  }

  documentsWritten(written: ReadonlyMap<string, number>): void {
    for (const [collection, n] of written) this.written.inc({ collection }, n);
  }

  documentRejected(collection: string, error: string): void {
    this.rejected.inc({ collection, error });
  }

  storageFailed(kind: 'transaction' | 'pool'): void {
    this.failures.inc({ kind });
  }

  /** The exposition text, as `GET /metrics` answers it. */
  render(): string {
    const families = [
      this.requests,
      this.durations,
      this.written,
      this.rejected,
      this.failures,
      ...this.gauges,
    ];
    return families.flatMap((family) => family.render()).join('\n') + '\n';
  }
}

/** The content type of the Prometheus text format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A bounded route label for a request path: each collection's endpoints by
 * name, a document read as `/{db}/{id}`, anything else as `other`, so a
 * client cannot make the metrics grow without bound.
 */
export function routeLabel(
  segments: readonly string[],
  isCollection: (name: string) => boolean,
): string {
  const [db = '', first, ...more] = segments;
  if (db === '') return '/';
  if (segments.length === 1 && (db === 'healthz' || db === 'metrics')) return `/${db}`;
  if (!isCollection(db)) return 'other';
  if (first === undefined) return `/${db}`;
  if (first === '_local' && more.length === 1) return `/${db}/_local/{id}`;
  if (more.length) return 'other';
  if (first.startsWith('_')) {
    return ['_changes', '_all_docs', '_bulk_docs', '_revs_diff', '_bulk_get'].includes(first)
      ? `/${db}/${first}`
      : 'other';
  }
  return `/${db}/{id}`;
}
