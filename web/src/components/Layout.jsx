// The page frame: skip link, navigation (a menu button on phones), connection status, toasts.
import { useEffect, useRef, useState } from "preact/hooks";
import { useStore } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { realtime } from "../lib/realtime.js";
import { inbox, toasts } from "../lib/notifications.js";
import { conversations } from "../lib/chat.js";
import { location, navigate } from "../lib/router.js";

function NavLink({ href, exact, children }) {
  const { path } = useStore(location);
  const current = exact ? path === href : path === href || path.startsWith(`${href}/`);
  return <a href={href} aria-current={current ? "page" : undefined}>{children}</a>;
}

function Count({ n }) {
  return n > 0 ? <span class="count" aria-label={`${n} unread`}>{n}</span> : null;
}

const STATUS_TEXT = { online: "live", offline: "offline", connecting: "reconnecting…" };

export function Layout({ children }) {
  const { user } = useStore(session);
  const status = useStore(realtime.status);
  const notifications = useStore(inbox);
  const chats = useStore(conversations);
  const live = useStore(toasts);
  const { path } = useStore(location);
  const main = useRef(null);
  const [menuOpen, setMenuOpen] = useState(false);

  // After a client-side navigation, move focus to the new page's heading so keyboard and
  // screen-reader users land there; a fresh load keeps the browser's order (skip link first).
  const firstPath = useRef(path);
  useEffect(() => {
    setMenuOpen(false);
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
  const closeOnEscape = (event) => {
    if (event.key === "Escape" && menuOpen) {
      setMenuOpen(false);
      event.currentTarget.querySelector(".menu-toggle").focus();
    }
  };
  // Signed out there are three items, which fit a phone's width; signed in, a menu button.
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class={`top ${user ? "with-menu" : ""}`} onKeyDown={closeOnEscape}>
        <a class="brand" href="/">OpenChance</a>
        {user && (
          <button type="button" class="menu-toggle" aria-expanded={String(menuOpen)}
            aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
            Menu<Count n={unreadNotes + unreadChats} />
          </button>
        )}
        <nav id="main-nav" aria-label="Main" class={menuOpen ? "open" : ""}>
          <NavLink href="/challenges" exact>Browse</NavLink>
          {user && <NavLink href="/challenges/new" exact>Post</NavLink>}
          {user && <NavLink href="/dashboard">Dashboard</NavLink>}
          {user && <NavLink href="/chat">Chat<Count n={unreadChats} /></NavLink>}
          {user && <NavLink href="/notifications">Alerts<Count n={unreadNotes} /></NavLink>}
          {user && session.isModerator && <NavLink href="/mod">Moderate</NavLink>}
          {user && <NavLink href="/me">Me</NavLink>}
          {user
            ? <button type="button" class="link" onClick={signOut}>Sign out</button>
            : <>
              <NavLink href="/login">Log in</NavLink>
              <a class="button primary small" href="/signup">Sign up</a>
            </>}
        </nav>
        {user && (
          <span class={`conn conn-${status}`} role="status" title="Live connection">
            {STATUS_TEXT[status] || status}
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
