// Applications of a challenge: the owner accepts or rejects, an applicant sees and withdraws theirs.
import { useState } from "preact/hooks";
import { api, listOf } from "../lib/api.js";
import { useLoad } from "../lib/hooks.js";
import { formatTime } from "../lib/format.js";
import { toast } from "../lib/notifications.js";
import { realtime } from "../lib/realtime.js";
import { navigate } from "../lib/router.js";
import { ErrorBox, Field, StateBadge, UserName } from "./ui.jsx";
import { ConfirmButton } from "./Confirm.jsx";

export function ApplyForm({ challengeId, onApplied }) {
  const [proposal, setProposal] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api("POST", `/challenges/${encodeURIComponent(challengeId)}/applications`, { proposal });
      setProposal("");
      toast("Your application was sent.");
      onApplied();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="apply-title">
      <h2 id="apply-title">Apply</h2>
      <Field label="Your proposal" type="textarea" name="proposal" required maxLength={5000}
        value={proposal} onInput={(e) => setProposal(e.currentTarget.value)} />
      <ErrorBox error={error} />
      <button class="primary" type="submit" disabled={busy}>Send application</button>
    </form>
  );
}

async function chatAbout(applicationId) {
  const ack = await realtime.request("conversation:open", { application_id: applicationId });
  navigate(`/chat/${encodeURIComponent(ack.conversation.id)}`);
}

export function ApplicationItem({ application, isOwner, onChange, showChallenge }) {
  const [error, setError] = useState(null);
  const act = (verb) => async () => {
    onChange(await api("POST", `/applications/${encodeURIComponent(application.id)}/${verb}`));
    toast(`Application ${verb === "accept" ? "accepted" : verb === "reject" ? "rejected" : "withdrawn"}.`);
  };
  const pending = application.state === "pending";
  return (
    <li class="card application">
      <p class="meta">
        {isOwner ? <UserName id={application.solver_id} /> : "Your application"}
        {" · "}<StateBadge state={application.state} /> · {formatTime(application.created_at)}
        {showChallenge && <> · <a href={`/challenges/${encodeURIComponent(application.challenge_id)}`}>challenge</a></>}
      </p>
      <p class="prose">{application.proposal}</p>
      <ErrorBox error={error} />
      <div class="actions">
        {isOwner && pending && (
          <ConfirmButton label="Accept" class="primary" message="Accept this solver? Other pending applications are rejected."
            confirmLabel="Accept" onConfirm={act("accept")} />
        )}
        {isOwner && pending && (
          <ConfirmButton label="Reject" message="Reject this application?" confirmLabel="Reject"
            onConfirm={act("reject")} />
        )}
        {!isOwner && pending && (
          <ConfirmButton label="Withdraw" message="Withdraw your application?" confirmLabel="Withdraw"
            onConfirm={act("withdraw")} />
        )}
        <button type="button" onClick={() => chatAbout(application.id).catch(setError)}>Message</button>
      </div>
    </li>
  );
}

// `version` changes whenever the page fetched the challenge again (a push, an application, a
// reconnection), so this list is never older than the challenge shown above it.
export function Applications({ challenge, isOwner, version }) {
  const loaded = useLoad(
    () => api("GET", `/challenges/${encodeURIComponent(challenge.id)}/applications`),
    [challenge.id, version]);
  const items = listOf(loaded.data, "applications");
  if (!items.length && !loaded.error) return null;
  const replace = (updated) => loaded.reload();
  return (
    <section class="panel" aria-labelledby="apps-title">
      <h2 id="apps-title">{isOwner ? `Applications (${items.length})` : "Your application"}</h2>
      <ErrorBox error={loaded.error} />
      <ul class="cards">
        {items.map((a) => <ApplicationItem key={a.id} application={a} isOwner={isOwner} onChange={replace} />)}
      </ul>
    </section>
  );
}
