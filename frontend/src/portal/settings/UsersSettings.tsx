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
import { Dialog } from '../ui/Dialog';
import { errorFor, unplaced } from '../ui/errors';
import { SelectField, TextField } from '../ui/Field';
import { formatDate, humanize } from '../ui/format';
import { Empty, FormErrors, Loading, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';

const SettingsUsersQueryDoc = graphql(`
  query SettingsUsers {
    users {
      id
      email
      role
      createdAt
    }
  }
`);

const SettingsCreateUser = graphql(`
  mutation SettingsCreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      user {
        id
        email
        role
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

const SettingsUpdateUserRole = graphql(`
  mutation SettingsUpdateUserRole($input: UpdateUserRoleInput!) {
    updateUserRole(input: $input) {
      user {
        id
        role
      }
      userErrors {
        field
        code
        message
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

export function UsersSettings() {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: SettingsUsersQueryDoc });
  const [adding, setAdding] = useState(false);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const users = data?.users ?? [];
  return (
    <section className="section" aria-labelledby="settings-users-title">
      <div className="section-header">
        <h2 id="settings-users-title">Users and roles</h2>
        <Button variant="primary" onClick={() => setAdding(true)}>
          Add user
        </Button>
      </div>
      <p className="muted">A changed role applies at once: the user's open sessions end and they sign in again.</p>
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && !users.length ? <Empty>No users.</Empty> : null}
      {users.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col" className="hide-narrow">Created</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <UserRow key={user.id} user={user} onChanged={refresh} />
              ))}
            </tbody>
          </table>
        </div>
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
    </section>
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
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('REP');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const action = useAction(SettingsCreateUser, (data) => data.createUser);

  const submit = async () => {
    const found: Record<string, string> = {};
    if (!email.trim()) found.email = 'Enter an email address.';
    if (password.length < 10) found.password = 'Use at least 10 characters.';
    setProblems(found);
    if (Object.keys(found).length) return;
    const payload = await action.run({ input: { email: email.trim(), password, role } });
    if (payload) onAdded();
  };

  return (
    <Dialog
      title="Add user"
      open
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            Add user
          </Button>
        </>
      }
    >
      <TextField label="Email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={problems.email ?? errorFor(action.errors, 'email')} />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={problems.password ?? errorFor(action.errors, 'password')}
        hint="At least 10 characters. Give it to them privately."
      />
      <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)} error={errorFor(action.errors, 'role')}>
        {grantable(viewer.role).map((option) => (
          <option key={option} value={option}>
            {ROLE_TEXT[option]}
          </option>
        ))}
      </SelectField>
      <FormErrors errors={unplaced(action.errors, USER_FIELDS)} failure={action.failure} />
    </Dialog>
  );
}
