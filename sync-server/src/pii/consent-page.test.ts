import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONSENT_PURPOSES, consentSummary, type ConsentEntry } from '@pos/domain';
import {
  CONSENT_PAGE_CSP,
  escapeHtml,
  parseConsentAnswer,
  pickLanguage,
  renderConsentPage,
} from './consent-page';

const FORM = 'application/x-www-form-urlencoded';

const entry = (purpose: ConsentEntry['purpose'], granted: boolean): ConsentEntry => ({
  id: `M1:${purpose}`,
  memberId: 'M1',
  purpose,
  granted,
  policyVersion: '2026-12',
  channel: 'customer-web',
  at: '2026-03-01T02:00:00.000Z',
});

const view = (entries: ConsentEntry[], maskedName = '张*') => ({
  action: '/consent/tok',
  maskedName,
  policyVersion: '2026-12',
  states: consentSummary(entries, 'M1'),
  expiresAt: '2026-03-01T02:30:00.000Z',
});

describe('consent page', () => {
  it('[CS2] escapes every value it shows', () => {
    const html = renderConsentPage(view([], '<img src=x onerror=alert(1)>'), 'zh-CN');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
  });

  it('[CS2] shows times in China; "do not agree" stands until the customer agrees', () => {
    const html = renderConsentPage(
      view([
        entry('tryon-suggestions', true),
        { ...entry('tryon-suggestions', false), id: 'M1:z' },
      ]),
      'zh-CN',
    );
    expect(html).toContain('当前：已撤回（2026年3月1日 10:00）');
    expect(html.match(/当前：未同意/g)).toHaveLength(3);
    expect(html.match(/value="no" checked/g)).toHaveLength(4);
    expect(html).not.toContain('value="yes" checked');
    expect(html).toContain('此链接在 2026年3月1日 10:30 前有效');
    const en = renderConsentPage(view([entry('marketing-messages', true)]), 'en');
    expect(en).toContain('Now: agreed (1 Mar 2026, 10:00)');
    expect(en).toContain('name="marketing-messages" value="yes" checked');
    expect(en).toContain('action="/consent/tok?lang=en"');
  });

  it('[CS2] the CSP lets nothing load or run: only the page’s own style, by hash', () => {
    expect(CONSENT_PAGE_CSP).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/,
    );
    expect(renderConsentPage(view([]), 'en')).not.toMatch(/<script|<link|<img|https?:/);
  });

  it('[CS2] picks the language from ?lang, then Accept-Language by weight, else Chinese', () => {
    expect(pickLanguage('en', 'zh-CN')).toBe('en');
    expect(pickLanguage('zh-CN', 'en')).toBe('zh-CN');
    expect(pickLanguage('fr', 'en')).toBe('zh-CN');
    expect(pickLanguage(null, 'en-GB,en;q=0.9')).toBe('en');
    expect(pickLanguage(null, 'zh-TW;q=0.4,en;q=0.8')).toBe('en');
    expect(pickLanguage(null, 'fr-FR,de;q=0.5')).toBe('zh-CN');
    expect(pickLanguage(null, undefined)).toBe('zh-CN');
  });

  it('[CS2] reads the form and JSON answers; anything else is refused whole', () => {
    expect(parseConsentAnswer(FORM, 'tryon-suggestions=yes&marketing-messages=no&lang=en')).toEqual(
      {
        ok: true,
        choices: { 'tryon-suggestions': true, 'marketing-messages': false },
      },
    );
    expect(parseConsentAnswer(`${FORM}; charset=UTF-8`, '')).toEqual({ ok: true, choices: {} });
    expect(
      parseConsentAnswer('application/json', '{"choices":{"personalised-offers":true}}'),
    ).toEqual({ ok: true, choices: { 'personalised-offers': true } });
    for (const [type, body] of [
      [FORM, 'tryon-suggestions=maybe'],
      [FORM, 'membership=yes'],
      [FORM, 'tryon-suggestions=yes&tryon-suggestions=no'],
      ['application/json', '{"choices":{"tryon-suggestions":"yes"}}'],
      ['application/json', '{"choices":[true]}'],
      ['application/json', '{'],
      ['text/plain', 'tryon-suggestions=yes'],
    ] as const) {
      expect(parseConsentAnswer(type, body).ok, `${type} ${body}`).toBe(false);
    }
  });

  it('[CS2] the answer parser is total: any body gives choices of known purposes or a reason', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(FORM, 'application/json', 'text/plain', undefined),
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .dictionary(
              fc.oneof(fc.constantFrom(...CONSENT_PURPOSES), fc.string()),
              fc.constantFrom('yes', 'no', ''),
            )
            .map((d) => new URLSearchParams(d).toString()),
        ),
        (type, body) => {
          const parsed = parseConsentAnswer(type, body);
          if (parsed.ok) {
            for (const [key, value] of Object.entries(parsed.choices)) {
              expect(CONSENT_PURPOSES).toContain(key);
              expect(typeof value).toBe('boolean');
            }
          } else {
            expect(parsed.reason.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});
