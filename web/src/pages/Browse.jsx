// Browse open challenges: full-text search, filters and sorts, kept in the URL. Rewards compare
// only within one currency (minor units of JPY and USD are not comparable), so the reward bounds
// and the reward sort ask for a currency first; on a phone the filters fold behind a button.
import { useState } from "preact/hooks";
import { api, query, listOf } from "../lib/api.js";
import { useLoad, useStore } from "../lib/hooks.js";
import { location, navigate } from "../lib/router.js";
import { label } from "../lib/format.js";
import { CURRENCIES } from "../lib/money.js";
import { activeCount, fromSearch, toApiQuery } from "../lib/filters.js";
import { Field, ErrorBox, Loading, Money, StateBadge } from "../components/ui.jsx";

const SORTS = [["newest", "Newest"], ["reward", "Highest reward"], ["deadline", "Ending soonest"],
  ["popular", "Most applications"]];

/** One challenge in a list; `level` is its heading's, one below the list's own heading. */
export function ChallengeCard({ challenge, children, level = 3 }) {
  const Heading = `h${level}`;
  return (
    <li class="card">
      <Heading><a href={`/challenges/${encodeURIComponent(challenge.id)}`}>{challenge.title}</a></Heading>
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

function Filters({ draft, set, open }) {
  const unit = draft.currency ? draft.currency.toUpperCase() : "";
  return (
    <div id="filters" class={`filters ${open ? "open" : ""}`}>
      <Field label="Category" name="category" value={draft.category} onInput={set("category")} />
      <Field label="Tag" name="tag" value={draft.tag} onInput={set("tag")} />
      <Field label="Currency" hint={draft.currency ? undefined : "Pick one to filter or sort by reward."}>
        {(a) => (
          <select {...a} name="currency" value={draft.currency} onChange={set("currency")}>
            <option value="">Any currency</option>
            {CURRENCIES.map((c) => <option key={c} value={c}>{c.toUpperCase()}</option>)}
          </select>
        )}
      </Field>
      <Field label={unit ? `Min reward (${unit})` : "Min reward"} name="min_reward" inputMode="decimal"
        disabled={!unit} value={draft.min_reward} onInput={set("min_reward")} />
      <Field label={unit ? `Max reward (${unit})` : "Max reward"} name="max_reward" inputMode="decimal"
        disabled={!unit} value={draft.max_reward} onInput={set("max_reward")} />
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
            {SORTS.map(([value, text]) => (
              <option key={value} value={value} disabled={value === "reward" && !unit}>
                {value === "reward" ? (unit ? `${text} (${unit})` : `${text} (pick a currency)`) : text}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

export function Browse() {
  const { search } = useStore(location);
  const filters = fromSearch(search);
  const [draft, setDraft] = useState(filters);
  const [open, setOpen] = useState(false);
  const [more, setMore] = useState({ items: [], cursor: null });
  const apiQuery = toApiQuery(filters);
  const result = useLoad(async () => {
    setMore({ items: [], cursor: null });
    return api("GET", `/challenges${query(apiQuery)}`);
  }, [search]);

  const set = (name) => (e) => {
    const next = { ...draft, [name]: e.currentTarget.value };
    // Without a currency the reward bounds and the reward sort mean nothing: clear them.
    if (name === "currency" && !next.currency) {
      Object.assign(next, { min_reward: "", max_reward: "", sort: next.sort === "reward" ? "" : next.sort });
    }
    setDraft(next);
  };
  const apply = (event) => {
    event.preventDefault();
    setOpen(false);
    navigate(`/challenges${query(draft)}`);
  };
  const loadMore = async () => {
    const cursor = more.cursor || (result.data && result.data.next_cursor);
    const data = await api("GET", `/challenges${query({ ...apiQuery, cursor })}`);
    setMore({ items: [...more.items, ...listOf(data)], cursor: data.next_cursor || "" });
  };
  const items = [...listOf(result.data), ...more.items];
  const nextCursor = more.cursor === "" ? null : more.cursor || (result.data && result.data.next_cursor);
  const active = activeCount(filters);

  return (
    <section>
      <h1>Challenges</h1>
      <form class="search" role="search" onSubmit={apply} aria-label="Find challenges">
        <div class="search-row">
          <Field label="Search" type="search" name="q" value={draft.q} onInput={set("q")}
            placeholder="title or description" />
          <button type="button" class="filters-toggle" aria-expanded={String(open)}
            aria-controls="filters" onClick={() => setOpen(!open)}>
            Filters{active > 0 && ` (${active})`}
          </button>
          <button class="primary" type="submit">Search</button>
        </div>
        <Filters draft={draft} set={set} open={open} />
      </form>
      <ErrorBox error={result.error} />
      {result.loading ? <Loading /> : (
        items.length
          ? <ul class="cards" aria-label="Results">{items.map((c) => <ChallengeCard key={c.id} challenge={c} level={2} />)}</ul>
          : <p class="muted">No challenges match.</p>
      )}
      {nextCursor && <button type="button" onClick={loadMore}>Load more</button>}
    </section>
  );
}
