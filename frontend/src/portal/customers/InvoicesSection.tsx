/** The customer's invoices, newest first; "View" opens the public invoice page in a new tab. */
import { useState } from 'react';
import { useQuery } from 'urql';

import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { formatDate, formatDateTime } from '../ui/format';
import { Empty } from '../ui/States';
import { Section } from './Section';

/** A page of invoices; "Show more invoices" asks for one more page, up to the API's limit of 100. */
const PAGE = 20;
const MAX = 100;

const CustomerInvoices = graphql(`
  query CustomerInvoices($id: ID!, $first: Int!) {
    customer(id: $id) {
      id
      invoices(first: $first) {
        totalCount
        pageInfo {
          hasNextPage
        }
        edges {
          node {
            id
            number
            total {
              formatted
            }
            issuedAt
            lastSentAt
            url
          }
        }
      }
    }
  }
`);

export function InvoicesSection({ customerId }: { customerId: string }) {
  const [first, setFirst] = useState(PAGE);
  const [{ data, error, fetching }] = useQuery({ query: CustomerInvoices, variables: { id: customerId, first } });
  const connection = data?.customer?.invoices;
  const invoices = connection?.edges ?? [];
  return (
    <Section title="Invoices" fetching={fetching} loaded={Boolean(data)} error={error}>
      {connection && invoices.length === 0 ? <Empty>No invoices yet.</Empty> : null}
      {invoices.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col" className="num">Total</th>
                <th scope="col">Issued</th>
                <th scope="col" className="hide-narrow">Last sent</th>
                <th scope="col"><span className="cust-sr-only">Link</span></th>
              </tr>
            </thead>
            <tbody>
              {invoices.map(({ node }) => (
                <tr key={node.id}>
                  <td className="mono cust-nowrap">{node.number}</td>
                  <td className="num">{node.total.formatted}</td>
                  <td>{formatDate(node.issuedAt)}</td>
                  <td className="hide-narrow">{node.lastSentAt ? formatDateTime(node.lastSentAt) : <span className="muted">Never</span>}</td>
                  <td>
                    <a href={node.url} target="_blank" rel="noopener noreferrer">
                      View<span className="cust-sr-only"> {node.number} (opens in a new tab)</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {connection?.pageInfo.hasNextPage && first < MAX ? (
        <Button className="btn-small" busy={fetching} onClick={() => setFirst(Math.min(first + PAGE, MAX))}>
          Show more invoices
        </Button>
      ) : null}
    </Section>
  );
}
