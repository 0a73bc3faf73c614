// The first screen a visitor sees: what OpenChance is, how a deal goes, and the challenges open
// right now (fetched again when the tab comes back or the live connection returns).
import { useEffect } from "preact/hooks";
import { api, listOf, query } from "../lib/api.js";
import { useLoad, useOnReconnect, useStore } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { ErrorBox, Loading } from "../components/ui.jsx";
import { ChallengeCard } from "./Browse.jsx";

const SHOWN = 5;

const STEPS = [
  ["Post a problem", "Describe it, set a reward in your currency, split it into milestones if you like."],
  ["Pick a solver", "People apply with a proposal; you chat with them and accept one."],
  ["Pay for results", "The reward waits in escrow and is released milestone by milestone as work is delivered."],
];

function OpenNow() {
  const loaded = useLoad(() => api("GET", `/challenges${query({ limit: SHOWN })}`), []);
  useOnReconnect(loaded.reload, []);
  useEffect(() => {
    const onShow = () => { if (!document.hidden) loaded.reload(); };
    document.addEventListener("visibilitychange", onShow);
    return () => document.removeEventListener("visibilitychange", onShow);
  }, []);
  const items = listOf(loaded.data);
  return (
    <section aria-labelledby="open-now" class="open-now">
      {/* The link sits above the list, so nothing on screen moves when the list arrives. */}
      <div class="section-head">
        <h2 id="open-now">Open right now</h2>
        <a href="/challenges">See all, with search and filters →</a>
      </div>
      <ErrorBox error={loaded.error} />
      {loaded.loading && !loaded.data ? <Loading what="Loading open challenges" /> : (
        items.length
          ? <ul class="cards" aria-label="Open challenges">{items.map((c) => <ChallengeCard key={c.id} challenge={c} />)}</ul>
          : <p class="muted">No open challenges yet: be the first to post one.</p>
      )}
    </section>
  );
}

export function Landing() {
  const { user } = useStore(session);
  return (
    <>
      <section class="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">Get real problems solved. Pay only for results.</h1>
        <p class="lead">
          OpenChance is a marketplace for challenges: post a problem with a reward, solvers apply,
          and the money is held in escrow until the work is delivered. Every step is discussed in
          chat, here or from Telegram, Discord and Slack.
        </p>
        <div class="actions">
          <a class="button primary" href="/challenges">Browse challenges</a>
          {user
            ? <a class="button" href="/challenges/new">Post a challenge</a>
            : <a class="button" href="/signup">Sign up free</a>}
        </div>
        <ol class="steps">
          {STEPS.map(([title, text]) => <li key={title}><strong>{title}</strong> {text}</li>)}
        </ol>
      </section>
      <OpenNow />
    </>
  );
}
