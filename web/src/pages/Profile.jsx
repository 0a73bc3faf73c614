// A public profile: reputation, skills and the reviews received.
import { api } from "../lib/api.js";
import { useLoad, useStore } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { formatTime } from "../lib/format.js";
import { ErrorBox, Loading, UserName } from "../components/ui.jsx";
import { ReportButton } from "../components/ReportButton.jsx";
import { openChat } from "./ChallengeDetail.jsx";
import { useState } from "preact/hooks";

export function Stars({ value }) {
  const rounded = Math.round(value || 0);
  return <span class="stars" aria-label={`${value || 0} out of 5`}>{"★".repeat(rounded)}{"☆".repeat(5 - rounded)}</span>;
}

export function Profile({ id }) {
  const { user } = useStore(session);
  const [error, setError] = useState(null);
  const loaded = useLoad(() => api("GET", `/users/${encodeURIComponent(id)}`), [id]);
  if (loaded.loading) return <Loading />;
  if (loaded.error) return <><h1>Profile</h1><ErrorBox error={loaded.error} /></>;
  const profile = loaded.data;
  const reputation = profile.reputation || { average: 0, count: 0 };
  const reviews = profile.reviews || [];
  return (
    <section>
      <h1>{profile.display_name}</h1>
      <p class="meta">
        <Stars value={reputation.average} /> {reputation.average} from {reputation.count} review{reputation.count === 1 ? "" : "s"}
        {profile.role && profile.role !== "member" && <> · {profile.role}</>}
      </p>
      {profile.bio && <p class="prose">{profile.bio}</p>}
      {profile.skills && profile.skills.length > 0 && (
        <ul class="tags" aria-label="Skills">{profile.skills.map((s) => <li key={s}>{s}</li>)}</ul>
      )}
      <ErrorBox error={error} />
      {user && user.id !== id && (
        <div class="actions">
          <button type="button" onClick={() => openChat({ user_id: id }).catch(setError)}>Message</button>
          <ReportButton targetType="user" targetId={id} />
        </div>
      )}
      <h2>Reviews</h2>
      {reviews.length ? (
        <ul class="cards" aria-label="Reviews">
          {reviews.map((r) => (
            <li key={r.id} class="card">
              <p class="meta"><Stars value={r.rating} /> by <UserName id={r.author_id} /> · {formatTime(r.created_at)}
                {" · "}<a href={`/challenges/${encodeURIComponent(r.challenge_id)}`}>challenge</a></p>
              {r.text && <p class="prose">{r.text}</p>}
            </li>
          ))}
        </ul>
      ) : <p class="muted">No reviews yet.</p>}
    </section>
  );
}
