/** A touch keypad for amounts: digits, the decimal point and backspace, each a large button. */
import { useT } from './locale';

const KEYS = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '0', '.', '⌫'] as const;

export function Keypad({ value, onChange }: { value: string; onChange(value: string): void }) {
  const t = useT();
  return (
    <div className="keypad" role="group" aria-label={t('Keypad')}>
      {KEYS.map((key) => (
        <button
          key={key}
          type="button"
          tabIndex={-1}
          aria-label={key === '⌫' ? t('Delete') : key}
          onClick={() => onChange(key === '⌫' ? value.slice(0, -1) : value + key)}
        >
          {key}
        </button>
      ))}
    </div>
  );
}
