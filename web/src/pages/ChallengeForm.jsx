// Post a challenge, or edit one (the API allows editing while open and before anyone applies).
import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { navigate } from "../lib/router.js";
import { CURRENCIES, decimalsOf, parseMajor, toMajorText } from "../lib/money.js";
import { ErrorBox, Field, Loading } from "../components/ui.jsx";

const EMPTY = { title: "", description: "", category: "", tags: "", difficulty: "medium",
  reward: "", currency: "usd", deadline: "", milestones: [] };

function toLocalInput(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}

function fromChallenge(c) {
  return {
    title: c.title, description: c.description, category: c.category, tags: (c.tags || []).join(", "),
    difficulty: c.difficulty, reward: toMajorText(c.reward.amount, c.reward.currency),
    currency: c.reward.currency, deadline: toLocalInput(c.deadline),
    milestones: (c.milestones || []).length > 1
      ? c.milestones.map((m) => ({ title: m.title, amount: toMajorText(m.amount, c.reward.currency) }))
      : [],
  };
}

/** The form's text -> the API's body; throws a readable error for a bad amount. */
export function toBody(form) {
  const amount = parseMajor(form.reward, form.currency);
  if (!amount) throw new Error("Reward: type an amount such as 150 or 150.50.");
  const body = {
    title: form.title, description: form.description, category: form.category,
    tags: form.tags.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean),
    difficulty: form.difficulty, reward: { amount, currency: form.currency },
  };
  if (form.milestones.length) {
    body.milestones = form.milestones.map((m, i) => {
      const part = parseMajor(m.amount, form.currency);
      if (!part) throw new Error(`Milestone ${i + 1}: type an amount.`);
      return { title: m.title, amount: part };
    });
  }
  if (form.deadline) body.deadline = new Date(form.deadline).toISOString();
  return body;
}

export function ChallengeForm({ id }) {
  const [form, setForm] = useState(id ? null : EMPTY);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!id) return;
    api("GET", `/challenges/${encodeURIComponent(id)}`).then(
      (data) => setForm(fromChallenge(data.challenge || data)), setError);
  }, [id]);
  if (!form) return error ? <ErrorBox error={error} /> : <Loading />;

  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const unit = form.currency.toUpperCase();
  const example = decimalsOf(form.currency) ? "150 or 150.50" : "1500";
  const setMilestone = (i, name) => (e) => setForm({ ...form,
    milestones: form.milestones.map((m, j) => (j === i ? { ...m, [name]: e.currentTarget.value } : m)) });
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const body = toBody(form);
      const saved = id
        ? await api("PATCH", `/challenges/${encodeURIComponent(id)}`, body)
        : await api("POST", "/challenges", body);
      const challenge = saved.challenge || saved;
      navigate(`/challenges/${encodeURIComponent(challenge.id)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <h1>{id ? "Edit challenge" : "Post a challenge"}</h1>
      <form onSubmit={submit} aria-label={id ? "Edit challenge" : "Post a challenge"}>
        <Field label="Title" name="title" required minLength={3} maxLength={120} value={form.title} onInput={set("title")} />
        <Field label="Description" type="textarea" name="description" required maxLength={10000} rows={6}
          value={form.description} onInput={set("description")} />
        <Field label="Category" name="category" required maxLength={40} value={form.category} onInput={set("category")}
          hint="For example engineering, design, writing." />
        <Field label="Tags" name="tags" value={form.tags} onInput={set("tags")} hint="Separated by commas, up to 10." />
        <Field label="Difficulty">
          {(a) => (
            <select {...a} name="difficulty" value={form.difficulty} onChange={set("difficulty")}>
              {["easy", "medium", "hard", "expert"].map((d) => <option key={d} value={d}>{d}</option>)}
            </select>
          )}
        </Field>
        <div class="row">
          <Field label="Reward" name="reward" required inputMode="decimal" value={form.reward} onInput={set("reward")}
            hint={`In ${unit}, for example ${example}.`} />
          <Field label="Currency">
            {(a) => (
              <select {...a} name="currency" value={form.currency} onChange={set("currency")}>
                {CURRENCIES.map((c) => <option key={c} value={c}>{c.toUpperCase()}</option>)}
              </select>
            )}
          </Field>
        </div>
        <Field label="Deadline (optional)" name="deadline" type="datetime-local" value={form.deadline} onInput={set("deadline")} />
        <fieldset>
          <legend>Milestones (optional; amounts must add up to the reward)</legend>
          {form.milestones.map((m, i) => (
            <div class="row" key={i}>
              <Field label={`Milestone ${i + 1} title`} required value={m.title} onInput={setMilestone(i, "title")} />
              <Field label={`Milestone ${i + 1} amount (${unit})`} required inputMode="decimal" value={m.amount} onInput={setMilestone(i, "amount")} />
              <button type="button" aria-label={`Remove milestone ${i + 1}`}
                onClick={() => setForm({ ...form, milestones: form.milestones.filter((_, j) => j !== i) })}>Remove</button>
            </div>
          ))}
          <button type="button" onClick={() => setForm({ ...form, milestones: [...form.milestones, { title: "", amount: "" }] })}>
            Add milestone
          </button>
        </fieldset>
        <ErrorBox error={error} />
        <button class="primary" type="submit" disabled={busy}>{id ? "Save changes" : "Post challenge"}</button>
      </form>
    </section>
  );
}
