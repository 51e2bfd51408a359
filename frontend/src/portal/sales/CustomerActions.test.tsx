import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Call } from '../test/render';
import { renderPortal } from '../test/render';
import { CustomerActions } from './CustomerActions';

const usd = (amount: string) => ({ amount, currency: 'USD', formatted: `$${amount}` });

const DATA = {
  customer: {
    id: 'cus_1',
    paymentMethods: [
      { id: 'pm_default', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, isDefault: true, status: 'ACTIVE' },
      { id: 'pm_other', brand: 'mastercard', last4: '4444', expMonth: 1, expYear: 2031, isDefault: false, status: 'ACTIVE' },
    ],
  },
  products: [
    { id: 'prod_lantern', name: 'Camp lantern', price: usd('24.50') },
    { id: 'prod_tent', name: 'Two-person tent', price: usd('249.99') },
  ],
  offers: [
    {
      id: 'ofr_bundle',
      name: 'Base camp bundle',
      currency: 'USD',
      lines: [
        { description: 'Two-person tent', quantity: 1, unitPrice: usd('249.99'), kind: 'SINGLE', unit: null, paymentCount: null, firstPayment: null, product: { id: 'prod_tent' } },
        { description: 'Club', quantity: 2, unitPrice: usd('9.99'), kind: 'SUBSCRIPTION', unit: 'MONTH', paymentCount: null, firstPayment: null, product: null },
      ],
    },
  ],
};

const PREVIEW = {
  salePreview: {
    preview: {
      currency: 'USD',
      subtotal: usd('49.00'),
      discount: usd('0.00'),
      couponDiscount: { amount: '0.00', formatted: '$0.00' },
      total: usd('49.00'),
      couponCode: null,
      lines: [{ description: 'Camp lantern', quantity: 2, unitPrice: { amount: '24.50', currency: 'USD' }, kind: 'SINGLE', unit: null, paymentCount: null }],
    },
    userErrors: [],
  },
};

const transaction = (status: string, extra: Record<string, unknown> = {}) => ({
  chargeNow: {
    transaction: { id: 'txn_1', status, origin: 'CHARGED', total: usd('49.00'), resultCode: null, declineCode: null, resultMessage: null, customer: { id: 'cus_1' }, paymentMethod: { id: 'pm_default' }, ...extra },
    userErrors: [],
  },
});

function respondWith(charge: (call: Call) => unknown) {
  return (call: Call) => {
    if (call.operationName === 'SalesDialogData') return DATA;
    if (call.operationName === 'SaleTotalPreview') return PREVIEW;
    if (call.operationName === 'SaleDialogCharge') return charge(call);
    throw new Error(`unexpected ${call.operationName}`);
  };
}

async function openSale() {
  await userEvent.click(screen.getByRole('button', { name: 'Log transaction / Charge' }));
  const dialog = await screen.findByRole('dialog', { name: 'Log transaction / Charge' });
  await within(dialog).findByRole('group', { name: 'Line 1' });
  return dialog;
}

const line = (dialog: HTMLElement, n: number) => within(within(dialog).getByRole('group', { name: `Line ${n}` }));
const chargeButton = (dialog: HTMLElement) => within(dialog).getByRole('button', { name: /^Charge/ });
const charges = (calls: Call[]) => calls.filter((c) => c.operationName === 'SaleDialogCharge');

/** A one-line sale ready to charge: 2 x Camp lantern. */
async function lanternSale(dialog: HTMLElement) {
  await userEvent.selectOptions(line(dialog, 1).getByLabelText('Product'), 'prod_lantern');
  await userEvent.clear(line(dialog, 1).getByLabelText('Quantity'));
  await userEvent.type(line(dialog, 1).getByLabelText('Quantity'), '2');
  await waitFor(() => expect(chargeButton(dialog).textContent).toBe('Charge $49.00'));
  await waitFor(() => expect(chargeButton(dialog).hasAttribute('disabled')).toBe(false));
}

describe('CustomerActions', () => {
  it('shows a VIEWER no buttons, a REP no "Create coupon", an ADMIN all four', () => {
    const { unmount } = renderPortal(<CustomerActions customerId="cus_1" />, { respond: respondWith(() => null), role: 'VIEWER' });
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    unmount();

    const rep = renderPortal(<CustomerActions customerId="cus_1" />, { respond: respondWith(() => null), role: 'REP' });
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Log transaction / Charge', 'Request payment', 'Virtual terminal']);
    rep.unmount();

    renderPortal(<CustomerActions customerId="cus_1" />, { respond: respondWith(() => null), role: 'ADMIN' });
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Log transaction / Charge', 'Request payment', 'Virtual terminal', 'Create coupon']);
  });

  it('sends the grid as chargeNow lines: kinds, units, counts and prices as decimal strings', async () => {
    const { calls } = renderPortal(<CustomerActions customerId="cus_1" />, { respond: respondWith(() => transaction('PAID')), role: 'REP' });
    const dialog = await openSale();

    await userEvent.selectOptions(line(dialog, 1).getByLabelText('Product'), 'prod_lantern');
    expect((line(dialog, 1).getByLabelText('Unit price (USD)') as HTMLInputElement).value).toBe('24.50');
    await userEvent.clear(line(dialog, 1).getByLabelText('Quantity'));
    await userEvent.type(line(dialog, 1).getByLabelText('Quantity'), '2');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Add line' }));
    await userEvent.type(line(dialog, 2).getByLabelText('Description'), 'Support');
    await userEvent.type(line(dialog, 2).getByLabelText('Unit price (USD)'), '10.00');
    await userEvent.selectOptions(line(dialog, 2).getByLabelText('Line type'), 'SUBSCRIPTION');
    await userEvent.selectOptions(line(dialog, 2).getByLabelText('Billed every'), 'YEAR');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Add line' }));
    await userEvent.type(line(dialog, 3).getByLabelText('Description'), 'Canoe');
    await userEvent.type(line(dialog, 3).getByLabelText('Unit price (USD)'), '150');
    await userEvent.selectOptions(line(dialog, 3).getByLabelText('Line type'), 'PAYMENT_PLAN');
    await userEvent.type(line(dialog, 3).getByLabelText('Number of payments'), '6');
    await userEvent.type(line(dialog, 3).getByLabelText('First payment (USD, optional)'), '100');

    await waitFor(() => expect(chargeButton(dialog).hasAttribute('disabled')).toBe(false));
    await userEvent.click(chargeButton(dialog));

    await waitFor(() => expect(charges(calls)).toHaveLength(1));
    const input = charges(calls)[0]?.variables.input as Record<string, unknown>;
    expect(input).toEqual({
      customerId: 'cus_1',
      offerId: null,
      currency: 'USD',
      couponCode: null,
      discount: null,
      paymentMethodId: 'pm_default',
      card: null,
      trialDays: null,
      idempotencyKey: expect.any(String),
      lines: [
        { productId: 'prod_lantern', description: 'Camp lantern', quantity: 2, unitPrice: '24.50', kind: 'SINGLE', unit: null, paymentCount: null, firstPayment: null },
        { productId: null, description: 'Support', quantity: 1, unitPrice: '10.00', kind: 'SUBSCRIPTION', unit: 'YEAR', paymentCount: null, firstPayment: null },
        { productId: null, description: 'Canoe', quantity: 1, unitPrice: '150', kind: 'PAYMENT_PLAN', unit: 'MONTH', paymentCount: 6, firstPayment: '100' },
      ],
    });
    // The last preview asked for the same lines.
    const previews = calls.filter((c) => c.operationName === 'SaleTotalPreview');
    expect((previews.at(-1)?.variables.input as { lines: unknown }).lines).toEqual(input.lines);
    // PAID: the dialog closes and the page says so.
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('status').textContent).toContain('Charged $49.00');
  });

  it('offers a free trial only with a recurring line, checks it, and sends it to the preview and chargeNow', async () => {
    const { calls } = renderPortal(<CustomerActions customerId="cus_1" />, { respond: respondWith(() => transaction('PAID')), role: 'REP' });
    const dialog = await openSale();
    await lanternSale(dialog);
    expect(within(dialog).queryByLabelText('Free trial (days, optional)')).toBeNull();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Add line' }));
    await userEvent.type(line(dialog, 2).getByLabelText('Description'), 'Club');
    await userEvent.type(line(dialog, 2).getByLabelText('Unit price (USD)'), '9.99');
    await userEvent.selectOptions(line(dialog, 2).getByLabelText('Line type'), 'SUBSCRIPTION');
    const trial = within(dialog).getByLabelText('Free trial (days, optional)');
    await userEvent.type(trial, '731');
    await waitFor(() => expect(chargeButton(dialog).hasAttribute('disabled')).toBe(false));
    await userEvent.click(chargeButton(dialog));
    expect(await within(dialog).findByText('Enter whole days from 0 to 730, or leave it empty.')).toBeTruthy();
    expect(charges(calls)).toHaveLength(0);

    await userEvent.clear(trial);
    await userEvent.type(trial, '14');
    await waitFor(() =>
      expect(calls.filter((c) => c.operationName === 'SaleTotalPreview').some((c) => (c.variables.input as { trialDays?: number }).trialDays === 14)).toBe(true),
    );
    await waitFor(() => expect(chargeButton(dialog).hasAttribute('disabled')).toBe(false));
    await userEvent.click(chargeButton(dialog));
    await waitFor(() => expect(charges(calls)).toHaveLength(1));
    expect((charges(calls)[0]?.variables.input as { trialDays: number }).trialDays).toBe(14);
  });

  it('fills the grid from a saved offer and charges the offer by id while it is unchanged', async () => {
    const { calls } = renderPortal(<CustomerActions customerId="cus_1" />, { respond: respondWith(() => transaction('PAID')), role: 'REP' });
    const dialog = await openSale();

    await userEvent.selectOptions(within(dialog).getByLabelText('Apply saved offer'), 'ofr_bundle');

    expect(within(dialog).getAllByRole('group', { name: /^Line \d$/ })).toHaveLength(2);
    expect((line(dialog, 1).getByLabelText('Product') as HTMLSelectElement).value).toBe('prod_tent');
    expect((line(dialog, 1).getByLabelText('Unit price (USD)') as HTMLInputElement).value).toBe('249.99');
    expect((line(dialog, 2).getByLabelText('Description') as HTMLInputElement).value).toBe('Club');
    expect((line(dialog, 2).getByLabelText('Quantity') as HTMLInputElement).value).toBe('2');
    expect((line(dialog, 2).getByLabelText('Line type') as HTMLSelectElement).value).toBe('SUBSCRIPTION');
    expect((line(dialog, 2).getByLabelText('Billed every') as HTMLSelectElement).value).toBe('MONTH');

    await waitFor(() => expect(chargeButton(dialog).hasAttribute('disabled')).toBe(false));
    await userEvent.click(chargeButton(dialog));
    await waitFor(() => expect(charges(calls)).toHaveLength(1));
    expect(charges(calls)[0]?.variables.input).toMatchObject({ offerId: 'ofr_bundle', lines: null, paymentMethodId: 'pm_default' });
  });

  it('sends one chargeNow however often Charge is pressed', async () => {
    let release: () => void = () => {};
    const { calls } = renderPortal(<CustomerActions customerId="cus_1" />, {
      respond: respondWith(() => new Promise((resolve) => { release = () => resolve(transaction('PAID')); })),
      role: 'REP',
    });
    const dialog = await openSale();
    await lanternSale(dialog);

    const button = chargeButton(dialog);
    await userEvent.dblClick(button);
    await userEvent.click(button);
    expect(button.hasAttribute('disabled')).toBe(true);
    release();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(charges(calls)).toHaveLength(1);
  });

  it('keeps the dialog open on a decline, says why, and tries another card with a new key', async () => {
    let answer = transaction('DECLINED', { declineCode: 'insufficient_funds', resultMessage: 'Your card has insufficient funds', resultCode: 'BAD_DATA' });
    const { calls } = renderPortal(<CustomerActions customerId="cus_1" />, { respond: respondWith(() => answer), role: 'REP' });
    const dialog = await openSale();
    await lanternSale(dialog);
    await userEvent.click(chargeButton(dialog));

    const alert = await within(dialog).findByText(/^Declined/);
    expect(alert.closest('[role="alert"]')?.textContent).toBe('Declined: there are not enough funds on the card. Nothing was charged; try another card.');
    expect(within(dialog).getAllByRole('alert')).toHaveLength(1);
    expect(screen.getByRole('dialog', { name: 'Log transaction / Charge' })).toBeTruthy();

    answer = transaction('PAID');
    await userEvent.click(within(dialog).getByLabelText('Another card on file'));
    await userEvent.selectOptions(within(dialog).getByLabelText('Card on file'), 'pm_other');
    await userEvent.click(chargeButton(dialog));
    await waitFor(() => expect(charges(calls)).toHaveLength(2));
    const [first, second] = charges(calls).map((c) => c.variables.input as { paymentMethodId: string; idempotencyKey: string });
    expect(second?.paymentMethodId).toBe('pm_other');
    expect(second?.idempotencyKey).not.toBe(first?.idempotencyKey);
  });

  it('shows a userError on lines.0.unitPrice under that line’s unit price', async () => {
    renderPortal(<CustomerActions customerId="cus_1" />, {
      respond: respondWith(() => ({
        chargeNow: { transaction: null, userErrors: [{ field: ['input', 'lines', '0', 'unitPrice'], code: 'INVALID', message: 'The product is priced in EUR: give a unit price.' }] },
      })),
      role: 'REP',
    });
    const dialog = await openSale();
    await lanternSale(dialog);
    await userEvent.click(chargeButton(dialog));

    const price = line(dialog, 1).getByLabelText('Unit price (USD)');
    await waitFor(() => expect(price.getAttribute('aria-invalid')).toBe('true'));
    expect(line(dialog, 1).getByRole('alert').textContent).toBe('The product is priced in EUR: give a unit price.');
    expect(screen.getByRole('dialog', { name: 'Log transaction / Charge' })).toBeTruthy();
  });

  it('closes with a warning when the gateway has not answered (PENDING)', async () => {
    renderPortal(<CustomerActions customerId="cus_1" />, { respond: respondWith(() => transaction('PENDING')), role: 'REP' });
    const dialog = await openSale();
    await lanternSale(dialog);
    await userEvent.click(chargeButton(dialog));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('alert').textContent).toContain('The gateway has not answered yet for $49.00');
  });
});
