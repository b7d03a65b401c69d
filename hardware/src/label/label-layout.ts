/**
 * Lays out a parcel's shipping label on a 100 x 150 mm (4 x 6 in) label, in
 * printer dots, once for both printer languages (zpl.ts, tspl.ts turn the
 * fields into commands; label-decoder.ts reads them back).
 * [LB1] The label shows the courier, the waybill number as a Code 128
 *       barcode and in digits, the sender, the recipient (name and phone
 *       masked, [FS8]; region and street), the order numbers, the weight, a
 *       same-city window, and the waybill number as a QR code.
 * [LB2] Texts are wrapped to the label's width and cut (ending in "…") after
 *       their lines; no field reaches past the label's edges, and no text,
 *       barcode or QR code overlaps another.
 * [LB3] Waybill numbers are 1 to 32 letters, digits or '-' (what Code 128
 *       and every carrier's scanner take); anything else is refused.
 */
import { maskName, maskPhone } from '@pos/domain';
import type { ShippingLabel } from '../hub/protocol';
import { formatSaleTime } from '../printer/receipt-layout';
import { displayWidth, printableText, wrapToWidth } from '../printer/text-width';

export type LabelLanguage = 'zpl' | 'tspl';
export type LabelDpi = 203 | 300;

/** One thing on the label, in dots from the top-left corner. */
export type LabelField =
  /** `height` in dots; a half-width character is height/2 wide, a full-width one `height`. */
  | { kind: 'text'; x: number; y: number; height: number; data: string }
  | { kind: 'barcode'; x: number; y: number; height: number; moduleWidth: number; data: string }
  | { kind: 'qr'; x: number; y: number; cell: number; data: string }
  | { kind: 'box'; x: number; y: number; width: number; height: number; thickness: number };

export type LabelLayout = { width: number; height: number; dpi: LabelDpi; fields: LabelField[] };

export type LabelLayoutOptions = {
  language: LabelLanguage;
  dpi: LabelDpi;
  /** IANA zone a same-city window prints in; default the window's own offset. */
  timeZone?: string;
};

export const LABEL_WIDTH_MM = 100;
export const LABEL_HEIGHT_MM = 150;
/** TSPL's Chinese font TSS24.BF2 is 24 dots high; its texts are whole multiples of it. */
export const TSPL_FONT_DOTS = 24;
export const TRACKING_NO = /^[A-Za-z0-9-]{1,32}$/;
const ELLIPSIS = '…';

/** Code 128's width in modules for `n` characters at most (code set B: start, data, check, stop). */
export function code128Modules(n: number): number {
  return 11 * n + 35;
}

/** QR version 3 (29 modules) holds 42 bytes at level M: every waybill number ([LB3]). */
export const QR_MODULES = 29;

/** How wide a text field prints, in dots. */
export function textWidthDots(data: string, height: number): number {
  return Math.ceil((displayWidth(data) * height) / 2);
}

/** [LB1]-[LB3] The label's fields; throws on a waybill number a barcode cannot carry. */
export function layoutShippingLabel(
  label: ShippingLabel,
  options: LabelLayoutOptions,
): LabelLayout {
  if (!TRACKING_NO.test(label.trackingNo)) {
    throw new Error('the waybill number must be 1 to 32 letters, digits or "-"');
  }
  const { dpi, language } = options;
  const dot = (mm: number) => Math.round((mm * dpi) / 25.4);
  const width = dot(LABEL_WIDTH_MM);
  const height = dot(LABEL_HEIGHT_MM);
  const left = dot(5);
  const right = width - dot(5);
  const fields: LabelField[] = [];
  // TSPL prints its font at whole multiples of 24 dots; ZPL scales any height.
  const textHeight = (mm: number) =>
    language === 'tspl'
      ? TSPL_FONT_DOTS * Math.max(1, Math.round(dot(mm) / TSPL_FONT_DOTS))
      : dot(mm);
  /** Wraps `text` from x to `maxX`, at most `maxLines` lines; returns the y below it. */
  const text = (
    raw: string,
    at: { x: number; y: number; mm: number; maxLines?: number; maxX?: number },
  ): number => {
    const h = textHeight(at.mm);
    const columns = Math.max(2, Math.floor(((at.maxX ?? right) - at.x) / (h / 2)));
    const lines = fitLines(printableText(raw).trim(), columns, at.maxLines ?? 1);
    lines.forEach((data, i) => {
      if (data)
        fields.push({ kind: 'text', x: at.x, y: at.y + i * Math.round(h * 1.15), height: h, data });
    });
    return at.y + Math.max(1, lines.length) * Math.round(h * 1.15);
  };
  const rule = (y: number) =>
    fields.push({
      kind: 'box',
      x: dot(2),
      y,
      width: width - dot(4),
      height: dot(0.5),
      thickness: dot(0.5),
    });

  fields.push({
    kind: 'box',
    x: dot(2),
    y: dot(2),
    width: width - dot(4),
    height: height - dot(4),
    thickness: dot(0.5),
  });
  // Courier and service.
  const service = label.mode === 'same-city' ? '同城 Same-city' : '快递 Parcel';
  const serviceX = right - textWidthDots(service, textHeight(3.5));
  text(service, { x: serviceX, y: dot(6), mm: 3.5 });
  text(label.carrier, { x: left, y: dot(5), mm: 6, maxX: serviceX - dot(2) });
  rule(dot(15));

  // The waybill: barcode as wide as fits, its digits below.
  const modules = code128Modules(label.trackingNo.length);
  const moduleWidth = Math.max(1, Math.min(dot(0.5), Math.floor((right - left) / modules)));
  fields.push({
    kind: 'barcode',
    x: left + Math.floor((right - left - modules * moduleWidth) / 2),
    y: dot(18),
    height: dot(18),
    moduleWidth,
    data: label.trackingNo,
  });
  text(label.trackingNo, {
    x:
      left +
      Math.max(0, Math.floor((right - left - textWidthDots(label.trackingNo, textHeight(5))) / 2)),
    y: dot(38),
    mm: 5,
  });
  rule(dot(46));

  // Recipient, masked as on a privacy waybill ([FS8]).
  text('收 To', { x: left, y: dot(48), mm: 3.5 });
  const who = `${maskName(label.shipTo.name)}  ${maskPhone(label.shipTo.phone)}`;
  text(who, { x: left, y: dot(53), mm: 6 });
  let y = text(label.shipTo.region, { x: left, y: dot(61), mm: 4.5 });
  text(label.shipTo.detail, { x: left, y, mm: 4.5, maxLines: 3 });
  rule(dot(86));

  // Sender.
  text(`寄 From  ${label.from.name}`, { x: left, y: dot(88), mm: 4 });
  if (label.from.region) text(label.from.region, { x: left, y: dot(94), mm: 3.5 });
  rule(dot(100));

  // Orders, weight and window on the left; the waybill's QR code on the right.
  const qrCell = Math.floor(dot(26) / (QR_MODULES + 2));
  const qrX = right - qrCell * QR_MODULES;
  const textRight = qrX - dot(3);
  y = text(`订单 Orders: ${label.orderNumbers.join(' ')}`, {
    x: left,
    y: dot(103),
    mm: 3.5,
    // A same-city window takes three lines below; the orders leave room for it.
    maxLines: label.window ? 3 : 4,
    maxX: textRight,
  });
  if (label.weightGrams !== undefined) {
    y = text(`重量 Weight: ${(label.weightGrams / 1000).toFixed(2)} kg`, {
      x: left,
      y: y + dot(1),
      mm: 3.5,
      maxX: textRight,
    });
  }
  if (label.window) {
    const from = formatSaleTime(label.window.from, options.timeZone).slice(0, 16);
    const to = formatSaleTime(label.window.to, options.timeZone).slice(0, 16);
    y = text('送达 Deliver', { x: left, y: y + dot(1), mm: 3.5, maxX: textRight });
    y = text(from, { x: left, y, mm: 3.5, maxX: textRight });
    text(`- ${to.slice(0, 10) === from.slice(0, 10) ? to.slice(11) : to}`, {
      x: left,
      y,
      mm: 3.5,
      maxX: textRight,
    });
  }
  fields.push({ kind: 'qr', x: qrX, y: dot(103), cell: qrCell, data: label.trackingNo });
  text(label.shipmentId, { x: left, y: dot(140), mm: 3, maxX: right });
  return { width, height, dpi, fields };
}

/** [LB2] `text` wrapped to `columns`, at most `maxLines`; a cut last line ends in "…". */
export function fitLines(text: string, columns: number, maxLines: number): string[] {
  const lines = wrapToWidth(text, columns);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = kept[maxLines - 1] ?? '';
  while (last && displayWidth(last) + 1 > columns) last = Array.from(last).slice(0, -1).join('');
  kept[maxLines - 1] = last + ELLIPSIS;
  return kept;
}

/** The bottom edge of a field in dots. */
export function fieldBottom(field: LabelField): number {
  return field.kind === 'qr' ? field.y + QR_MODULES * field.cell : field.y + field.height;
}

/** The right edge of a field in dots, to check it stays on the label. */
export function fieldRight(field: LabelField): number {
  switch (field.kind) {
    case 'text':
      return field.x + textWidthDots(field.data, field.height);
    case 'barcode':
      return field.x + code128Modules(field.data.length) * field.moduleWidth;
    case 'qr':
      return field.x + QR_MODULES * field.cell;
    case 'box':
      return field.x + field.width;
  }
}
