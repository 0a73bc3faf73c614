// The signed-in devices: when each was last used; sign one out, or all of them.
import { api, listOf } from "../lib/api.js";
import { useLoad } from "../lib/hooks.js";
import { formatTime } from "../lib/format.js";
import { session } from "../lib/session.js";
import { navigate } from "../lib/router.js";
import { ErrorBox, Loading } from "./ui.jsx";
import { ConfirmButton } from "./Confirm.jsx";

export function Sessions() {
  const loaded = useLoad(() => api("GET", "/me/sessions"), []);
  const revoke = async (id) => {
    await api("DELETE", `/me/sessions/${encodeURIComponent(id)}`);
    loaded.reload();
  };
  const everywhere = async () => {
    await api("POST", "/auth/logout-all");
    session.clear();
    navigate("/login");
  };
  return (
    <section class="panel" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you are signed in</h2>
      <ErrorBox error={loaded.error} />
      {loaded.loading ? <Loading /> : (
        <ul class="cards" aria-label="Sessions">
          {listOf(loaded.data).map((s) => (
            <li key={s.id} class="card">
              <p><b>{s.device}</b>{s.current && <span class="badge"> this device</span>}</p>
              <p class="meta">Signed in {formatTime(s.created_at)} · last used {formatTime(s.last_used_at)}</p>
              {!s.current && (
                <ConfirmButton label="Sign out" title="Sign this device out?"
                  message={`${s.device} will have to log in again.`} confirmLabel="Sign out"
                  onConfirm={() => revoke(s.id)} />
              )}
            </li>
          ))}
        </ul>
      )}
      <ConfirmButton label="Sign out everywhere" danger confirmLabel="Sign out everywhere"
        message="Every device, this one included, will have to log in again."
        onConfirm={everywhere} />
    </section>
  );
}
