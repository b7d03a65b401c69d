/**
 * GTIN barcodes (EAN-13, EAN-8, UPC-A, GTIN-14). See SPEC.md [B1]-[B3].
 */
export type GtinKind = 'EAN-8' | 'UPC-A' | 'EAN-13' | 'GTIN-14';

export type GtinResult =
  | { ok: true; gtin: string; kind: GtinKind }
  | { ok: false; code: 'BARCODE_FORMAT' | 'BARCODE_CHECK_DIGIT'; message: string };

const KIND_BY_LENGTH: Record<number, GtinKind> = {
  8: 'EAN-8',
  12: 'UPC-A',
  13: 'EAN-13',
  14: 'GTIN-14',
};

/** [B1] The GS1 mod-10 check digit of the digits before it. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * [B2] Validates a scanned or typed GTIN and normalises it to 14 digits
 * (left-padded with zeros), so every form of one product finds one record.
 * [B3] A wrong length, a non-digit or a wrong check digit is a clear error.
 */
export function parseGtin(input: string): GtinResult {
  const code = input.trim();
  const kind = KIND_BY_LENGTH[code.length];
  if (!/^\d+$/.test(code) || !kind) {
    return {
      ok: false,
      code: 'BARCODE_FORMAT',
      message: `"${input}" is not a product barcode (expected 8, 12, 13 or 14 digits)`,
    };
  }
  const expected = gs1CheckDigit(code.slice(0, -1));
  if (expected !== Number(code.slice(-1))) {
    return {
      ok: false,
      code: 'BARCODE_CHECK_DIGIT',
      message: `"${code}" has a wrong check digit (expected ${expected}); scan again or type it carefully`,
    };
  }
  return { ok: true, gtin: code.padStart(14, '0'), kind };
}

/** Appends the check digit: makeEan13('690123456789') === '6901234567892'. */
export function withCheckDigit(body: string): string {
  if (!/^\d+$/.test(body)) throw new Error(`"${body}" must be digits`);
  return body + String(gs1CheckDigit(body));
}
