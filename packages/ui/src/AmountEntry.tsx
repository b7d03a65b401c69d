/**
 * An amount field: typed, scanned or tapped on the keypad. A prefilled amount
 * is selected, so what the cashier types replaces it.
 */
import { useEffect, useRef } from 'react';
import { Keypad } from './Keypad';

export function AmountEntry(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  keypad?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  // Selected on open: typing replaces the prefilled amount instead of appending to it.
  useEffect(() => {
    input.current?.select();
  }, []);
  return (
    <>
      <label>
        {props.label}
        <input
          ref={input}
          autoFocus
          data-expects="amount"
          inputMode="decimal"
          value={props.value}
          onFocus={(e) => e.target.select()}
          onChange={(e) => props.onChange(e.target.value)}
        />
      </label>
      {props.keypad && (
        <Keypad
          value={props.value}
          onChange={(value) => {
            props.onChange(value);
            input.current?.focus();
          }}
        />
      )}
    </>
  );
}
