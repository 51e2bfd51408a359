/** The customer's invoices, newest first; "View" opens the public invoice page in a new tab. */

import { graphql } from '../gql';
import { formatDate, formatDateTime } from '../ui/format';
import { Empty } from '../ui/States';
import { ShowMore, usePageSize } from './paging';
import { Section, useSectionQuery } from './Section';
import { HiddenHeader, SectionTable } from './SectionTable';

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
  const page = usePageSize();
  const query = useSectionQuery({ query: CustomerInvoices, variables: { id: customerId, first: page.first } });
  const { data } = query;
  const connection = data?.customer?.invoices;
  const invoices = connection?.edges ?? [];
  return (
    <Section title="Invoices" query={query}>
      {connection && invoices.length === 0 ? <Empty>No invoices yet.</Empty> : null}
      {invoices.length ? (
        <SectionTable
          head={
            <>
              <th scope="col">Number</th>
              <th scope="col" className="num">Total</th>
              <th scope="col">Issued</th>
              <th scope="col" className="hide-narrow">Last sent</th>
              <HiddenHeader>Link</HiddenHeader>
            </>
          }
        >
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
        </SectionTable>
      ) : null}
      <ShowMore page={page} hasNextPage={connection?.pageInfo.hasNextPage} fetching={query.fetching}>
        Show more invoices
      </ShowMore>
    </Section>
  );
}
