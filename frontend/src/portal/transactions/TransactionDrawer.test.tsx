import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Call } from '../test/render';
import { renderPortal } from '../test/render';
import { action, money, transaction } from './fixtures';
import { TransactionDrawer } from './TransactionDrawer';

const ACTION_BUTTONS = ['Refund', 'Void', 'Write off', 'Mark paid', 'Resend invoice', 'Re-run commission'];

function shownActions(): string[] {
  return ACTION_BUTTONS.filter((name) => screen.queryByRole('button', { name }));
}

describe('TransactionDrawer', () => {
  it('shows a button for each allowed action only, and the reasons of the others', async () => {
    renderPortal(<TransactionDrawer transactionId="txn_1" onClose={() => {}} />, {
      respond: () => ({ transaction: transaction() }),
    });
    expect(await screen.findByText('Two-person tent')).toBeTruthy();
    expect(shownActions()).toEqual(['Refund', 'Resend invoice']);
    expect(screen.getByText('Void: Not for this sale (VOID).')).toBeTruthy();
    expect(screen.getByText('Visa •••• 4242')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Invoice INV-0001' }).getAttribute('href')).toBe('http://x.test/invoices/inv_1');
  });

  it('shows a VIEWER no action buttons at all, whatever the API says', async () => {
    const everything = ['REFUND', 'VOID', 'WRITE_OFF', 'MARK_PAID', 'RESEND_INVOICE', 'RERUN_COMMISSION'] as const;
    renderPortal(<TransactionDrawer transactionId="txn_1" onClose={() => {}} />, {
      role: 'VIEWER',
      respond: () => ({ transaction: transaction({ availableActions: everything.map((kind) => action(kind, true)) }) }),
    });
    expect(await screen.findByText('Two-person tent')).toBeTruthy();
    expect(shownActions()).toEqual([]);
    expect(screen.queryByText('Why other actions are unavailable')).toBeNull();
  });

  it('refunds part of a sale as a decimal string with one idempotency key, and shows AMOUNT_EXCEEDS_REFUNDABLE under the amount', async () => {
    let refunds = 0;
    const { calls } = renderPortal(<TransactionDrawer transactionId="txn_1" onClose={() => {}} />, {
      respond: ({ operationName }: Call) => {
        if (operationName === 'TransactionDrawer') return { transaction: transaction() };
        refunds += 1;
        if (refunds === 1) {
          return {
            refundTransaction: {
              transaction: null,
              userErrors: [{ field: ['input', 'amount'], code: 'AMOUNT_EXCEEDS_REFUNDABLE', message: 'At most $39.00 is left to refund on this sale.' }],
            },
          };
        }
        return {
          refundTransaction: {
            transaction: transaction({ status: 'PARTIALLY_REFUNDED', amountRefunded: money('10.50'), refundableAmount: money('38.50') }),
            userErrors: [],
          },
        };
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Refund' }));
    const dialog = screen.getByRole('dialog', { name: 'Refund payment' });
    const amount = within(dialog).getByLabelText('Amount') as HTMLInputElement;
    expect(amount.value).toBe('49.00');
    await userEvent.clear(amount);
    await userEvent.type(amount, '10.5');
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'Damaged');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm refund' }));

    const error = await within(dialog).findByText('At most $39.00 is left to refund on this sale.');
    expect(amount.getAttribute('aria-invalid')).toBe('true');
    expect(amount.getAttribute('aria-describedby')).toContain(error.id);

    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm refund' }));
    expect(await screen.findByText('Refunded $10.50.')).toBeTruthy();
    const sent = calls.filter((call) => call.operationName === 'TransactionRefund').map((call) => call.variables.input);
    expect(sent).toHaveLength(2);
    const first = sent[0] as Record<string, unknown>;
    expect(first).toMatchObject({ transactionId: 'txn_1', amount: '10.50', reason: 'Damaged' });
    expect(typeof first.idempotencyKey).toBe('string');
    expect(String(first.idempotencyKey).length).toBeGreaterThan(10);
    expect(sent[1]).toEqual(first);
    expect(screen.queryByRole('dialog', { name: 'Refund payment' })).toBeNull();
  });

  it('checks the amount against the currency and the maximum before sending', async () => {
    const { calls } = renderPortal(<TransactionDrawer transactionId="txn_1" onClose={() => {}} />, {
      respond: () => ({ transaction: transaction() }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Refund' }));
    const dialog = screen.getByRole('dialog', { name: 'Refund payment' });
    const amount = within(dialog).getByLabelText('Amount');
    await userEvent.clear(amount);
    await userEvent.type(amount, '1.234');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm refund' }));
    expect(within(dialog).getByText('Enter an amount like 10.01.')).toBeTruthy();
    await userEvent.clear(amount);
    await userEvent.type(amount, '49.01');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm refund' }));
    expect(within(dialog).getByText('At most $49.00 can be refunded.')).toBeTruthy();
    expect(calls.filter((call) => call.operationName === 'TransactionRefund')).toHaveLength(0);
  });

  it('asks for an optional other email before resending the invoice', async () => {
    const { calls } = renderPortal(<TransactionDrawer transactionId="txn_1" onClose={() => {}} />, {
      respond: ({ operationName }: Call) =>
        operationName === 'TransactionDrawer'
          ? { transaction: transaction() }
          : { resendInvoice: { invoice: { id: 'inv_1', lastSentAt: '2026-03-04T10:00:00Z', transaction: transaction() }, userErrors: [] } },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Resend invoice' }));
    const dialog = screen.getByRole('dialog', { name: 'Resend invoice' });
    await userEvent.type(within(dialog).getByLabelText('Other email'), 'books@example.test');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Send invoice' }));
    expect(await screen.findByText('The invoice was sent to books@example.test.')).toBeTruthy();
    await waitFor(() =>
      expect(calls.find((call) => call.operationName === 'TransactionResendInvoice')?.variables.input).toEqual({
        transactionId: 'txn_1',
        email: 'books@example.test',
      }),
    );
  });
});
