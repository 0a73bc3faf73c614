// Which kinds of notification reach me on which channel.
import { api } from "../lib/api.js";
import { useLoad } from "../lib/hooks.js";
import { toast } from "../lib/notifications.js";
import { ErrorBox, Loading } from "../components/ui.jsx";

const CHANNELS = [["web", "Web"], ["email", "Email"], ["telegram", "Telegram"],
  ["discord", "Discord"], ["slack", "Slack"]];
const KIND_NAMES = {
  message: "Chat messages",
  "application.received": "New applications",
  "application.accepted": "Application accepted",
  "application.rejected": "Application rejected",
  "application.withdrawn": "Application withdrawn",
  "escrow.funded": "Escrow funded",
  "escrow.released": "Milestone paid",
  "escrow.refunded": "Escrow refunded",
  "escrow.disputed": "Dispute opened",
  "escrow.resolved": "Dispute resolved",
  "milestone.submitted": "Work submitted",
  "review.received": "Reviews of you",
  "deadline.reminder": "Deadline in 24 hours",
  "challenge.expired": "Challenge expired",
};

export function NotificationSettings() {
  const loaded = useLoad(() => api("GET", "/me/notification-preferences"), []);
  const change = async (kind, channel, on) => {
    try {
      loaded.setData(await api("PUT", "/me/notification-preferences", { [kind]: { [channel]: on } }));
      toast("Saved.");
    } catch (err) {
      toast(err.message, "error");
    }
  };
  return (
    <section>
      <h1>Notification settings</h1>
      <p>What reaches you where. Email collects what you missed while away into one digest, a few
        minutes later; chat apps apply once you link them (see <a href="/me">My account</a>).</p>
      <ErrorBox error={loaded.error} />
      {loaded.loading && !loaded.data ? <Loading /> : loaded.data && (
        <table class="ledger prefs" aria-label="Notification preferences">
          <thead><tr><th scope="col">Kind</th>{CHANNELS.map(([c, name]) => <th key={c} scope="col">{name}</th>)}</tr></thead>
          <tbody>
            {Object.entries(loaded.data).map(([kind, channels]) => (
              <tr key={kind}>
                <th scope="row">{KIND_NAMES[kind] || kind}</th>
                {CHANNELS.map(([c, name]) => (
                  <td key={c}>
                    <input type="checkbox" checked={channels[c]}
                      aria-label={`${KIND_NAMES[kind] || kind} by ${name}`}
                      onChange={(e) => change(kind, c, e.currentTarget.checked)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
