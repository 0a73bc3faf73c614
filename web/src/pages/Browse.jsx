// Browse open challenges: full-text search, filters and sorts, kept in the URL.
import { useState } from "preact/hooks";
import { api, query, listOf } from "../lib/api.js";
import { useLoad, useStore } from "../lib/hooks.js";
import { location, navigate } from "../lib/router.js";
import { label } from "../lib/format.js";
import { Field, ErrorBox, Loading, Money, StateBadge } from "../components/ui.jsx";

const SORTS = [["newest", "Newest"], ["reward", "Highest reward"], ["deadline", "Ending soonest"],
  ["popular", "Most applications"]];
const FILTERS = ["q", "category", "tag", "min_reward", "max_reward", "state", "sort"];

function fromUrl(search) {
  const params = new URLSearchParams(search);
  return Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || ""]));
}

// Reward filters are typed in whole units; the API compares minor units (cents).
const toMinor = (text) => (text === "" || Number.isNaN(Number(text)) ? "" : Math.round(Number(text) * 100));

export function ChallengeCard({ challenge, children }) {
  return (
    <li class="card">
      <h3><a href={`/challenges/${encodeURIComponent(challenge.id)}`}>{challenge.title}</a></h3>
      <p class="meta">
        <Money value={challenge.reward} /> · {challenge.category} · {label(challenge.difficulty)}
        {" · "}<StateBadge state={challenge.state} />
        {" · "}{challenge.application_count || 0} applied
      </p>
      {challenge.tags && challenge.tags.length > 0 && (
        <ul class="tags" aria-label="Tags">{challenge.tags.map((t) => <li key={t}>{t}</li>)}</ul>
      )}
      {children}
    </li>
  );
}

export function Browse() {
  const { search } = useStore(location);
  const filters = fromUrl(search);
  const [draft, setDraft] = useState(filters);
  const [more, setMore] = useState({ items: [], cursor: null });
  const apiQuery = { ...filters, min_reward: toMinor(filters.min_reward),
    max_reward: toMinor(filters.max_reward) };
  const result = useLoad(async () => {
    setMore({ items: [], cursor: null });
    return api("GET", `/challenges${query(apiQuery)}`);
  }, [search]);

  const set = (name) => (e) => setDraft({ ...draft, [name]: e.currentTarget.value });
  const apply = (event) => {
    event.preventDefault();
    navigate(`/${query(draft)}`);
  };
  const loadMore = async () => {
    const cursor = more.cursor || (result.data && result.data.next_cursor);
    const data = await api("GET", `/challenges${query({ ...apiQuery, cursor })}`);
    setMore({ items: [...more.items, ...listOf(data)], cursor: data.next_cursor || "" });
  };
  const items = [...listOf(result.data), ...more.items];
  const nextCursor = more.cursor === "" ? null : more.cursor || (result.data && result.data.next_cursor);

  return (
    <section>
      <h1>Challenges</h1>
      <form class="filters" role="search" onSubmit={apply} aria-label="Filter challenges">
        <Field label="Search" type="search" name="q" value={draft.q} onInput={set("q")}
          placeholder="title or description" />
        <Field label="Category" name="category" value={draft.category} onInput={set("category")} />
        <Field label="Tag" name="tag" value={draft.tag} onInput={set("tag")} />
        <Field label="Min reward" name="min_reward" type="number" min="0" step="any"
          value={draft.min_reward} onInput={set("min_reward")} />
        <Field label="Max reward" name="max_reward" type="number" min="0" step="any"
          value={draft.max_reward} onInput={set("max_reward")} />
        <Field label="State">
          {(a) => (
            <select {...a} name="state" value={draft.state} onChange={set("state")}>
              <option value="">Open</option>
              <option value="in_progress">In progress</option>
              <option value="completed">Completed</option>
            </select>
          )}
        </Field>
        <Field label="Sort by">
          {(a) => (
            <select {...a} name="sort" value={draft.sort || "newest"} onChange={set("sort")}>
              {SORTS.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
            </select>
          )}
        </Field>
        <button class="primary" type="submit">Search</button>
      </form>
      <ErrorBox error={result.error} />
      {result.loading ? <Loading /> : (
        items.length
          ? <ul class="cards" aria-label="Results">{items.map((c) => <ChallengeCard key={c.id} challenge={c} />)}</ul>
          : <p class="muted">No challenges match.</p>
      )}
      {nextCursor && <button type="button" onClick={loadMore}>Load more</button>}
    </section>
  );
}
