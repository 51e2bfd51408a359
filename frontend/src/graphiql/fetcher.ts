import { createGraphiQLFetcher } from '@graphiql/toolkit';

/**
 * POSTs JSON to the same origin's /graphql. GraphiQL merges the headers typed
 * in its Headers tab (a partner's Api-Appid and Api-Key) into each request;
 * the staff session cookie goes along because the request is same-origin.
 * Incremental delivery is off: the API answers plain JSON, never multipart.
 */
export const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  enableIncrementalDelivery: false,
  fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
});
