import { useEffect } from "preact/hooks";
import { useStore } from "../lib/hooks.js";
import { inbox, loadInbox, markAllRead } from "../lib/notifications.js";
import { formatTime } from "../lib/format.js";

function linkOf(notification) {
  const data = notification.data || {};
  if (data.conversation_id) return `/chat/${encodeURIComponent(data.conversation_id)}`;
  if (data.challenge_id) return `/challenges/${encodeURIComponent(data.challenge_id)}`;
  return null;
}

export function Notifications() {
  const items = useStore(inbox);
  useEffect(() => { loadInbox().catch(() => {}); }, []);
  const unread = items.filter((n) => !n.read).length;
  return (
    <section>
      <h1>Notifications</h1>
      {unread > 0 && <button type="button" onClick={() => markAllRead()}>Mark all {unread} as read</button>}
      {items.length ? (
        <ul class="notifications" aria-label="Notifications">
          {items.map((n) => {
            const href = linkOf(n);
            return (
              <li key={n.id} class={n.read ? "read" : "unread"}>
                {!n.read && <span class="sr-only">Unread: </span>}
                {href ? <a href={href}>{n.text}</a> : <span>{n.text}</span>}
                <time datetime={n.created_at}>{formatTime(n.created_at)}</time>
              </li>
            );
          })}
        </ul>
      ) : <p class="muted">Nothing yet. Updates about your challenges arrive here live.</p>}
    </section>
  );
}
