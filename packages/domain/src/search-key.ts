/**
 * Searching products by name as a cashier types it: Latin letters in any
 * case, Chinese characters, or the pinyin of the Chinese, spelt out
 * ("niunai") or as initials ("nn" finds 牛奶). Pure. See SPEC.md [SK1]-[SK3].
 */
import { pinyin } from 'pinyin-pro';

/** What a product's name can be found by. */
export type SearchKey = {
  /** The name, NFKC, lower case, without spaces. */
  text: string;
  /** The pinyin of its Chinese characters, spelt out, without tones or spaces. */
  pinyin: string;
  /** The first letter of each Chinese character's pinyin. */
  initials: string;
};

const HAN = /[\u3400-\u9fff\uf900-\ufaff]+/gu;

/** [SK2] What a typed query is matched as: NFKC, lower case, no spaces; at most 100 characters. */
export function normaliseQuery(input: string): string {
  return input.normalize('NFKC').toLowerCase().replace(/\s+/gu, '').slice(0, 100);
}

/**
 * [SK1] A product name's search key. The pinyin of each run of Chinese
 * characters is read as a whole, so a character with several readings gets
 * the one its neighbours give it ([SK3]: 银行 is yinhang). `runs` caches the
 * readings of runs already seen: a catalog repeats its brands and words, so
 * keying a whole catalog reads each run once.
 */
export function searchKey(name: string, runs?: Map<string, readonly string[]>): SearchKey {
  const text = normaliseQuery(name);
  let full = '';
  let initials = '';
  for (const [run] of text.matchAll(HAN)) {
    let syllables = runs?.get(run);
    if (!syllables) {
      syllables = pinyin(run, { toneType: 'none', type: 'array', v: true }).map((s) =>
        s.toLowerCase(),
      );
      runs?.set(run, syllables);
    }
    for (const syllable of syllables) {
      full += syllable;
      initials += syllable.charAt(0);
    }
  }
  return { text, pinyin: full, initials };
}

/** [SK2] Whether a normalised query finds the product with this key. */
export function matchesSearchKey(key: SearchKey, query: string): boolean {
  if (query === '') return false;
  return key.text.includes(query) || key.pinyin.includes(query) || key.initials.includes(query);
}
