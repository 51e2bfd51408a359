/**
 * The portal: one GraphQL client per session (a new one on sign-in and
 * sign-out, so nothing cached for one user is shown to the next), the viewer
 * gate, and the routes. Every route is also a server path: the app answers
 * any unknown GET with index.html, so `/customers/cus_…` opens directly.
 */
import { useCallback, useMemo, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Provider } from 'urql';

import { ViewerGate } from './auth/ViewerGate';
import { createClient } from './client';
import { CustomerPage } from './customers/CustomerPage';
import { CustomersPage } from './customers/CustomersPage';
import { Layout } from './Layout';
import { NotFound } from './NotFound';
import { SettingsPage } from './settings/SettingsPage';
import { TransactionPage } from './transactions/TransactionPage';
import { TransactionsPage } from './transactions/TransactionsPage';

export function App() {
  const [session, setSession] = useState(0);
  const renew = useCallback(() => setSession((n) => n + 1), []);
  const client = useMemo(() => createClient(renew), [session, renew]);
  return (
    <Provider value={client}>
      <ViewerGate key={session} onSessionChange={renew}>
        <Layout>
          <Routes>
            <Route path="/" element={<Navigate to="/customers" replace />} />
            <Route path="/customers" element={<CustomersPage />} />
            <Route path="/customers/:customerId" element={<CustomerPage />} />
            <Route path="/transactions" element={<TransactionsPage />} />
            <Route path="/transactions/:transactionId" element={<TransactionPage />} />
            <Route path="/settings/*" element={<SettingsPage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Layout>
      </ViewerGate>
    </Provider>
  );
}
