// My profile (edit), and linking a chat account with a one-time code.
import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { useLoad, useStore } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { rememberUser } from "../lib/users.js";
import { toast } from "../lib/notifications.js";
import { ErrorBox, Field } from "../components/ui.jsx";

function LinkAccount() {
  const [code, setCode] = useState(null);
  const [error, setError] = useState(null);
  const ask = async () => {
    setError(null);
    try {
      setCode((await api("POST", "/me/link-code")).code);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="panel" aria-labelledby="link-title">
      <h2 id="link-title">Link a chat account</h2>
      <p>Use OpenChance from Telegram, Discord or Slack as this same account.</p>
      <button type="button" onClick={ask}>{code ? "Get a new code" : "Get a link code"}</button>
      <ErrorBox error={error} />
      {code && (
        <div role="status">
          <p>Your one-time code (valid for 15 minutes):</p>
          <p><code class="link-code">{code}</code></p>
          <p>Send it to the bot: Telegram <code>/link {code}</code>, Discord <code>/link code:{code}</code>,
            Slack <code>/challenge link {code}</code>.</p>
        </div>
      )}
    </section>
  );
}

function Payouts() {
  const status = useLoad(() => api("GET", "/me/payouts"), []);
  const [link, setLink] = useState(null);
  const [error, setError] = useState(null);
  const account = status.data && status.data.account;
  const start = async () => {
    setError(null);
    try {
      setLink((await api("POST", "/me/payouts/onboard")).onboarding_url);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="panel" aria-labelledby="payouts-title">
      <h2 id="payouts-title">Payouts</h2>
      <p>
        {account && account.payouts_enabled ? "Payouts to you are enabled."
          : "To receive rewards, set up the account you are paid into."}
      </p>
      <div class="actions">
        <button type="button" onClick={start}>{account ? "Continue payout setup" : "Set up payouts"}</button>
        <button type="button" onClick={() => status.reload()}>Refresh status</button>
      </div>
      {link && <p><a class="button primary" href={link} target="_blank" rel="noopener" data-external>Open the payout setup page ↗</a></p>}
      <ErrorBox error={error || status.error} />
    </section>
  );
}

export function Me() {
  const { user } = useStore(session);
  const [form, setForm] = useState({ display_name: user.display_name || "", bio: user.bio || "",
    skills: (user.skills || []).join(", ") });
  const [error, setError] = useState(null);
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const save = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      const updated = await api("PATCH", "/me", { display_name: form.display_name, bio: form.bio,
        skills: form.skills.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean) });
      session.setUser(updated);
      rememberUser(updated);
      toast("Profile saved.");
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="narrow">
      <h1>My account</h1>
      <p><a href={`/users/${encodeURIComponent(user.id)}`}>See my public profile and reviews</a>
        {" · "}<a href="/settings/security">Security and privacy</a>
        {" · "}<a href="/settings/notifications">Notification settings</a></p>
      <form onSubmit={save} aria-label="Edit profile">
        <Field label="Display name" name="display_name" required maxLength={60} value={form.display_name} onInput={set("display_name")} />
        <Field label="Bio" type="textarea" name="bio" maxLength={2000} value={form.bio} onInput={set("bio")} />
        <Field label="Skills" name="skills" value={form.skills} onInput={set("skills")} hint="Separated by commas." />
        <ErrorBox error={error} />
        <button class="primary" type="submit">Save profile</button>
      </form>
      <LinkAccount />
      <Payouts />
    </section>
  );
}
