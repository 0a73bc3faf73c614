// Account security and data: email (verify, change), password, two-factor, sessions, export,
// deletion.
import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { useStore } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { navigate } from "../lib/router.js";
import { toast } from "../lib/notifications.js";
import { useSubmit } from "../lib/submit.js";
import { ErrorBox, Field } from "../components/ui.jsx";
import { ConfirmButton } from "../components/Confirm.jsx";
import { TwoFactor } from "../components/TwoFactor.jsx";
import { Sessions } from "../components/Sessions.jsx";

function EmailPanel({ user }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const resend = useSubmit(() => api("POST", "/me/verify-email/resend"));
  const change = useSubmit(() => api("POST", "/me/email", { email, password }));
  const setLocale = async (locale) => {
    try {
      session.setUser(await api("PATCH", "/me", { locale }));
      toast("Saved.");
    } catch (err) {
      toast(err.message, "error");
    }
  };
  return (
    <section class="panel" aria-labelledby="email-title">
      <h2 id="email-title">Email</h2>
      <p>{user.email} {user.email_verified ? <span class="badge">verified</span>
        : <span class="badge">not verified</span>}</p>
      {!user.email_verified && (
        <p>
          <button type="button" onClick={resend.submit} disabled={resend.busy}>Mail me the verification link again</button>
          {resend.done && <span role="status"> Sent.</span>}
        </p>
      )}
      <ErrorBox error={resend.error} />
      <Field label="Language of our mails">
        {(a) => (
          <select {...a} value={user.locale || "en"} onChange={(e) => setLocale(e.currentTarget.value)}>
            <option value="en">English</option><option value="de">Deutsch</option>
          </select>
        )}
      </Field>
      {change.done ? <p role="status">We mailed a link to <b>{email}</b>: it becomes your address when you open it.</p> : (
        <form onSubmit={change.submit} aria-label="Change email">
          <div class="row">
            <Field label="New email" name="new_email" type="email" required autocomplete="email"
              value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            <Field label="Current password" name="email_password" type="password" required
              autocomplete="current-password" value={password}
              onInput={(e) => setPassword(e.currentTarget.value)} />
          </div>
          <ErrorBox error={change.error} />
          <button type="submit" disabled={change.busy}>Change email</button>
        </form>
      )}
    </section>
  );
}

function PasswordPanel() {
  const [form, setForm] = useState({ current_password: "", password: "" });
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const change = useSubmit(async () => {
    await api("POST", "/me/password", form);
    setForm({ current_password: "", password: "" });
    toast("Password changed; your other devices were signed out.");
  });
  return (
    <section class="panel" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <form onSubmit={change.submit} aria-label="Change password">
        <div class="row">
          <Field label="Current password" name="current_password" type="password" required
            autocomplete="current-password" value={form.current_password} onInput={set("current_password")} />
          <Field label="New password" name="new_password" type="password" required minLength={8}
            autocomplete="new-password" value={form.password} onInput={set("password")} />
        </div>
        <ErrorBox error={change.error} />
        <button type="submit" disabled={change.busy}>Change password</button>
      </form>
    </section>
  );
}

function DataPanel() {
  const [error, setError] = useState(null);
  const download = async () => {
    setError(null);
    try {
      const data = await api("GET", "/me/export");
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)],
        { type: "application/json" }));
      const link = Object.assign(document.createElement("a"),
        { href: url, download: "openchance-export.json" });
      link.dataset.external = "";
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(url);
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (password) => {
    await api("DELETE", "/me", { password });
    session.clear();
    navigate("/");
  };
  return (
    <section class="panel" aria-labelledby="data-title">
      <h2 id="data-title">Your data</h2>
      <p>Download everything we hold about you as JSON, or delete your account. Your messages and
        reviews stay in the other people's conversations, signed “Deleted user”. While money is
        held in escrow for one of your challenges the account cannot be deleted.</p>
      <div class="actions">
        <button type="button" onClick={download}>Download my data</button>
        <ConfirmButton label="Delete my account" danger confirmLabel="Delete for good"
          message="This cannot be undone. Type your password to confirm."
          ask="Password" onConfirm={remove} />
      </div>
      <ErrorBox error={error} />
    </section>
  );
}

export function Security() {
  const { user } = useStore(session);
  return (
    <section class="narrow">
      <h1>Security and privacy</h1>
      <p><a href="/settings/notifications">Notification settings</a> · <a href="/me">Profile</a></p>
      <EmailPanel user={user} />
      <PasswordPanel />
      <TwoFactor user={user} />
      <Sessions />
      <DataPanel />
    </section>
  );
}
