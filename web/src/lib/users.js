// Display names by user id, fetched once per id from the public profile.
import { api } from "./api.js";
import { Store } from "./store.js";

export const names = new Store({});
const asked = new Set();

export function rememberUser(user) {
  if (user && user.id && user.display_name && names.value[user.id] !== user.display_name) {
    names.set({ ...names.value, [user.id]: user.display_name });
  }
}

export function wantName(userId) {
  if (!userId || asked.has(userId) || names.value[userId]) return;
  asked.add(userId);
  api("GET", `/users/${encodeURIComponent(userId)}`).then(
    (data) => rememberUser((data && data.user) || data),
    () => asked.delete(userId),
  );
}
