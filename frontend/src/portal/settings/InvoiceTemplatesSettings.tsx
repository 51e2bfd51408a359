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
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, TextArea, TextField } from '../ui/Field';
import { formatDate } from '../ui/format';
import { Empty, FormErrors, Loading, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';

const SettingsInvoiceTemplatesQueryDoc = graphql(`
  query SettingsInvoiceTemplates {
    invoiceTemplates {
      id
      name
      isDefault
      body
      createdAt
    }
  }
`);

const SettingsCreateInvoiceTemplate = graphql(`
  mutation SettingsCreateInvoiceTemplate($input: CreateInvoiceTemplateInput!) {
    createInvoiceTemplate(input: $input) {
      invoiceTemplate {
        id
        name
        isDefault
        body
        createdAt
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

type Template = SettingsInvoiceTemplatesQuery['invoiceTemplates'][number];

export function InvoiceTemplatesSettings() {
  const { locale } = useViewer();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: SettingsInvoiceTemplatesQueryDoc });
  const [creating, setCreating] = useState(false);
  const [viewing, setViewing] = useState<Template | null>(null);
  const templates = data?.invoiceTemplates ?? [];
  return (
    <section className="section" aria-labelledby="settings-templates-title">
      <div className="section-header">
        <h2 id="settings-templates-title">Invoice templates</h2>
        <Button variant="primary" onClick={() => setCreating(true)}>
          New template
        </Button>
      </div>
      <p className="muted">Invoices use the default template unless a sale names another. The built-in Standard template appears with the first invoice.</p>
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && !templates.length ? <Empty>No invoice templates yet. Invoices use the built-in Standard template.</Empty> : null}
      {templates.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="settings-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {templates.map((template) => (
                <tr key={template.id}>
                  <td>
                    {template.name} {template.isDefault ? <span className="badge badge-good">Default</span> : null}
                  </td>
                  <td>{formatDate(template.createdAt, locale)}</td>
                  <td>
                    <Button className="btn-small" aria-label={`View ${template.name}`} onClick={() => setViewing(template)}>
                      View
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
    </section>
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
  const [name, setName] = useState('');
  const [body, setBody] = useState('');
  const [makeDefault, setMakeDefault] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const action = useAction(SettingsCreateInvoiceTemplate, (data) => data.createInvoiceTemplate);

  const submit = async () => {
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = 'Enter a name.';
    if (!body.trim()) found.body = 'Enter the template body.';
    setProblems(found);
    if (Object.keys(found).length) return;
    const payload = await action.run({ input: { name: name.trim(), body, makeDefault } });
    if (payload) onCreated();
  };

  return (
    <Dialog
      title="New invoice template"
      open
      wide
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            Create template
          </Button>
        </>
      }
    >
      <TextField label="Name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} error={problems.name ?? errorFor(action.errors, 'name')} />
      {starter ? (
        <p>
          <Button className="btn-small" onClick={() => setBody(starter.body)}>
            Start from {starter.name}
          </Button>
        </p>
      ) : null}
      <div className="settings-template-body">
        <TextArea
          label="Body"
          value={body}
          spellCheck={false}
          onChange={(e) => setBody(e.target.value)}
          error={problems.body ?? errorFor(action.errors, 'body')}
          hint={<TemplateHint />}
        />
      </div>
      <CheckboxField label="Make default" checked={makeDefault} onChange={(e) => setMakeDefault(e.target.checked)} />
      <FormErrors errors={unplaced(action.errors, TEMPLATE_FIELDS)} failure={action.failure} />
    </Dialog>
  );
}
