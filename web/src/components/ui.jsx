// Small shared pieces: labelled fields, money, user names, errors, a link.
import { useEffect } from "preact/hooks";
import { formatMoney } from "../lib/money.js";
import { names, wantName } from "../lib/users.js";
import { useStore } from "../lib/hooks.js";
import { errorText } from "../lib/format.js";

let fieldSeq = 0;

export function Field({ label, id, hint, children, ...input }) {
  const inputId = id || `f${(fieldSeq += 1)}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const control = children
    ? children({ id: inputId, "aria-describedby": hintId })
    : input.type === "textarea"
      ? <textarea id={inputId} aria-describedby={hintId} {...input} type={undefined} />
      : <input id={inputId} aria-describedby={hintId} {...input} />;
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      {control}
      {hint && <small id={hintId} class="hint">{hint}</small>}
    </div>
  );
}

export function Money({ value }) {
  if (!value) return null;
  return <span class="money">{formatMoney(value.amount, value.currency)}</span>;
}

export function UserName({ id, link = true }) {
  const known = useStore(names);
  useEffect(() => wantName(id), [id]);
  const text = known[id] || "someone";
  return link ? <a href={`/users/${encodeURIComponent(id)}`}>{text}</a> : <span>{text}</span>;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return <p class="error" role="alert">{errorText(error)}</p>;
}

export function Loading({ what = "Loading" }) {
  return <p class="muted loading" role="status">{what}…</p>;
}

export function StateBadge({ state }) {
  return <span class={`badge state-${state}`}>{String(state || "").replace(/_/g, " ")}</span>;
}
