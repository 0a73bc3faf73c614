// My challenges (with pending applications to accept or reject), the work I'm solving, and my
// applications; each list is fetched again after the live connection comes back.
import { api, query, listOf } from "../lib/api.js";
import { useLoad, useOnReconnect, useStore } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { ErrorBox, Loading } from "../components/ui.jsx";
import { ChallengeCard } from "./Browse.jsx";
import { ApplicationItem } from "../components/Applications.jsx";
import { PaymentsHistory } from "../components/PaymentsHistory.jsx";

const ALL_STATES = "draft,open,in_progress,completed,cancelled";

function PendingApplications({ challenge }) {
  const loaded = useLoad(
    () => api("GET", `/challenges/${encodeURIComponent(challenge.id)}/applications`), [challenge.id]);
  useOnReconnect(loaded.reload, [challenge.id]);
  const pending = listOf(loaded.data).filter((a) => a.state === "pending");
  if (!pending.length) return null;
  return (
    <ul class="cards nested" aria-label={`Pending applications for ${challenge.title}`}>
      {pending.map((a) => <ApplicationItem key={a.id} application={a} isOwner onChange={() => loaded.reload()} />)}
    </ul>
  );
}

function MyApplications() {
  const loaded = useLoad(async () => {
    try {
      return await api("GET", "/me/applications");
    } catch (error) {
      if (error.status === 404) return { unavailable: true };
      throw error;
    }
  }, []);
  useOnReconnect(loaded.reload, []);
  if (loaded.loading && !loaded.data) return <Loading />;
  if (loaded.data && loaded.data.unavailable) {
    return <p class="muted">Your applications are listed on each challenge's page.</p>;
  }
  const items = listOf(loaded.data);
  return (
    <>
      <ErrorBox error={loaded.error} />
      {items.length
        ? <ul class="cards">{items.map((a) => <ApplicationItem key={a.id} application={a} showChallenge onChange={() => loaded.reload()} />)}</ul>
        : <p class="muted">You have not applied to anything yet. <a href="/challenges">Browse challenges</a>.</p>}
    </>
  );
}

export function Dashboard() {
  const { user } = useStore(session);
  const mine = useLoad(() => api("GET", `/challenges${query({ owner_id: user.id, state: ALL_STATES, limit: 100 })}`), [user.id]);
  const solving = useLoad(() => api("GET", `/challenges${query({ solver_id: user.id, state: ALL_STATES, limit: 100 })}`), [user.id]);
  useOnReconnect(() => { mine.reload(); solving.reload(); }, [user.id]);
  return (
    <section>
      <h1>Dashboard</h1>
      <h2>My challenges</h2>
      <ErrorBox error={mine.error} />
      {mine.loading && !mine.data ? <Loading /> : (
        listOf(mine.data).length ? (
          <ul class="cards">
            {listOf(mine.data).map((c) => (
              <ChallengeCard key={c.id} challenge={c}>
                {c.state === "open" && c.application_count > 0 && <PendingApplications challenge={c} />}
              </ChallengeCard>
            ))}
          </ul>
        ) : <p class="muted">None yet. <a href="/challenges/new">Post a challenge</a>.</p>
      )}
      <h2>Work I'm solving</h2>
      <ErrorBox error={solving.error} />
      {solving.loading && !solving.data ? <Loading /> : (
        listOf(solving.data).length
          ? <ul class="cards">{listOf(solving.data).map((c) => <ChallengeCard key={c.id} challenge={c} />)}</ul>
          : <p class="muted">Nothing accepted yet.</p>
      )}
      <h2>My applications</h2>
      <MyApplications />
      <h2>My payments</h2>
      <PaymentsHistory />
    </section>
  );
}
