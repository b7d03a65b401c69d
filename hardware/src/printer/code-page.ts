/**
 * The single-byte code page for Latin text: WPC1252 (Windows-1252), selected
 * with `ESC t 16`. [WC1] It holds every Latin-1 letter (é, ü, ß, ñ, ø …), €,
 * typographic quotes and dashes, so Western names print as one column each,
 * and Epson, Xprinter, Rongta and Sunmi printers all have it (as table 16).
 * Characters outside it print in Chinese mode (GB18030, two columns).
 * Pure and dependency-free: the renderer's width math uses it too.
 */

/** `ESC t n` table number of WPC1252 on Epson-compatible printers. */
export const WPC1252_TABLE = 16;

/** Windows-1252 bytes 0x80–0x9F (the rest, 0xA0–0xFF, equal Latin-1 / U+00A0–U+00FF). */
const HIGH_SPECIALS: Record<number, string> = {
  0x80: '€',
  0x82: '‚',
  0x83: 'ƒ',
  0x84: '„',
  0x85: '…',
  0x86: '†',
  0x87: '‡',
  0x88: 'ˆ',
  0x89: '‰',
  0x8a: 'Š',
  0x8b: '‹',
  0x8c: 'Œ',
  0x8e: 'Ž',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x95: '•',
  0x96: '–',
  0x97: '—',
  0x98: '˜',
  0x99: '™',
  0x9a: 'š',
  0x9b: '›',
  0x9c: 'œ',
  0x9e: 'ž',
  0x9f: 'Ÿ',
};

const TO_BYTE = new Map<string, number>();
const TO_CHAR = new Map<number, string>();
for (const [byte, char] of Object.entries(HIGH_SPECIALS)) {
  TO_BYTE.set(char, Number(byte));
  TO_CHAR.set(Number(byte), char);
}
for (let byte = 0xa0; byte <= 0xff; byte++) {
  TO_BYTE.set(String.fromCharCode(byte), byte);
  TO_CHAR.set(byte, String.fromCharCode(byte));
}

/** [WC1] The WPC1252 byte of a non-ASCII character, or undefined when the code page lacks it. */
export function wpc1252Byte(char: string): number | undefined {
  return TO_BYTE.get(char);
}

/** [WC1] The character a WPC1252 byte (0x80–0xFF) prints, or undefined for the five unused bytes. */
export function wpc1252Char(byte: number): string | undefined {
  return TO_CHAR.get(byte);
}
