/** Every email paydesk sent the customer (or is about to): what, to whom, when, and whether it went. */

import { graphql } from '../gql';
import { formatDateTime, humanize } from '../ui/format';
import { Empty } from '../ui/States';
import { ShowMore, usePageSize } from './paging';
import { Section, useSectionQuery } from './Section';
import { SectionTable } from './SectionTable';

const CustomerEmails = graphql(`
  query CustomerEmails($id: ID!, $first: Int!) {
    customer(id: $id) {
      id
      emails(first: $first) {
        pageInfo {
          hasNextPage
        }
        edges {
          node {
            id
            purpose
            to
            subject
            status
            attempts
            createdAt
            sentAt
            error
          }
        }
      }
    }
  }
`);

const STATUS: Record<string, { label: string; badge: string }> = {
  PENDING: { label: 'Sending', badge: 'badge-neutral' },
  SENT: { label: 'Delivered', badge: 'badge-good' },
  FAILED: { label: 'Failed', badge: 'badge-bad' },
};

export function EmailsSection({ customerId }: { customerId: string }) {
  const page = usePageSize();
  const query = useSectionQuery({ query: CustomerEmails, variables: { id: customerId, first: page.first } });
  const connection = query.data?.customer?.emails;
  const emails = connection?.edges ?? [];
  return (
    <Section title="Emails" query={query}>
      {connection && emails.length === 0 ? <Empty>No emails sent to this customer yet.</Empty> : null}
      {emails.length ? (
        <SectionTable
          head={
            <>
              <th scope="col">What</th>
              <th scope="col" className="hide-narrow">To</th>
              <th scope="col">When</th>
              <th scope="col">Result</th>
            </>
          }
        >
          {emails.map(({ node }) => {
            const status = STATUS[node.status] ?? { label: humanize(node.status), badge: 'badge-neutral' };
            return (
              <tr key={node.id}>
                <td>
                  {humanize(node.purpose)}
                  <div className="muted">{node.subject}</div>
                </td>
                <td className="hide-narrow mono">{node.to}</td>
                <td>{formatDateTime(node.sentAt ?? node.createdAt)}</td>
                <td>
                  <span className={`badge ${status.badge}`}>{status.label}</span>
                  {node.error && node.status !== 'SENT' ? <div className="muted">{node.error}</div> : null}
                </td>
              </tr>
            );
          })}
        </SectionTable>
      ) : null}
      <ShowMore page={page} hasNextPage={connection?.pageInfo.hasNextPage} fetching={query.fetching}>
        Show more emails
      </ShowMore>
    </Section>
  );
}
