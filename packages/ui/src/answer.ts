/** What an action a component calls answers: a value, or a coded refusal the UI words. */
export type Refused = {
  ok: false;
  code: string;
  message: string;
  context?: string;
  params?: Record<string, string>;
};
export type Answer<T> = { ok: true; value: T } | Refused;

/** A refusal as a message on screen. */
export function refusedMessage(refused: Refused) {
  return {
    tone: 'error' as const,
    text: refused.message,
    code: refused.code,
    ...(refused.context ? { context: refused.context } : {}),
    ...(refused.params ? { params: refused.params } : {}),
  };
}
