/**
 * Asks the API who is signed in before rendering the portal: the sign-in
 * page when nobody is, the portal with the viewer in context when someone is.
 */
import type { ReactNode } from 'react';
import { useMemo } from 'react';
import { useMutation, useQuery } from 'urql';

import { graphql } from '../gql';
import { setPortalDates } from '../ui/format';
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
  const [{ data, error, fetching }, reexecute] = useQuery({ query: ViewerQuery, requestPolicy: 'network-only' });
  const [, signOut] = useMutation(SignOut);
  const viewer = data?.viewer;
  const info = useMemo(() => {
    if (viewer) setPortalDates(viewer.account.locale, viewer.account.timezone);
    return viewer
        ? {
            role: viewer.role,
            email: viewer.user?.email ?? 'API key',
            accountName: viewer.account.name,
            defaultCurrency: viewer.account.defaultCurrency,
            locale: viewer.account.locale,
            signOut: () => void signOut({}).then(onSessionChange),
          }
        : null;
  }, [viewer, signOut, onSessionChange]);

  if (fetching && !data) return <Loading label="Opening paydesk…" />;
  if (error?.response?.status === 401 || (!error && !viewer)) return <SignInPage onSignedIn={onSessionChange} />;
  if (error || !info) {
    // No viewer, so no portal frame: keep a header and offer to try again.
    return error ? (
      <div className="app">
        <header className="app-header">
          <span className="brand">paydesk</span>
        </header>
        <main id="main" className="app-main">
          <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
        </main>
      </div>
    ) : null;
  }
  return <ViewerContext.Provider value={info}>{children}</ViewerContext.Provider>;
}
