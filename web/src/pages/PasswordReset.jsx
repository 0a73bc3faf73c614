// Forgot password (mail me a link) and reset password (the mailed link's page).
import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { session } from "../lib/session.js";
import { tokenFromAddress, useSubmit } from "../lib/submit.js";
import { ErrorBox, Field } from "../components/ui.jsx";

export function ForgotPassword() {
  const [email, setEmail] = useState("");
  const form = useSubmit(() => api("POST", "/auth/password/forgot", { email }));
  return (
    <section class="narrow">
      <h1>Forgot your password?</h1>
      {form.done ? (
        <div role="status">
          <p>If an account uses <b>{email}</b>, we mailed it a link to choose a new password.
            The link works once, for 30 minutes.</p>
          {form.done.local_outbox_url && (
            <p class="local-note">This server keeps its mails locally:{" "}
              <a href={form.done.local_outbox_url} data-external>open the local outbox</a>.</p>
          )}
        </div>
      ) : (
        <form onSubmit={form.submit} aria-label="Forgot password">
          <Field label="Email" name="email" type="email" required autocomplete="email"
            value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          <ErrorBox error={form.error} />
          <button class="primary" type="submit" disabled={form.busy}>Mail me a link</button>
        </form>
      )}
      <p><a href="/login">Back to log in</a></p>
    </section>
  );
}

export function ResetPassword() {
  const token = tokenFromAddress();
  const [password, setPassword] = useState("");
  const form = useSubmit(async () => {
    await api("POST", "/auth/password/reset", { token, password });
    session.clear();  // every session ended, this browser's too
    return true;
  });
  return (
    <section class="narrow">
      <h1>Choose a new password</h1>
      {form.done ? (
        <p role="status">Your password is changed and every device was signed out.{" "}
          <a href="/login">Log in</a> with the new password.</p>
      ) : (
        <form onSubmit={form.submit} aria-label="Reset password">
          <Field label="New password" name="password" type="password" required minLength={8}
            autocomplete="new-password" hint="At least 8 characters, not a common password."
            value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          <ErrorBox error={form.error} />
          {!token && <p class="error">This page needs the link from the mail.</p>}
          <button class="primary" type="submit" disabled={form.busy || !token}>Set password</button>
        </form>
      )}
    </section>
  );
}
