/**
 * The portal's one GraphQL client: same-origin POSTs to /graphql carrying the
 * staff session cookie, nothing else. A 401 from any operation means the
 * session ended (signed out elsewhere, expired, revoked): `onSignedOut` lets
 * the viewer gate show the sign-in page again.
 */
import { Client, cacheExchange, fetchExchange, getOperationName, mapExchange } from 'urql';

export function createClient(onSignedOut: () => void): Client {
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    fetchOptions: { credentials: 'same-origin', headers: { Accept: 'application/graphql-response+json, application/json' } },
    // Queries re-run when a mutation returns an object of a type they hold
    // (urql's document cache), so a refund refreshes the payments table.
    exchanges: [
      mapExchange({
        onError(error, operation) {
          // The viewer gate handles its own 401 (by showing the sign-in page).
          if (error.response?.status === 401 && getOperationName(operation.query) !== 'Viewer') onSignedOut();
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
  });
}
