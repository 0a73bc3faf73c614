// Every movement of my money across challenges (GET /me/payments), newest first, with a
// "More" button following the server's cursor. Self-contained: mount it anywhere signed in.
import { useState } from "preact/hooks";
import { api, query } from "../lib/api.js";
import { useLoad } from "../lib/hooks.js";
import { formatTime } from "../lib/format.js";
import { ErrorBox, Loading, Money } from "./ui.jsx";

const KIND_LABEL = {
  funded: "Paid into escrow", released: "Released to the solver", received: "Received",
  refunded: "Refunded to me", fee: "Platform fee",
};

export function PaymentsHistory() {
  const [more, setMore] = useState({ items: [], cursor: null, error: null });
  const first = useLoad(() => api("GET", "/me/payments"), []);
  if (first.loading) return <Loading what="Loading payments" />;
  if (first.error) return <ErrorBox error={first.error} />;
  const items = [...first.data.items, ...more.items];
  const cursor = more.cursor ?? (more.items.length ? null : first.data.next_cursor);
  const loadMore = () => api("GET", `/me/payments${query({ cursor })}`).then(
    (page) => setMore({ items: [...more.items, ...page.items], cursor: page.next_cursor, error: null }),
    (error) => setMore({ ...more, error }));
  if (!items.length) return <p class="muted">No money has moved for you yet.</p>;
  return (
    <div class="payments">
      <table>
        <thead><tr><th>When</th><th>What</th><th>Amount</th><th>Challenge</th><th /></tr></thead>
        <tbody>
          {items.map((item, i) => (
            <tr key={`${item.challenge_id}-${item.at}-${item.kind}-${i}`}>
              <td>{formatTime(item.at)}</td>
              <td>{KIND_LABEL[item.kind] || item.kind}</td>
              <td><Money value={item.amount} /></td>
              <td><a href={`/challenges/${encodeURIComponent(item.challenge_id)}`}>open</a></td>
              <td>{item.receipt_url && <a href={item.receipt_url} rel="noopener noreferrer" target="_blank">receipt</a>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorBox error={more.error} />
      {cursor && <button type="button" onClick={loadMore}>More</button>}
    </div>
  );
}
