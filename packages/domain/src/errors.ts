/**
 * Typed errors and results shared by the domain modules. Parsers return a
 * `Result` and never throw; operations on carts and ledgers throw a
 * `DomainError` whose `code` says what went wrong. See SPEC.md [E1]-[E2].
 */

/** A failed parse or check: a stable code for programs and a message for people. */
export type Failure<C extends string> = { ok: false; code: C; message: string };

/** A successful value (its fields spread next to `ok`) or a typed failure. */
export type Result<T extends object, C extends string> = ({ ok: true } & T) | Failure<C>;

export function fail<C extends string>(code: C, message: string): Failure<C> {
  return { ok: false, code, message };
}

/** [E1] Every error a domain operation raises on purpose carries a code. */
export class DomainError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Throws a DomainError unless `condition` holds. */
export function ensure<C extends string>(
  condition: unknown,
  code: C,
  message: string,
): asserts condition {
  if (!condition) throw new DomainError(code, message);
}

/** A short description of any value for a message; never throws (not even on odd objects). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `${value.slice(0, 40)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${value}`;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
