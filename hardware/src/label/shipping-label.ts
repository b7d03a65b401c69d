/**
 * [LB1]-[LB5] A parcel's shipping label as the bytes of a label printer's
 * language: `encodeShippingLabel(label, { language: 'zpl' | 'tspl', dpi })`.
 * Pure: the same label and options always give the same bytes.
 */
import type { ShippingLabel } from '../hub/protocol';
import { layoutShippingLabel, type LabelDpi, type LabelLanguage } from './label-layout';
import { encodeTspl } from './tspl';
import { encodeZpl } from './zpl';

export type ShippingLabelOptions = {
  language: LabelLanguage;
  dpi: LabelDpi;
  /** ZPL only: the font with Chinese glyphs, by name; default E:SIMSUN.FNT. TSPL uses TSS24.BF2. */
  cjkFont?: string;
  /** IANA zone a same-city window prints in. */
  timeZone?: string;
};

export function encodeShippingLabel(
  label: ShippingLabel,
  options: ShippingLabelOptions,
): Uint8Array {
  const layout = layoutShippingLabel(label, {
    language: options.language,
    dpi: options.dpi,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
  return options.language === 'zpl'
    ? encodeZpl(layout, options.cjkFont ? { font: options.cjkFont } : {})
    : encodeTspl(layout);
}
