import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { session } from "../lib/session.js";
import { location, navigate } from "../lib/router.js";
import { Field, ErrorBox } from "../components/ui.jsx";

/** Where to go after signing in: ?next=/challenges/42 (a "log in to apply" link), same-site only. */
function nextOf(search) {
  const next = new URLSearchParams(search).get("next") || "";
  return next.startsWith("/") && !next.startsWith("//") ? next : undefined;
}

export function Auth({ mode = "login", next: given }) {
  const signup = mode === "signup";
  const next = given || nextOf(location.value.search);
  const carry = next ? `?next=${encodeURIComponent(next)}` : "";
  const [form, setForm] = useState({ email: "", password: "", display_name: "", otp: "" });
  // The password was right and the account has two-factor on: ask for the code too.
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { otp, ...signupForm } = form;
      const body = signup ? signupForm : { email: form.email, password: form.password,
        ...(needsCode ? { otp } : {}) };
      const data = await api("POST", signup ? "/auth/register" : "/auth/login", body);
      session.signIn(data.token, data.user);
      navigate(next && next !== "/login" && next !== "/signup" ? next : "/dashboard",
        { replace: true });
    } catch (err) {
      if (err.code === "two_factor_required") setNeedsCode(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <h1>{signup ? "Create an account" : "Log in"}</h1>
      <form onSubmit={submit} aria-label={signup ? "Sign up" : "Log in"}>
        {signup && <Field label="Display name" name="display_name" required maxLength={60}
          autocomplete="nickname" value={form.display_name} onInput={set("display_name")} />}
        <Field label="Email" name="email" type="email" required autocomplete="email"
          value={form.email} onInput={set("email")} />
        <Field label="Password" name="password" type="password" required
          minLength={signup ? 8 : 1} autocomplete={signup ? "new-password" : "current-password"}
          hint={signup ? "At least 8 characters." : undefined}
          value={form.password} onInput={set("password")} />
        {needsCode && <Field label="Authentication code" name="otp" required autoFocus
          autocomplete="one-time-code" maxLength={20} value={form.otp} onInput={set("otp")}
          hint="The 6 digits from your authenticator app, or one of your recovery codes." />}
        <ErrorBox error={error} />
        <button class="primary" type="submit" disabled={busy}>
          {signup ? "Sign up" : "Log in"}
        </button>
      </form>
      <p>
        {signup
          ? <>Already have an account? <a href={`/login${carry}`}>Log in</a></>
          : <>New here? <a href={`/signup${carry}`}>Create an account</a> · <a href="/forgot-password">Forgot your password?</a></>}
      </p>
    </section>
  );
}
