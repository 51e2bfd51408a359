/** A section's table: it scrolls sideways at phone width, and its actions column is named for screen readers. */
import type { ReactNode } from 'react';

export function SectionTable({ head, children }: { head: ReactNode; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** The heading of a column without visible words (row actions, links). */
export function HiddenHeader({ children = 'Actions' }: { children?: string }) {
  return (
    <th scope="col">
      <span className="cust-sr-only">{children}</span>
    </th>
  );
}

/** A row's buttons, side by side (stacked at phone width). */
export function RowActions({ children }: { children: ReactNode }) {
  return <div className="actions cust-row-actions">{children}</div>;
}
