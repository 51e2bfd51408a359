/**
 * The customers list: search as you type (kept in the address as ?q= so a
 * reload or a shared link keeps it), keyset pages of 25 (a stack of the
 * cursors used so far gives "Previous"), and "New customer" for REP and up.
 */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { TextField } from '../ui/Field';
import { formatDate } from '../ui/format';
import { Empty, Loading, QueryError } from '../ui/States';
import { cardLabel, customerName } from './names';
import { NewCustomerDialog } from './NewCustomerDialog';
import './customers.css';

const PAGE_SIZE = 25;
/** Long enough that a word typed at speed sends one search, short enough to feel live. */
const SEARCH_DELAY_MS = 250;

const CustomersList = graphql(`
  query CustomersList($first: Int!, $after: String, $search: String) {
    customers(first: $first, after: $after, search: $search) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          number
          firstName
          lastName
          email
          phone
          createdAt
          pastDue
          defaultPaymentMethod {
            id
            brand
            last4
          }
          lastPayment {
            id
            transactionDate
            total {
              formatted
            }
          }
        }
      }
    }
  }
`);

/** The search text as typed, and the same text once typing pauses (in the URL). */
function useSearch(): [string, (text: string) => void, string] {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  useEffect(() => {
    // The address changed on its own (back button, a link): show its search.
    setText((typed) => (typed.trim() === q ? typed : q));
  }, [q]);
  useEffect(() => {
    const wanted = text.trim();
    if (wanted === q) return undefined;
    const timer = window.setTimeout(() => setParams(wanted ? { q: wanted } : {}, { replace: true }), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [text, q, setParams]);
  return [text, setText, q];
}

export function CustomersPage() {
  const canEdit = useCan('REP');
  const navigate = useNavigate();
  const [text, setText, q] = useSearch();
  const [pages, setPages] = useState<{ q: string; cursors: string[] }>({ q, cursors: [] });
  const cursors = pages.q === q ? pages.cursors : [];
  const [creating, setCreating] = useState(false);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: CustomersList,
    variables: { first: PAGE_SIZE, after: cursors.at(-1) ?? null, search: q || null },
  });
  const connection = data?.customers;
  const rows = connection?.edges ?? [];
  const pageNumber = cursors.length + 1;

  return (
    <section className="page" aria-labelledby="customers-title">
      <div className="page-header">
        <div>
          <h1 id="customers-title">Customers</h1>
          {connection ? (
            <p className="muted cust-count" aria-live="polite">
              {connection.totalCount === 1 ? '1 customer' : `${connection.totalCount} customers`}
              {q ? ` match “${q}”` : ''}
            </p>
          ) : null}
        </div>
        {canEdit ? (
          <div className="actions">
            <Button variant="primary" onClick={() => setCreating(true)}>
              New customer
            </Button>
          </div>
        ) : null}
      </div>

      <div className="toolbar" role="search">
        <TextField label="Search customers" type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder="Name, email, phone or #number" autoComplete="off" />
      </div>

      {error ? <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} /> : null}
      {fetching && !data ? <Loading label="Loading customers…" /> : null}
      {connection && rows.length === 0 ? <Empty>{q ? `No customers match “${q}”.` : 'No customers yet.'}</Empty> : null}
      {rows.length ? (
        <div className="table-wrap card cust-table-card" aria-busy={fetching || undefined}>
          <table className="table">
            <caption className="cust-sr-only">Customers</caption>
            <thead>
              <tr>
                <th scope="col" className="hide-narrow">#</th>
                <th scope="col">Name</th>
                <th scope="col" className="hide-narrow">Email</th>
                <th scope="col" className="hide-narrow">Phone</th>
                <th scope="col" className="hide-narrow">Created</th>
                <th scope="col">Default card</th>
                <th scope="col">Last payment</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ node }) => (
                <tr key={node.id} className="row-link" onClick={() => void navigate(`/customers/${node.id}`)}>
                  <td className="hide-narrow muted">{node.number}</td>
                  <td>
                    <Link to={`/customers/${node.id}`} onClick={(event) => event.stopPropagation()}>
                      {customerName(node)}
                    </Link>
                    {node.pastDue ? (
                      <span className="badge badge-warn cust-past-due" title="A subscription or plan is past due or retrying a declined payment">
                        Past due
                      </span>
                    ) : null}
                    {node.email ? <div className="muted cust-narrow-only cust-break">{node.email}</div> : null}
                  </td>
                  <td className="hide-narrow cust-break">{node.email ?? '—'}</td>
                  <td className="hide-narrow">{node.phone ?? '—'}</td>
                  <td className="hide-narrow">{formatDate(node.createdAt)}</td>
                  <td className="cust-card">{node.defaultPaymentMethod ? cardLabel(node.defaultPaymentMethod) : <span className="muted">None</span>}</td>
                  <td>
                    {node.lastPayment ? (
                      <>
                        <span className="cust-nowrap">{node.lastPayment.total.formatted}</span> <span className="muted cust-nowrap">{formatDate(node.lastPayment.transactionDate)}</span>
                      </>
                    ) : (
                      <span className="muted">None</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {connection && (cursors.length > 0 || connection.pageInfo.hasNextPage) ? (
        <nav className="pager" aria-label="Pages">
          <span className="muted">Page {pageNumber}</span>
          <Button disabled={cursors.length === 0 || fetching} onClick={() => setPages({ q, cursors: cursors.slice(0, -1) })}>
            Previous
          </Button>
          <Button
            disabled={!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor || fetching}
            onClick={() => connection.pageInfo.endCursor && setPages({ q, cursors: [...cursors, connection.pageInfo.endCursor] })}
          >
            Next
          </Button>
        </nav>
      ) : null}

      {canEdit ? <NewCustomerDialog open={creating} onClose={() => setCreating(false)} /> : null}
    </section>
  );
}
