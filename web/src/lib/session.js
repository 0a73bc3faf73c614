// Who is signed in: the bearer token and the user, kept in localStorage so a reload stays in.
import { Store } from "./store.js";

const KEY = "openchance.session";

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || "null");
    if (saved && typeof saved.token === "string") return saved;
  } catch {
    /* a corrupt entry is the same as none */
  }
  return { token: null, user: null };
}

class Session extends Store {
  constructor() {
    super(load());
  }
  get token() { return this.value.token; }
  get user() { return this.value.user; }
  get isModerator() {
    const role = this.value.user && this.value.user.role;
    return role === "moderator" || role === "admin";
  }
  signIn(token, user) {
    this.set({ token, user });
    localStorage.setItem(KEY, JSON.stringify(this.value));
  }
  setUser(user) {
    this.set({ ...this.value, user });
    localStorage.setItem(KEY, JSON.stringify(this.value));
  }
  clear() {
    this.set({ token: null, user: null });
    localStorage.removeItem(KEY);
  }
}

export const session = new Session();
