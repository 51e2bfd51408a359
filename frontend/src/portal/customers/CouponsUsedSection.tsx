/** Coupons the customer used: the code, what it took off, and when the sale was. */

import { graphql } from '../gql';
import { formatDate } from '../ui/format';
import { Empty } from '../ui/States';
import { Section, useSectionQuery } from './Section';

const CustomerCouponsUsed = graphql(`
  query CustomerCouponsUsed($id: ID!) {
    customer(id: $id) {
      id
      couponsUsed {
        coupon {
          id
          code
        }
        amount {
          formatted
        }
        transaction {
          id
          transactionDate
        }
      }
    }
  }
`);

export function CouponsUsedSection({ customerId }: { customerId: string }) {
  const query = useSectionQuery({ query: CustomerCouponsUsed, variables: { id: customerId } });
  const { data } = query;
  const uses = data?.customer?.couponsUsed ?? [];
  return (
    <Section title="Coupons used" query={query}>
      {uses.length === 0 ? <Empty>No coupons used.</Empty> : null}
      {uses.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col" className="num">Amount off</th>
                <th scope="col">Sale date</th>
              </tr>
            </thead>
            <tbody>
              {uses.map((use) => (
                <tr key={`${use.transaction.id}:${use.coupon.id}`}>
                  <td className="mono">{use.coupon.code}</td>
                  <td className="num">{use.amount.formatted}</td>
                  <td>{formatDate(use.transaction.transactionDate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}
