/**
 * Keyboard-wedge scanners in the renderer: every keydown goes through the
 * detector first (capture phase). A burst that is a scan becomes a scan event
 * like any other scanner's, its end key is swallowed, and if the burst landed
 * in a text field (a search box, a quantity) it is taken back out. A field
 * that expects what a scanner reads (a phone number, a code or an amount:
 * marked `data-expects`) keeps the scan, and its end key submits it; fast
 * typing there is never taken for a scan. A product barcode (a valid GTIN)
 * scanned while an amount field has the focus still goes to the cart: the
 * cashier found another item while taking the money. Typing is left alone.
 */
import { WedgeScanDetector, wedgeScanEvent, type WedgeOptions } from '@pos/hardware/wedge';
import type { ScanEvent } from '@pos/hardware/protocol';
import { parseGtin } from '@pos/domain';

type KeyEventLike = { key: string; timeStamp: number; target: unknown; preventDefault(): void };
type KeyTarget = {
  addEventListener(
    type: 'keydown',
    listener: (event: KeyEventLike) => void,
    capture: boolean,
  ): void;
  removeEventListener(
    type: 'keydown',
    listener: (event: KeyEventLike) => void,
    capture: boolean,
  ): void;
};
type TextField = { value: string; dispatchEvent?(event: Event): boolean };

export function listenForKeyboardScans(
  target: KeyTarget,
  onScan: (scan: ScanEvent) => void,
  options: Partial<WedgeOptions> = {},
  now: () => Date = () => new Date(),
): () => void {
  const detector = new WedgeScanDetector(options);
  const listener = (event: KeyEventLike) => {
    const decision = detector.key(event);
    if (decision.kind !== 'scan') return;
    // The cashier scanned (or typed fast) into a field that wants it: it stays there.
    if (expectsInput(event.target, decision.code)) return;
    event.preventDefault();
    removeTypedScan(event.target, decision.typed);
    onScan(wedgeScanEvent(decision, { source: 'keyboard', at: now() }));
  };
  target.addEventListener('keydown', listener, true);
  return () => target.removeEventListener('keydown', listener, true);
}

/** What a field marked `data-expects` takes from a scanner: a phone number, a code, an amount. */
const EXPECTED = new Set(['phone', 'code', 'amount']);

function expectsInput(target: unknown, code: string): boolean {
  const expects = (target as { dataset?: { expects?: unknown } } | null)?.dataset?.expects;
  if (typeof expects !== 'string' || !EXPECTED.has(expects)) return false;
  return expects !== 'amount' || !parseGtin(code).ok;
}

function removeTypedScan(field: unknown, typed: string): void {
  const input = field as Partial<TextField> | null;
  if (!input || typeof input.value !== 'string' || !input.value.endsWith(typed)) return;
  input.value = input.value.slice(0, input.value.length - typed.length);
  // React keeps its own copy of a controlled field's value: tell it.
  input.dispatchEvent?.(new Event('input', { bubbles: true }));
}
