/**
 * The frame of every part of the customer page: a region named by its h2 (so
 * tests and screen readers can find "Addresses" or "Comments"), optional
 * buttons beside the heading, and the query's loading or error state.
 */
import type { ReactNode } from 'react';
import { useId } from 'react';
import type { AnyVariables, CombinedError, UseQueryArgs } from 'urql';
import { useQuery } from 'urql';

import { Loading, QueryError } from '../ui/States';

interface SectionProps {
  title: string;
  /** Buttons beside the heading. */
  actions?: ReactNode;
  /** The section's query (from useSectionQuery): loading until the first answer, its error if it failed. */
  query: { fetching: boolean; data?: unknown; error?: CombinedError | undefined; refresh?: () => void };
  children?: ReactNode;
}

/** The section's query, and `refresh` to ask the server again after a change. */
export function useSectionQuery<Data, Variables extends AnyVariables>(args: UseQueryArgs<Variables, Data>) {
  const [result, reexecute] = useQuery<Data, Variables>(args);
  return { ...result, refresh: () => reexecute({ requestPolicy: 'network-only' }) };
}

export function Section({ title, actions, query, children }: SectionProps) {
  const headingId = useId();
  const { fetching, error } = query;
  const loaded = Boolean(query.data);
  return (
    <section className="section cust-section" aria-labelledby={headingId} aria-busy={fetching || undefined}>
      <div className="section-header">
        <h2 id={headingId}>{title}</h2>
        {actions ? <div className="actions">{actions}</div> : null}
      </div>
      {error ? <QueryError error={error} onRetry={query.refresh} /> : null}
      {!loaded && fetching ? <Loading label={`Loading ${title.toLowerCase()}…`} /> : null}
      {loaded ? children : null}
    </section>
  );
}
