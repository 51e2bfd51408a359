import { graphql } from '../gql';

/**
 * What the payments and subscription screens ask of every Money they show or
 * check: spread `...PaymentsMoney` in its selection.
 */
export const PaymentsMoney = graphql(`
  fragment PaymentsMoney on Money {
    amount
    currency
    formatted
  }
`);
