import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Call } from '../test/render';
import { renderPortal } from '../test/render';
import { money, transaction } from './fixtures';
import { PaymentsSection } from './PaymentsSection';

function row(id: string, overrides: Record<string, unknown> = {}) {
  return {
    node: {
      id,
      status: 'PAID',
      origin: 'CHARGED',
      transactionDate: '2026-03-03T10:00:00Z',
      total: money('49.00'),
      amountRefunded: money('0.00'),
      paymentMethod: { id: 'pm_1', brand: 'visa', last4: '4242' },
      ...overrides,
    },
  };
}

function page(edges: unknown[], hasNextPage: boolean, endCursor: string | null) {
  return { customer: { id: 'cus_1', transactions: { totalCount: 3, pageInfo: { hasNextPage, endCursor }, edges } } };
}

describe('PaymentsSection', () => {
  it('lists payments with card or "Logged", pages by endCursor, and opens the drawer from a row', async () => {
    const { calls } = renderPortal(<PaymentsSection customerId="cus_1" />, {
      respond: ({ operationName, variables }: Call) => {
        if (operationName === 'TransactionDrawer') return { transaction: transaction({ id: String(variables.id) }) };
        if (variables.after === 'c2') return page([row('txn_3', { status: 'DECLINED' })], false, 'c3');
        return page(
          [row('txn_1'), row('txn_2', { origin: 'LOGGED', paymentMethod: null, status: 'PARTIALLY_REFUNDED', amountRefunded: money('5.00') })],
          true,
          'c2',
        );
      },
    });
    const section = await screen.findByRole('region', { name: 'Payments' });
    expect(await within(section).findByText('Visa •••• 4242')).toBeTruthy();
    const rows = within(section).getAllByRole('row');
    const cells = within(rows[2]!).getAllByRole('cell').map((cell) => cell.textContent);
    expect(cells.slice(1, 5)).toEqual(['Partially refunded', '$49.00$5.00 refunded', 'Logged', 'Logged']);
    expect(within(rows[2]!).getByText('$5.00 refunded')).toBeTruthy();

    await userEvent.click(within(section).getByRole('button', { name: 'Next' }));
    expect(await within(section).findByText('Declined')).toBeTruthy();
    expect(calls.filter((c) => c.operationName === 'PaymentsSection').map((c) => c.variables.after)).toEqual([null, 'c2']);

    await userEvent.click(within(section).getByRole('button', { name: /^View \$49\.00 declined/ }));
    expect(await screen.findByRole('dialog', { name: 'Transaction details' })).toBeTruthy();
    expect(calls.find((c) => c.operationName === 'TransactionDrawer')?.variables).toEqual({ id: 'txn_3' });
  });

  it('says so when the customer has no payments', async () => {
    renderPortal(<PaymentsSection customerId="cus_1" />, { respond: () => page([], false, null) });
    expect(await screen.findByText('No payments yet.')).toBeTruthy();
  });
});
