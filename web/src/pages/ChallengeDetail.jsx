// One challenge, kept live (challenge:watch): details, applying, applications, escrow, chat, review.
import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { useLoad, useStore } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { realtime } from "../lib/realtime.js";
import { navigate } from "../lib/router.js";
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
    const watch = () => realtime.send("challenge:watch", { challenge_id: id });
    watch();
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

export function ChallengeDetail({ id }) {
  const { user } = useStore(session);
  const loaded = useLoad(() => api("GET", `/challenges/${encodeURIComponent(id)}`), [id]);
  const [error, setError] = useState(null);
  const [appsVersion, setAppsVersion] = useState(0);
  const challenge = loaded.data && (loaded.data.challenge || loaded.data);
  const setChallenge = (c) => {
    loaded.setData(c);
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

