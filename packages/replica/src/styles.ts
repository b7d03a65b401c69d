/**
 * Styles on the device: the chain's `style` documents ([VG1]) in the `chain`
 * collection, read from the replica (offline too). A SKU's style is found
 * from an index of every style's variants, built once and built again when
 * the server sends a changed `chain` document.
 */
import { styleDocId, type Style, type StyleVariant } from '@pos/domain';
import type { ReplicaDatabase } from './database';

export type StyleLookup = {
  /** [VG1] A style by its id; null when the replica holds none. */
  style(styleId: string): Promise<Style | null>;
  /** [VG3] A SKU's style and variant; null when the SKU is no style's variant. */
  styleOfSku(sku: string): Promise<{ style: Style; variant: StyleVariant } | null>;
};

/** [VG1] [VG3] Style lookups over the replica's `chain` collection. */
export function createStyleLookup(db: ReplicaDatabase): StyleLookup {
  let bySku: Promise<Map<string, { style: Style; variant: StyleVariant }>> | null = null;
  let watching = false;
  const index = () => {
    if (!watching) {
      watching = true;
      // Any change of a chain document (a style edited, added or removed) rebuilds the index.
      db.chain.$.subscribe(() => {
        bySku = null;
      });
    }
    bySku ??= db.chain
      .find({ selector: { kind: 'style' } })
      .exec()
      .then((docs) => {
        const map = new Map<string, { style: Style; variant: StyleVariant }>();
        for (const doc of docs) {
          const style = doc.toJSON() as unknown as Style;
          for (const variant of style.variants ?? []) map.set(variant.sku, { style, variant });
        }
        return map;
      });
    return bySku;
  };
  return {
    style: async (styleId) => {
      const doc = await db.chain.findOne(styleDocId(styleId)).exec();
      const style = doc?.toJSON() as unknown as Style | undefined;
      return style?.kind === 'style' ? style : null;
    },
    styleOfSku: async (sku) => (await index()).get(sku) ?? null,
  };
}
