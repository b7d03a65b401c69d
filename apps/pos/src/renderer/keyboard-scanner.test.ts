import { describe, expect, it } from 'vitest';
import type { ScanEvent } from '@pos/hardware/protocol';
import { listenForKeyboardScans } from './keyboard-scanner';

type Listener = (event: {
  key: string;
  timeStamp: number;
  target: unknown;
  preventDefault(): void;
}) => void;

function keyboard() {
  let listener: Listener | null = null;
  const target = {
    addEventListener: (_type: 'keydown', l: Listener) => void (listener = l),
    removeEventListener: () => void (listener = null),
  };
  const press = (
    keys: string[],
    startAt: number,
    msPerKey: number,
    field: { value: string } | null = null,
  ) => {
    const prevented: string[] = [];
    keys.forEach((key, i) => {
      if (field && key.length === 1) field.value += key; // what a browser does after keydown
      listener?.({
        key,
        timeStamp: startAt + i * msPerKey,
        target: field,
        preventDefault: () => prevented.push(key),
      });
    });
    return prevented;
  };
  return { target, press, listening: () => listener !== null };
}

const code = [...'6901234567892'];
const at = () => new Date('2026-11-22T04:40:00.000Z');

describe('keyboard-wedge scans in the renderer', () => {
  it('[KW1] turns a fast burst ending in Enter into a scan and swallows the Enter', () => {
    const kb = keyboard();
    const scans: ScanEvent[] = [];
    listenForKeyboardScans(kb.target, (scan) => scans.push(scan), {}, at);
    const prevented = kb.press([...code, 'Enter'], 1000, 8);
    expect(scans).toEqual([
      { code: '6901234567892', source: 'keyboard', at: '2026-11-22T04:40:00.000Z' },
    ]);
    expect(prevented).toEqual(['Enter']);
  });

  it('[KW2] leaves a person typing alone', () => {
    const kb = keyboard();
    const scans: ScanEvent[] = [];
    listenForKeyboardScans(kb.target, (scan) => scans.push(scan), {}, at);
    expect(kb.press([...'123456', 'Enter'], 1000, 150)).toEqual([]);
    expect(scans).toEqual([]);
  });

  it('takes a scan back out of the text field it landed in, keeping what was typed before', () => {
    const kb = keyboard();
    const scans: ScanEvent[] = [];
    const field = { value: '' };
    listenForKeyboardScans(kb.target, (scan) => scans.push(scan), {}, at);
    kb.press([...'50'], 1000, 200, field);
    kb.press([...code, 'Enter'], 5000, 8, field);
    expect(field.value).toBe('50');
    expect(scans.map((s) => s.code)).toEqual(['6901234567892']);
  });

  it('leaves a scan or fast typing in a field that expects a phone, a code or an amount', () => {
    for (const expects of ['phone', 'code', 'amount']) {
      const kb = keyboard();
      const scans: ScanEvent[] = [];
      const field = { value: '', dataset: { expects } };
      listenForKeyboardScans(kb.target, (scan) => scans.push(scan), {}, at);
      // A phone number typed fast, or scanned from a barcode: it stays, Enter submits it.
      const prevented = kb.press([...'13800138002', 'Enter'], 1000, 8, field);
      expect(field.value).toBe('13800138002');
      expect(prevented).toEqual([]);
      expect(scans).toEqual([]);
    }
  });

  it('sends a product barcode scanned into an amount field to the cart, as before', () => {
    const kb = keyboard();
    const scans: ScanEvent[] = [];
    const field = { value: '500', dataset: { expects: 'amount' } };
    listenForKeyboardScans(kb.target, (scan) => scans.push(scan), {}, at);
    kb.press([...code, 'Enter'], 5000, 8, field);
    expect(field.value).toBe('500');
    expect(scans.map((s) => s.code)).toEqual(['6901234567892']);
  });

  it('stops listening when asked', () => {
    const kb = keyboard();
    const stop = listenForKeyboardScans(kb.target, () => undefined);
    stop();
    expect(kb.listening()).toBe(false);
  });
});
