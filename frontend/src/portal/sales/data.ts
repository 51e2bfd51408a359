/**
 * What the sales dialogs read: the customer's cards (through `customer(id:)`
 * so a mutation that returns the customer refreshes it), products and saved
 * offers for the grid.
 */
import { graphql } from '../gql';

export const SalesOfferFields = graphql(`
  fragment SalesOfferFields on Offer {
    id
    name
    currency
    lines {
      description
      quantity
      unitPrice {
        amount
        currency
        formatted
      }
      kind
      unit
      paymentCount
      firstPayment {
        amount
        currency
      }
      product {
        id
      }
    }
  }
`);

export const SalesDialogData = graphql(`
  query SalesDialogData($id: ID!) {
    customer(id: $id) {
      id
      paymentMethods {
        id
        brand
        last4
        expMonth
        expYear
        isDefault
        status
      }
    }
    products {
      id
      name
      price {
        amount
        currency
        formatted
      }
    }
    offers {
      ...SalesOfferFields
    }
  }
`);

/** Currencies offered in the currency picker: the account's, then any the products and offers use. */
export function currencyChoices(defaultCurrency: string, ...more: (string | null | undefined)[]): string[] {
  const common = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY'];
  return [...new Set([defaultCurrency, ...more.filter((c): c is string => Boolean(c)), ...common])];
}

/** What a charge's outcome needs (see outcome.ts), and the customer and card it refreshes. */
export const SalesChargeFields = graphql(`
  fragment SalesChargeFields on Transaction {
    id
    status
    total {
      amount
      currency
      formatted
    }
    resultCode
    declineCode
    resultMessage
    customer {
      id
    }
    paymentMethod {
      id
    }
  }
`);
