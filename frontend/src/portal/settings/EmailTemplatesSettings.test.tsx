import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Call } from '../test/render';
import { renderPortal } from '../test/render';
import { EmailTemplatesSettings } from './EmailTemplatesSettings';

const receipt = {
  kind: 'RECEIPT',
  title: 'Receipt with the invoice',
  sentWhen: 'After a paid sale when the account emails invoices.',
  enabled: true,
  subject: 'Invoice {{ number }} from {{ merchant_name }}',
  body: 'Here is your invoice {{ number }}: {{ url }}\n',
  isCustom: false,
  updatedAt: null,
  defaultSubject: 'Invoice {{ number }} from {{ merchant_name }}',
  defaultBody: 'Here is your invoice {{ number }}: {{ url }}\n',
  variables: [
    { name: 'number', description: 'The invoice number.' },
    { name: 'url', description: 'The link to the invoice page.' },
  ],
};
const reminder = { ...receipt, kind: 'RENEWAL_REMINDER', title: 'Upcoming renewal reminder', enabled: false, isCustom: true, updatedAt: '2026-12-01T10:00:00Z' };

function respond(answer: (call: Call) => unknown) {
  return (call: Call) => (call.operationName === 'SettingsEmailTemplates' ? { emailTemplates: [receipt, reminder] } : answer(call));
}

describe('EmailTemplatesSettings', () => {
  it('lists each email with its switch and wording', async () => {
    renderPortal(<EmailTemplatesSettings />, { respond: respond(() => ({})) });
    const row = (await screen.findByText('Receipt with the invoice')).closest('tr');
    expect(row).not.toBeNull();
    expect(within(row as HTMLElement).getByText('On')).toBeTruthy();
    expect(within(row as HTMLElement).getByText('Built-in')).toBeTruthy();
    const other = screen.getByText('Upcoming renewal reminder').closest('tr') as HTMLElement;
    expect(within(other).getByText('Off')).toBeTruthy();
    expect(within(other).getByRole('button', { name: 'Use the built-in Upcoming renewal reminder' })).toBeTruthy();
    expect(within(row as HTMLElement).queryByRole('button', { name: /Use the built-in/ })).toBeNull();
  });

  it('previews the edited wording, shows a refusal at its field, and saves', async () => {
    const { calls } = renderPortal(<EmailTemplatesSettings />, {
      respond: respond((call) => {
        if (call.operationName === 'SettingsEmailTemplatePreview') {
          const input = (call.variables as { input: { body: string } }).input;
          if (input.body.includes('nope')) {
            return { emailTemplatePreview: { preview: null, userErrors: [{ field: ['input', 'body'], code: 'INVALID', message: "The template does not render: 'nope' is undefined" }] } };
          }
          return { emailTemplatePreview: { preview: { subject: 'Thanks: INV-000042', text: 'Hi', html: '<p>Hi</p>' }, userErrors: [] } };
        }
        return { updateEmailTemplate: { emailTemplate: { ...receipt, isCustom: true }, userErrors: [] } };
      }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Receipt with the invoice' }));
    const subject = screen.getByLabelText('Subject');
    await userEvent.clear(subject);
    await userEvent.type(subject, 'Thanks: {{{{ number }}');
    const body = screen.getByLabelText('Text');
    await userEvent.type(body, '{{{{ nope }}');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByText("The template does not render: 'nope' is undefined")).toBeTruthy();

    await userEvent.clear(body);
    await userEvent.type(body, 'Hi {{{{ url }}');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByTestId('preview-subject')).toHaveProperty('textContent', 'Thanks: INV-000042');
    expect(screen.getByTitle('Email preview').getAttribute('sandbox')).toBe('');

    await userEvent.click(screen.getByRole('button', { name: 'Save email' }));
    const saves = calls.filter((call) => call.operationName === 'SettingsUpdateEmailTemplate').map((call) => call.variables);
    expect(saves).toEqual([{ input: { kind: 'RECEIPT', subject: 'Thanks: {{ number }}', body: 'Hi {{ url }}' } }]);
  });
});
