// The notification inbox, kept current by the socket's `notification` event.
import { api, listOf } from "./api.js";
import { realtime } from "./realtime.js";
import { Store } from "./store.js";

export const inbox = new Store([]);
export const toasts = new Store([]);

let toastSeq = 0;

export function toast(text, kind = "info") {
  toastSeq += 1;
  const id = toastSeq;
  toasts.set([...toasts.value, { id, text, kind }].slice(-3));   // the newest three
  setTimeout(() => toasts.set(toasts.value.filter((t) => t.id !== id)), 6000);
}

export async function loadInbox() {
  inbox.set(listOf(await api("GET", "/notifications"), "notifications"));
}

export async function markAllRead() {
  const ids = inbox.value.filter((n) => !n.read).map((n) => n.id).slice(0, 200);
  if (!ids.length) return;
  await api("POST", "/notifications/read", { ids });
  inbox.set(inbox.value.map((n) => (ids.includes(n.id) ? { ...n, read: true } : n)));
}

let wired = false;
let onNotification = () => {};

/** Something else to do on each live notification (chat reloads its list: a new conversation). */
export function alsoOnNotification(handler) {
  onNotification = handler;
}

export function wireNotifications() {
  if (wired) return;
  wired = true;
  realtime.on("notification", (payload) => {
    const notification = payload && (payload.notification || payload);
    if (!notification || !notification.id) return;
    if (inbox.value.some((n) => n.id === notification.id)) return;
    inbox.set([notification, ...inbox.value]);
    onNotification(notification);
    // alert: false means the person turned this kind off for the web channel (it still
    // lands in the inbox).
    if (payload.alert !== false) toast(notification.text || "New notification");
  });
  realtime.on("connect", () => loadInbox().catch(() => {}));
}
