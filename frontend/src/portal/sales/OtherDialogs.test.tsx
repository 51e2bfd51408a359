import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Call } from '../test/render';
import { renderPortal } from '../test/render';
import { CustomerActions } from './CustomerActions';

const usd = (amount: string) => ({ amount, currency: 'USD', formatted: `$${amount}` });
const DATA = {
  customer: { id: 'cus_1', paymentMethods: [{ id: 'pm_default', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, isDefault: true, status: 'ACTIVE' }] },
  products: [],
  offers: [],
};

function respond(extra: Record<string, unknown>) {
  return (call: Call) => {
    if (call.operationName === 'SalesDialogData') return DATA;
    if (call.operationName in extra) return extra[call.operationName];
    throw new Error(`unexpected ${call.operationName}`);
  };
}

describe('Virtual terminal', () => {
  it('charges a typed amount on a new card as one one-off line', async () => {
    const { calls } = renderPortal(<CustomerActions customerId="cus_1" />, {
      role: 'REP',
      respond: respond({
        VirtualTerminalCharge: {
          chargeNow: { transaction: { id: 'txn_1', status: 'PAID', total: usd('12.34'), resultCode: 'GOOD', declineCode: null, resultMessage: null, customer: { id: 'cus_1' }, paymentMethod: { id: 'pm_new' } }, userErrors: [] },
        },
      }),
    });
    await userEvent.click(screen.getByRole('button', { name: 'Virtual terminal' }));
    const dialog = await screen.findByRole('dialog', { name: 'Virtual terminal' });
    await userEvent.type(await within(dialog).findByLabelText('Amount'), '12.34');
    expect((within(dialog).getByLabelText('Enter a new card') as HTMLInputElement).checked).toBe(true);
    await userEvent.type(within(dialog).getByLabelText('Card number'), '4242 4242 4242 4242');
    await userEvent.type(within(dialog).getByLabelText('Expiry month'), '12');
    await userEvent.type(within(dialog).getByLabelText('Expiry year'), '2030');
    await userEvent.type(within(dialog).getByLabelText('CVC'), '123');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Charge $12.34' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const input = calls.find((c) => c.operationName === 'VirtualTerminalCharge')?.variables.input;
    expect(input).toEqual({
      customerId: 'cus_1',
      currency: 'USD',
      lines: [{ description: 'Virtual terminal sale', quantity: 1, unitPrice: '12.34', kind: 'SINGLE' }],
      paymentMethodId: null,
      card: { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2030, cvc: '123', nameOnCard: null },
      idempotencyKey: expect.any(String),
    });
    expect(screen.getByRole('status').textContent).toContain('Charged $12.34');
  });
});

describe('Request payment', () => {
  it('creates a link for an amount and shows it with a copy button', async () => {
    const { calls } = renderPortal(<CustomerActions customerId="cus_1" />, {
      role: 'REP',
      respond: respond({
        RequestPaymentCreate: {
          createPaymentRequest: {
            paymentRequest: { id: 'preq_1', status: 'OPEN', url: 'https://pay.example.test/p/abc', description: 'Deposit', expiresAt: '2030-01-08T12:00:00Z', lastSentAt: null, amount: usd('50.00'), customer: { id: 'cus_1' } },
            userErrors: [],
          },
        },
      }),
    });
    await userEvent.click(screen.getByRole('button', { name: 'Request payment' }));
    const dialog = await screen.findByRole('dialog', { name: 'Request payment' });
    await userEvent.type(await within(dialog).findByLabelText('Amount'), '50.00');
    await userEvent.type(within(dialog).getByLabelText('Description (optional)'), 'Deposit');
    await userEvent.click(within(dialog).getByLabelText('Email it to the customer'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create payment request' }));

    expect(((await within(dialog).findByLabelText('Link')) as HTMLInputElement).value).toBe('https://pay.example.test/p/abc');
    expect(within(dialog).getByRole('button', { name: 'Copy link' })).toBeTruthy();
    expect(calls.find((c) => c.operationName === 'RequestPaymentCreate')?.variables.input).toEqual({
      customerId: 'cus_1',
      description: 'Deposit',
      expiresAt: null,
      sendEmail: true,
      allowCoupon: false,
      amount: { amount: '50.00', currency: 'USD' },
    });
  });
});
