// Pages that mailed links open: verify an email address, unsubscribe from notification mails.
// Each acts once on load (a mail scanner that does not run scripts changes nothing).
import { useEffect } from "preact/hooks";
import { api } from "../lib/api.js";
import { session } from "../lib/session.js";
import { tokenFromAddress, useSubmit } from "../lib/submit.js";
import { ErrorBox, Loading } from "../components/ui.jsx";

function useOnce(action) {
  const form = useSubmit(action);
  useEffect(() => { form.submit(); }, []);
  return form;
}

export function VerifyEmail() {
  const form = useOnce(async () => {
    const { user } = await api("POST", "/auth/verify", { token: tokenFromAddress() });
    if (session.user && session.user.id === user.id) session.setUser(user);
    return user;
  });
  return (
    <section class="narrow">
      <h1>Email address</h1>
      {form.busy && <Loading what="Checking the link" />}
      {form.done && <p role="status"><b>{form.done.email}</b> is verified. Thank you.</p>}
      <ErrorBox error={form.error} />
    </section>
  );
}

export function Unsubscribe() {
  const form = useOnce(() => api("POST", "/unsubscribe", { token: tokenFromAddress() }));
  return (
    <section class="narrow">
      <h1>Unsubscribe</h1>
      {form.busy && <Loading what="Unsubscribing" />}
      {form.done && (
        <p role="status">Done: we will no longer mail you about{" "}
          {form.done.kinds.length > 3 ? "anything" : form.done.kinds.join(", ")}.{" "}
          <a href="/settings/notifications">Choose what we send you</a>.</p>
      )}
      <ErrorBox error={form.error} />
    </section>
  );
}
