/**
 * What a use case returns: done (with a value and notices for the cashier) or
 * refused (a code the screens translate, and English words). See SPEC.md [AC1].
 */

/** Something the cashier is told; `code` and `params` let a screen word it in its language. */
export type Notice = {
  tone: 'info' | 'error';
  /** The English words. */
  text: string;
  code?: string;
  /** What was being done, a screen phrase ("Receipt not printed"). */
  context?: string;
  /** The variable parts of a coded notice (a name, a count). */
  params?: Record<string, string>;
};

export type Refusal = {
  ok: false;
  code: string;
  message: string;
  context?: string;
  params?: Record<string, string>;
};
export type Done<T> = { ok: true; value: T; notices: Notice[] };
export type Outcome<T = null> = Done<T> | Refusal;

export function done<T>(value: T, notices: Notice[] = []): Done<T> {
  return { ok: true, value, notices };
}

export function refuse(
  code: string,
  message: string,
  about: { context?: string; params?: Record<string, string> } = {},
): Refusal {
  return { ok: false, code, message, ...about };
}

/** The code a domain, hub or device error carries (`DomainError`, `HubRequestError`, ...), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error thrown by the domain, the replica or a device, as a refusal; `context` says what was being done. */
export function refusalOf(error: unknown, context?: string): Refusal {
  const words = errorText(error);
  return {
    ok: false,
    code: errorCode(error) ?? 'FAILED',
    message: context ? `${context}: ${words}` : words,
    ...(context ? { context } : {}),
  };
}

/** A refusal or error as a notice (an error tone), e.g. a print problem after a sale was stored. */
export function noticeOf(refusal: Refusal): Notice {
  return {
    tone: 'error',
    text: refusal.message,
    code: refusal.code,
    ...(refusal.context ? { context: refusal.context } : {}),
    ...(refusal.params ? { params: refusal.params } : {}),
  };
}

export function info(text: string, code?: string, params?: Record<string, string>): Notice {
  return { tone: 'info', text, ...(code ? { code } : {}), ...(params ? { params } : {}) };
}
