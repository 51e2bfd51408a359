/**
 * The frame every settings screen shares: a section titled by its h2 (with
 * the screen's main button beside it), its query's loading, error and empty
 * states, and the table of rows.
 */
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';

import { Button } from '../ui/Button';
import { CheckboxField } from '../ui/Field';
import { Empty, Loading, QueryError } from '../ui/States';

interface SettingsSectionProps {
  /** The h2's id, which labels the section. */
  id: string;
  title: string;
  /** The screen's primary button, e.g. "New product". */
  action?: { label: string; onClick: () => void };
  children: ReactNode;
}

export function SettingsSection({ id, title, action, children }: SettingsSectionProps) {
  return (
    <section className="section" aria-labelledby={id}>
      <div className="section-header">
        <h2 id={id}>{title}</h2>
        {action ? (
          <Button variant="primary" onClick={action.onClick}>
            {action.label}
          </Button>
        ) : null}
      </div>
      {children}
    </section>
  );
}

interface QueryStatesProps {
  result: { data?: unknown; error?: CombinedError | undefined; fetching: boolean };
  /** How many rows came back; with `empty`, none shows that text. */
  count?: number;
  empty?: ReactNode;
}

/** A screen's query failing, loading (before any data) or back with no rows. */
export function QueryStates({ result, count, empty }: QueryStatesProps) {
  const { data, error, fetching } = result;
  return (
    <>
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && count === 0 && empty ? <Empty>{empty}</Empty> : null}
    </>
  );
}

/** The "Show archived …" switch above a catalog list. */
export function ShowArchived({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div className="toolbar">
      <CheckboxField label={label} checked={checked} onChange={(e) => onChange(e.target.checked)} />
    </div>
  );
}
