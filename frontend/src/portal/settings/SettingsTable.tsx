/** The table of a settings list, with a visually hidden "Actions" column for row buttons. */
import type { ReactNode } from 'react';

type Column = string | { label: string; className: string };

interface SettingsTableProps {
  columns: readonly Column[];
  /** Adds the last, unlabelled column that holds each row's buttons. */
  actions?: boolean;
  children: ReactNode;
}

export function SettingsTable({ columns, actions = true, children }: SettingsTableProps) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === 'string' ? (
                <th key={column} scope="col">
                  {column}
                </th>
              ) : (
                <th key={column.label} scope="col" className={column.className}>
                  {column.label}
                </th>
              ),
            )}
            {actions ? (
              <th scope="col">
                <span className="settings-sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** The badge beside the default gateway or template. */
export function DefaultBadge({ isDefault }: { isDefault: boolean }) {
  return isDefault ? <span className="badge badge-good">Default</span> : null;
}
