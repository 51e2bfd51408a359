/**
 * Staff users and their roles: list, add, change a role. The API keeps at
 * least one owner and lets only an owner grant or take OWNER; its userError
 * is shown beside the row's role.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { Role, SettingsUsersQuery } from '../gql/graphql';
import { Button } from '../ui/Button';
import { errorFor, unplaced } from '../ui/errors';
import { SelectField, TextField } from '../ui/Field';
import { formatDate, humanize } from '../ui/format';
import { useAction } from '../ui/useAction';
import { FormDialog } from './FormDialog';
import { QueryStates, SettingsSection } from './SettingsSection';
import { SettingsTable } from './SettingsTable';
import { useDraft, useProblems } from './useDraft';

graphql(`
  fragment SettingsUserFields on User {
    id
    email
    role
    createdAt
  }
`);

const SettingsUsersQueryDoc = graphql(`
  query SettingsUsers {
    users {
      ...SettingsUserFields
    }
  }
`);

const SettingsCreateUser = graphql(`
  mutation SettingsCreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      user {
        ...SettingsUserFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SettingsUpdateUserRole = graphql(`
  mutation SettingsUpdateUserRole($input: UpdateUserRoleInput!) {
    updateUserRole(input: $input) {
      user {
        id
        role
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

type User = SettingsUsersQuery['users'][number];

const ROLE_TEXT: Record<Role, string> = {
  OWNER: 'Owner: everything, including owners',
  ADMIN: 'Admin: everything but owners',
  REP: 'Rep: customers, cards, sales',
  VIEWER: 'Viewer: reads only',
};

/** The roles the signed-in user may hand out: only an owner makes owners. */
function grantable(viewerRole: Role): Role[] {
  return viewerRole === 'OWNER' ? ['OWNER', 'ADMIN', 'REP', 'VIEWER'] : ['ADMIN', 'REP', 'VIEWER'];
}

const COLUMNS = ['Email', 'Role', { label: 'Created', className: 'hide-narrow' }];

export function UsersSettings() {
  const [result, reexecute] = useQuery({ query: SettingsUsersQueryDoc });
  const [adding, setAdding] = useState(false);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const users = result.data?.users ?? [];
  return (
    <SettingsSection id="settings-users-title" title="Users and roles" action={{ label: 'Add user', onClick: () => setAdding(true) }}>
      <p className="muted">A changed role applies at once: the user's open sessions end and they sign in again.</p>
      <QueryStates result={result} count={users.length} empty="No users." />
      {users.length ? (
        <SettingsTable columns={COLUMNS} actions={false}>
          {users.map((user) => (
            <UserRow key={user.id} user={user} onChanged={refresh} />
          ))}
        </SettingsTable>
      ) : null}
      {adding ? (
        <AddUserDialog
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            refresh();
          }}
        />
      ) : null}
    </SettingsSection>
  );
}

function UserRow({ user, onChanged }: { user: User; onChanged: () => void }) {
  const viewer = useViewer();
  const [role, setRole] = useState<Role>(user.role);
  const action = useAction(SettingsUpdateUserRole, (data) => data.updateUserRole);
  const roles = grantable(viewer.role);
  // An admin cannot take OWNER away, so an owner's row is read-only for them.
  const locked = !roles.includes(user.role);
  const error = errorFor(action.errors, 'role') ?? unplaced(action.errors, ['role'])[0]?.message ?? action.failure ?? undefined;
  const save = async () => {
    const payload = await action.run({ input: { userId: user.id, role } });
    if (payload) onChanged();
  };
  return (
    <tr>
      <td>{user.email}</td>
      <td>
        {locked ? (
          humanize(user.role)
        ) : (
          <div className="settings-role">
            <select
              aria-label={`Role of ${user.email}`}
              value={role}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `role-error-${user.id}` : undefined}
              onChange={(e) => {
                setRole(e.target.value as Role);
                action.reset();
              }}
            >
              {roles.map((option) => (
                <option key={option} value={option}>
                  {humanize(option)}
                </option>
              ))}
            </select>
            <Button className="btn-small" aria-label={`Save role for ${user.email}`} busy={action.busy} disabled={role === user.role} onClick={() => void save()}>
              Save
            </Button>
            {error ? (
              <div className="field-error" id={`role-error-${user.id}`} role="alert">
                {error}
              </div>
            ) : null}
          </div>
        )}
      </td>
      <td className="hide-narrow">{formatDate(user.createdAt, viewer.locale)}</td>
    </tr>
  );
}

const USER_FIELDS = ['email', 'password', 'role'];

function AddUserDialog({ onClose, onAdded }: { onClose: () => void; onAdded: () => void }) {
  const viewer = useViewer();
  const [draft, set] = useDraft({ email: '', password: '', role: 'REP' as Role });
  const { problems, accept } = useProblems();
  const action = useAction(SettingsCreateUser, (data) => data.createUser);

  const submit = async () => {
    const found: Record<string, string> = {};
    if (!draft.email.trim()) found.email = 'Enter an email address.';
    if (draft.password.length < 12) found.password = 'Use at least 12 characters.';
    if (!accept(found)) return;
    const payload = await action.run({ input: { email: draft.email.trim(), password: draft.password, role: draft.role } });
    if (payload) onAdded();
  };

  return (
    <FormDialog title="Add user" submitLabel="Add user" action={action} fields={USER_FIELDS} onClose={onClose} onSubmit={submit}>
      <TextField
        label="Email"
        type="email"
        autoComplete="off"
        value={draft.email}
        onChange={(e) => set('email', e.target.value)}
        error={problems.email ?? errorFor(action.errors, 'email')}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        value={draft.password}
        onChange={(e) => set('password', e.target.value)}
        error={problems.password ?? errorFor(action.errors, 'password')}
        hint="At least 12 characters, not a common password. Give it to them privately."
      />
      <SelectField label="Role" value={draft.role} onChange={(e) => set('role', e.target.value as Role)} error={errorFor(action.errors, 'role')}>
        {grantable(viewer.role).map((option) => (
          <option key={option} value={option}>
            {ROLE_TEXT[option]}
          </option>
        ))}
      </SelectField>
    </FormDialog>
  );
}
