/**
 * A modal dialog on the browser's own <dialog>: focus moves into it and stays
 * there, Escape closes it, the page behind is inert, and focus returns to
 * what opened it when it closes. `drawer` slides it
 * in from the right (the transaction drawer); at phone width both fill the
 * screen.
 */
import type { FormEvent, ReactNode } from 'react';
import { useEffect, useId, useRef } from 'react';

interface DialogProps {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
  /** Buttons at the bottom; with `onSubmit` the body is a form and Enter submits it. */
  footer?: ReactNode;
  onSubmit?: () => void;
  drawer?: boolean;
  wide?: boolean;
}

export function Dialog({ title, open, onClose, children, footer, onSubmit, drawer = false, wide = false }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const opener = useRef<HTMLElement | null>(null);

  // Focus goes back to what opened the dialog (the button, the row's "View") when it closes or unmounts.
  // This runs before the effect below moves focus into the dialog.
  useEffect(() => {
    if (!open) return undefined;
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => {
      const back = opener.current;
      opener.current = null;
      if (back?.isConnected) back.focus();
    };
  }, [open]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  if (!open) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };
  const body = (
    <>
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="dialog-close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="dialog-body">{children}</div>
      {footer ? <footer className="dialog-footer">{footer}</footer> : null}
    </>
  );
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      className={['dialog', drawer ? 'dialog-drawer' : '', wide ? 'dialog-wide' : ''].filter(Boolean).join(' ')}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {onSubmit ? (
        <form onSubmit={submit} noValidate>
          {body}
        </form>
      ) : (
        body
      )}
    </dialog>
  );
}
