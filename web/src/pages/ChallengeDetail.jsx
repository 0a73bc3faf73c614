// One challenge, kept live (challenge:watch): details, applying, applications, escrow, chat, review.
import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { useLoad, useStore } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { realtime } from "../lib/realtime.js";
import { location, navigate } from "../lib/router.js";
import { formatTime, label } from "../lib/format.js";
import { toast } from "../lib/notifications.js";
import { ErrorBox, Loading, Money, StateBadge, UserName } from "../components/ui.jsx";
import { ConfirmButton } from "../components/Confirm.jsx";
import { Applications, ApplyForm } from "../components/Applications.jsx";
import { EscrowPanel } from "../components/EscrowPanel.jsx";
import { ReviewForm } from "../components/ReviewForm.jsx";
import { ReportButton } from "../components/ReportButton.jsx";

export async function openChat(target) {
  const ack = await realtime.request("conversation:open", target);
  navigate(`/chat/${encodeURIComponent(ack.conversation.id)}`);
}

function useLiveChallenge(id, setChallenge, refresh) {
  useEffect(() => {
    // On every (re)connection: watch again (a new socket is in no room) and fetch the challenge
    // again, since whatever changed while the connection was down was pushed to nobody.
    const watch = () => {
      realtime.send("challenge:watch", { challenge_id: id });
      refresh();
    };
    if (realtime.connected) realtime.send("challenge:watch", { challenge_id: id });
    const offConnect = realtime.on("connect", watch);
    const offUpdate = realtime.on("challenge:updated", (payload) => {
      const updated = payload && (payload.challenge || payload);
      if (updated && updated.id === id) setChallenge(updated);
    });
    // Applying changes no challenge field the socket pushes, but the owner is notified of it.
    const offNote = realtime.on("notification", (payload) => {
      const data = (payload && payload.notification && payload.notification.data) || {};
      if (data.challenge_id === id && data.application_id) refresh();
    });
    return () => { offConnect(); offUpdate(); offNote(); };
  }, [id]);
}

/** What a visitor who is not signed in can do here: one prompt, carrying them back after. */
function SignInToApply({ id, open }) {
  const next = encodeURIComponent(`/challenges/${id}`);
  return (
    <aside class="panel prompt" aria-labelledby="apply-prompt">
      <h2 id="apply-prompt">{open ? "Want to solve this?" : "Like this kind of work?"}</h2>
      <p>{open ? "Log in to apply with a proposal; it takes a minute to create an account."
        : "Log in to follow challenges like this one and apply to the open ones."}</p>
      <div class="actions">
        <a class="button primary" href={`/login?next=${next}`}>{open ? "Log in to apply" : "Log in"}</a>
        <a class="button" href={`/signup?next=${next}`}>Create an account</a>
      </div>
    </aside>
  );
}

/** Back from the checkout page (its success and cancel links carry ?payment=done|cancelled). */
function PaymentNotice() {
  const { search } = useStore(location);
  const payment = new URLSearchParams(search).get("payment");
  if (payment === "done") {
    return <p class="panel notice" role="status">Payment sent. The escrow below shows it as funded as soon as the payment provider confirms it.</p>;
  }
  if (payment === "cancelled") {
    return <p class="panel notice" role="status">The payment was cancelled; nothing was charged. You can continue to the checkout again below.</p>;
  }
  return null;
}

export function ChallengeDetail({ id }) {
  const { user } = useStore(session);
  const loaded = useLoad(() => api("GET", `/challenges/${encodeURIComponent(id)}`), [id]);
  const [error, setError] = useState(null);
  const [appsVersion, setAppsVersion] = useState(0);
  const challenge = loaded.data && (loaded.data.challenge || loaded.data);
  const setChallenge = (c) => {
    // A reload answered after a newer push must not roll the page back.
    loaded.setData((current) => {
      const shown = current && (current.challenge || current);
      return shown && shown.updated_at && c.updated_at && c.updated_at < shown.updated_at ? current : c;
    });
    setAppsVersion((v) => v + 1);
  };
  const refresh = () => api("GET", `/challenges/${encodeURIComponent(id)}`).then(setChallenge, () => {});
  useLiveChallenge(id, setChallenge, refresh);

  if (loaded.loading && !challenge) return <Loading what="Loading the challenge" />;
  if (loaded.error) return <><h1>Challenge</h1><ErrorBox error={loaded.error} /></>;
  const isOwner = user && user.id === challenge.owner_id;
  const isSolver = user && user.id === challenge.solver_id;
  const cancel = async () => {
    setChallenge(await api("DELETE", `/challenges/${encodeURIComponent(id)}`));
    toast("The challenge was cancelled.");
  };

  return (
    <article class="detail">
      <h1>{challenge.title}</h1>
      <p class="meta">
        <Money value={challenge.reward} /> · <StateBadge state={challenge.state} /> · {challenge.category}
        {" · "}{label(challenge.difficulty)} · posted by <UserName id={challenge.owner_id} />
        {challenge.deadline && <> · due {formatTime(challenge.deadline)}</>}
      </p>
      {challenge.tags && challenge.tags.length > 0 && (
        <ul class="tags" aria-label="Tags">{challenge.tags.map((t) => <li key={t}>{t}</li>)}</ul>
      )}
      <div class="prose">{challenge.description}</div>
      {challenge.milestones && challenge.milestones.length > 1 && (
        <>
          <h2>Milestones</h2>
          <ol>{challenge.milestones.map((m, i) => (
            <li key={i}>{m.title} — <Money value={{ amount: m.amount, currency: challenge.reward.currency }} /></li>
          ))}</ol>
        </>
      )}
      <ErrorBox error={error} />
      {isOwner && <PaymentNotice />}
      <div class="actions">
        {isOwner && challenge.state === "open" && !challenge.application_count && (
          <a class="button" href={`/challenges/${encodeURIComponent(id)}/edit`}>Edit</a>
        )}
        {isOwner && (challenge.state === "open" || challenge.state === "draft") && (
          <ConfirmButton label="Cancel challenge" danger message="Cancel this challenge? Applicants are told."
            confirmLabel="Cancel challenge" onConfirm={cancel} />
        )}
        {(isOwner || isSolver) && challenge.solver_id && (
          <button type="button" onClick={() => openChat({ challenge_id: id }).catch(setError)}>
            Open chat
          </button>
        )}
        {user && !isOwner && <ReportButton targetType="challenge" targetId={id} />}
      </div>
      {!user && <SignInToApply id={id} open={challenge.state === "open"} />}
      {user && !isOwner && challenge.state === "open" && <ApplyForm challengeId={id} onApplied={() => setAppsVersion((v) => v + 1)} />}
      {user && (isOwner || !challenge.solver_id || isSolver) && (
        <Applications challenge={challenge} isOwner={isOwner} version={appsVersion} />
      )}
      {user && (isOwner || isSolver || session.isModerator) && (challenge.solver_id || isOwner) && (
        <EscrowPanel challenge={challenge} isOwner={isOwner} isSolver={isSolver} />
      )}
      {(isOwner || isSolver) && challenge.state === "completed" && <ReviewForm challengeId={id} />}
    </article>
  );
}

