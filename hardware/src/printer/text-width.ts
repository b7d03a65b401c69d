/**
 * Column math for receipt text. [W1] Printable ASCII and the Latin characters
 * of the WPC1252 code page (é, ü, €, see code-page.ts) take one column; every
 * other character is sent in the printer's Chinese (Kanji) mode and printed
 * as a full-width glyph, so it takes two. [W2] Control characters and lone
 * surrogates are replaced by '?', so text can never inject printer commands.
 * [W3] Padding and truncation work in columns and never split a character.
 */
import { wpc1252Byte } from './code-page';

/** [W2] The text as it will be printed: NFC, controls and lone surrogates replaced by '?'. */
export function printableText(text: string): string {
  return text.normalize('NFC').replace(/\p{Cc}|\p{Cs}/gu, '?');
}

/** [W1] Columns one character takes (after printableText). */
export function charWidth(char: string): 1 | 2 {
  const code = char.codePointAt(0) ?? 0x3f;
  return (code >= 0x20 && code <= 0x7e) || wpc1252Byte(char) !== undefined ? 1 : 2;
}

/** [W1] Columns the text takes on paper. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of printableText(text)) width += charWidth(char);
  return width;
}

/** [W3] The longest prefix that fits in `columns`. */
export function truncateToWidth(text: string, columns: number): string {
  let width = 0;
  let out = '';
  for (const char of printableText(text)) {
    width += charWidth(char);
    if (width > columns) break;
    out += char;
  }
  return out;
}

/** [W3] Truncates, then pads with spaces on the right to exactly `columns`. */
export function padEndToWidth(text: string, columns: number): string {
  const fitted = truncateToWidth(text, columns);
  return fitted + ' '.repeat(columns - displayWidth(fitted));
}

/** Pads with spaces on the left to `columns`; never truncates (figures must stay whole). */
export function padStartToWidth(text: string, columns: number): string {
  const safe = printableText(text);
  return ' '.repeat(Math.max(0, columns - displayWidth(safe))) + safe;
}

/**
 * `left` then `right` ending at the last column. `right` is kept whole; `left`
 * is truncated so at least one space separates them.
 */
export function justifyToWidth(left: string, right: string, columns: number): string {
  const safeRight = printableText(right);
  const rightWidth = displayWidth(safeRight);
  const fitted = truncateToWidth(left, Math.max(0, columns - rightWidth - 1));
  const gap = Math.max(fitted ? 1 : 0, columns - displayWidth(fitted) - rightWidth);
  return fitted + ' '.repeat(gap) + safeRight;
}

/**
 * [W3] Breaks text into lines of at most `columns`, at the last space when the
 * line has one, else between characters (Chinese has no spaces).
 */
export function wrapToWidth(text: string, columns: number): string[] {
  const lines: string[] = [];
  let chars: string[] = [];
  let width = 0;
  for (const char of printableText(text)) {
    const w = charWidth(char);
    if (char === ' ' && width + w > columns) {
      lines.push(chars.join('').trimEnd()); // a space at the edge ends the line
      chars = [];
      width = 0;
      continue;
    }
    while (width + w > columns && chars.length > 0) {
      const space = chars.lastIndexOf(' ');
      const carried = space > 0 ? chars.splice(space + 1) : [];
      lines.push(chars.join('').trimEnd());
      chars = carried;
      width = displayWidth(carried.join(''));
    }
    if (chars.length === 0 && char === ' ') continue;
    chars.push(char);
    width += w;
  }
  if (chars.length > 0) lines.push(chars.join('').trimEnd());
  return lines;
}
