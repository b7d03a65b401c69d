import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatReader,
  PlanarYUVLuminanceSource,
} from '@zxing/library';
import { barcodeLuma, ean13CheckDigit, ean13Modules, FRAME, y4mOf } from './fake-camera';

/** What ZXing, the tablet's own decoder, reads in one luma plane. */
function decode(luma: Uint8Array): { text: string; format: BarcodeFormat } {
  const { width, height } = FRAME;
  const yuv = new Uint8ClampedArray(luma.buffer, luma.byteOffset, luma.length);
  const source = new PlanarYUVLuminanceSource(yuv, width, height, 0, 0, width, height, false);
  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.EAN_13]],
  ]);
  const result = reader.decode(new BinaryBitmap(new HybridBinarizer(source)), hints);
  return { text: result.getText(), format: result.getBarcodeFormat() };
}

const withCheckDigit = (twelve: string) => `${twelve}${ean13CheckDigit(twelve)}`;

describe('the fake camera: EAN-13 drawn in a Y4M video', () => {
  it('computes the standard check digit', () => {
    expect(ean13CheckDigit('690123456789')).toBe(2);
    expect(ean13CheckDigit('400638133393')).toBe(1);
  });

  it('encodes the standard modules (start, centre and end guards, 95 modules)', () => {
    const modules = ean13Modules('4006381333931');
    expect(modules).toHaveLength(95);
    expect(modules.slice(0, 3)).toBe('101');
    expect(modules.slice(45, 50)).toBe('01010');
    expect(modules.slice(92)).toBe('101');
  });

  it('refuses a code with a wrong check digit or not 13 digits, clearly', () => {
    expect(() => ean13Modules('4006381333932')).toThrow(/wrong check digit/);
    expect(() => ean13Modules('12345')).toThrow(/13 digits/);
  });

  it('ZXing reads back any code drawn in the luma plane', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), (twelve) => {
        const code = withCheckDigit(twelve);
        expect(decode(barcodeLuma(code))).toEqual({ text: code, format: BarcodeFormat.EAN_13 });
      }),
      { numRuns: 60 },
    );
  });

  it('writes a Y4M stream: the header, then frames of luma and grey chroma', () => {
    const luma = barcodeLuma('6901234567892');
    const video = y4mOf(luma, 3);
    const header = 'YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n';
    expect(video.subarray(0, header.length).toString()).toBe(header);
    const frameBytes = 'FRAME\n'.length + 640 * 480 * 1.5;
    expect(video.length).toBe(header.length + 3 * frameBytes);
    const second = header.length + frameBytes;
    expect(video.subarray(second, second + 6).toString()).toBe('FRAME\n');
    const plane = video.subarray(second + 6, second + 6 + 640 * 480);
    expect(decode(new Uint8Array(plane)).text).toBe('6901234567892');
  });
});
