/** Small pieces every screen uses: messages, digit entry with the keypad, steppers, sheets. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Outcome, Refusal } from '@pos/app-core';
import { Keypad, useDateTime } from '@pos/ui';
import { wholeNumber } from './view';
import { useSaid, useWords, type ScreenNote } from './words';

/** A refusal or a done message, read out to a screen reader too. */
export function Note({ note }: { note: ScreenNote | null }) {
  const said = useSaid();
  if (!note) return null;
  return (
    <p className={`note ${note.tone}`} role={note.tone === 'error' ? 'alert' : 'status'}>
      {said(note)}
    </p>
  );
}

/**
 * [TA4] A number typed on the on-screen keypad (a PIN, a phone, a quantity,
 * a code); a hardware keyboard types into the field as well.
 */
export function DigitEntry(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  maxLength: number;
  secret?: boolean;
  name?: string;
  autoFocus?: boolean;
}) {
  return (
    <div className="digit-entry">
      <label>
        <span>{props.label}</span>
        <input
          name={props.name}
          className={props.secret ? 'digits secret' : 'digits'}
          type={props.secret ? 'password' : 'text'}
          inputMode="numeric"
          autoComplete="off"
          autoFocus={props.autoFocus}
          maxLength={props.maxLength}
          value={props.value}
          onChange={(e) =>
            props.onChange(e.target.value.replace(/\D/g, '').slice(0, props.maxLength))
          }
        />
      </label>
      <Keypad
        digits
        label={props.label}
        value={props.value}
        maxLength={props.maxLength}
        onChange={props.onChange}
      />
    </div>
  );
}

/** − n + with finger-sized buttons. */
/**
 * A supervisor's id and PIN on the keypad, for an approval on the tablet
 * (credit edits, counts); `before` and `after` are fields shown with the id.
 */
export function SupervisorFields(props: {
  supervisorId: string;
  onSupervisorId(value: string): void;
  pin: string;
  onPin(value: string): void;
  before?: ReactNode;
  after?: ReactNode;
}) {
  const t = useWords();
  return (
    <div className="approval">
      <div className="fields">
        {props.before}
        <label>
          <span>{t('Supervisor id')}</span>
          <input
            autoCapitalize="characters"
            value={props.supervisorId}
            onChange={(e) => props.onSupervisorId(e.target.value.toUpperCase())}
          />
        </label>
        {props.after}
      </div>
      <DigitEntry
        label={t('Supervisor PIN')}
        value={props.pin}
        onChange={props.onPin}
        maxLength={8}
        secret
      />
    </div>
  );
}

export function Stepper(props: {
  label: string;
  value: number;
  min?: number;
  max: number;
  onChange(value: number): void;
}) {
  const t = useWords();
  const min = props.min ?? 0;
  return (
    <span className="stepper" role="group" aria-label={props.label}>
      <button
        type="button"
        aria-label={`${t('One less')}: ${props.label}`}
        disabled={props.value <= min}
        onClick={() => props.onChange(props.value - 1)}
      >
        −
      </button>
      <output aria-live="polite">{props.value}</output>
      <button
        type="button"
        aria-label={`${t('One more')}: ${props.label}`}
        disabled={props.value >= props.max}
        onClick={() => props.onChange(props.value + 1)}
      >
        +
      </button>
    </span>
  );
}

/** A sheet over the screen (a dialog for touch): a title, its content, a close button. */
export function Sheet(props: {
  title: string;
  onClose(): void;
  children: ReactNode;
  wide?: boolean;
}) {
  const t = useWords();
  const { onClose } = props;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="backdrop">
      <section
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        className={props.wide ? 'sheet wide' : 'sheet'}
      >
        <header>
          <h2>{props.title}</h2>
          <button type="button" className="close" aria-label={t('Close')} onClick={onClose}>
            ×
          </button>
        </header>
        {props.children}
      </section>
    </div>
  );
}

/** [TA5] Whether figures are live, or as of a time (offline, or the server did not answer). */
export function Freshness(props: { state: 'live' | 'stale'; asOf: string; offline: boolean }) {
  const t = useWords();
  const { dateTime } = useDateTime();
  if (props.state === 'live') {
    return (
      <span className="freshness live">
        {t('Live')} · {t('As of {time}', { time: dateTime(props.asOf) })}
      </span>
    );
  }
  return (
    <span className="freshness stale" role="status">
      {props.offline
        ? t('Offline: as of {time}', { time: dateTime(props.asOf) })
        : t('Not live: as of {time}', { time: dateTime(props.asOf) })}
    </span>
  );
}

/** [TA4] A quantity: − n + for small changes, the keypad (tap the number) for larger ones. */
export function QuantityPicker(props: {
  value: number;
  max?: number;
  onChange(value: number): void;
}) {
  const t = useWords();
  const [typing, setTyping] = useState<string | null>(null);
  const max = props.max ?? 999;
  return (
    <span className="quantity">
      <span className="label">{t('Quantity')}</span>
      <button
        type="button"
        aria-label={`${t('One less')}: ${t('Quantity')}`}
        disabled={props.value <= 1}
        onClick={() => props.onChange(props.value - 1)}
      >
        −
      </button>
      <button
        type="button"
        className="quantity-value"
        aria-label={`${t('Quantity')} ${props.value}`}
        onClick={() => setTyping('')}
      >
        {props.value}
      </button>
      <button
        type="button"
        aria-label={`${t('One more')}: ${t('Quantity')}`}
        disabled={props.value >= max}
        onClick={() => props.onChange(props.value + 1)}
      >
        +
      </button>
      {typing !== null && (
        <Sheet title={t('Quantity')} onClose={() => setTyping(null)}>
          <DigitEntry
            label={t('Quantity')}
            value={typing}
            onChange={setTyping}
            maxLength={3}
            autoFocus
          />
          <div className="actions">
            <button type="button" onClick={() => setTyping(null)}>
              {t('Cancel')}
            </button>
            <button
              type="button"
              className="primary"
              disabled={wholeNumber(typing, 1, max) === null}
              onClick={() => {
                const n = wholeNumber(typing, 1, max);
                if (n !== null) props.onChange(n);
                setTyping(null);
              }}
            >
              {t('OK')}
            </button>
          </div>
        </Sheet>
      )}
    </span>
  );
}

/**
 * [TA11] A read the clerk holds down (counts, transfers): it starts when the
 * button is pressed and stops when it is released, even before it has begun,
 * or when the screen goes; what was read is kept. `start` may answer at once
 * or later; `onStopped` gets what stopping answers, while the screen is there.
 */
export function useHeldRead<H extends { stop(): Promise<unknown> }>(
  start: () => Outcome<H> | Promise<Outcome<H>>,
  handlers: {
    onRefused(refusal: Refusal): void;
    onStopped?(stopped: Awaited<ReturnType<H['stop']>>): void;
  },
): { reading: boolean; holdStart(): void; holdEnd(): void } {
  const [reading, setReading] = useState(false);
  const holding = useRef(false);
  const handle = useRef<H | null>(null);
  // The handlers of the last render, for reads that answer after it.
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  const stop = (read: H) => {
    void read.stop().then((stopped) => {
      latest.current.onStopped?.(stopped as Awaited<ReturnType<H['stop']>>);
    });
  };
  // Leaving the screen ends the read: what was read is kept.
  useEffect(
    () => () => {
      holding.current = false;
      const read = handle.current;
      handle.current = null;
      if (read) void read.stop();
    },
    [],
  );
  return {
    reading,
    holdStart() {
      if (holding.current) return;
      holding.current = true;
      setReading(true);
      void Promise.resolve(start()).then((outcome) => {
        if (!outcome.ok) {
          holding.current = false;
          setReading(false);
          latest.current.onRefused(outcome);
        } else if (!holding.current) stop(outcome.value);
        else handle.current = outcome.value;
      });
    },
    holdEnd() {
      holding.current = false;
      const read = handle.current;
      handle.current = null;
      setReading(false);
      if (read) stop(read);
    },
  };
}

/**
 * [TA11] [TA14] The button held to read RFID tags: pressed (by touch,
 * mouse, Space or Enter) starts the read, released stops it.
 */
export function HoldToRead(props: {
  reading: boolean;
  label: string;
  readingLabel: string;
  onStart(): void;
  onEnd(): void;
}) {
  return (
    <button
      type="button"
      className={props.reading ? 'hold-to-read on' : 'hold-to-read'}
      aria-pressed={props.reading}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture?.(e.pointerId);
        props.onStart();
      }}
      onPointerUp={props.onEnd}
      onPointerCancel={props.onEnd}
      onKeyDown={(e) => {
        if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
          e.preventDefault();
          props.onStart();
        }
      }}
      onKeyUp={(e) => {
        if (e.key === ' ' || e.key === 'Enter') props.onEnd();
      }}
      onContextMenu={(e) => e.preventDefault()}
    >
      {props.reading ? props.readingLabel : props.label}
    </button>
  );
}

/** A sheet that asks before something is removed from the tablet: Cancel, or Discard. */
export function DiscardSheet(props: {
  title: string;
  text: string;
  onCancel(): void;
  onDiscard(): void;
}) {
  const t = useWords();
  return (
    <Sheet title={props.title} onClose={props.onCancel}>
      <p>{props.text}</p>
      <div className="actions">
        <button type="button" onClick={props.onCancel}>
          {t('Cancel')}
        </button>
        <button type="button" className="danger" onClick={props.onDiscard}>
          {t('Discard')}
        </button>
      </div>
    </Sheet>
  );
}
