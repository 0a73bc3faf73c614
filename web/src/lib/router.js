// History-API routing: the server sends index.html for any non-API path, we pick the page.
import { Store } from "./store.js";

export const location = new Store(currentPath());

function currentPath() {
  return { path: window.location.pathname, search: window.location.search };
}

export function navigate(to, { replace = false } = {}) {
  if (replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  location.set(currentPath());
  window.scrollTo(0, 0);
}

window.addEventListener("popstate", () => location.set(currentPath()));

/** Match "/challenges/:id" against a path; returns the params or null. */
export function match(pattern, path) {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(":")) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

/** Client-side navigation for same-origin links without modifier keys. */
export function onLinkClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey
      || event.shiftKey || event.altKey) return;
  const anchor = event.target.closest && event.target.closest("a[href]");
  if (!anchor || anchor.target || anchor.hasAttribute("download")) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith("/api/")) return;
  if (anchor.dataset.external !== undefined) return;
  // In-page anchors (the skip link) keep the browser's own behaviour.
  if (url.hash && url.pathname === window.location.pathname) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
