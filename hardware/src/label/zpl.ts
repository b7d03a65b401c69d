/**
 * ZPL II for Zebra-compatible label printers: a laid-out label as one format
 * (`^XA` … `^XZ`) in UTF-8 (`^CI28`).
 * [LB4] Every text prints in the configured font by name (`^A@`, default
 *       E:SIMSUN.FNT, which has the Chinese glyphs); every field's data goes
 *       through `^FH` hex escapes, so `^`, `~` and `_` in a name print as
 *       themselves and can never start a command.
 */
import type { LabelField, LabelLayout } from './label-layout';

export const DEFAULT_ZPL_FONT = 'E:SIMSUN.FNT';
/** ZPL's host status request: the printer answers with three framed lines. */
export const ZPL_HOST_STATUS = '~HS';

export type ZplOptions = { font?: string };

/** The label as a ZPL format, bytes ready for the printer. */
export function encodeZpl(layout: LabelLayout, options: ZplOptions = {}): Uint8Array {
  const font = options.font ?? DEFAULT_ZPL_FONT;
  if (!/^[A-Z]:[A-Z0-9_.-]{1,16}$/i.test(font)) {
    throw new Error(`"${font}" is not a ZPL font name like E:SIMSUN.FNT`);
  }
  const parts = [`^XA^CI28^PW${layout.width}^LL${layout.height}^LH0,0`];
  for (const field of layout.fields) parts.push(zplField(field, font));
  parts.push('^PQ1^XZ');
  return new TextEncoder().encode(parts.join('\n') + '\n');
}

function zplField(field: LabelField, font: string): string {
  const at = `^FO${field.x},${field.y}`;
  switch (field.kind) {
    case 'text':
      return `${at}^A@N,${field.height},${field.height},${font}^FH^FD${zplEscape(field.data)}^FS`;
    case 'barcode':
      return `${at}^BY${field.moduleWidth},3,${field.height}^BCN,${field.height},N,N,N^FH^FD${zplEscape(field.data)}^FS`;
    case 'qr':
      return `${at}^BQN,2,${field.cell}^FH^FDMA,${zplEscape(field.data)}^FS`;
    case 'box':
      return `${at}^GB${field.width},${field.height},${field.thickness}^FS`;
  }
}

/** [LB4] `^FH` escapes: `^`, `~`, `_` and control characters as `_XX` (the UTF-8 bytes, ^CI28). */
export function zplEscape(data: string): string {
  return data.replace(/[\^~_\p{Cc}]/gu, (char) =>
    Array.from(
      new TextEncoder().encode(char),
      (b) => `_${b.toString(16).toUpperCase().padStart(2, '0')}`,
    ).join(''),
  );
}
