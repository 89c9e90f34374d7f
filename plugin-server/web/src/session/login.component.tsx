// The login form. The password never leaves this component except in the login request.

import { useState, type FormEvent } from 'react';
import { describeError, type ApiClient } from '../api/api-client.ts';
import { sentence } from '../format/format.ts';
import { login, type Session } from './session.resource.ts';

export function LoginPage({
  api,
  notice,
  onLoggedIn,
}: {
  api: ApiClient;
  notice: string | undefined;
  onLoggedIn: (session: Session) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await login(api, username.trim(), password);
      setPassword('');
      onLoggedIn(session);
    } catch (caught) {
      setError(sentence(describeError(caught)));
      setBusy(false);
    }
  };

  return (
    <main className="page page--centered" id="main">
      <div className="login">
        <h1 className="login__title">Outside Studies</h1>
        <p className="login__subtitle">Imaging from other hospitals</p>
        {notice !== undefined && error === undefined && (
          <p className="notice notice--info" role="status">
            {notice}
          </p>
        )}
        <form className="card login__form" onSubmit={(event) => void submit(event)} aria-labelledby="login-heading">
          <h2 id="login-heading" className="card__title">
            Log in
          </h2>
          {error !== undefined && (
            <p className="notice notice--error" role="alert">
              {error}
            </p>
          )}
          <div className="field">
            <label htmlFor="login-username">Username</label>
            <input
              id="login-username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              autoFocus
              value={username}
              onChange={(event) => setUsername(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </form>
      </div>
    </main>
  );
}
