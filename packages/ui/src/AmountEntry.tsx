/**
 * An amount field: typed, scanned or tapped on the keypad. A prefilled amount
 * is selected, so what the cashier types replaces it.
 */
import { useEffect, useRef, useState } from 'react';
import { Keypad } from './Keypad';

export function AmountEntry(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  keypad?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  // Until the cashier changes it, the amount is the prefilled one: a tap replaces it too.
  const [prefilled, setPrefilled] = useState(true);
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
          onChange={(e) => {
            setPrefilled(false);
            props.onChange(e.target.value);
          }}
        />
      </label>
      {props.keypad && (
        <Keypad
          value={prefilled ? '' : props.value}
          onChange={(value) => {
            setPrefilled(false);
            props.onChange(value);
            input.current?.focus();
          }}
        />
      )}
    </>
  );
}
