import { graphql } from '../gql';

/**
 * What every mutation asks of its userErrors; spread `...UserErrorFields` in
 * a payload's `userErrors { }` (the client preset adds the fragment itself).
 */
export const UserErrorFields = graphql(`
  fragment UserErrorFields on UserError {
    field
    code
    message
  }
`);
