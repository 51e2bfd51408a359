import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';

import type { Call } from '../test/render';
import { renderPortal } from '../test/render';
import { CustomersPage } from './CustomersPage';

const ada = {
  id: 'cus_ada',
  number: 49,
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.test',
  phone: '+44 20 7946 0000',
  createdAt: '2026-03-04T10:00:00Z',
  defaultPaymentMethod: { id: 'pm_1', brand: 'visa', last4: '4242' },
  lastPayment: { id: 'txn_1', transactionDate: '2026-11-20T15:00:00Z', total: { formatted: '$1,234.50' } },
};
const grace = { id: 'cus_grace', number: 50, firstName: null, lastName: null, email: 'grace@example.test', phone: null, createdAt: '2026-02-01T10:00:00Z', defaultPaymentMethod: null, lastPayment: null };
const linus = { ...grace, id: 'cus_linus', email: null, firstName: 'Linus', lastName: 'T' };

function page(nodes: object[], { hasNextPage = false, endCursor = null as string | null, totalCount = nodes.length } = {}) {
  return { customers: { totalCount, pageInfo: { hasNextPage, endCursor }, edges: nodes.map((node) => ({ node })) } };
}

/** Page one holds Ada and Grace, page two (after "c2") Linus; a search for "ada" finds only Ada. */
function respond({ operationName, variables }: Call) {
  if (operationName !== 'CustomersList') return null;
  if (variables.search === 'ada') return page([ada]);
  if (variables.search === 'zzz') return page([]);
  if (variables.after === 'c2') return page([linus], { totalCount: 3 });
  return page([ada, grace], { hasNextPage: true, endCursor: 'c2', totalCount: 3 });
}

const listCalls = (calls: Call[]) => calls.filter((call) => call.operationName === 'CustomersList').map((call) => call.variables);

describe('CustomersPage', () => {
  it('lists customers with their default card, each linking to their page', async () => {
    renderPortal(<CustomersPage />, { respond, path: '/customers' });

    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    // The name cell repeats the email for phone width, where the email column is hidden.
    expect(rows.map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent))).toEqual([
      ['49', 'Ada Lovelaceada@example.test', 'ada@example.test', '+44 20 7946 0000', 'Mar 4, 2026', 'Visa •••• 4242', '$1,234.50 Nov 20, 2026'],
      ['50', 'grace@example.testgrace@example.test', 'grace@example.test', '—', 'Feb 1, 2026', 'None', 'None'],
    ]);
    expect(within(rows[0]!).getByRole('link', { name: 'Ada Lovelace' }).getAttribute('href')).toBe('/customers/cus_ada');
    expect(screen.getByText('3 customers')).toBeTruthy();
  });

  it('searches once typing pauses, sending the search variable from the first page', async () => {
    const { calls } = renderPortal(<CustomersPage />, { respond, path: '/customers' });
    await screen.findByRole('table');

    await userEvent.type(screen.getByLabelText('Search customers'), 'ada');

    await waitFor(() => expect(listCalls(calls).at(-1)).toEqual({ first: 25, after: null, search: 'ada' }));
    await waitFor(() => expect(screen.queryByText('grace@example.test')).toBeNull());
    expect(screen.getByRole('link', { name: 'Ada Lovelace' })).toBeTruthy();
    // One request for the page, one for the finished word: none for "a" or "ad".
    expect(listCalls(calls).map((variables) => variables.search)).toEqual([null, 'ada']);
  });

  it('starts from the search in the address and says when nothing matches', async () => {
    const { calls } = renderPortal(<CustomersPage />, { respond, path: '/customers?q=zzz' });

    expect(await screen.findByText('No customers match “zzz”.')).toBeTruthy();
    expect((screen.getByLabelText('Search customers') as HTMLInputElement).value).toBe('zzz');
    expect(listCalls(calls)).toEqual([{ first: 25, after: null, search: 'zzz' }]);
  });

  it('pages forward with the end cursor and back with the one before', async () => {
    const { calls } = renderPortal(<CustomersPage />, { respond, path: '/customers' });
    await screen.findByRole('table');
    expect(screen.getByRole('button', { name: 'Previous' }).hasAttribute('disabled')).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Next' }));

    expect(await screen.findByRole('link', { name: 'Linus T' })).toBeTruthy();
    expect(listCalls(calls).at(-1)).toEqual({ first: 25, after: 'c2', search: null });
    expect(screen.getByText('Page 2')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Next' }).hasAttribute('disabled')).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));

    expect(await screen.findByRole('link', { name: 'Ada Lovelace' })).toBeTruthy();
    expect(listCalls(calls).at(-1)).toEqual({ first: 25, after: null, search: null });
  });

  it('makes a new customer from the dialog and opens their page', async () => {
    const { calls } = renderPortal(
      <Routes>
        <Route path="/customers" element={<CustomersPage />} />
        <Route path="/customers/:customerId" element={<p>Page of the new customer</p>} />
      </Routes>,
      {
        respond: (call) =>
          call.operationName === 'NewCustomerCreate' ? { createCustomer: { customer: { id: 'cus_new' }, userErrors: [] } } : respond(call),
        path: '/customers',
        role: 'REP',
      },
    );
    await userEvent.click(await screen.findByRole('button', { name: 'New customer' }));
    const dialog = screen.getByRole('dialog', { name: 'New customer' });
    await userEvent.type(within(dialog).getByLabelText('First name'), 'Mary');
    await userEvent.type(within(dialog).getByLabelText('Last name'), 'Jackson');
    await userEvent.type(within(dialog).getByLabelText('Email'), 'mary@example.test');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create customer' }));

    expect(await screen.findByText('Page of the new customer')).toBeTruthy();
    expect(calls.filter((call) => call.operationName === 'NewCustomerCreate').map((call) => call.variables)).toEqual([
      { input: { firstName: 'Mary', lastName: 'Jackson', email: 'mary@example.test', phone: null } },
    ]);
  });

  it('shows a VIEWER the list without action buttons', async () => {
    renderPortal(<CustomersPage />, { respond, path: '/customers', role: 'VIEWER' });
    await screen.findByRole('table');
    expect(screen.queryByRole('button', { name: 'New customer' })).toBeNull();
    expect(screen.getAllByRole('button').map((button) => button.textContent)).toEqual(['Previous', 'Next']);
  });
});
