// Moderators: every moderator and admin action, newest first.
import { useState } from "preact/hooks";
import { api, query } from "../lib/api.js";
import { useLoad } from "../lib/hooks.js";
import { formatTime } from "../lib/format.js";
import { ErrorBox, Loading, UserName } from "../components/ui.jsx";

function Actor({ id }) {
  return id === "console" ? <span>the server console</span> : <UserName id={id} />;
}

export function AuditLog() {
  const [cursors, setCursors] = useState([null]);
  const cursor = cursors[cursors.length - 1];
  const loaded = useLoad(() => api("GET", `/mod/audit${query({ cursor })}`), [cursor]);
  const items = (loaded.data && loaded.data.items) || [];
  return (
    <section>
      <h1>Audit log</h1>
      <p><a href="/mod">Back to moderation</a></p>
      <ErrorBox error={loaded.error} />
      {loaded.loading ? <Loading /> : (
        <table class="ledger" aria-label="Audit log">
          <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Details</th></tr></thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.at)}</td><td><Actor id={e.actor_id} /></td><td>{e.action}</td>
                <td>{e.target_type === "user" ? <UserName id={e.target_id} /> : `${e.target_type} ${e.target_id}`}</td>
                <td><code>{Object.entries(e.details || {}).map(([k, v]) => `${k}: ${v}`).join(", ")}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="actions">
        {cursors.length > 1 && <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>Newer</button>}
        {loaded.data && loaded.data.next_cursor && (
          <button type="button" onClick={() => setCursors([...cursors, loaded.data.next_cursor])}>Older</button>
        )}
      </div>
    </section>
  );
}
