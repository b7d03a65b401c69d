/**
 * TSPL (TSC and most Chinese thermal label printers): a laid-out label as
 * SIZE, GAP, CLS, the fields and PRINT, in GB18030 so that the printer's
 * simplified-Chinese font TSS24.BF2 prints Chinese.
 * [LB5] A `"` in data is written `\["]`, the language's escape; nothing in
 *       data can end a string or start a command.
 */
import iconv from 'iconv-lite';
import { TSPL_FONT_DOTS, type LabelField, type LabelLayout } from './label-layout';

export const TSPL_FONT = 'TSS24.BF2';
/** TSPL's status request `<ESC>!?`: the printer answers with one status byte. */
export const TSPL_STATUS_REQUEST = Uint8Array.of(0x1b, 0x21, 0x3f);

/** The label as a TSPL program, bytes ready for the printer. */
export function encodeTspl(layout: LabelLayout): Uint8Array {
  const mm = (dots: number) => Math.round((dots * 25.4) / layout.dpi);
  const lines = [
    `SIZE ${mm(layout.width)} mm,${mm(layout.height)} mm`,
    'GAP 2 mm,0 mm',
    'DIRECTION 1',
    'REFERENCE 0,0',
    'CLS',
    ...layout.fields.map(tsplField),
    'PRINT 1,1',
  ];
  return iconv.encode(lines.join('\r\n') + '\r\n', 'gb18030');
}

function tsplField(field: LabelField): string {
  switch (field.kind) {
    case 'text': {
      const scale = Math.max(1, Math.round(field.height / TSPL_FONT_DOTS));
      return `TEXT ${field.x},${field.y},"${TSPL_FONT}",0,${scale},${scale},"${tsplEscape(field.data)}"`;
    }
    case 'barcode':
      return `BARCODE ${field.x},${field.y},"128",${field.height},0,0,${field.moduleWidth},${field.moduleWidth},"${tsplEscape(field.data)}"`;
    case 'qr':
      return `QRCODE ${field.x},${field.y},M,${field.cell},A,0,"${tsplEscape(field.data)}"`;
    case 'box':
      return `BOX ${field.x},${field.y},${field.x + field.width},${field.y + field.height},${field.thickness}`;
  }
}

/** [LB5] Data inside a TSPL string: `"` as `\["]`; control characters as `?`. */
export function tsplEscape(data: string): string {
  return data.replace(/\p{Cc}/gu, '?').replace(/"/g, '\\["]');
}
