/** Loading, empty and error states, so no screen is ever blank. */
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';

import type { UserError } from './errors';

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

export function QueryError({ error }: { error: CombinedError }) {
  const message = error.graphQLErrors[0]?.message ?? (error.networkError ? 'The server could not be reached.' : error.message);
  return (
    <div className="notice notice-error" role="alert">
      Could not load this: {message}
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
