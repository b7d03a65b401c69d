/**
 * Reads ZPL and TSPL back into the fields they print, for tests and for the
 * label printer simulator.
 * [LB6] The decoders never throw: an unknown or malformed command, or bytes
 *       that are not a label, become error records and decoding goes on.
 *       At most 100 errors and 10 000 fields a call are kept.
 */
import iconv from 'iconv-lite';
import type { LabelDpi, LabelField } from './label-layout';
import { TSPL_FONT_DOTS } from './label-layout';

export type DecodedLabel = { width?: number; height?: number; fields: LabelField[] };
export type LabelDecodeResult = {
  labels: DecodedLabel[];
  errors: string[];
  /** Status requests seen (`~HS`, `<ESC>!?`). */
  statusRequests: number;
};

const MAX_ERRORS = 100;
const MAX_FIELDS = 10_000;
const CARET = 0x5e;
const TILDE = 0x7e;

class Collector {
  readonly labels: DecodedLabel[] = [];
  readonly errors: string[] = [];
  statusRequests = 0;
  #fields = 0;
  error(message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(message);
  }
  push(label: DecodedLabel, field: LabelField): void {
    if (this.#fields >= MAX_FIELDS) return this.error('too many fields; the rest are dropped');
    this.#fields += 1;
    label.fields.push(field);
  }
  result(): LabelDecodeResult {
    return { labels: this.labels, errors: this.errors, statusRequests: this.statusRequests };
  }
}

/** A whole non-negative number of at most 6 digits, else undefined. */
function int(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d{1,6}\s*$/.test(text)) return undefined;
  return Number(text.trim());
}

/** [LB6] Every ZPL format (`^XA` … `^XZ`) in `bytes`, with its fields. */
export function decodeZpl(bytes: Uint8Array): LabelDecodeResult {
  const out = new Collector();
  let label: DecodedLabel | undefined;
  let x = 0;
  let y = 0;
  let textHeight = 30;
  let moduleWidth = 2;
  let barHeight = 10;
  let hexEscape: number | undefined;
  let utf8 = false;
  let pending: { kind: 'barcode'; height: number } | { kind: 'qr'; cell: number } | undefined;
  let data: Uint8Array | undefined;

  const text = (from: number, to: number) =>
    Buffer.from(bytes.subarray(from, to)).toString('latin1');
  const fieldData = (raw: Uint8Array): string => {
    let decoded = raw;
    if (hexEscape !== undefined) {
      const kept: number[] = [];
      for (let i = 0; i < raw.length; i += 1) {
        const hex = Buffer.from(raw.subarray(i + 1, i + 3)).toString('latin1');
        if (raw[i] === hexEscape && /^[0-9A-Fa-f]{2}$/.test(hex)) {
          kept.push(parseInt(hex, 16));
          i += 2;
        } else kept.push(raw[i] as number);
      }
      decoded = Uint8Array.from(kept);
    }
    return utf8
      ? new TextDecoder('utf-8').decode(decoded)
      : Buffer.from(decoded).toString('latin1');
  };

  let i = 0;
  while (i < bytes.length) {
    const prefix = bytes[i];
    if (prefix !== CARET && prefix !== TILDE) {
      if (bytes[i] !== 0x0a && bytes[i] !== 0x0d && bytes[i] !== 0x20) {
        out.error(`stray byte 0x${(bytes[i] as number).toString(16)} at ${i}`);
        while (i < bytes.length && bytes[i] !== CARET && bytes[i] !== TILDE) i += 1;
        continue;
      }
      i += 1;
      continue;
    }
    const name = text(i + 1, i + 3).toUpperCase();
    let end = i + 1;
    while (end < bytes.length && bytes[end] !== CARET && bytes[end] !== TILDE) end += 1;
    const at = i;
    i = end;
    if (name.length < 2) {
      out.error(`a command cut short at ${at}`);
      continue;
    }
    if (prefix === TILDE) {
      if (name === 'HS') out.statusRequests += 1;
      else out.error(`unknown command ~${name} at ${at}`);
      continue;
    }
    if (name === 'XA') {
      if (label) out.error(`^XA at ${at} inside a format: the format before it has no ^XZ`);
      label = { fields: [] };
      hexEscape = undefined;
      pending = undefined;
      data = undefined;
      continue;
    }
    if (!label) {
      out.error(`^${name} at ${at} outside a format (^XA … ^XZ)`);
      continue;
    }
    if (name.startsWith('A')) {
      // ^A<font><orientation>,<height>,<width>[,<name>] — the font is the letter after ^A.
      const params = text(at + 3, end).split(',');
      const height = int(params[1]);
      if (height === undefined) out.error(`^A at ${at} has no height`);
      else textHeight = height;
      continue;
    }
    const params = text(at + 3, end).split(',');
    switch (name) {
      case 'XZ':
        if (pending || data) out.error(`a field at ${at} has no ^FS`);
        out.labels.push(label);
        label = undefined;
        break;
      case 'CI':
        utf8 = int(params[0]) === 28;
        break;
      case 'PW': {
        const width = int(params[0]);
        if (width === undefined) out.error(`^PW at ${at} is not a number`);
        else label.width = width;
        break;
      }
      case 'LL': {
        const height = int(params[0]);
        if (height === undefined) out.error(`^LL at ${at} is not a number`);
        else label.height = height;
        break;
      }
      case 'FO': {
        const fx = int(params[0]);
        const fy = int(params[1]);
        if (fx === undefined || fy === undefined) out.error(`^FO at ${at} needs x,y`);
        else [x, y] = [fx, fy];
        break;
      }
      case 'FH': {
        const char = bytes[at + 3];
        hexEscape = char !== undefined && at + 3 < end && char > 0x20 ? char : 0x5f;
        break;
      }
      case 'BY': {
        moduleWidth = int(params[0]) ?? moduleWidth;
        barHeight = int(params[2]) ?? barHeight;
        break;
      }
      case 'BC':
        pending = { kind: 'barcode', height: int(params[1]) ?? barHeight };
        break;
      case 'BQ':
        pending = { kind: 'qr', cell: int(params[2]) ?? 1 };
        break;
      case 'GB': {
        const width = int(params[0]);
        const height = int(params[1]);
        const thickness = int(params[2]) ?? 1;
        if (width === undefined || height === undefined)
          out.error(`^GB at ${at} needs width,height`);
        else out.push(label, { kind: 'box', x, y, width, height, thickness });
        break;
      }
      case 'FD':
        data = bytes.subarray(at + 3, end);
        break;
      case 'FS': {
        if (data !== undefined) {
          const value = fieldData(data);
          if (pending?.kind === 'barcode') {
            out.push(label, {
              kind: 'barcode',
              x,
              y,
              height: pending.height,
              moduleWidth,
              data: value,
            });
          } else if (pending?.kind === 'qr') {
            const comma = value.indexOf(',');
            if (comma < 0) out.error(`a QR code's data at ${at} has no "<level><mode>," in front`);
            out.push(label, { kind: 'qr', x, y, cell: pending.cell, data: value.slice(comma + 1) });
          } else {
            out.push(label, { kind: 'text', x, y, height: textHeight, data: value });
          }
        }
        data = undefined;
        pending = undefined;
        hexEscape = undefined;
        break;
      }
      case 'LH':
      case 'PQ':
      case 'PR':
      case 'MD':
      case 'FR':
        break;
      default:
        out.error(`unknown command ^${name} at ${at}`);
    }
  }
  if (label) out.error('the last format has no ^XZ');
  return out.result();
}

/** Splits TSPL arguments at commas outside quotes; quoted ones lose their quotes, `\["]` is `"`. */
function tsplArgs(text: string): { args: string[]; quoted: boolean[] } | undefined {
  const args: string[] = [];
  const quoted: boolean[] = [];
  let i = 0;
  while (i <= text.length) {
    while (text[i] === ' ') i += 1;
    if (text[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) return undefined;
        if (text.startsWith('\\["]', i)) {
          value += '"';
          i += 4;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else value += text[i++];
      }
      args.push(value);
      quoted.push(true);
      while (text[i] === ' ') i += 1;
      if (i < text.length && text[i] !== ',') return undefined;
      i += 1;
    } else {
      const comma = text.indexOf(',', i);
      const to = comma < 0 ? text.length : comma;
      args.push(text.slice(i, to).trim());
      quoted.push(false);
      i = to + 1;
    }
  }
  return { args, quoted };
}

/** [LB6] Every TSPL label (`CLS` … `PRINT`) in `bytes`, with its fields; SIZE in mm at `dpi`. */
export function decodeTspl(bytes: Uint8Array, options: { dpi?: LabelDpi } = {}): LabelDecodeResult {
  const dpi = options.dpi ?? 203;
  const out = new Collector();
  const kept: number[] = [];
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i] === 0x1b && bytes[i + 1] === 0x21 && bytes[i + 2] === 0x3f) {
      out.statusRequests += 1;
      i += 2;
    } else kept.push(bytes[i] as number);
  }
  const source = iconv.decode(Buffer.from(kept), 'gb18030');
  let size: { width?: number; height?: number } = {};
  let label: DecodedLabel | undefined;
  const mmDots = (value: string | undefined) => {
    const match = /^\s*(\d{1,4}(?:\.\d+)?)\s*mm\s*$/i.exec(value ?? '');
    return match ? Math.round((Number(match[1]) * dpi) / 25.4) : undefined;
  };
  source.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const space = line.indexOf(' ');
    const command = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const parsed = tsplArgs(space < 0 ? '' : line.slice(space + 1));
    const where = `line ${index + 1}`;
    if (!parsed) return out.error(`${where}: an unterminated string`);
    const { args, quoted } = parsed;
    const n = (k: number) => (quoted[k] ? undefined : int(args[k]));
    /** The unquoted whole numbers at `ks`, or undefined when one is not. */
    const nums = <T extends number[]>(...ks: number[]): T | undefined => {
      const values = ks.map(n);
      return values.every((v) => v !== undefined) ? (values as T) : undefined;
    };
    const target = () => (label ??= { ...size, fields: [] });
    switch (command) {
      case 'SIZE':
        size = { width: mmDots(args[0]), height: mmDots(args[1]) };
        if (size.width === undefined || size.height === undefined) {
          out.error(`${where}: SIZE needs "<w> mm,<h> mm"`);
          size = {};
        }
        return;
      case 'GAP':
      case 'DIRECTION':
      case 'REFERENCE':
      case 'DENSITY':
      case 'SPEED':
      case 'CODEPAGE':
        return;
      case 'CLS':
        label = { ...size, fields: [] };
        return;
      case 'TEXT': {
        const v = nums<[number, number, number]>(0, 1, 5);
        if (!v || args.length !== 7 || !quoted[6]) {
          return out.error(`${where}: TEXT needs x,y,"font",rotation,x-scale,y-scale,"text"`);
        }
        const [x, y, scale] = v;
        return out.push(target(), {
          kind: 'text',
          x,
          y,
          height: TSPL_FONT_DOTS * scale,
          data: args[6] ?? '',
        });
      }
      case 'BARCODE': {
        const v = nums<[number, number, number, number]>(0, 1, 3, 6);
        if (!v || args.length !== 9 || !quoted[8]) {
          return out.error(
            `${where}: BARCODE needs x,y,"type",height,readable,rotation,narrow,wide,"data"`,
          );
        }
        const [x, y, height, narrow] = v;
        return out.push(target(), {
          kind: 'barcode',
          x,
          y,
          height,
          moduleWidth: narrow,
          data: args[8] ?? '',
        });
      }
      case 'QRCODE': {
        const v = nums<[number, number, number]>(0, 1, 3);
        const last = args.length - 1;
        if (!v || args.length < 7 || !quoted[last]) {
          return out.error(`${where}: QRCODE needs x,y,level,cell,mode,rotation,"data"`);
        }
        const [x, y, cell] = v;
        return out.push(target(), { kind: 'qr', x, y, cell, data: args[last] ?? '' });
      }
      case 'BOX': {
        const v = nums<[number, number, number, number, number]>(0, 1, 2, 3, 4);
        if (!v || v[2] < v[0] || v[3] < v[1]) {
          return out.error(`${where}: BOX needs x,y,x-end,y-end,thickness`);
        }
        const [x, y, xe, ye, t] = v;
        return out.push(target(), {
          kind: 'box',
          x,
          y,
          width: xe - x,
          height: ye - y,
          thickness: t,
        });
      }
      case 'PRINT':
        if (!label) return out.error(`${where}: PRINT with nothing drawn since CLS`);
        out.labels.push(label);
        label = undefined;
        return;
      default:
        return out.error(`${where}: unknown command ${command.slice(0, 20)}`);
    }
  });
  if (label) out.error('the last label has no PRINT');
  return out.result();
}
