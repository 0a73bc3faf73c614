import { useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { toast } from "../lib/notifications.js";
import { ErrorBox, Field } from "./ui.jsx";

export function ReviewForm({ challengeId }) {
  const [rating, setRating] = useState("5");
  const [text, setText] = useState("");
  const [error, setError] = useState(null);
  const [done, setDone] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      await api("POST", `/challenges/${encodeURIComponent(challengeId)}/reviews`,
        { rating: Number(rating), text });
      setDone(true);
      toast("Thanks for your review.");
    } catch (err) {
      setError(err);
    }
  };
  if (done) return <p class="panel" role="status">Your review was posted.</p>;
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="review-title">
      <h2 id="review-title">Leave a review</h2>
      <Field label="Rating">
        {(a) => (
          <select {...a} name="rating" value={rating} onChange={(e) => setRating(e.currentTarget.value)}>
            {[5, 4, 3, 2, 1].map((n) => <option key={n} value={n}>{"★".repeat(n)} ({n})</option>)}
          </select>
        )}
      </Field>
      <Field label="Your review" type="textarea" name="review" maxLength={2000} value={text}
        onInput={(e) => setText(e.currentTarget.value)} />
      <ErrorBox error={error} />
      <button class="primary" type="submit">Post review</button>
    </form>
  );
}
