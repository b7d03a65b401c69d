/**
 * [EG2]-[EG5] The CloudEsl driver: the EslDriver over CloudEsl's HTTP API.
 * Each request has a timeout; a network error, a timeout, a 5xx or a
 * throttling answer (429, `Throttling*`) is retried with doubling backoff
 * (honouring `Retry-After`); any other refusal is an error naming the
 * action and CloudEsl's code and message.
 */
import {
  BATCH_INSERT_MAX,
  DESCRIBE_PAGE_SIZE,
  encodeParams,
  type BatchInsertItemsAnswer,
  type CloudEslAnswer,
  type DescribeApDevicesAnswer,
  type DescribeEslDevicesAnswer,
  type ItemInfo,
} from './cloudesl-protocol';
import type { EslDriver, GatewayHealth, LabelPushItem, LabelStatus, PushAccepted } from './driver';

export type CloudEslDriverOptions = {
  /** The gateway's (or cloud endpoint's) base URL, e.g. `http://10.0.0.5:8090`. */
  url: string;
  /** CloudEsl's store id of this store. */
  storeId: string;
  /** Per request, default 10 s. */
  timeoutMs?: number;
  /** Attempts per request on retryable failures, default 5. */
  attempts?: number;
  /** First backoff, doubled each retry up to `maxBackoffMs`; default 200 ms and 5 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
};

/** [EG5] A refusal or a failure after the retries, with the action and CloudEsl's code. */
export class EslGatewayError extends Error {
  constructor(
    readonly action: string,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    /** A throttled answer's `Retry-After`, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`CloudEsl ${action}: ${code}: ${message}`);
  }
}

/** CloudEsl's ItemId is digits only: a stable number from the SKU. */
export function itemIdOf(sku: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < sku.length; i++) h = Math.imul(h ^ sku.charCodeAt(i), 0x01000193) >>> 0;
  return String(h);
}

/** [EG2] The CloudEsl item a label's content is drawn from. */
export function itemOf(item: LabelPushItem): ItemInfo {
  const c = item.content;
  return {
    ItemBarCode: item.sku,
    ItemId: itemIdOf(item.sku),
    ItemTitle: c.name.slice(0, 100),
    ActionPrice: c.priceFen,
    PriceUnit: (c.unit ?? '件').slice(0, 64),
    ...(c.wasFen === null ? {} : { OriginalPrice: c.wasFen }),
    ...(c.promo === null ? {} : { BePromotion: true, PromotionText: c.promo.slice(0, 64) }),
    ...(c.online === null ? {} : { CustomizeFeatureA: c.online.slice(0, 64) }),
    CustomizeFeatureB: item.hash,
  };
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createCloudEslDriver(options: CloudEslDriverOptions): EslDriver {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempts = Math.max(1, options.attempts ?? 5);
  const first = options.backoffMs ?? 200;
  const max = options.maxBackoffMs ?? 5000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? sleeper;
  const base = options.url.replace(/\/+$/, '');

  async function call<A extends CloudEslAnswer>(
    action: string,
    params: Record<string, unknown>,
  ): Promise<A> {
    const body = encodeParams(action, { StoreId: options.storeId, ...params });
    let last: EslGatewayError | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(last?.retryAfterMs ?? Math.min(max, first * 2 ** (attempt - 1)));
      let response: Response;
      try {
        response = await doFetch(`${base}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: body.toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        last = retryable(action, 'NetworkError', (error as Error).message);
        continue;
      }
      let answer: A | undefined;
      try {
        answer = (await response.json()) as A;
      } catch {
        answer = undefined;
      }
      const code = answer?.ErrorCode ?? answer?.Code ?? `HTTP${response.status}`;
      const message = answer?.ErrorMessage ?? answer?.Message ?? response.statusText;
      if (response.status === 429 || response.status >= 500 || code.startsWith('Throttling')) {
        const after = Number(response.headers.get('retry-after'));
        last = retryable(
          action,
          code,
          message,
          Number.isFinite(after) && after > 0 ? after * 1000 : undefined,
        );
        continue;
      }
      if (!answer || !response.ok || answer.Success !== true) {
        throw new EslGatewayError(action, code, message, false);
      }
      return answer;
    }
    throw last ?? new EslGatewayError(action, 'Unknown', 'no answer', true);
  }

  return {
    async bind(labelId, sku) {
      await call('BindEslDevice', { EslBarCode: labelId, ItemBarCode: sku });
    },

    async push(items) {
      // A CloudEsl label draws the item it is bound to: one item per SKU updates its labels.
      const bySku = new Map<string, LabelPushItem[]>();
      for (const item of items) bySku.set(item.sku, [...(bySku.get(item.sku) ?? []), item]);
      const skus = [...bySku.keys()];
      const out: PushAccepted[] = [];
      for (let i = 0; i < skus.length; i += BATCH_INSERT_MAX) {
        const chunk = skus.slice(i, i + BATCH_INSERT_MAX);
        const itemInfo = chunk.map((sku) => itemOf(bySku.get(sku)![0]!));
        let results: BatchInsertItemsAnswer['BatchResults'];
        try {
          results = (await call<BatchInsertItemsAnswer>('BatchInsertItems', { ItemInfo: itemInfo }))
            .BatchResults;
        } catch (error) {
          const reason = (error as Error).message;
          for (const sku of chunk) {
            for (const item of bySku.get(sku)!)
              out.push({ labelId: item.labelId, accepted: false, error: reason });
          }
          continue;
        }
        chunk.forEach((sku, k) => {
          const result = results?.find((r) => r.Index === k + 1);
          for (const item of bySku.get(sku)!) {
            out.push(
              result?.Success === false
                ? {
                    labelId: item.labelId,
                    accepted: false,
                    error: `${result.ErrorCode ?? 'Refused'}: ${result.Message ?? ''}`,
                  }
                : { labelId: item.labelId, accepted: true },
            );
          }
        });
      }
      return out;
    },

    async status(labelIds) {
      const wanted = new Set(labelIds);
      const out = new Map<string, LabelStatus>();
      if (!wanted.size) return out;
      for (let page = 1; ; page++) {
        const answer = await call<DescribeEslDevicesAnswer>('DescribeEslDevices', {
          PageNumber: page,
          PageSize: DESCRIBE_PAGE_SIZE,
        });
        for (const d of answer.EslDevices) {
          if (!wanted.has(d.EslBarCode)) continue;
          const state =
            d.LastPushStatus === 'SUCCESS'
              ? 'acked'
              : d.LastPushStatus === 'FAILED'
                ? 'failed'
                : 'pending';
          out.set(d.EslBarCode, {
            labelId: d.EslBarCode,
            state,
            hash: d.LastPushHash ?? null,
            error: state === 'failed' ? (d.LastPushError ?? d.EslStatus) : null,
            batteryPct: d.BatteryLevel,
            signal: d.EslSignal,
            at: d.LastCommunicateTime,
          });
        }
        if (page * answer.PageSize >= answer.TotalCount || !answer.EslDevices.length) break;
      }
      return out;
    },

    async health(): Promise<GatewayHealth> {
      try {
        const answer = await call<DescribeApDevicesAnswer>('DescribeApDevices', {
          PageNumber: 1,
          PageSize: DESCRIBE_PAGE_SIZE,
        });
        const online = answer.ApDevices.filter((ap) => ap.Status && ap.BeActivate).length;
        return { up: true, apsOnline: online, apsTotal: answer.ApDevices.length };
      } catch (error) {
        return { up: false, apsOnline: 0, apsTotal: 0, error: (error as Error).message };
      }
    },
  };
}

function retryable(action: string, code: string, message: string, retryAfterMs?: number) {
  return new EslGatewayError(action, code, message, true, retryAfterMs);
}
