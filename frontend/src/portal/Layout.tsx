/** The frame of every signed-in page: skip link, navigation, who is signed in, sign out. */
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';

import { useCan, useViewer } from './auth/viewer';
import { humanize } from './ui/format';

export function Layout({ children }: { children: ReactNode }) {
  const viewer = useViewer();
  const admin = useCan('ADMIN');
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <NavLink to="/customers" className="brand">
          paydesk
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/customers">Customers</NavLink>
          <NavLink to="/transactions">Transactions</NavLink>
          {admin ? <NavLink to="/settings">Settings</NavLink> : null}
        </nav>
        <div className="who" aria-label="Signed in">
          <span className="who-account">{viewer.accountName}</span>
          <span className="who-user">
            {viewer.email} <span className="muted">· {humanize(viewer.role)}</span>
          </span>
          <button type="button" className="btn btn-link" onClick={viewer.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
