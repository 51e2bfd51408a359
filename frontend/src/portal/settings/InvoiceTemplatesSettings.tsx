/**
 * Invoice templates: list, view a body, add one. A body is a Jinja2 HTML
 * fragment; the API compiles and renders it with sample data before saving,
 * so a broken template comes back as INVALID on `body` with the reason.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { SettingsInvoiceTemplatesQuery } from '../gql/graphql';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { errorFor } from '../ui/errors';
import { CheckboxField, TextArea, TextField } from '../ui/Field';
import { formatDate } from '../ui/format';
import { useAction } from '../ui/useAction';
import { FormDialog } from './FormDialog';
import { QueryStates, SettingsSection } from './SettingsSection';
import { DefaultBadge, SettingsTable } from './SettingsTable';
import { useDraft, useProblems } from './useDraft';

graphql(`
  fragment SettingsInvoiceTemplateFields on InvoiceTemplate {
    id
    number
    name
    isDefault
    body
    createdAt
  }
`);

const SettingsInvoiceTemplatesQueryDoc = graphql(`
  query SettingsInvoiceTemplates {
    invoiceTemplates {
      ...SettingsInvoiceTemplateFields
    }
  }
`);

const SettingsCreateInvoiceTemplate = graphql(`
  mutation SettingsCreateInvoiceTemplate($input: CreateInvoiceTemplateInput!) {
    createInvoiceTemplate(input: $input) {
      invoiceTemplate {
        ...SettingsInvoiceTemplateFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

type Template = SettingsInvoiceTemplatesQuery['invoiceTemplates'][number];

export function InvoiceTemplatesSettings() {
  const { locale } = useViewer();
  const [result, reexecute] = useQuery({ query: SettingsInvoiceTemplatesQueryDoc });
  const [creating, setCreating] = useState(false);
  const [viewing, setViewing] = useState<Template | null>(null);
  const templates = result.data?.invoiceTemplates ?? [];
  return (
    <SettingsSection id="settings-templates-title" title="Invoice templates" action={{ label: 'New template', onClick: () => setCreating(true) }}>
      <p className="muted">Invoices use the default template unless a sale names another. Every account starts with the built-in Standard template; classic integrations send a template by its number (invoice_id).</p>
      <QueryStates result={result} count={templates.length} empty="No invoice templates yet. Invoices use the built-in Standard template." />
      {templates.length ? (
        <SettingsTable columns={[{ label: '#', className: 'num' }, 'Name', 'Created']}>
          {templates.map((template) => (
            <tr key={template.id}>
              <td className="num muted">{template.number}</td>
              <td>
                {template.name} <DefaultBadge isDefault={template.isDefault} />
              </td>
              <td>{formatDate(template.createdAt, locale)}</td>
              <td>
                <Button className="btn-small" aria-label={`View ${template.name}`} onClick={() => setViewing(template)}>
                  View
                </Button>
              </td>
            </tr>
          ))}
        </SettingsTable>
      ) : null}
      {viewing ? (
        <Dialog title={`Template: ${viewing.name}`} open wide onClose={() => setViewing(null)} footer={<Button onClick={() => setViewing(null)}>Close</Button>}>
          <pre className="settings-code" aria-label="Template body">
            {viewing.body}
          </pre>
        </Dialog>
      ) : null}
      {creating ? (
        <NewTemplateDialog
          starter={templates.find((template) => template.isDefault) ?? templates[0] ?? null}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
    </SettingsSection>
  );
}

const TEMPLATE_FIELDS = ['name', 'body', 'makeDefault'];

function TemplateHint() {
  return (
    <span className="settings-hint">
      A Jinja2 HTML fragment (no <code>&lt;html&gt;</code>, no scripts or inline styles); every value is escaped. Variables: <code>{'{{ account.name }}'}</code>,{' '}
      <code>{'{{ customer.name }}'}</code>, <code>{'{{ customer.email }}'}</code>, <code>{'{{ invoice.number }}'}</code>, <code>{'{{ invoice.issued_on }}'}</code>,{' '}
      <code>{'{{ transaction.status_label }}'}</code>, <code>{'{% for line in lines %}'}</code> with <code>line.description</code>, <code>line.quantity</code>,{' '}
      <code>line.unit_price</code>, <code>line.total</code>, then <code>{'{{ subtotal }}'}</code>, <code>{'{{ discount }}'}</code>, <code>{'{{ total }}'}</code> and{' '}
      <code>{'{{ currency }}'}</code>.
    </span>
  );
}

function NewTemplateDialog({ starter, onClose, onCreated }: { starter: Template | null; onClose: () => void; onCreated: () => void }) {
  const [draft, set] = useDraft({ name: '', body: '', makeDefault: false });
  const { problems, accept } = useProblems();
  const action = useAction(SettingsCreateInvoiceTemplate, (data) => data.createInvoiceTemplate);

  const submit = async () => {
    const found: Record<string, string> = {};
    if (!draft.name.trim()) found.name = 'Enter a name.';
    if (!draft.body.trim()) found.body = 'Enter the template body.';
    if (!accept(found)) return;
    const payload = await action.run({ input: { name: draft.name.trim(), body: draft.body, makeDefault: draft.makeDefault } });
    if (payload) onCreated();
  };

  return (
    <FormDialog title="New invoice template" submitLabel="Create template" action={action} fields={TEMPLATE_FIELDS} onClose={onClose} onSubmit={submit} wide>
      <TextField label="Name" value={draft.name} maxLength={100} onChange={(e) => set('name', e.target.value)} error={problems.name ?? errorFor(action.errors, 'name')} />
      {starter ? (
        <p>
          <Button className="btn-small" onClick={() => set('body', starter.body)}>
            Start from {starter.name}
          </Button>
        </p>
      ) : null}
      <div className="settings-template-body">
        <TextArea
          label="Body"
          value={draft.body}
          spellCheck={false}
          onChange={(e) => set('body', e.target.value)}
          error={problems.body ?? errorFor(action.errors, 'body')}
          hint={<TemplateHint />}
        />
      </div>
      <CheckboxField label="Make default" checked={draft.makeDefault} onChange={(e) => set('makeDefault', e.target.checked)} />
    </FormDialog>
  );
}
