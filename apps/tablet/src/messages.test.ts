import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '@pos/domain';
import { CODE_WORDS, say, saidText, statusText, TABLET_MESSAGES_ZH } from './messages';

const here = new URL('.', import.meta.url);
const read = (relative: string) => readFileSync(new URL(relative, here), 'utf8');
const screenFiles = [
  'App.tsx',
  ...readdirSync(new URL('./screens/', here))
    .filter((f) => f.endsWith('.tsx'))
    .map((f) => `screens/${f}`),
];

/** Codes a source file refuses or notifies with: `refuse('CODE'`, `code: 'CODE'`. */
function codesIn(source: string): string[] {
  return [...source.matchAll(/(?:refuse\(\s*|\bcode:\s*)'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!);
}

describe('the tablet in zh-CN and en [TA4]', () => {
  it('has zh-CN words for every English text the screens say', () => {
    const said = screenFiles.flatMap((file) =>
      [...read(file).matchAll(/\bt\(\s*(['"])((?:(?!\1).)+)\1/g)].map((m) => m[2]!),
    );
    expect(said.length).toBeGreaterThan(100);
    const missing = [...new Set(said)].filter((text) => !(text in TABLET_MESSAGES_ZH));
    expect(missing).toEqual([]);
  });

  it('words every code the screens raise themselves, in both languages', () => {
    const raised = [...new Set(screenFiles.flatMap((file) => codesIn(read(file))))];
    expect(raised.length).toBeGreaterThan(2);
    for (const code of raised) {
      expect(saidText('zh-CN', { code, text: 'English words' }), code).not.toBe('English words');
    }
  });

  it('words every code the clerk desk and the clerk API can answer with, in both languages', () => {
    const clerkDir = new URL('../../../packages/app-core/src/clerk/', here);
    const desk = readdirSync(clerkDir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('fixture'))
      .flatMap((f) => codesIn(readFileSync(new URL(f, clerkDir), 'utf8')));
    // The clerk API's refusals named in the wire contract (409s and their codes).
    const api = [
      ...read('../../../packages/domain/src/clerk-api.ts').matchAll(/`([A-Z][A-Z_]+)`/g),
    ].map((m) => m[1]!);
    expect(api).toEqual(
      expect.arrayContaining(['OUT_OF_STOCK', 'NOT_ROUTABLE', 'PRICE_CHANGED', 'CREDIT_STALE']),
    );
    // The clerk API's refusals as the server sends them: `refusal(409, 'CODE'` or `code: 'CODE'`.
    const serverDir = new URL('../../../sync-server/src/clerk/', here);
    const server = readdirSync(serverDir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => [
        ...[
          ...readFileSync(new URL(f, serverDir), 'utf8').matchAll(
            /(?:refusal\(\s*\d+,\s*|\bcode:\s*)'([A-Z][A-Z0-9_]+)'/g,
          ),
        ].map((m) => m[1]!),
      ]);
    expect(server).toEqual(expect.arrayContaining(['CREDIT_NOT_APPROVED']));
    const missing = [...new Set([...desk, ...api, ...server])].filter((code) => {
      const words = CODE_WORDS[code];
      return !words || !words.zh.trim() || !words.en.trim();
    });
    expect(missing).toEqual([]);
  });

  it('gives each code the same placeholders in both languages (Chinese may leave out the reason)', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
    for (const [code, words] of Object.entries(CODE_WORDS)) {
      const en = names(words.en).filter((n) => n !== 'reason');
      const zh = names(words.zh).filter((n) => n !== 'reason');
      expect(zh, code).toEqual(en);
    }
  });

  it('words a refusal by its code, with its values, in either language', () => {
    const out = { code: 'OUT_OF_STOCK', text: '徐汇店 has 1 of TEE-01-WH-M, not 2' };
    expect(saidText('zh-CN', out)).toBe('库存不足，订单未提交：请调整数量或换一家门店');
    expect(saidText('en', out)).toBe(
      'Not enough stock, nothing was ordered: 徐汇店 has 1 of TEE-01-WH-M, not 2',
    );
    // The server's own spelling of a code is the same code.
    expect(saidText('zh-CN', { ...out, code: 'out_of_stock' })).toBe(saidText('zh-CN', out));
    expect(
      saidText('zh-CN', { code: 'STAFF_UNKNOWN', text: 'No staff S9', params: { staffId: 'S9' } }),
    ).toBe('没有员工 S9');
    expect(
      saidText('en', { code: 'STAFF_UNKNOWN', text: 'No staff S9', params: { staffId: 'S9' } }),
    ).toBe('No staff member S9');
  });

  it('leaves out a value the use case did not give, rather than show a placeholder', () => {
    const zh = saidText('zh-CN', { code: 'ORDER_NOT_FOUND', text: 'No such order' });
    expect(zh).not.toMatch(/[{}]/);
    expect(saidText('en', { code: 'ORDER_NOT_FOUND', text: 'No such order' })).toBe(
      'No such order',
    );
    expect(
      saidText('zh-CN', { code: 'CREDIT_INVALID', text: 'shares add up to 9000' }),
    ).not.toMatch(/[{}]/);
  });

  it('takes the till’s words for the till’s codes, and the English words for an unknown code', () => {
    expect(
      saidText('zh-CN', {
        code: 'PICKUP_CODE_UNKNOWN',
        text: 'No open order',
        params: { code: '111111', left: '4' },
      }),
    ).toBe('本店没有取货码为 111111 的待取订单：请与顾客核对（还可尝试 4 次）');
    expect(saidText('zh-CN', { code: 'SOMETHING_NEW', text: 'Something new happened' })).toBe(
      'Something new happened',
    );
    expect(saidText('en', { code: 'PICKUP_CODE_UNKNOWN', text: 'No open order' })).toBe(
      'No open order',
    );
  });

  it('fills placeholders and names every order status in both languages', () => {
    expect(say('zh-CN', '{n} available', { n: 3 })).toBe('可售 3');
    expect(say('en', '{n} available', { n: 3 })).toBe('3 available');
    const statuses = ORDER_STATUSES;
    for (const s of statuses) {
      expect(statusText('zh-CN', s)).toMatch(/[\u4e00-\u9fff]/);
      expect(statusText('en', s)).toMatch(/^[A-Z]/);
    }
  });
});
