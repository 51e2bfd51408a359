/**
 * Emails to customers: the receipt, the dunning notice, the renewal reminder
 * and the plan-completed note, each with whether the account sends it (the
 * switches live with the settings they belong to), its wording (built-in or
 * the account's own), an editor that previews the email as a customer gets
 * it, and a way back to the built-in wording.
 */
import { useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { EmailTemplateKind, SettingsEmailTemplatesQuery } from '../gql/graphql';
import { Button } from '../ui/Button';
import { errorFor } from '../ui/errors';
import { TextArea, TextField } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { Notice } from '../ui/States';
import { useAction } from '../ui/useAction';
import { ConfirmMutation } from './ConfirmMutation';
import { FormDialog } from './FormDialog';
import { QueryStates, SettingsSection } from './SettingsSection';
import { SettingsTable } from './SettingsTable';
import { useDraft } from './useDraft';

graphql(`
  fragment SettingsEmailTemplateFields on EmailTemplate {
    kind
    title
    sentWhen
    enabled
    subject
    body
    isCustom
    updatedAt
    defaultSubject
    defaultBody
    variables {
      name
      description
    }
  }
`);

const SettingsEmailTemplatesDoc = graphql(`
  query SettingsEmailTemplates {
    emailTemplates {
      ...SettingsEmailTemplateFields
    }
  }
`);

const SettingsEmailTemplatePreviewDoc = graphql(`
  query SettingsEmailTemplatePreview($input: EmailTemplatePreviewInput!) {
    emailTemplatePreview(input: $input) {
      preview {
        subject
        text
        html
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SettingsUpdateEmailTemplateDoc = graphql(`
  mutation SettingsUpdateEmailTemplate($input: UpdateEmailTemplateInput!) {
    updateEmailTemplate(input: $input) {
      emailTemplate {
        ...SettingsEmailTemplateFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SettingsResetEmailTemplateDoc = graphql(`
  mutation SettingsResetEmailTemplate($input: ResetEmailTemplateInput!) {
    resetEmailTemplate(input: $input) {
      emailTemplate {
        ...SettingsEmailTemplateFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

type Template = SettingsEmailTemplatesQuery['emailTemplates'][number];

/** Where each email is switched on and off. */
const SWITCHES: Record<EmailTemplateKind, string> = {
  RECEIPT: 'Account: Email invoices',
  DUNNING_NOTICE: 'Dunning: Email a card link',
  RENEWAL_REMINDER: 'Account: Renewal reminder',
  PLAN_COMPLETED: 'Account: Plan completed note',
};

export function EmailTemplatesSettings() {
  const { locale } = useViewer();
  const [result, reexecute] = useQuery({ query: SettingsEmailTemplatesDoc });
  const [editing, setEditing] = useState<Template | null>(null);
  const [resetting, setResetting] = useState<Template | null>(null);
  const templates = result.data?.emailTemplates ?? [];
  const reload = () => reexecute({ requestPolicy: 'network-only' });
  return (
    <SettingsSection id="settings-emails-title" title="Emails to customers">
      <p className="muted">
        What paydesk emails your customers after a change, sent once the change is saved. Rewrite any of them in your own words; each email is logged on the customer&apos;s
        page.
      </p>
      <QueryStates result={result} count={templates.length} empty="No emails." />
      {templates.length ? (
        <SettingsTable columns={['Email', 'Sent', 'Wording']}>
          {templates.map((template) => (
            <tr key={template.kind}>
              <td>
                <strong>{template.title}</strong>
                <div className="muted">{template.sentWhen}</div>
              </td>
              <td>
                {template.enabled ? <span className="badge badge-good">On</span> : <span className="badge">Off</span>}
                <div className="muted">{SWITCHES[template.kind]}</div>
              </td>
              <td>{template.isCustom && template.updatedAt ? `Yours, changed ${formatDateTime(template.updatedAt, locale)}` : 'Built-in'}</td>
              <td className="settings-row-actions">
                <Button className="btn-small" aria-label={`Edit ${template.title}`} onClick={() => setEditing(template)}>
                  Edit
                </Button>
                {template.isCustom ? (
                  <Button className="btn-small" aria-label={`Use the built-in ${template.title}`} onClick={() => setResetting(template)}>
                    Use built-in
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </SettingsTable>
      ) : null}
      {editing ? (
        <EditTemplateDialog
          template={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      ) : null}
      {resetting ? (
        <ConfirmMutation
          document={SettingsResetEmailTemplateDoc}
          pick={(data) => data.resetEmailTemplate}
          variables={{ input: { kind: resetting.kind } }}
          title={`Use the built-in ${resetting.title.toLowerCase()}?`}
          confirmLabel="Use built-in"
          onClose={() => setResetting(null)}
          onDone={() => {
            setResetting(null);
            reload();
          }}
        >
          <p>Your wording is deleted and paydesk&apos;s own is sent from now on.</p>
        </ConfirmMutation>
      ) : null}
    </SettingsSection>
  );
}

const FIELDS = ['subject', 'body'];

function EditTemplateDialog({ template, onClose, onSaved }: { template: Template; onClose: () => void; onSaved: () => void }) {
  const [draft, set] = useDraft({ subject: template.subject, body: template.body });
  const [shown, setShown] = useState<{ kind: EmailTemplateKind; subject: string; body: string } | null>(null);
  const [preview] = useQuery({
    query: SettingsEmailTemplatePreviewDoc,
    variables: { input: shown ?? { kind: template.kind, subject: '', body: '' } },
    pause: shown === null,
    requestPolicy: 'network-only',
  });
  const action = useAction(SettingsUpdateEmailTemplateDoc, (data) => data.updateEmailTemplate);
  const previewErrors = preview.data?.emailTemplatePreview.userErrors ?? [];
  const rendered = preview.data?.emailTemplatePreview.preview ?? null;
  const form = useRef<HTMLFormElement>(null);
  // The HTML goes to a frame of its own (POST /email-preview): emails style themselves inline, which the
  // portal's Content-Security-Policy refuses in any frame it writes itself.
  useEffect(() => {
    if (rendered && form.current && typeof form.current.submit === 'function') form.current.submit();
  }, [rendered]);
  const errorOf = (path: string) => errorFor(action.errors, path) ?? (shown ? errorFor(previewErrors, path) : undefined);

  const submit = async () => {
    const payload = await action.run({ input: { kind: template.kind, subject: draft.subject, body: draft.body } });
    if (payload) onSaved();
  };

  return (
    <FormDialog title={`Edit: ${template.title}`} submitLabel="Save email" action={action} fields={FIELDS} onClose={onClose} onSubmit={submit} wide>
      <p className="muted">{template.sentWhen}</p>
      <TextField label="Subject" value={draft.subject} maxLength={500} onChange={(e) => set('subject', e.target.value)} error={errorOf('subject')} />
      <div className="settings-template-body">
        <TextArea
          label="Text"
          value={draft.body}
          spellCheck={false}
          onChange={(e) => set('body', e.target.value)}
          error={errorOf('body')}
          hint={
            <span className="settings-hint">
              Plain text with Jinja2 (<code>{'{% if customer_name %}…{% endif %}'}</code>, dates with <code>|long_date</code>); links become clickable. Values:{' '}
              {template.variables.map((variable, index) => (
                <span key={variable.name}>
                  {index ? ', ' : ''}
                  <code title={variable.description}>{`{{ ${variable.name} }}`}</code>
                </span>
              ))}
              .
            </span>
          }
        />
      </div>
      <p className="settings-row-actions">
        <Button className="btn-small" onClick={() => setShown({ kind: template.kind, subject: draft.subject, body: draft.body })}>
          Preview
        </Button>
        <Button
          className="btn-small"
          onClick={() => {
            set('subject', template.defaultSubject);
            set('body', template.defaultBody);
          }}
        >
          Start from the built-in wording
        </Button>
      </p>
      {shown && preview.fetching ? <p className="muted">Rendering…</p> : null}
      {shown && previewErrors.length ? <Notice tone="error">This wording does not render; see the field above.</Notice> : null}
      {rendered ? (
        <section aria-label="Email preview" className="settings-email-preview">
          <p>
            <strong>Subject:</strong> <span data-testid="preview-subject">{rendered.subject}</span>
          </p>
          <iframe title="Email preview" name="email-preview-frame" sandbox="" className="settings-email-frame" />
        </section>
      ) : null}
      {shown ? (
        <form ref={form} method="post" action="/email-preview" target="email-preview-frame" hidden>
          <input type="hidden" name="kind" value={shown.kind} />
          <input type="hidden" name="subject" value={shown.subject} />
          <input type="hidden" name="body" value={shown.body} />
        </form>
      ) : null}
    </FormDialog>
  );
}
