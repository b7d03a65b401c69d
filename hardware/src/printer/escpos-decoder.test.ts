import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, encodeText, escpos } from './escpos';
import { EscPosDecoder, decodeEscPos, type EscPosRecord } from './escpos-decoder';
import { printableText } from './text-width';

const bytes = (...values: number[]) => Uint8Array.of(...values);
const texts = (records: EscPosRecord[]) =>
  records.flatMap((r) => (r.kind === 'line' ? [r.text] : []));
const errors = (records: EscPosRecord[]) =>
  records.flatMap((r) => (r.kind === 'error' ? [r.code] : []));

describe('EscPosDecoder', () => {
  it('decodes text lines with their style, feeds, cuts and drawer kicks', () => {
    const records = decodeEscPos(
      concatBytes([
        escpos.init(),
        escpos.align('center'),
        escpos.bold(true),
        escpos.size(2, 2),
        escpos.line('可口可乐 Cola'),
        escpos.size(1, 1),
        escpos.bold(false),
        escpos.align('left'),
        escpos.line('plain'),
        escpos.line(),
        escpos.feed(3),
        escpos.partialCut(),
        escpos.drawerKick(),
      ]),
    );
    expect(records).toEqual([
      { kind: 'init' },
      {
        kind: 'line',
        text: '可口可乐 Cola',
        style: { align: 'center', bold: true, width: 2, height: 2 },
      },
      { kind: 'line', text: 'plain', style: { align: 'left', bold: false, width: 1, height: 1 } },
      { kind: 'line', text: '', style: { align: 'left', bold: false, width: 1, height: 1 } },
      { kind: 'feed', lines: 3 },
      { kind: 'cut', partial: true },
      { kind: 'drawer-kick', m: 0, t1: 25, t2: 250 },
    ]);
  });

  it('understands full cuts, ESC ! and ASCII inside Chinese mode', () => {
    const records = decodeEscPos(
      bytes(
        0x1b,
        0x21,
        0x38,
        0x1c,
        0x26,
        0xd6,
        0xd0,
        0x41,
        0x1c,
        0x2e,
        0x0a,
        0x1d,
        0x56,
        0x00,
        0x1d,
        0x56,
        0x41,
        0x05,
      ),
    );
    expect(records).toEqual([
      { kind: 'line', text: '中A', style: { align: 'left', bold: true, width: 2, height: 2 } },
      { kind: 'cut', partial: false },
      { kind: 'cut', partial: false },
    ]);
  });

  it('[DE1] reports unknown commands, bad arguments and stray bytes, and goes on', () => {
    const records = decodeEscPos(
      bytes(
        0x41,
        0x1b,
        0x5a,
        0x42,
        0x07,
        0x43,
        0x1b,
        0x61,
        0x09,
        0x1b,
        0x70,
        0x07,
        0,
        0,
        0xe9,
        0x0a,
      ),
    );
    expect(errors(records)).toEqual([
      'UNKNOWN_COMMAND',
      'UNKNOWN_COMMAND',
      'BAD_ARGUMENT',
      'BAD_ARGUMENT',
      'UNSUPPORTED_BYTE',
    ]);
    expect(texts(records)).toEqual(['ABC\ufffd']);
    expect(records[0]).toEqual({
      kind: 'error',
      code: 'UNKNOWN_COMMAND',
      offset: 1,
      bytes: '1b 5a',
      message: 'ESC Z is not supported',
    });
  });

  it('[WC1] decodes WPC1252 after ESC t 16; without a code page a high byte is an error', () => {
    expect(texts(decodeEscPos(escpos.line('Crème brûlée €5 “Zoë” 中文')))).toEqual([
      'Crème brûlée €5 “Zoë” 中文',
    ]);
    const other = decodeEscPos(bytes(0x1b, 0x74, 0x00, 0xe9, 0x0a));
    expect(errors(other)).toEqual(['UNSUPPORTED_BYTE']);
    expect(other[0]).toMatchObject({
      message: 'byte 0xe9 outside Chinese mode: code page 0 is not WPC1252 (16)',
    });
    // ESC @ forgets the code page, as printers do.
    const reset = concatBytes([escpos.codePage(), escpos.init(), bytes(0xe9, 0x0a)]);
    expect(errors(decodeEscPos(reset))).toEqual(['UNSUPPORTED_BYTE']);
  });

  it('[DE4] reports a QR code (GS ( k) with its content, model, error correction and size', () => {
    const records = decodeEscPos(
      concatBytes([
        escpos.line('above'),
        escpos.qrCode('R.收据-1', { moduleSize: 4, errorCorrection: 'Q' }),
      ]),
    );
    expect(records.at(-1)).toEqual({
      kind: 'qr',
      data: 'R.收据-1',
      model: 2,
      errorCorrection: 'Q',
      size: 4,
    });
    // Text before the symbol is printed first.
    const pending = decodeEscPos(concatBytes([escpos.text('x'), escpos.qrCode('Q')]));
    expect(pending.map((r) => r.kind)).toEqual(['line', 'qr']);
  });

  it('[DE4] reports barcodes (GS k) with their text: Code 128 sets B and C, and NUL-ended EAN-13', () => {
    expect(decodeEscPos(escpos.code128('R.S1-{42}'))).toEqual([
      {
        kind: 'barcode',
        symbology: 'CODE128',
        data: 'R.S1-{42}',
        hri: 'below',
        width: 2,
        height: 80,
      },
    ]);
    // {C: digit pairs as bytes 12, 34, 5; then {B "A"
    const setC = bytes(0x1d, 0x6b, 73, 8, 0x7b, 0x43, 12, 34, 5, 0x7b, 0x42, 0x41);
    expect(decodeEscPos(setC)).toMatchObject([
      { symbology: 'CODE128', data: '123405A', hri: 'none' },
    ]);
    const ean = bytes(0x1d, 0x6b, 2, ...Buffer.from('6901234567892'), 0);
    expect(decodeEscPos(ean)).toMatchObject([{ symbology: 'EAN13', data: '6901234567892' }]);
  });

  it('[DE1][DE4] malformed QR and barcode commands are error records, and decoding goes on', () => {
    const records = decodeEscPos(
      concatBytes([
        bytes(0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30), // print with nothing stored
        bytes(0x1d, 0x28, 0x6b, 3, 0, 0x32, 0x41, 0x00), // not QR
        bytes(0x1d, 0x6b, 73, 2, 0x41, 0x42), // Code 128 without a code set
        bytes(0x1d, 0x6b, 99, 0x41), // unknown system
        bytes(0x1d, 0x77, 9), // module width 9
        escpos.line('still here'),
      ]),
    );
    expect(errors(records)).toEqual([
      'BAD_ARGUMENT',
      'BAD_ARGUMENT',
      'BAD_ARGUMENT',
      'BAD_ARGUMENT',
      'BAD_ARGUMENT',
    ]);
    expect(texts(records)).toEqual(['Astill here']);
  });

  it('[DE1] reports malformed GB18030 in Chinese mode', () => {
    const records = decodeEscPos(bytes(0x1c, 0x26, 0xd6, 0x20, 0x80, 0x0a));
    expect(errors(records)).toEqual(['MALFORMED_TEXT', 'MALFORMED_TEXT']);
    expect(texts(records)).toEqual(['\ufffd \ufffd']);
  });

  it('[DE1] reports a stream that ends inside a command or before a line end', () => {
    expect(errors(decodeEscPos(bytes(0x41, 0x0a, 0x1b, 0x70, 0x00)))).toEqual(['TRUNCATED']);
    expect(decodeEscPos(bytes(0x41, 0x42))).toEqual([
      {
        kind: 'error',
        code: 'UNPRINTED_TEXT',
        offset: 2,
        bytes: '',
        message: 'text without a line end was never printed: "AB"',
      },
    ]);
  });

  it('[DE2] a command split across chunks decodes once complete', () => {
    const decoder = new EscPosDecoder();
    expect(decoder.push(bytes(0x1b, 0x70))).toEqual([]);
    expect(decoder.push(bytes(0x00, 0x19))).toEqual([]);
    expect(decoder.push(bytes(0xfa, 0x1c, 0x26, 0xd6))).toEqual([
      { kind: 'drawer-kick', m: 0, t1: 25, t2: 250 },
    ]);
    expect(texts(decoder.push(bytes(0xd0, 0x0a)))).toEqual(['中']);
  });

  it('[DE3] cuts a line that never ends, so memory stays bounded', () => {
    const decoder = new EscPosDecoder({ maxLineLength: 10 });
    const records = decoder.push(new Uint8Array(25).fill(0x41));
    expect(errors(records)).toEqual(['LINE_TOO_LONG', 'LINE_TOO_LONG']);
    expect(texts(records)).toEqual(['A'.repeat(10), 'A'.repeat(10)]);
  });

  it('[DE1] never throws on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (input) => {
        const records = decodeEscPos(input);
        for (const record of records) {
          if (record.kind === 'error') expect(record.message).not.toBe('');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('[DE2] any chunking gives the same records as one chunk', () => {
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .array(
          fc.constantFrom(
            0x1b,
            0x1c,
            0x1d,
            0x26,
            0x2e,
            0x70,
            0x56,
            0x42,
            0x0a,
            0xd6,
            0xd0,
            0x81,
            0x30,
            0x41,
            0x28,
            0x6b,
            0x74,
            0x10,
            0x31,
            0x50,
            0x51,
            0x49,
            0x7b,
            0x00,
            0x03,
            0xe9,
          ),
          { maxLength: 300 },
        )
        .map((values) => Uint8Array.from(values)),
    );
    fc.assert(
      fc.property(input, fc.array(fc.nat(300), { maxLength: 12 }), (stream, cuts) => {
        const decoder = new EscPosDecoder();
        const records: EscPosRecord[] = [];
        let start = 0;
        for (const cut of [...cuts].sort((a, b) => a - b).concat(stream.length)) {
          const end = Math.min(stream.length, Math.max(start, cut));
          records.push(...decoder.push(stream.subarray(start, end)));
          start = end;
        }
        records.push(...decoder.end());
        expect(records).toEqual(decodeEscPos(stream));
      }),
      { numRuns: 300 },
    );
  });

  it('[EP1][EP2] any text encodes to one line that decodes to the printable text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const records = decodeEscPos(escpos.line(text));
        expect(records).toEqual([
          {
            kind: 'line',
            text: printableText(text),
            style: { align: 'left', bold: false, width: 1, height: 1 },
          },
        ]);
        expect(encodeText(text).includes(0x0a)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
