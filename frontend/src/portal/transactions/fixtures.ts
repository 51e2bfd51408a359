/** Test data shaped like the API's answers, for the payments and subscription tests. */
import type { TransactionDetailsFragment } from '../gql/graphql';

export function money(amount: string, currency = 'USD') {
  const formatted = new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount as unknown as number);
  return { amount, currency, formatted, minorUnits: '0' };
}

type Action = TransactionDetailsFragment['availableActions'][number];

export function action(kind: Action['action'], allowed: boolean, extra: Partial<Action> = {}): Action {
  return { action: kind, allowed, reason: allowed ? null : `Not for this sale (${kind}).`, maxAmount: null, ...extra };
}

export function transaction(overrides: Partial<TransactionDetailsFragment> = {}): TransactionDetailsFragment {
  return {
    id: 'txn_1',
    status: 'PAID',
    origin: 'CHARGED',
    transactionDate: '2026-03-03T10:00:00Z',
    createdAt: '2026-03-03T10:00:00Z',
    resultCode: 'GOOD',
    declineCode: null,
    resultMessage: 'Approved',
    externalId: 'sbx_ch_1',
    markedPaidAt: null,
    paidWith: null,
    reference: null,
    note: null,
    subtotal: money('49.00'),
    discount: money('0.00'),
    total: money('49.00'),
    amountRefunded: money('0.00'),
    refundableAmount: money('49.00'),
    availableActions: [
      action('REFUND', true, { maxAmount: money('49.00') }),
      action('VOID', false),
      action('WRITE_OFF', false),
      action('MARK_PAID', false),
      action('RESEND_INVOICE', true),
      action('RERUN_COMMISSION', false),
    ],
    customer: { id: 'cus_1', email: 'ada@example.test', firstName: 'Ada', lastName: 'Lovelace' },
    lines: [
      {
        description: 'Two-person tent',
        quantity: 1,
        kind: 'SINGLE',
        unit: null,
        paymentCount: null,
        paymentNumber: null,
        unitPrice: money('49.00'),
        discount: money('0.00'),
        total: money('49.00'),
      },
    ],
    paymentMethod: { id: 'pm_1', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
    gateway: { id: 'gw_1', name: 'Sandbox', kind: 'sandbox', testMode: true },
    invoice: { id: 'inv_1', number: 'INV-0001', url: 'http://x.test/invoices/inv_1', issuedAt: '2026-03-03T10:00:00Z', lastSentAt: null },
    commission: null,
    refunds: [],
    events: [
      { kind: 'paid', note: null, createdAt: '2026-03-03T10:00:00Z', amount: money('49.00'), actor: { id: 'usr_1', email: 'owner@example.test' }, actorApiKey: null },
    ],
    replacesTransaction: null,
    ...overrides,
  };
}
