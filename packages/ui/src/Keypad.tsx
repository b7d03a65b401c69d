/**
 * A touch keypad, each key a large button: for amounts (digits, the decimal
 * point and backspace) or for digits only (PINs, quantities, phones, codes),
 * where `maxLength` stops the value growing past what the field takes.
 */
import { useT } from './locale';

const AMOUNT_KEYS = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '0', '.', '⌫'] as const;
const DIGIT_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'C', '0', '⌫'] as const;

export function Keypad({
  value,
  onChange,
  digits = false,
  maxLength = Infinity,
  label,
}: {
  value: string;
  onChange(value: string): void;
  /** Digits only, laid out like a phone's, with C to clear. */
  digits?: boolean;
  maxLength?: number;
  /** What the keypad types into, for a screen reader. */
  label?: string;
}) {
  const t = useT();
  const keys = digits ? DIGIT_KEYS : AMOUNT_KEYS;
  const press = (key: string) => {
    if (key === '⌫') return onChange(value.slice(0, -1));
    if (key === 'C') return onChange('');
    if (value.length >= maxLength) return undefined;
    return onChange(value + key);
  };
  return (
    <div
      className={digits ? 'keypad digits' : 'keypad'}
      role="group"
      aria-label={label ?? t('Keypad')}
    >
      {keys.map((key) => (
        <button
          key={key}
          type="button"
          tabIndex={-1}
          aria-label={key === '⌫' ? t('Delete') : key === 'C' ? t('Clear') : key}
          onClick={() => press(key)}
        >
          {key}
        </button>
      ))}
    </div>
  );
}
