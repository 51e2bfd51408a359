import { useState } from 'react';

import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { errorFor, unplaced } from '../ui/errors';
import { TextField } from '../ui/Field';
import { FormErrors } from '../ui/States';
import { useAction } from '../ui/useAction';

const SignIn = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      user {
        id
        email
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** The sign-in form; the session cookie it gets is what every later request carries. */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useAction(SignIn, (data) => data.signIn);

  const submit = async () => {
    if (await signIn.run({ input: { email, password } })) onSignedIn();
  };
  return (
    <main className="sign-in">
      <form
        className="card sign-in-card"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h1 className="brand">paydesk</h1>
        <p className="muted">Sign in to your payments desk.</p>
        <TextField label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} error={errorFor(signIn.errors, 'email')} required autoFocus />
        <TextField label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errorFor(signIn.errors, 'password')} required />
        <FormErrors errors={unplaced(signIn.errors, ['email', 'password'])} failure={signIn.failure} />
        <Button type="submit" variant="primary" busy={signIn.busy}>
          Sign in
        </Button>
      </form>
    </main>
  );
}
