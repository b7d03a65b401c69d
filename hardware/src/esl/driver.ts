/**
 * [EG1] What the store's shelf-label service needs of a label gateway,
 * whatever the vendor: bind a label to a SKU, push content, read each
 * label's state, and the gateway's health.
 */
import type { LabelContent } from '@pos/domain';

export type LabelPushItem = { labelId: string; sku: string; content: LabelContent; hash: string };

/** The gateway took the label's update (it still has to reach the label), or why not. */
export type PushAccepted =
  { labelId: string; accepted: true } | { labelId: string; accepted: false; error: string };

export type LabelStatus = {
  labelId: string;
  /** `pending`: the update has not reached the label yet. */
  state: 'acked' | 'failed' | 'pending';
  /** The content hash the label last drew (null: unknown). */
  hash: string | null;
  error: string | null;
  batteryPct: number | null;
  signal: number | null;
  /** When the gateway last heard from the label (ISO). */
  at: string | null;
};

export type GatewayHealth = { up: boolean; apsOnline: number; apsTotal: number; error?: string };

export interface EslDriver {
  bind(labelId: string, sku: string): Promise<void>;
  push(items: readonly LabelPushItem[]): Promise<PushAccepted[]>;
  status(labelIds: readonly string[]): Promise<Map<string, LabelStatus>>;
  health(): Promise<GatewayHealth>;
}
