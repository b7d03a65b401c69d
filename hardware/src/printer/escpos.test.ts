import { describe, expect, it } from 'vitest';
import { code128, encodeText, escpos, qrCode } from './escpos';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').match(/../g)?.join(' ') ?? '';

describe('ESC/POS commands', () => {
  it('writes the documented bytes', () => {
    expect(hex(escpos.init())).toBe('1b 40');
    expect(hex(escpos.bold(true))).toBe('1b 45 01');
    expect(hex(escpos.bold(false))).toBe('1b 45 00');
    expect(hex(escpos.align('center'))).toBe('1b 61 01');
    expect(hex(escpos.align('right'))).toBe('1b 61 02');
    expect(hex(escpos.size(2, 2))).toBe('1d 21 11');
    expect(hex(escpos.size(1, 1))).toBe('1d 21 00');
    expect(hex(escpos.feed(3))).toBe('1b 64 03');
    expect(hex(escpos.partialCut())).toBe('1d 56 42 00');
  });

  it('[EP3] kicks the drawer on pin 2 with 50 ms on and 500 ms off', () => {
    expect(hex(escpos.drawerKick())).toBe('1b 70 00 19 fa');
    expect(hex(escpos.drawerKick({ pin: 1, onTime: 50, offTime: 50 }))).toBe('1b 70 01 32 32');
  });

  it('[EP1] sends ASCII as-is and Chinese as GB18030 inside FS & … FS .', () => {
    expect(hex(encodeText('Cola'))).toBe('43 6f 6c 61');
    // 中 = D6 D0, 文 = CE C4 in GB18030 (as in GB2312)
    expect(hex(encodeText('A中文B'))).toBe('41 1c 26 d6 d0 ce c4 1c 2e 42');
    expect(hex(escpos.line('x'))).toBe('78 0a');
  });

  it('[EP1][WC1] sends Latin letters and € in code page WPC1252 (ESC t 16), one byte each', () => {
    // é = E9, ü = FC, € = 80 in Windows-1252
    expect(hex(encodeText('Café'))).toBe('43 61 66 1b 74 10 e9');
    expect(hex(encodeText('ü€ 中'))).toBe('1b 74 10 fc 80 20 1c 26 d6 d0 1c 2e');
    expect(hex(encodeText('é中ü'))).toBe('1b 74 10 e9 1c 26 d6 d0 1c 2e 1b 74 10 fc');
  });

  it('[EP4] a QR code: model 2, module size, error correction M, store, print', () => {
    expect(hex(qrCode('AB', { moduleSize: 6, errorCorrection: 'M' }))).toBe(
      [
        '1d 28 6b 04 00 31 41 32 00', // model 2
        '1d 28 6b 03 00 31 43 06', // 6-dot modules
        '1d 28 6b 03 00 31 45 31', // error correction M
        '1d 28 6b 05 00 31 50 30 41 42', // store "AB" (pL = 2 + 3)
        '1d 28 6b 03 00 31 51 30', // print
      ].join(' '),
    );
    const long = qrCode('x'.repeat(300));
    expect(hex(long.subarray(25, 33))).toBe('1d 28 6b 2f 01 31 50 30'); // 303 = 0x012F
  });

  it('[EP4] a Code 128 in code set B with its text below; a brace is doubled', () => {
    expect(hex(code128('R{1', { moduleWidth: 2, height: 80 }))).toBe(
      '1d 48 02 1d 66 00 1d 68 50 1d 77 02 1d 6b 49 06 7b 42 52 7b 7b 31',
    );
    expect(() => code128('中')).toThrow(RangeError);
    expect(() => code128('')).toThrow(RangeError);
  });

  it('[EP2] text never carries control bytes', () => {
    expect(hex(encodeText('A\x1bpB\n'))).toBe('41 3f 70 42 3f');
  });
});
