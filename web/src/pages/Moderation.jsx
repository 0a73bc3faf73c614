// Moderators: open reports, ban / unban, remove a challenge, resolve an escrow dispute.
import { useState } from "preact/hooks";
import { api, listOf, query } from "../lib/api.js";
import { useLoad } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { formatTime } from "../lib/format.js";
import { toast } from "../lib/notifications.js";
import { ErrorBox, Field, Loading, UserName } from "../components/ui.jsx";
import { ConfirmButton } from "../components/Confirm.jsx";

function targetLink(report) {
  if (report.target_type === "challenge") return `/challenges/${encodeURIComponent(report.target_id)}`;
  if (report.target_type === "user") return `/users/${encodeURIComponent(report.target_id)}`;
  return null;
}

function Reports() {
  const [state, setState] = useState("open");
  const loaded = useLoad(() => api("GET", `/mod/reports${query({ state })}`), [state]);
  return (
    <section class="panel" aria-labelledby="reports-title">
      <h2 id="reports-title">Reports</h2>
      <Field label="Show">
        {(a) => (
          <select {...a} value={state} onChange={(e) => setState(e.currentTarget.value)}>
            <option value="open">Open</option><option value="resolved">Resolved</option>
          </select>
        )}
      </Field>
      <ErrorBox error={loaded.error} />
      {loaded.loading ? <Loading /> : (
        listOf(loaded.data).length ? (
          <ul class="cards">
            {listOf(loaded.data).map((r) => (
              <li key={r.id} class="card">
                <p class="meta">{r.target_type} {targetLink(r) ? <a href={targetLink(r)}>{r.target_id}</a> : <code>{r.target_id}</code>}
                  {" · "}by <UserName id={r.reporter_id} /> · {formatTime(r.created_at)}</p>
                <p class="prose">{r.reason}</p>
                {r.state === "open" && (
                  <ConfirmButton label="Mark resolved" message="Mark this report as handled?"
                    onConfirm={async () => { await api("POST", `/mod/reports/${encodeURIComponent(r.id)}/resolve`); loaded.reload(); }} />
                )}
              </li>
            ))}
          </ul>
        ) : <p class="muted">No {state} reports.</p>
      )}
    </section>
  );
}

function Action({ title, children }) {
  return <section class="panel"><h2>{title}</h2>{children}</section>;
}

export function Moderation() {
  const [userId, setUserId] = useState("");
  const [challengeId, setChallengeId] = useState("");
  const [dispute, setDispute] = useState({ challenge_id: "", release_amount: "", refund_amount: "" });
  if (!session.isModerator) return <><h1>Moderation</h1><p class="error">Moderators only.</p></>;
  const enc = encodeURIComponent;
  return (
    <section>
      <h1>Moderation</h1>
      <p><a href="/mod/audit">Audit log</a>{session.user.role === "admin" && <> · <a href="/admin/roles">Roles</a></>}</p>
      <Reports />
      <Action title="Ban or unban a user">
        <Field label="User id" value={userId} onInput={(e) => setUserId(e.currentTarget.value.trim())} />
        <div class="actions">
          <ConfirmButton label="Ban user" danger ask="Reason" disabled={!userId} confirmLabel="Ban"
            message="The user can no longer sign in or act."
            onConfirm={async (reason) => { await api("POST", `/mod/users/${enc(userId)}/ban`, { reason }); toast("User banned."); }} />
          <ConfirmButton label="Unban user" disabled={!userId} confirmLabel="Unban" message="Let this user back in?"
            onConfirm={async () => { await api("POST", `/mod/users/${enc(userId)}/unban`); toast("User unbanned."); }} />
        </div>
      </Action>
      <Action title="Remove a challenge">
        <Field label="Challenge id" value={challengeId} onInput={(e) => setChallengeId(e.currentTarget.value.trim())} />
        <ConfirmButton label="Remove challenge" danger ask="Reason" disabled={!challengeId} confirmLabel="Remove"
          message="The challenge disappears from listings."
          onConfirm={async (reason) => { await api("POST", `/mod/challenges/${enc(challengeId)}/remove`, { reason }); toast("Challenge removed."); }} />
      </Action>
      <Action title="Resolve an escrow dispute">
        <p class="hint">Amounts in minor units (cents); together they must equal what the escrow holds.</p>
        <Field label="Challenge id" value={dispute.challenge_id} onInput={(e) => setDispute({ ...dispute, challenge_id: e.currentTarget.value.trim() })} />
        <div class="row">
          <Field label="Release to solver (minor units)" type="number" min="0" value={dispute.release_amount}
            onInput={(e) => setDispute({ ...dispute, release_amount: e.currentTarget.value })} />
          <Field label="Refund to challenger (minor units)" type="number" min="0" value={dispute.refund_amount}
            onInput={(e) => setDispute({ ...dispute, refund_amount: e.currentTarget.value })} />
        </div>
        <ConfirmButton label="Resolve dispute" danger disabled={!dispute.challenge_id} confirmLabel="Resolve"
          message={`Release ${dispute.release_amount || 0} and refund ${dispute.refund_amount || 0} (minor units)? Money moves at once.`}
          onConfirm={async () => {
            await api("POST", `/mod/escrow/${enc(dispute.challenge_id)}/resolve`, {
              release_amount: Number(dispute.release_amount || 0), refund_amount: Number(dispute.refund_amount || 0) });
            toast("Dispute resolved.");
          }} />
      </Action>
    </section>
  );
}
