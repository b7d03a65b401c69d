/**
 * The demo's shelf labels: S001's shelf-label service (a device of the
 * store with a published token) and labels bound to the demo's SKUs, pushed
 * at once. See SPEC.md [SV1].
 */
import { provisionDevice } from '../auth';
import { DEMO_PRODUCTS } from '../demo-data';
import { DEMO_STYLE_PRODUCTS } from '../demo-clerk';
import type { SyncStorage } from '../storage/storage';
import { bindLabels } from './labels';

/** Demo only: the token is published in the README. */
export const DEMO_SHELF_LABEL_SERVICES = [
  { deviceId: 'S001-ESL1', storeId: 'S001', token: 'demo-s001-esl1' },
] as const;

/** The demo's label ids: `L0000`, `L0001`, … */
export function demoLabelIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `L${String(i).padStart(4, '0')}`);
}

/**
 * Provisions the demo's shelf-label service and binds `count` labels (default
 * 200) at its store to the demo's SKUs in turn; a label already bound to the
 * same SKU is left as it is, so a restart pushes nothing again.
 */
export async function seedDemoLabels(
  storage: SyncStorage,
  options: { count?: number; now?: Date } = {},
): Promise<{ bound: number; labelsToPush: number }> {
  const [service] = DEMO_SHELF_LABEL_SERVICES;
  await provisionDevice(storage, service.token, service);
  const skus = [...DEMO_PRODUCTS, ...DEMO_STYLE_PRODUCTS].map((p) => p.id);
  const bindings = demoLabelIds(options.count ?? 200).map((labelId, i) => ({
    labelId,
    sku: skus[i % skus.length]!,
  }));
  return bindLabels(storage, service.storeId, bindings, options.now ?? new Date());
}
