/**
 * A simulated till: it makes sales with the domain's checkout, keeps them in
 * an outbox, and pushes them with `_bulk_docs` until each one is
 * acknowledged, as the replica's push does: a lost request, a lost answer,
 * a 5xx, a 429 or a cut connection is retried with the same documents. [RB5]
 */
import type { SaleFact } from '@pos/domain';
import { saleFactFixture } from '@pos/domain/fixtures';
import { DEMO_PRICES, DEMO_PRODUCTS } from '../demo-data';
import { DEMO_MEMBER_VIEWS } from '../demo-people';
import { ulidLike } from '../fuzz/generate';

export type TerminalDevice = { deviceId: string; storeId: string; token: string };

export type TerminalStats = {
  deviceId: string;
  sales: SaleFact[];
  acknowledged: number;
  attempts: number;
  /** Failed attempts by cause (status or error), retried. */
  retries: Record<string, number>;
  /** Per-document errors other than success: a genuine sale must never get one. */
  refused: string[];
};

/** The `n`th sale of a device: 1-3 lines of demo products, a member of its store now and then. */
export function terminalSale(device: TerminalDevice, n: number): SaleFact {
  const lines = Array.from({ length: 1 + (n % 3) }, (_, i) => {
    const product = DEMO_PRODUCTS[(n * 7 + i * 3) % DEMO_PRODUCTS.length]!;
    const price = DEMO_PRICES.find((p) => p.sku === product.id)!;
    return [product, price.amount, 1 + ((n + i) % 2)] as [typeof product, number, number];
  });
  const members = DEMO_MEMBER_VIEWS.filter((m) => m.homeStoreId === device.storeId);
  const member = n % 2 === 0 ? members[n % Math.max(1, members.length)] : undefined;
  return saleFactFixture({
    id: `${device.deviceId}-${ulidLike(n, 9)}`,
    storeId: device.storeId,
    deviceId: device.deviceId,
    soldAt: new Date(Date.UTC(2026, 6, 1) + n * 1000).toISOString(),
    lines: lines.map(([p, amount, q]) => [p, amount, q]),
    ...(member ? { member } : {}),
  });
}

/**
 * Makes `count` sales and pushes them through `url` in batches of up to
 * `batch`, retrying each batch until every sale in it is acknowledged.
 */
export async function runTerminal(
  url: () => string,
  device: TerminalDevice,
  count: number,
  options: {
    batch: number;
    onAck?: (n: number) => void;
    /** Waited for before each new sale. */
    beforeSale?: () => Promise<unknown>;
    stopped: () => boolean;
  },
): Promise<TerminalStats> {
  const stats: TerminalStats = {
    deviceId: device.deviceId,
    sales: [],
    acknowledged: 0,
    attempts: 0,
    retries: {},
    refused: [],
  };
  const outbox: SaleFact[] = [];
  let made = 0;
  let backoff = 10;
  const retry = (cause: string) => (stats.retries[cause] = (stats.retries[cause] ?? 0) + 1);
  while ((made < count || outbox.length) && !options.stopped()) {
    // The till keeps selling while it syncs: a new sale joins the outbox each round.
    if (made < count) {
      await options.beforeSale?.();
      const sale = terminalSale(device, made++);
      stats.sales.push(sale);
      outbox.push(sale);
    }
    const batch = outbox.slice(0, options.batch);
    stats.attempts += 1;
    try {
      const res = await fetch(`${url()}/saleFacts/_bulk_docs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${device.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          docs: batch.map(({ id, ...rest }) => ({ _id: id, ...rest, _deleted: false })),
        }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (res.status !== 201) {
        retry(String(res.status));
        throw new Error('retry');
      }
      const rows = JSON.parse(text) as {
        ok?: boolean;
        id: string;
        error?: string;
        reason?: string;
      }[];
      for (const row of rows) {
        if (row.ok) {
          const i = outbox.findIndex((s) => s.id === row.id);
          if (i >= 0) {
            outbox.splice(i, 1);
            stats.acknowledged += 1;
            options.onAck?.(1);
          }
        } else {
          stats.refused.push(`${row.id}: ${row.error} ${row.reason}`);
          const i = outbox.findIndex((s) => s.id === row.id);
          if (i >= 0) outbox.splice(i, 1);
        }
      }
      backoff = 10;
    } catch (error) {
      if ((error as Error).message !== 'retry')
        retry((error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
      // Back off as the replica does, so a restart is not met with a storm.
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 500);
    }
  }
  return stats;
}
