import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { SubscriptionDetailsFragment } from '../gql/graphql';
import type { Call } from '../test/render';
import { money } from '../transactions/fixtures';
import { renderPortal } from '../test/render';
import { addDays } from '../transactions/labels';
import { today } from '../ui/format';
import { SubscriptionsSection } from './SubscriptionsSection';

function subscription(overrides: Partial<SubscriptionDetailsFragment> = {}): SubscriptionDetailsFragment {
  return {
    id: 'sub_1',
    kind: 'SUBSCRIPTION',
    description: 'Gear club membership',
    quantity: 2,
    unit: 'MONTH',
    status: 'ACTIVE',
    paymentsRemaining: null,
    nextChargeDate: addDays(today(), 20),
    cancelAt: null,
    pausedAt: null,
    resumeOn: null,
    trialEndsOn: null,
    createdAt: '2026-03-03T10:00:00Z',
    unitPrice: money('9.99'),
    credit: money('0.00'),
    balanceRemaining: null,
    nextAttemptAt: null,
    dunning: null,
    paymentMethod: { id: 'pm_1', brand: 'visa', last4: '4242' },
    customer: { id: 'cus_1' },
    ...overrides,
  };
}

function list(...subscriptions: SubscriptionDetailsFragment[]) {
  return { customer: { id: 'cus_1', subscriptions } };
}

function item(name: string): HTMLElement {
  return screen.getByRole('article', { name });
}

describe('SubscriptionsSection', () => {
  it('shows what each order charges and where it stands', async () => {
    const plan = subscription({
      id: 'sub_2',
      kind: 'PAYMENT_PLAN',
      description: 'Canoe, in six payments',
      quantity: 1,
      unitPrice: money('150.00'),
      paymentsRemaining: 5,
      balanceRemaining: money('750.00'),
      status: 'PAST_DUE',
      dunning: { attempts: 2, since: '2026-03-01', nextRetryAt: null },
    });
    renderPortal(<SubscriptionsSection customerId="cus_1" />, { respond: () => list(subscription(), plan) });
    expect(await screen.findByText('$19.98 per month')).toBeTruthy();
    const canoe = item('Canoe, in six payments');
    expect(within(canoe).getByText('$750.00')).toBeTruthy();
    expect(within(canoe).getByText('5')).toBeTruthy();
    expect(within(canoe).getByText(/Payment failed: 2 attempts since Mar 1, 2026; no retry is scheduled\./)).toBeTruthy();
    expect(within(canoe).getByRole('button', { name: 'Pay remaining balance' })).toBeTruthy();
  });

  it('shows a free trial until the day of its first charge, and one that ended', async () => {
    const running = subscription({ trialEndsOn: addDays(today(), 20) });
    const ended = subscription({ id: 'sub_2', description: 'Old club', trialEndsOn: addDays(today(), -40) });
    renderPortal(<SubscriptionsSection customerId="cus_1" />, { respond: () => list(running, ended) });
    const first = await screen.findByRole('article', { name: 'Gear club membership' });
    expect(within(first).getByText('Free trial')).toBeTruthy();
    expect(within(first).getByText(/^Until /)).toBeTruthy();
    expect(within(item('Old club')).getByText(/^Ended /)).toBeTruthy();
  });

  it('retries a declined installment now with a key, and says a second decline as a warning', async () => {
    const failing = subscription({ status: 'PAST_DUE', dunning: { attempts: 3, since: '2026-03-01', nextRetryAt: null } });
    const { calls } = renderPortal(<SubscriptionsSection customerId="cus_1" />, {
      role: 'REP',
      respond: ({ operationName }: Call) =>
        operationName === 'SubscriptionRetryInstallment'
          ? {
              retryInstallment: {
                subscription: { ...failing, dunning: { attempts: 4, since: '2026-03-01', nextRetryAt: null } },
                transaction: { id: 'txn_9', status: 'DECLINED', declineCode: 'insufficient_funds', total: money('19.98') },
                userErrors: [],
              },
            }
          : list(failing),
    });
    await screen.findByText('$19.98 per month');
    await userEvent.click(within(item('Gear club membership')).getByRole('button', { name: 'Retry now' }));

    const notice = await within(item('Gear club membership')).findByText(/^Retried: declined again/);
    expect(notice.closest('.notice')?.className).toContain('notice-warning');
    const retry = calls.find((c) => c.operationName === 'SubscriptionRetryInstallment');
    const input = retry?.variables.input as { subscriptionId: string; idempotencyKey: string };
    expect(input.subscriptionId).toBe('sub_1');
    expect(input.idempotencyKey).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('pauses indefinitely with resumeOn null, and until a date with that date', async () => {
    const { calls } = renderPortal(<SubscriptionsSection customerId="cus_1" />, {
      respond: ({ operationName }: Call) =>
        operationName === 'SubscriptionPause'
          ? { pauseSubscription: { subscription: subscription({ status: 'PAUSED' }), userErrors: [] } }
          : list(subscription()),
    });
    await screen.findByText('$19.98 per month');
    await userEvent.click(within(item('Gear club membership')).getByRole('button', { name: 'Pause' }));
    let dialog = screen.getByRole('dialog', { name: 'Pause subscription' });
    expect((within(dialog).getByLabelText('Until resumed') as HTMLInputElement).checked).toBe(true);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm pause' }));
    expect(await screen.findByText('Paused until resumed.')).toBeTruthy();

    await userEvent.click(within(item('Gear club membership')).getByRole('button', { name: 'Pause' }));
    dialog = screen.getByRole('dialog', { name: 'Pause subscription' });
    await userEvent.click(within(dialog).getByLabelText('Until a date'));
    const resume = addDays(today(), 10);
    await userEvent.type(within(dialog).getByLabelText('Resume on'), resume);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm pause' }));
    await waitFor(() => expect(calls.filter((c) => c.operationName === 'SubscriptionPause')).toHaveLength(2));

    expect(calls.filter((c) => c.operationName === 'SubscriptionPause').map((c) => c.variables.input)).toEqual([
      { subscriptionId: 'sub_1', resumeOn: null },
      { subscriptionId: 'sub_1', resumeOn: resume },
    ]);
  });

  it('does not send a pause until a past day, and shows the API error at the date', async () => {
    const { calls } = renderPortal(<SubscriptionsSection customerId="cus_1" />, {
      respond: ({ operationName }: Call) =>
        operationName === 'SubscriptionPause'
          ? { pauseSubscription: { subscription: null, userErrors: [{ field: ['input', 'resumeOn'], code: 'INVALID', message: 'The resume day must be after today.' }] } }
          : list(subscription()),
    });
    await screen.findByText('$19.98 per month');
    await userEvent.click(within(item('Gear club membership')).getByRole('button', { name: 'Pause' }));
    const dialog = screen.getByRole('dialog', { name: 'Pause subscription' });
    await userEvent.click(within(dialog).getByLabelText('Until a date'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm pause' }));
    expect(within(dialog).getByText('Choose the day it resumes.')).toBeTruthy();
    expect(calls.filter((c) => c.operationName === 'SubscriptionPause')).toHaveLength(0);

    await userEvent.type(within(dialog).getByLabelText('Resume on'), addDays(today(), 3));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm pause' }));
    const error = await within(dialog).findByText('The resume day must be after today.');
    expect(within(dialog).getByLabelText('Resume on').getAttribute('aria-describedby')).toContain(error.id);
  });

  it('previews a price change: the charge now with prorating, and sends prorate with an idempotency key', async () => {
    const { calls } = renderPortal(<SubscriptionsSection customerId="cus_1" />, {
      respond: ({ operationName, variables }: Call) => {
        if (operationName === 'SubscriptionChangeDialogPreview') {
          const input = variables.input as { quantity: number };
          return {
            subscriptionChangePreview: {
              preview: {
                periodStart: '2026-03-03',
                periodEnd: '2026-04-03',
                currentAmount: money('19.98'),
                newAmount: money(input.quantity === 3 ? '29.97' : '9.99'),
                chargeNow: money(input.quantity === 3 ? '6.66' : '0.00'),
                credit: money(input.quantity === 3 ? '0.00' : '6.66'),
              },
              userErrors: [],
            },
          };
        }
        if (operationName === 'SubscriptionChangePrice') return { updateSubscription: { subscription: subscription({ quantity: 3 }), userErrors: [] } };
        return list(subscription());
      },
    });
    await screen.findByText('$19.98 per month');
    await userEvent.click(within(item('Gear club membership')).getByRole('button', { name: 'Change price or quantity' }));
    const dialog = screen.getByRole('dialog', { name: 'Change price or quantity' });
    expect((within(dialog).getByLabelText('Prorate the current period') as HTMLInputElement).checked).toBe(true);
    const quantity = within(dialog).getByLabelText('Quantity');
    await userEvent.clear(quantity);
    await userEvent.type(quantity, '3');
    expect(await within(dialog).findByText('Charges $6.66 now.')).toBeTruthy();
    expect(within(dialog).getByText(/From \$19\.98 to/).textContent).toBe('From $19.98 to $29.97 per month.');

    await userEvent.clear(quantity);
    await userEvent.type(quantity, '1');
    expect(await within(dialog).findByText('Credits $6.66 against the next charges.')).toBeTruthy();
    expect(calls.filter((c) => c.operationName === 'SubscriptionChangeDialogPreview').at(-1)?.variables.input).toEqual({
      subscriptionId: 'sub_1',
      quantity: 1,
      unitPrice: '9.99',
    });

    await userEvent.clear(quantity);
    await userEvent.type(quantity, '3');
    await within(dialog).findByText('Charges $6.66 now.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save change' }));
    expect(await screen.findByText('The price or quantity was changed.')).toBeTruthy();
    const sent = calls.find((c) => c.operationName === 'SubscriptionChangePrice')?.variables.input as Record<string, unknown>;
    expect(sent).toMatchObject({ subscriptionId: 'sub_1', quantity: 3, unitPrice: null, prorate: true });
    expect(String(sent.idempotencyKey).length).toBeGreaterThan(10);
  });

  it('moves the order to another active card of the customer', async () => {
    const cards = [
      { id: 'pm_1', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, status: 'ACTIVE', isDefault: true },
      { id: 'pm_2', brand: 'mastercard', last4: '4444', expMonth: 6, expYear: 2031, status: 'ACTIVE', isDefault: false },
      { id: 'pm_3', brand: 'amex', last4: '0005', expMonth: 1, expYear: 2020, status: 'EXPIRED', isDefault: false },
    ];
    const moved = subscription({ paymentMethod: { id: 'pm_2', brand: 'mastercard', last4: '4444' } });
    const { calls } = renderPortal(<SubscriptionsSection customerId="cus_1" />, {
      role: 'REP',
      respond: ({ operationName }: Call) => {
        if (operationName === 'SubscriptionCardChoices') return { customer: { id: 'cus_1', paymentMethods: cards } };
        if (operationName === 'SubscriptionChangeCard') return { updateSubscription: { subscription: moved, userErrors: [] } };
        return list(subscription());
      },
    });
    await screen.findByText('$19.98 per month');
    await userEvent.click(within(item('Gear club membership')).getByRole('button', { name: 'Change card' }));
    const dialog = screen.getByRole('dialog', { name: 'Change card' });
    const select = (await within(dialog).findByLabelText('Card')) as HTMLSelectElement;
    expect([...select.options].map((option) => option.value)).toEqual(['pm_1', 'pm_2']);
    expect(select.value).toBe('pm_1');
    await userEvent.selectOptions(select, 'pm_2');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Use this card' }));

    expect(await screen.findByText('The next charges go to Mastercard •••• 4444.')).toBeTruthy();
    expect(calls.filter((call) => call.operationName === 'SubscriptionChangeCard').map((call) => call.variables)).toEqual([
      { input: { subscriptionId: 'sub_1', paymentMethodId: 'pm_2' } },
    ]);
  });

  it('shows a REP Pause and Move next charge date but not Cancel or Change price', async () => {
    renderPortal(<SubscriptionsSection customerId="cus_1" />, { role: 'REP', respond: () => list(subscription()) });
    await screen.findByText('$19.98 per month');
    const club = item('Gear club membership');
    expect(within(club).getByRole('button', { name: 'Pause' })).toBeTruthy();
    expect(within(club).getByRole('button', { name: 'Move next charge date' })).toBeTruthy();
    expect(within(club).queryByRole('button', { name: 'Cancel subscription' })).toBeNull();
    expect(within(club).queryByRole('button', { name: 'Change price or quantity' })).toBeNull();
  });

  it('shows an ADMIN Cancel and Change price, and a paused order Resume instead of Pause', async () => {
    renderPortal(<SubscriptionsSection customerId="cus_1" />, {
      role: 'ADMIN',
      respond: () => list(subscription({ status: 'PAUSED', pausedAt: '2026-03-04T10:00:00Z', resumeOn: null })),
    });
    await screen.findByText('$19.98 per month');
    const club = item('Gear club membership');
    const names = within(club).getAllByRole('button').map((b) => b.textContent);
    expect(names).toEqual(['Resume', 'Move next charge date', 'Change card', 'Change price or quantity', 'Cancel subscription', 'View payments']);
    expect(within(club).getByText(/until resumed/)).toBeTruthy();
  });

  it('shows a VIEWER no action buttons', async () => {
    renderPortal(<SubscriptionsSection customerId="cus_1" />, { role: 'VIEWER', respond: () => list(subscription()) });
    await screen.findByText('$19.98 per month');
    expect(within(item('Gear club membership')).getAllByRole('button').map((b) => b.textContent)).toEqual(['View payments']);
  });

  it('cancels at the end of the paid period by default', async () => {
    const { calls } = renderPortal(<SubscriptionsSection customerId="cus_1" />, {
      respond: ({ operationName }: Call) =>
        operationName === 'SubscriptionCancel'
          ? { cancelSubscription: { subscription: subscription({ cancelAt: '2026-04-03' }), userErrors: [] } }
          : list(subscription()),
    });
    await screen.findByText('$19.98 per month');
    await userEvent.click(within(item('Gear club membership')).getByRole('button', { name: 'Cancel subscription' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel subscription' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm cancellation' }));
    expect(await screen.findByText('Cancels on Apr 3, 2026; nothing more is charged.')).toBeTruthy();
    expect(calls.find((c) => c.operationName === 'SubscriptionCancel')?.variables.input).toEqual({ subscriptionId: 'sub_1', atPeriodEnd: true });
  });
});
