/**
 * What a tag or a SKU is, as the fitting-room and count screens name it: the
 * product of its GTIN (or its EPC's GTIN) from the replica, with the colour
 * and size of its style's variant ([FM2]). Unknown stays unknown (null),
 * never guessed.
 */
import type { TillReplica } from '@pos/replica';

/** A product as a fitting room or a count line shows it. */
export type ItemLabel = {
  sku: string | null;
  name: string | null;
  styleId: string | null;
  styleName: string | null;
  colour: string | null;
  size: string | null;
};

export const UNKNOWN_ITEM: ItemLabel = {
  sku: null,
  name: null,
  styleId: null,
  styleName: null,
  colour: null,
  size: null,
};

/** [FM2] Labels by GTIN, EPC and SKU, each looked up once in the replica and kept. */
export function createItemLabels(
  replica: Pick<TillReplica, 'byBarcode' | 'byEpc' | 'bySku' | 'styleOfSku'>,
) {
  const bySku = new Map<string, Promise<ItemLabel>>();
  const byGtin = new Map<string, Promise<ItemLabel>>();

  async function labelOf(sku: string, name: string): Promise<ItemLabel> {
    const styled = await replica.styleOfSku(sku);
    return {
      sku,
      name,
      styleId: styled?.style.styleId ?? null,
      styleName: styled?.style.name ?? null,
      colour: styled?.variant.colour ?? null,
      size: styled?.variant.size ?? null,
    };
  }

  function sku(code: string): Promise<ItemLabel> {
    let label = bySku.get(code);
    if (!label) {
      label = replica
        .bySku(code)
        .then((found) =>
          found.found
            ? labelOf(found.product.id, found.product.name)
            : { ...UNKNOWN_ITEM, sku: code },
        );
      bySku.set(code, label);
    }
    return label;
  }

  /** A tag: by its GTIN when the hub decoded one, else by its EPC. */
  function tag(tagged: { epc: string; gtin?: string | undefined }): Promise<ItemLabel> {
    const key = tagged.gtin ?? `epc:${tagged.epc}`;
    let label = byGtin.get(key);
    if (!label) {
      const lookup = tagged.gtin ? replica.byBarcode(tagged.gtin) : replica.byEpc(tagged.epc);
      label = lookup.then((found) =>
        found.found ? labelOf(found.product.id, found.product.name) : UNKNOWN_ITEM,
      );
      // An EPC names one item; only a GTIN's answer is worth keeping for the next tag.
      if (tagged.gtin) byGtin.set(key, label);
    }
    return label;
  }

  return { sku, tag };
}
export type ItemLabels = ReturnType<typeof createItemLabels>;
