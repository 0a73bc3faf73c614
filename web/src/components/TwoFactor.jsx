// Two-factor authentication: enrol an authenticator app (secret + otpauth link), confirm with
// a first code, keep the recovery codes; or turn it off with a code.
import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { session } from "../lib/session.js";
import { useSubmit } from "../lib/submit.js";
import { ErrorBox, Field } from "./ui.jsx";

export function TwoFactor({ user }) {
  const [setup, setSetup] = useState(null);
  const [codes, setCodes] = useState(null);
  const [code, setCode] = useState("");
  const refresh = async () => session.setUser(await api("GET", "/me"));
  const start = useSubmit(async () => setSetup(await api("POST", "/me/2fa/setup")));
  const enable = useSubmit(async () => {
    setCodes((await api("POST", "/me/2fa/enable", { code })).recovery_codes);
    setSetup(null);
    setCode("");
    await refresh();
  });
  const disable = useSubmit(async () => {
    await api("POST", "/me/2fa/disable", { code });
    setCode("");
    setCodes(null);
    await refresh();
  });
  const codeField = (label) => (
    <Field label={label} name="code" required autocomplete="one-time-code" maxLength={20}
      value={code} onInput={(e) => setCode(e.currentTarget.value)} />
  );
  return (
    <section class="panel" aria-labelledby="twofa-title">
      <h2 id="twofa-title">Two-factor authentication</h2>
      {codes && (
        <div role="status" class="recovery">
          <p><b>Two-factor authentication is on.</b> Keep these recovery codes somewhere safe:
            each one signs you in once if you lose your phone. They are shown only now.</p>
          <ul class="recovery-codes" aria-label="Recovery codes">
            {codes.map((c) => <li key={c}><code>{c}</code></li>)}
          </ul>
        </div>
      )}
      {user.two_factor_enabled ? (
        <form onSubmit={disable.submit} aria-label="Turn off two-factor">
          <p>Signing in asks for a code from your authenticator app.</p>
          {codeField("Code to turn it off")}
          <ErrorBox error={disable.error} />
          <button type="submit" class="danger" disabled={disable.busy}>Turn off two-factor</button>
        </form>
      ) : setup ? (
        <form onSubmit={enable.submit} aria-label="Confirm two-factor">
          <p>Add this key to your authenticator app (or open the link on your phone), then enter
            the 6-digit code it shows.</p>
          <p>Key: <code class="totp-secret">{setup.secret}</code></p>
          <p><a href={setup.otpauth_url} data-external>Open in an authenticator app</a></p>
          {codeField("Code from the app")}
          <ErrorBox error={enable.error} />
          <button type="submit" class="primary" disabled={enable.busy}>Turn on two-factor</button>
        </form>
      ) : (
        <>
          <p>Protect your account and the money it holds with a code from your phone.</p>
          <ErrorBox error={start.error} />
          <button type="button" onClick={start.submit} disabled={start.busy}>Set up two-factor</button>
        </>
      )}
    </section>
  );
}
