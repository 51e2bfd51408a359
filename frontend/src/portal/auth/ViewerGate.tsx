/**
 * Asks the API who is signed in before rendering the portal: the sign-in
 * page when nobody is, the portal with the viewer in context when someone is.
 */
import type { ReactNode } from 'react';
import { useMemo } from 'react';
import { useMutation, useQuery } from 'urql';

import { graphql } from '../gql';
import { Loading, QueryError } from '../ui/States';
import { SignInPage } from './SignInPage';
import { ViewerContext, ViewerQuery } from './viewer';

const SignOut = graphql(`
  mutation SignOut {
    signOut {
      signedOut
      userErrors {
        code
        message
      }
    }
  }
`);

export function ViewerGate({ onSessionChange, children }: { onSessionChange: () => void; children: ReactNode }) {
  const [{ data, error, fetching }] = useQuery({ query: ViewerQuery, requestPolicy: 'network-only' });
  const [, signOut] = useMutation(SignOut);
  const viewer = data?.viewer;
  const info = useMemo(
    () =>
      viewer
        ? {
            role: viewer.role,
            email: viewer.user?.email ?? 'API key',
            accountName: viewer.account.name,
            defaultCurrency: viewer.account.defaultCurrency,
            locale: viewer.account.locale,
            signOut: () => void signOut({}).then(onSessionChange),
          }
        : null,
    [viewer, signOut, onSessionChange],
  );

  if (fetching && !data) return <Loading label="Opening paydesk…" />;
  if (error?.response?.status === 401 || (!error && !viewer)) return <SignInPage onSignedIn={onSessionChange} />;
  if (error || !info) return error ? <QueryError error={error} /> : null;
  return <ViewerContext.Provider value={info}>{children}</ViewerContext.Provider>;
}
