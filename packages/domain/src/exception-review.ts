/**
 * Exception review: which group each exception kind is reviewed in, whether
 * an exception is still open from its resolutions, and what a resolution
 * must say. Pure. See SPEC.md [XR1]-[XR5].
 */
import {
  RESOLUTION_ACTIONS,
  type ExceptionView,
  type Resolution,
  type ResolutionAction,
  type ResolveRequest,
  type ReviewGroup,
} from './console-api';
import { maskName, maskPhone } from './member-privacy';

/** [XR1] The exception kinds of each review group; every other kind is `other`. */
export const REVIEW_GROUP_KINDS: Readonly<
  Record<Exclude<ReviewGroup, 'other'>, readonly string[]>
> = {
  oversell: ['oversell'],
  'coupon-twice': ['coupon-already-redeemed'],
  'points-write-off': ['points-overdraw'],
  'duplicate-pickup': ['duplicate-pickup'],
  'unknown-member': ['unknown-member', 'unknown-member-phone', 'return-member-unknown'],
};

const GROUP_OF_KIND = new Map<string, ReviewGroup>(
  Object.entries(REVIEW_GROUP_KINDS).flatMap(([group, kinds]) =>
    kinds.map((kind) => [kind, group as ReviewGroup] as const),
  ),
);

/** [XR1] The review group of an exception kind. */
export function reviewGroupOf(kind: string): ReviewGroup {
  return GROUP_OF_KIND.get(kind) ?? 'other';
}

/** [XR1] The kinds a group lists; null for `other` (every kind no group names). */
export function kindsOfGroup(group: ReviewGroup): readonly string[] | null {
  return group === 'other' ? null : REVIEW_GROUP_KINDS[group];
}

/** [XR1] Every kind some group other than `other` names. */
export const GROUPED_KINDS: readonly string[] = [...GROUP_OF_KIND.keys()];

/**
 * [XR2] An exception is open until a resolution other than `escalated` is
 * recorded; the latest resolution decides, so an escalation after a
 * resolution opens it again. Resolutions come in the order recorded.
 */
export function exceptionStatus(resolutions: readonly Resolution[]): ExceptionView['status'] {
  const last = latestResolution(resolutions);
  return last === undefined || last.action === 'escalated' ? 'open' : 'resolved';
}

/** [XR2] The latest resolution: by `at`; at the same instant, the one recorded later. */
export function latestResolution(resolutions: readonly Resolution[]): Resolution | undefined {
  let last: Resolution | undefined;
  for (const r of resolutions) if (!last || r.at >= last.at) last = r;
  return last;
}

/** [XR3] The longest note a resolution may carry, in characters. */
export const RESOLUTION_NOTE_MAX = 500;

/** [XR3] Actions whose note must say what was done or why. */
export const NOTE_REQUIRED: readonly ResolutionAction[] = ['corrected', 'dismissed'];

/**
 * [XR3] A resolution as asked: an action of the four, a note (trimmed) of
 * at most 500 characters, required for `corrected` and `dismissed`. Returns
 * the clean request or the problems in words; nothing else is accepted.
 */
export function validateResolution(
  body: unknown,
): { ok: true; value: ResolveRequest } | { ok: false; problems: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: ['the body must be an object {action, note}'] };
  }
  const { action, note, ...rest } = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(rest)) problems.push(`unknown field ${JSON.stringify(key)}`);
  if (typeof action !== 'string' || !(RESOLUTION_ACTIONS as readonly string[]).includes(action)) {
    problems.push(`action must be one of ${RESOLUTION_ACTIONS.join(', ')}`);
  }
  if (note !== undefined && typeof note !== 'string') problems.push('note must be text');
  const text = typeof note === 'string' ? note.trim() : '';
  if (text.length > RESOLUTION_NOTE_MAX) {
    problems.push(`note must be at most ${RESOLUTION_NOTE_MAX} characters (it has ${text.length})`);
  }
  if (
    typeof action === 'string' &&
    (NOTE_REQUIRED as readonly string[]).includes(action) &&
    text.length === 0
  ) {
    problems.push(`a ${action} resolution needs a note saying what was done or why`);
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { action: action as ResolutionAction, note: text } };
}

/**
 * [XR4] An oversell: a sale took `sold` units of a SKU and left the store's
 * on hand at `onHandAfter`. The shortfall is the units sold beyond what was
 * on hand (never more than the sale's units); 0 when none was short.
 */
export function oversellShortfall(sold: number, onHandAfter: number): number {
  if (onHandAfter >= 0 || sold <= 0) return 0;
  return Math.min(sold, -onHandAfter);
}

const PHONE_KEY = /phone|mobile|tel$/i;
const NAME_KEY =
  /^(customerName|memberName|recipient|recipientName|contactName|realName|fullName|consignee)$/i;
const HIDDEN_KEY = /email|^address$|addressLine|street|idCard|birth/i;
const INDEX_KEY = /Index$/;
const MOBILE = /(?<!\d)1\d{10}(?!\d)/g;

/**
 * [XR5] A fact as the review shows it: every phone masked (`138****8001`),
 * a person's name masked to its first character, an e-mail, street address,
 * identity number or birth date hidden, a keyed index of a phone hidden,
 * and a mobile number masked wherever it is in a text. Members stay
 * by id. Other values are kept as they are.
 */
export function maskPersonal(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => maskPersonal(v, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskPersonal(v, k)]),
    );
  }
  if (typeof value !== 'string') return value;
  if (INDEX_KEY.test(key) && PHONE_KEY.test(key)) return '(hidden)';
  if (PHONE_KEY.test(key) && !/^masked/i.test(key)) return maskPhone(value);
  if (NAME_KEY.test(key)) return maskName(value);
  if (HIDDEN_KEY.test(key)) return '(hidden)';
  return value.replace(MOBILE, (phone) => maskPhone(phone));
}
