// Admins: find an account by email and make it a member, moderator or admin (audited).
import { useState } from "preact/hooks";
import { api, query } from "../lib/api.js";
import { useSubmit } from "../lib/submit.js";
import { ErrorBox, Field } from "../components/ui.jsx";
import { ConfirmButton } from "../components/Confirm.jsx";

export function AdminRoles() {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("moderator");
  const find = useSubmit(() => api("GET", `/admin/users${query({ email })}`));
  const user = find.done;
  const apply = async () => {
    find.setDone(await api("POST", `/admin/users/${encodeURIComponent(user.id)}/role`, { role }));
  };
  return (
    <section class="narrow">
      <h1>Roles</h1>
      <p>Also from the server's console: <code>openchance admin grant moderator EMAIL</code>.
        Every change is in the <a href="/mod/audit">audit log</a>.</p>
      <form onSubmit={find.submit} aria-label="Find account">
        <Field label="Account email" name="email" type="email" required value={email}
          onInput={(e) => setEmail(e.currentTarget.value)} />
        <ErrorBox error={find.error} />
        <button type="submit" disabled={find.busy}>Find</button>
      </form>
      {user && (
        <div class="panel" role="region" aria-label="Account">
          <p><b>{user.display_name}</b> is <span class="badge role">{user.role}</span></p>
          <Field label="New role">
            {(a) => (
              <select {...a} value={role} onChange={(e) => setRole(e.currentTarget.value)}>
                <option value="member">member</option><option value="moderator">moderator</option>
                <option value="admin">admin</option>
              </select>
            )}
          </Field>
          <ConfirmButton label="Change role" message={`Make ${user.display_name} ${role}?`}
            onConfirm={apply} />
        </div>
      )}
    </section>
  );
}
