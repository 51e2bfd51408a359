import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';

import type { Role } from '../gql/graphql';
import type { Call, Respond } from '../test/render';
import { renderPortal } from '../test/render';
import { CustomerPage } from './CustomerPage';

// The other teams' parts of the page have their own tests; here they stay out of the way.
vi.mock('../sales/CustomerActions', () => ({ CustomerActions: () => null }));
vi.mock('../transactions/PaymentsSection', () => ({ PaymentsSection: () => null }));
vi.mock('../subscriptions/SubscriptionsSection', () => ({ SubscriptionsSection: () => null }));

const ID = 'cus_ada';
const money = (formatted: string) => ({ formatted });
const visa = {
  id: 'pm_visa', brand: 'visa', last4: '4242', expMonth: 4, expYear: 2031, nameOnCard: 'Ada Lovelace',
  isDefault: true, status: 'ACTIVE', gateway: { id: 'gw_1', name: 'Sandbox' },
};
const amex = { ...visa, id: 'pm_amex', brand: 'amex', last4: '0005', expMonth: 12, expYear: 2030, nameOnCard: null, isDefault: false };
const firstComment = { id: 'cmt_1', body: 'Prefers email.', createdAt: '2026-11-30T09:00:00Z', author: { id: 'usr_1', email: 'rep@example.test' } };

/** One customer with something in every section, so every action button would show if allowed. */
function customerData(comments = [firstComment]): Record<string, unknown> {
  const customer = { id: ID, __typename: 'Customer' };
  return {
    CustomerHeader: { customer: { ...customer, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test', phone: '555-0100', createdAt: '2026-03-04T10:00:00Z', number: 49 } },
    CustomerProfile: { customer: { ...customer, createdAt: '2026-03-04T10:00:00Z', email: 'ada@example.test', phone: '555-0100', referredBy: null } },
    CustomerAddresses: { customer: { ...customer, addresses: [{ id: 'addr_1', line1: '12 Analytical St', line2: null, city: 'London', state: null, postalCode: 'N1 9GU', country: 'GB' }] } },
    CustomerPaymentMethods: { customer: { ...customer, paymentMethods: [visa, amex] } },
    CustomerComments: {
      customer: { ...customer, comments: { totalCount: comments.length, pageInfo: { hasNextPage: false }, edges: comments.map((node) => ({ node })) } },
    },
    CustomerCouponsUsed: {
      customer: { ...customer, couponsUsed: [{ coupon: { id: 'cpn_1', code: 'WELCOME10' }, amount: money('$4.90'), transaction: { id: 'txn_1', transactionDate: '2026-11-01T12:00:00Z' } }] },
    },
    CustomerInvoices: {
      customer: {
        ...customer,
        invoices: {
          totalCount: 1, pageInfo: { hasNextPage: false },
          edges: [{ node: { id: 'inv_1', number: 'INV-000001', total: money('$44.10'), issuedAt: '2026-11-01T12:00:00Z', lastSentAt: null, url: 'https://pay.example.test/invoices/inv_1' } }],
        },
      },
    },
    CustomerPaymentRequests: {
      customer: {
        ...customer,
        paymentRequests: {
          totalCount: 1, pageInfo: { hasNextPage: false },
          edges: [{ node: { id: 'preq_1', status: 'OPEN', amount: money('$99.00'), description: 'Workshop', createdAt: '2026-11-30T09:00:00Z', expiresAt: '2026-12-07T09:00:00Z', url: 'https://pay.example.test/pay/preq_1' } }],
        },
      },
    },
    CustomerCardLinks: {
      customer: {
        ...customer,
        cardTokenizationLinks: [{ id: 'clink_1', status: 'ACTIVE', createdAt: '2026-11-30T09:00:00Z', expiresAt: '2026-12-07T09:00:00Z', usedAt: null, takesOverOpenOrders: false, url: 'https://pay.example.test/card/clink_1' }],
      },
    },
  };
}

function renderCustomer({ role = 'OWNER' as Role, respond }: { role?: Role; respond?: Respond } = {}) {
  const data = customerData();
  const fallback: Respond = ({ operationName }) => data[operationName] ?? null;
  return renderPortal(
    <Routes>
      <Route path="/customers/:customerId" element={<CustomerPage />} />
    </Routes>,
    { role, path: `/customers/${ID}`, respond: respond ?? fallback },
  );
}

const MY_SECTIONS = ['Details', 'Addresses', 'Payment methods', 'Invoices', 'Payment requests', 'Card-request links', 'Comments', 'Coupons used'];
const HEADER_BUTTONS = ['Edit details', 'Add card', 'Request card details', 'Add address'];

/** Waits until every section has its data on screen. */
async function loaded() {
  await screen.findByRole('heading', { level: 1, name: 'Ada Lovelace' });
  await screen.findByText('12 Analytical St', { exact: false });
  await screen.findByText('Prefers email.');
  await screen.findByText('WELCOME10');
  await screen.findByText('INV-000001');
  await screen.findByText('$99.00');
  await screen.findByText('Visa •••• 4242');
  await waitFor(() => expect(within(screen.getByRole('region', { name: 'Card-request links' })).getByText('Active')).toBeTruthy());
}

describe('CustomerPage', () => {
  it('shows a VIEWER the whole record and no action buttons', async () => {
    renderCustomer({ role: 'VIEWER' });
    await loaded();
    expect(screen.getByText('Customer #49')).toBeTruthy();

    for (const name of HEADER_BUTTONS) expect(screen.queryByRole('button', { name })).toBeNull();
    for (const name of MY_SECTIONS) {
      const region = screen.getByRole('region', { name });
      expect([name, within(region).queryAllByRole('button').map((button) => button.textContent)]).toEqual([name, []]);
    }
    expect(screen.queryByLabelText('Comment')).toBeNull();
    expect(screen.getByRole('link', { name: /View INV-000001/ }).getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('gives a REP the same record with its actions', async () => {
    renderCustomer({ role: 'REP' });
    await loaded();

    for (const name of HEADER_BUTTONS) expect(screen.getByRole('button', { name })).toBeTruthy();
    const cards = screen.getByRole('region', { name: 'Payment methods' });
    expect(within(cards).getAllByRole('button').map((button) => button.getAttribute('aria-label'))).toEqual([
      'Edit expiry: Visa ending 4242',
      'Remove: Visa ending 4242',
      'Set as default: American Express ending 0005',
      'Edit expiry: American Express ending 0005',
      'Remove: American Express ending 0005',
    ]);
    expect(within(screen.getByRole('region', { name: 'Addresses' })).getByRole('button', { name: 'Edit 12 Analytical St' })).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Payment requests' })).getAllByRole('button').map((b) => b.textContent)).toEqual(['Copy link', 'Cancel request']);
    expect(within(screen.getByRole('region', { name: 'Card-request links' })).getAllByRole('button').map((b) => b.textContent)).toEqual(['Copy link', 'Revoke']);
  });

  it('shows Not found for a customer that is not in the account', async () => {
    renderCustomer({ respond: () => ({ customer: null }) });
    expect(await screen.findByRole('heading', { level: 1, name: 'Not found' })).toBeTruthy();
  });

  it('adds a comment and shows it first once the list reloads', async () => {
    let comments = [firstComment];
    const added = { id: 'cmt_2', body: 'Called about the renewal.', createdAt: '2026-12-01T15:30:00Z', author: { id: 'usr_2', email: 'owner@example.test' } };
    const { calls } = renderCustomer({
      respond: ({ operationName }: Call) => {
        if (operationName === 'CustomerCommentAdd') {
          comments = [added, ...comments];
          return { addComment: { comment: { id: added.id, body: added.body, createdAt: added.createdAt }, userErrors: [] } };
        }
        return customerData(comments)[operationName] ?? null;
      },
    });
    await loaded();
    const section = screen.getByRole('region', { name: 'Comments' });

    await userEvent.type(within(section).getByLabelText('Comment'), 'Called about the renewal.');
    await userEvent.click(within(section).getByRole('button', { name: 'Add comment' }));

    await waitFor(() => expect(within(section).getAllByRole('listitem').map((item) => item.querySelector('p')?.textContent)).toEqual(['Called about the renewal.', 'Prefers email.']));
    expect(calls.filter((call) => call.operationName === 'CustomerCommentAdd').map((call) => call.variables)).toEqual([
      { input: { customerId: ID, body: 'Called about the renewal.' } },
    ]);
    expect(within(section).getAllByRole('listitem')[0]!.textContent).toContain('owner@example.test');
    expect((within(section).getByLabelText('Comment') as HTMLTextAreaElement).value).toBe('');
  });

  it('does not send an empty comment', async () => {
    const { calls } = renderCustomer();
    await loaded();
    const section = screen.getByRole('region', { name: 'Comments' });

    await userEvent.click(within(section).getByRole('button', { name: 'Add comment' }));

    expect(within(section).getByText('Write a comment first.')).toBeTruthy();
    expect(calls.some((call) => call.operationName === 'CustomerCommentAdd')).toBe(false);
  });
});

describe('Addresses', () => {
  it('edits an address with updateAddress, clearing an emptied field', async () => {
    const { calls } = renderCustomer({
      respond: ({ operationName, variables }) =>
        operationName === 'CustomerAddressUpdate'
          ? { updateAddress: { address: { id: 'addr_1', ...(variables.input as object) }, userErrors: [] } }
          : (customerData()[operationName] ?? null),
    });
    await loaded();
    await userEvent.click(screen.getByRole('button', { name: 'Edit 12 Analytical St' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit address' });
    expect((within(dialog).getByLabelText('City') as HTMLInputElement).value).toBe('London');

    await userEvent.clear(within(dialog).getByLabelText('Postal code'));
    await userEvent.type(within(dialog).getByLabelText('Address line 2'), 'Flat 3');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save address' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit address' })).toBeNull());
    expect(calls.filter((call) => call.operationName === 'CustomerAddressUpdate').map((call) => call.variables)).toEqual([
      { input: { addressId: 'addr_1', line1: '12 Analytical St', line2: 'Flat 3', city: 'London', state: null, postalCode: null, country: 'GB' } },
    ]);
  });

  it('adds an address from the header button and shows errors at their field', async () => {
    const { calls } = renderCustomer({
      respond: ({ operationName }) =>
        operationName === 'CustomerAddressAdd'
          ? { addAddress: { address: null, userErrors: [{ field: ['input', 'country'], code: 'INVALID', message: 'Use a two-letter country code.' }] } }
          : (customerData()[operationName] ?? null),
    });
    await loaded();
    await userEvent.click(screen.getByRole('button', { name: 'Add address' }));
    const dialog = screen.getByRole('dialog', { name: 'Add address' });
    await userEvent.type(within(dialog).getByLabelText('Address line 1'), '1 Main St');
    await userEvent.type(within(dialog).getByLabelText('City'), 'Springfield');
    await userEvent.type(within(dialog).getByLabelText('Country'), 'xx');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save address' }));

    await waitFor(() => expect(within(dialog).getByLabelText('Country').getAttribute('aria-invalid')).toBe('true'));
    expect(within(dialog).getAllByText('Use a two-letter country code.')).toHaveLength(1);
    expect(calls.find((call) => call.operationName === 'CustomerAddressAdd')?.variables).toEqual({
      input: { customerId: ID, line1: '1 Main St', line2: null, city: 'Springfield', state: null, postalCode: null, country: 'XX' },
    });
  });
});

describe('Add card', () => {
  const expired = { field: ['input', 'card', 'expYear'], code: 'CARD_EXPIRED', message: 'This card has expired.' };

  async function openAndFill() {
    await userEvent.click(screen.getByRole('button', { name: 'Add card' }));
    const dialog = screen.getByRole('dialog', { name: 'Add card' });
    await userEvent.type(within(dialog).getByLabelText('Card number'), '4242 4242 4242 4242');
    await userEvent.type(within(dialog).getByLabelText('Expiry month'), '1');
    await userEvent.type(within(dialog).getByLabelText('Expiry year'), '2020');
    await userEvent.type(within(dialog).getByLabelText('CVC'), '123');
    return dialog;
  }

  it('sends the card to tokenizeCard and shows CARD_EXPIRED at the expiry year', async () => {
    const { calls } = renderCustomer({
      respond: ({ operationName }) =>
        operationName === 'CustomerCardTokenize'
          ? { tokenizeCard: { paymentMethod: null, userErrors: [expired] } }
          : (customerData()[operationName] ?? null),
    });
    await loaded();
    const dialog = await openAndFill();
    await userEvent.click(within(dialog).getByLabelText('Make this the default card'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save card' }));

    const year = within(dialog).getByLabelText('Expiry year');
    await waitFor(() => expect(year.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(year.getAttribute('aria-describedby') ?? '')?.textContent).toBe('This card has expired.');
    expect(within(dialog).getByLabelText('Card number').getAttribute('aria-invalid')).toBeNull();
    // Shown at its field only, not again in the banner.
    expect(within(dialog).getAllByText('This card has expired.')).toHaveLength(1);
    expect(calls.filter((call) => call.operationName === 'CustomerCardTokenize').map((call) => call.variables)).toEqual([
      { input: { customerId: ID, card: { number: '4242 4242 4242 4242', expMonth: 1, expYear: 2020, cvc: '123', nameOnCard: null }, makeDefault: false } },
    ]);
    expect(screen.getByRole('dialog', { name: 'Add card' })).toBeTruthy();
  });

  it('closes and reloads the cards once the card is on file', async () => {
    const { calls } = renderCustomer({
      respond: ({ operationName }) =>
        operationName === 'CustomerCardTokenize'
          ? { tokenizeCard: { paymentMethod: { id: 'pm_new', brand: 'visa', last4: '4242', isDefault: true, status: 'ACTIVE' }, userErrors: [] } }
          : (customerData()[operationName] ?? null),
    });
    await loaded();
    const before = calls.filter((call) => call.operationName === 'CustomerPaymentMethods').length;
    const dialog = await openAndFill();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save card' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Add card' })).toBeNull());
    expect(calls.find((call) => call.operationName === 'CustomerCardTokenize')?.variables).toMatchObject({ input: { makeDefault: true } });
    expect(calls.filter((call) => call.operationName === 'CustomerPaymentMethods').length).toBe(before + 1);
  });
});
