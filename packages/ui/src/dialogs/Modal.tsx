/** A dialog as a form: Enter confirms, Esc cancels wherever the focus is. */
import { useEffect, type ReactNode } from 'react';

export function Modal(props: {
  title: string;
  onCancel(): void;
  onSubmit?(): void;
  children: ReactNode;
  wide?: boolean;
}) {
  // Esc cancels wherever the focus is (a report has no field to focus).
  const { onCancel } = props;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  return (
    <div className="backdrop">
      <form
        role="dialog"
        aria-label={props.title}
        className={props.wide ? 'dialog wide' : 'dialog'}
        onSubmit={(event) => {
          event.preventDefault();
          props.onSubmit?.();
        }}
      >
        <h2>{props.title}</h2>
        {props.children}
      </form>
    </div>
  );
}
