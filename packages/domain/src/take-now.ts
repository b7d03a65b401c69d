/**
 * The take-now code: the clerk's tablet puts the lines a customer takes now
 * into a signed QR code, and a till scans it into its cart, offline too, so
 * the customer pays at the till and the clerk keeps the credit. Built on the
 * signed codes (codes.ts): `T.<cart>.<store>.<n>.<staff>.<share>...<sku>.<qty>...`
 * See SPEC.md [TK1]-[TK4].
 */
import {
  makeSignedCode,
  MAX_CODE_LENGTH,
  parseSignedCode,
  type CodeError,
  type CodeKey,
} from './codes';
import { creditProblems, type LineCredit } from './commission';
import { DomainError, fail, type Result } from './errors';

/** [TK1] The most lines one code carries (a QR code stays scannable). */
export const TAKE_NOW_MAX_LINES = 12;

/** [TK1] What a take-now code carries: the tablet's cart, its store, the credit and the lines. */
export type TakeNowCart = {
  /** The tablet's cart id, made on the tablet (upper case letters, digits, -). */
  cartId: string;
  storeId: string;
  /** [CM1] The credit every line of the code carries. */
  credits: LineCredit[];
  lines: { sku: string; quantity: number }[];
};

const FIELD = /^[0-9A-Z-]{1,64}$/;

/**
 * [TK1] The signed code of a take-now cart. Throws `TAKE_NOW_INVALID` when a
 * field cannot travel in a code (a SKU or id with lower case or other
 * characters than A-Z, 0-9 and -), there are no lines or more than 12, a
 * quantity is not 1-999, the credits are not valid ([CM1]), or the code
 * would be longer than a till reads (300 characters: long SKUs, many lines).
 */
export function makeTakeNowCode(cart: TakeNowCart, key: CodeKey): string {
  const problems: string[] = [];
  for (const [what, value] of [
    ['cart id', cart.cartId],
    ['store id', cart.storeId],
  ] as const) {
    if (!FIELD.test(value)) problems.push(`${what} "${value}" cannot go in a code`);
  }
  if (cart.lines.length === 0 || cart.lines.length > TAKE_NOW_MAX_LINES) {
    problems.push(`a take-now code carries 1-${TAKE_NOW_MAX_LINES} lines`);
  }
  for (const line of cart.lines) {
    if (!FIELD.test(line.sku)) problems.push(`SKU "${line.sku}" cannot go in a code`);
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > 999) {
      problems.push(`quantity of ${line.sku} must be 1-999`);
    }
  }
  problems.push(...creditProblems(cart.credits));
  for (const c of cart.credits) {
    if (!FIELD.test(c.staffId)) problems.push(`staff id "${c.staffId}" cannot go in a code`);
  }
  if (problems.length > 0) throw new DomainError('TAKE_NOW_INVALID', problems.join('; '));
  const fields = [
    cart.cartId,
    cart.storeId,
    String(cart.credits.length),
    ...cart.credits.flatMap((c) => [c.staffId, String(c.share)]),
    ...cart.lines.flatMap((l) => [l.sku, String(l.quantity)]),
  ];
  const code = makeSignedCode('T', fields, key);
  if (code.length > MAX_CODE_LENGTH) {
    throw new DomainError(
      'TAKE_NOW_INVALID',
      `these lines make a code too long for one code (${code.length} of at most ${MAX_CODE_LENGTH} characters); split them over two codes`,
    );
  }
  return code;
}

/**
 * [TK2] Reads a take-now code: signed by the chain ([K4]), well-formed
 * (credits valid, 1-12 lines of 1-999 units), else a clear error. A
 * receipt, member or coupon code is `CODE_KIND`. Never throws.
 */
export function parseTakeNowCode(
  input: unknown,
  keys: readonly CodeKey[],
): Result<{ cart: TakeNowCart }, CodeError | 'TAKE_NOW_INVALID'> {
  const parsed = parseSignedCode(input, keys);
  if (!parsed.ok) return parsed;
  if (parsed.kind !== 'T') return fail('CODE_KIND', 'this code is not a take-now code');
  const [cartId, storeId, count, ...rest] = parsed.fields;
  const n = Number(count);
  if (cartId === undefined || storeId === undefined || !/^[1-5]$/.test(count ?? '')) {
    return fail('TAKE_NOW_INVALID', 'the take-now code names no cart, store or credit');
  }
  const creditFields = rest.slice(0, 2 * n);
  const lineFields = rest.slice(2 * n);
  if (creditFields.length !== 2 * n || lineFields.length === 0 || lineFields.length % 2 !== 0) {
    return fail('TAKE_NOW_INVALID', 'the take-now code’s lines are cut short');
  }
  const credits: LineCredit[] = [];
  for (let i = 0; i < n; i++) {
    const share = creditFields[2 * i + 1]!;
    credits.push({
      staffId: creditFields[2 * i]!,
      share: /^\d{1,5}$/.test(share) ? Number(share) : NaN,
    });
  }
  const problems = creditProblems(credits);
  if (problems.length > 0) return fail('TAKE_NOW_INVALID', problems.join('; '));
  const lines: TakeNowCart['lines'] = [];
  for (let i = 0; i < lineFields.length; i += 2) {
    const quantity = /^\d{1,3}$/.test(lineFields[i + 1]!) ? Number(lineFields[i + 1]) : 0;
    if (quantity < 1) return fail('TAKE_NOW_INVALID', 'a take-now line has no quantity');
    lines.push({ sku: lineFields[i]!, quantity });
  }
  if (lines.length > TAKE_NOW_MAX_LINES) {
    return fail('TAKE_NOW_INVALID', `a take-now code carries at most ${TAKE_NOW_MAX_LINES} lines`);
  }
  return { ok: true, cart: { cartId, storeId, credits, lines } };
}

/**
 * [TK3] A till takes a take-now code of its own store only: another store's
 * goods are not on its counter.
 */
export function takeNowStoreProblem(cart: TakeNowCart, tillStoreId: string): string | null {
  return cart.storeId === tillStoreId
    ? null
    : `this code is for store ${cart.storeId}'s till; this till is ${tillStoreId}`;
}
