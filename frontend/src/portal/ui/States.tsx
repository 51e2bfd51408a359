/** Loading, empty and error states, so no screen is ever blank. */
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';

import type { UserError } from './errors';
import { describeError } from './failure';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** A load that failed: why, in words that fit the failure, and a Retry button when the caller can retry. */
export function QueryError({ error, onRetry }: { error: CombinedError; onRetry?: () => void }) {
  return (
    <div className="notice notice-error query-error" role="alert">
      <span>Could not load this. {describeError(error)}</span>
      {onRetry ? (
        <button type="button" className="btn btn-secondary btn-small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

/** The errors of a form that no field shows, and any transport failure. */
export function FormErrors({ errors, failure }: { errors: readonly UserError[]; failure?: string | null }) {
  if (!errors.length && !failure) return null;
  return (
    <div className="notice notice-error" role="alert">
      {failure ? <p>{failure}</p> : null}
      {errors.map((error) => (
        <p key={`${error.code}:${(error.field ?? []).join('.')}:${error.message}`}>{error.message}</p>
      ))}
    </div>
  );
}

export function Notice({ tone = 'info', children }: { tone?: 'info' | 'success' | 'warning' | 'error'; children: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
