/**
 * The customer-facing consent page: what the customer sees on their own
 * phone after scanning the QR code from a till, in Chinese by default or in
 * English. Pure: it renders HTML from the member's consent state and parses
 * the form the page sends. No script, no external asset; every value is
 * escaped. See SPEC.md [CS2].
 */
import { createHash } from 'node:crypto';
import { isConsentPurpose, type ConsentPurpose, type ConsentState } from '@pos/domain';

export type PageLanguage = 'zh-CN' | 'en';

type PurposeText = { title: string; text: string };

type PageText = {
  title: string;
  heading: string;
  member: (maskedName: string) => string;
  lead: string;
  policy: (version: string) => string;
  purposes: Record<ConsentPurpose, PurposeText>;
  yes: string;
  no: string;
  granted: (at: string) => string;
  withdrawn: (at: string) => string;
  never: string;
  save: string;
  saved: string;
  unchanged: string;
  validUntil: (at: string) => string;
  otherLanguage: string;
  problems: Record<PageProblem, { heading: string; text: string }>;
};

/** Why the page cannot be shown or the answer was not taken. */
export type PageProblem = 'unknown' | 'expired' | 'inactive' | 'bad-answer';

const TEXT: Record<PageLanguage, PageText> = {
  'zh-CN': {
    title: '个人信息授权',
    heading: '您的个人信息授权',
    member: (name) => `会员：${name}`,
    lead: '以下每一项可以分别同意或不同意，之后也可以随时更改或撤回。不同意不影响您的会员身份和积分。',
    policy: (v) => `依据隐私政策（版本 ${v}）`,
    purposes: {
      'marketing-messages': {
        title: '营销信息',
        text: '通过短信、企业微信或小程序向您发送优惠和活动信息。',
      },
      'tryon-suggestions': {
        title: '试穿推荐',
        text: '根据您在门店试穿过的商品，向您推荐搭配和相似款式。',
      },
      'personalised-offers': {
        title: '个性化优惠',
        text: '根据您的购买记录，为您挑选优惠。',
      },
      'cross-border-transfer': {
        title: '向境外提供',
        text: '将您的个人信息提供给中国境外的接收方（例如境外总部）处理。',
      },
    },
    yes: '同意',
    no: '不同意',
    granted: (at) => `当前：已同意（${at}）`,
    withdrawn: (at) => `当前：已撤回（${at}）`,
    never: '当前：未同意',
    save: '保存我的选择',
    saved: '已保存。撤回即时生效。',
    unchanged: '您的选择没有变化。',
    validUntil: (at) => `此链接在 ${at} 前有效，仅供您本人使用。`,
    otherLanguage: 'English',
    problems: {
      unknown: { heading: '链接无效', text: '此链接不存在。请在门店请店员重新生成二维码。' },
      expired: { heading: '链接已过期', text: '此链接已失效。请在门店请店员重新生成二维码。' },
      inactive: { heading: '无法授权', text: '此会员账户已注销或关闭。' },
      'bad-answer': { heading: '无法保存', text: '提交的内容无法识别，未作任何更改。请返回重试。' },
    },
  },
  en: {
    title: 'Your privacy choices',
    heading: 'Your privacy choices',
    member: (name) => `Member: ${name}`,
    lead: 'You can agree or not to each item separately, and change or withdraw it at any time. Saying no does not affect your membership or your points.',
    policy: (v) => `Under our privacy policy (version ${v})`,
    purposes: {
      'marketing-messages': {
        title: 'Marketing messages',
        text: 'We send you offers and news by SMS, WeCom or our mini program.',
      },
      'tryon-suggestions': {
        title: 'Suggestions from your try-ons',
        text: 'We suggest matching and similar items based on what you tried on in our stores.',
      },
      'personalised-offers': {
        title: 'Personalised offers',
        text: 'We choose offers for you from what you have bought.',
      },
      'cross-border-transfer': {
        title: 'Transfer outside China',
        text: 'Your personal information may be given to recipients outside mainland China (for example our head office) to be processed.',
      },
    },
    yes: 'Agree',
    no: 'Do not agree',
    granted: (at) => `Now: agreed (${at})`,
    withdrawn: (at) => `Now: withdrawn (${at})`,
    never: 'Now: not agreed',
    save: 'Save my choices',
    saved: 'Saved. A withdrawal takes effect at once.',
    unchanged: 'Your choices have not changed.',
    validUntil: (at) => `This link works until ${at} and is for you only.`,
    otherLanguage: '中文',
    problems: {
      unknown: {
        heading: 'Link not valid',
        text: 'This link does not exist. Ask a clerk in the store for a new QR code.',
      },
      expired: {
        heading: 'Link expired',
        text: 'This link no longer works. Ask a clerk in the store for a new QR code.',
      },
      inactive: { heading: 'Not available', text: 'This membership is closed or deleted.' },
      'bad-answer': {
        heading: 'Not saved',
        text: 'The answer could not be read and nothing was changed. Please go back and try again.',
      },
    },
  },
};

const CSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1d1d1f;background:#f4f4f6}
main{max-width:34rem;margin:0 auto;padding:1.25rem 1rem 2rem}
h1{font-size:1.4rem;margin:.25rem 0 .5rem;padding-top:.25rem}
.meta{color:#555;font-size:.9rem;margin:.25rem 0}
.lead{margin:.75rem 0 1rem}
fieldset{border:0;border-radius:12px;background:#fff;margin:0 0 .75rem;padding:1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
legend{float:left;width:100%;padding:0;font-weight:600;font-size:1.05rem}
legend+*{clear:both}
fieldset p{margin:.25rem 0 .5rem}
.state{color:#555;font-size:.9rem}
.choices{display:flex;gap:.5rem}
.choices label{flex:1;display:flex;align-items:center;gap:.5rem;border:1px solid #c8c8cc;border-radius:10px;padding:.65rem .75rem;min-height:44px}
.choices input{width:1.2rem;height:1.2rem;margin:0}
button{width:100%;min-height:48px;border:0;border-radius:12px;background:#0a5cd8;color:#fff;font:inherit;font-weight:600;margin-top:.5rem}
.notice{border-radius:10px;padding:.75rem 1rem;background:#e6f4ea;color:#174d28;margin:.75rem 0}
.problem{background:#fdecea;color:#7a1c14}
.lang{float:right;padding:.5rem 0 .5rem 1rem;color:#0a5cd8}`;

/** [CS2] The page's Content-Security-Policy: nothing loads, nothing runs; only its own style and form. */
export const CONSENT_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers every consent page is sent with: the token in its URL must not leak or be cached. */
export const CONSENT_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONSENT_PAGE_CSP,
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/**
 * [CS2] The page's language: `?lang=` when it names one, else the first of
 * Chinese or English the browser prefers (`Accept-Language` by weight),
 * else Chinese.
 */
export function pickLanguage(
  lang: string | null,
  acceptLanguage: string | undefined,
): PageLanguage {
  if (lang !== null) return /^en\b/i.test(lang) ? 'en' : 'zh-CN';
  let best: { language: PageLanguage; q: number } | null = null;
  for (const part of (acceptLanguage ?? '').slice(0, 500).split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const q = Number(/^\s*q=([\d.]+)\s*$/.exec(params.join(';'))?.[1] ?? 1);
    const language = /^zh\b/i.test(tag) ? 'zh-CN' : /^en\b/i.test(tag) ? 'en' : null;
    if (language && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { language, q };
  }
  return best?.language ?? 'zh-CN';
}

/** A time as the customer reads it, in China's time zone. */
function shownTime(iso: string, language: PageLanguage): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: language === 'en' ? 'short' : 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

function document(language: PageLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export type ConsentPageView = {
  /** The path the page posts to, e.g. `/consent/<token>`. */
  action: string;
  maskedName: string;
  policyVersion: string;
  states: readonly ConsentState[];
  expiresAt: string;
  /** After an answer: whether it changed anything. */
  saved?: 'changed' | 'unchanged';
};

/** [CS2] The page: each purpose with its text, its state, and a choice left as the customer last made it. */
export function renderConsentPage(view: ConsentPageView, language: PageLanguage): string {
  const t = TEXT[language];
  const other: PageLanguage = language === 'en' ? 'zh-CN' : 'en';
  const action = `${view.action}?lang=${language}`;
  const fieldsets = view.states.map((state) => {
    const purpose = t.purposes[state.purpose];
    const at = state.entry ? shownTime(state.entry.at, language) : '';
    const now = !state.entry ? t.never : state.granted ? t.granted(at) : t.withdrawn(at);
    // No entry is no consent ([CN3]): "do not agree" stands until the customer agrees.
    const checked = (yes: boolean) => (state.granted === yes ? ' checked' : '');
    const name = escapeHtml(state.purpose);
    return `<fieldset>
<legend>${escapeHtml(purpose.title)}</legend>
<p>${escapeHtml(purpose.text)}</p>
<p class="state">${escapeHtml(now)}</p>
<div class="choices">
<label><input type="radio" name="${name}" value="yes"${checked(true)}> ${escapeHtml(t.yes)}</label>
<label><input type="radio" name="${name}" value="no"${checked(false)}> ${escapeHtml(t.no)}</label>
</div>
</fieldset>`;
  });
  const notice =
    view.saved === undefined
      ? ''
      : `<p class="notice" role="status">${escapeHtml(view.saved === 'changed' ? t.saved : t.unchanged)}</p>\n`;
  return document(
    language,
    t.title,
    `<a class="lang" href="${escapeHtml(`${view.action}?lang=${other}`)}" hreflang="${other}" lang="${other}">${escapeHtml(t.otherLanguage)}</a>
<h1>${escapeHtml(t.heading)}</h1>
<p class="meta">${escapeHtml(t.member(view.maskedName))}</p>
<p class="meta">${escapeHtml(t.policy(view.policyVersion))}</p>
${notice}<p class="lead">${escapeHtml(t.lead)}</p>
<form method="post" action="${escapeHtml(action)}">
${fieldsets.join('\n')}
<button type="submit">${escapeHtml(t.save)}</button>
</form>
<p class="meta">${escapeHtml(t.validUntil(shownTime(view.expiresAt, language)))}</p>`,
  );
}

/** [CS2] The page when the link cannot be used or an answer was not taken. */
export function renderConsentProblem(problem: PageProblem, language: PageLanguage): string {
  const t = TEXT[language].problems[problem];
  return document(
    language,
    t.heading,
    `<h1>${escapeHtml(t.heading)}</h1>\n<p class="notice problem" role="alert">${escapeHtml(t.text)}</p>`,
  );
}

export type ParsedAnswer =
  { ok: true; choices: Partial<Record<ConsentPurpose, boolean>> } | { ok: false; reason: string };

/**
 * [CS2] The customer's answer: the page's form (`<purpose>=yes|no`, fields
 * not answered absent, `lang` ignored) or JSON `{choices: {<purpose>: true|false}}`.
 * Anything else, an unknown purpose or another value, is refused whole.
 */
export function parseConsentAnswer(contentType: string | undefined, text: string): ParsedAnswer {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const choices: Partial<Record<ConsentPurpose, boolean>> = {};
  if (type === 'application/json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'the body is not JSON' };
    }
    const raw = (value as { choices?: unknown } | null)?.choices;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return { ok: false, reason: 'send {choices: {<purpose>: true|false}}' };
    }
    for (const [key, granted] of Object.entries(raw)) {
      if (!isConsentPurpose(key)) return { ok: false, reason: `no purpose ${key}` };
      if (typeof granted !== 'boolean')
        return { ok: false, reason: `${key} must be true or false` };
      choices[key] = granted;
    }
    return { ok: true, choices };
  }
  if (type !== 'application/x-www-form-urlencoded') {
    return { ok: false, reason: 'send the form or JSON' };
  }
  const seen = new Set<string>();
  for (const [key, answer] of new URLSearchParams(text)) {
    if (key === 'lang') continue;
    if (!isConsentPurpose(key)) return { ok: false, reason: `no purpose ${key}` };
    if (seen.has(key)) return { ok: false, reason: `${key} is answered twice` };
    seen.add(key);
    if (answer !== 'yes' && answer !== 'no')
      return { ok: false, reason: `${key} must be yes or no` };
    choices[key] = answer === 'yes';
  }
  return { ok: true, choices };
}
