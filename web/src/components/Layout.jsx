// The page frame: skip link, navigation, connection status, live toasts.
import { useEffect, useRef } from "preact/hooks";
import { useStore } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { realtime } from "../lib/realtime.js";
import { inbox, toasts } from "../lib/notifications.js";
import { conversations } from "../lib/chat.js";
import { location, navigate } from "../lib/router.js";

function NavLink({ href, children }) {
  const { path } = useStore(location);
  const current = href === "/" ? path === "/" : path.startsWith(href);
  return <a href={href} aria-current={current ? "page" : undefined}>{children}</a>;
}

export function Layout({ children }) {
  const { user } = useStore(session);
  const status = useStore(realtime.status);
  const notifications = useStore(inbox);
  const chats = useStore(conversations);
  const live = useStore(toasts);
  const { path } = useStore(location);
  const main = useRef(null);

  // After a client-side navigation, move focus to the new page's heading so keyboard and
  // screen-reader users land there; a fresh load keeps the browser's order (skip link first).
  const firstPath = useRef(path);
  useEffect(() => {
    if (path === firstPath.current) return;
    firstPath.current = null;
    const heading = main.current && main.current.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  }, [path]);

  const unreadNotes = notifications.filter((n) => !n.read).length;
  const unreadChats = chats.reduce((sum, e) => sum + (e.unread || 0), 0);
  const signOut = () => {
    session.clear();
    navigate("/");
  };
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href="/">OpenChance</a>
        <nav aria-label="Main">
          <NavLink href="/">Browse</NavLink>
          {user && <NavLink href="/challenges/new">Post</NavLink>}
          {user && <NavLink href="/dashboard">Dashboard</NavLink>}
          {user && (
            <NavLink href="/chat">
              Chat{unreadChats > 0 && <span class="count" aria-label={`${unreadChats} unread`}>{unreadChats}</span>}
            </NavLink>
          )}
          {user && (
            <NavLink href="/notifications">
              Alerts{unreadNotes > 0 && <span class="count" aria-label={`${unreadNotes} unread`}>{unreadNotes}</span>}
            </NavLink>
          )}
          {user && session.isModerator && <NavLink href="/mod">Moderate</NavLink>}
          {user && <NavLink href="/me">Me</NavLink>}
          {user
            ? <button type="button" class="link" onClick={signOut}>Sign out</button>
            : <NavLink href="/login">Log in</NavLink>}
        </nav>
        {user && (
          <span class={`conn conn-${status}`} role="status" title="Live connection">
            {status === "online" ? "live" : status === "offline" ? "offline" : "reconnecting…"}
          </span>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>{children}</main>
      <div class="toasts" aria-live="polite">
        {live.map((t) => <p key={t.id} class={`toast toast-${t.kind}`}>{t.text}</p>)}
      </div>
    </>
  );
}
