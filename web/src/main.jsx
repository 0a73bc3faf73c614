import { render } from "preact";
import { useEffect } from "preact/hooks";
import "./styles.css";
import { useStore } from "./lib/hooks.js";
import { location, match, onLinkClick } from "./lib/router.js";
import { session } from "./lib/session.js";
import { realtime } from "./lib/realtime.js";
import { wireChat, resetChat, loadConversations } from "./lib/chat.js";
import { wireNotifications, loadInbox, alsoOnNotification } from "./lib/notifications.js";
import { rememberUser } from "./lib/users.js";
import { Layout } from "./components/Layout.jsx";
import { Auth } from "./pages/Auth.jsx";
import { Browse } from "./pages/Browse.jsx";
import { Landing } from "./pages/Landing.jsx";
import { ChallengeDetail } from "./pages/ChallengeDetail.jsx";
import { ChallengeForm } from "./pages/ChallengeForm.jsx";
import { Dashboard } from "./pages/Dashboard.jsx";
import { Chat } from "./pages/Chat.jsx";
import { Notifications } from "./pages/Notifications.jsx";
import { Profile } from "./pages/Profile.jsx";
import { Me } from "./pages/Me.jsx";
import { Moderation } from "./pages/Moderation.jsx";
import { ForgotPassword, ResetPassword } from "./pages/PasswordReset.jsx";
import { Unsubscribe, VerifyEmail } from "./pages/MailedLinks.jsx";
import { Security } from "./pages/Security.jsx";
import { NotificationSettings } from "./pages/NotificationSettings.jsx";
import { AdminRoles } from "./pages/AdminRoles.jsx";
import { AuditLog } from "./pages/AuditLog.jsx";

const ROUTES = [
  ["/", Landing],
  ["/challenges", Browse],
  ["/login", Auth, { mode: "login" }],
  ["/signup", Auth, { mode: "signup" }],
  ["/challenges/new", ChallengeForm, {}, true],
  ["/challenges/:id/edit", ChallengeForm, {}, true],
  ["/challenges/:id", ChallengeDetail],
  ["/dashboard", Dashboard, {}, true],
  ["/chat", Chat, {}, true],
  ["/chat/:conversationId", Chat, {}, true],
  ["/notifications", Notifications, {}, true],
  ["/users/:id", Profile],
  ["/me", Me, {}, true],
  ["/payouts", Me, {}, true],
  ["/mod", Moderation, {}, true],
  ["/forgot-password", ForgotPassword],
  ["/reset-password", ResetPassword],
  ["/verify-email", VerifyEmail],
  ["/unsubscribe", Unsubscribe],
  ["/settings/security", Security, {}, true],
  ["/settings/notifications", NotificationSettings, {}, true],
  ["/admin/roles", AdminRoles, {}, true],
  ["/mod/audit", AuditLog, {}, true],
];

function NotFound() {
  return (<><h1>Not found</h1><p>There is no page here. <a href="/challenges">Browse challenges</a>.</p></>);
}

function App() {
  const { path } = useStore(location);
  const { token, user } = useStore(session);

  useEffect(() => {
    if (!token) {
      realtime.disconnect();
      resetChat();
      return undefined;
    }
    rememberUser(user);
    wireChat();
    wireNotifications();
    alsoOnNotification(() => loadConversations().catch(() => {}));
    realtime.connect(token);
    loadConversations().catch(() => {});
    loadInbox().catch(() => {});
    return () => realtime.disconnect();
  }, [token]);

  for (const [pattern, Page, props = {}, needsUser] of ROUTES) {
    const params = match(pattern, path);
    if (!params) continue;
    if (needsUser && !token) return <Layout><Auth mode="login" next={path} /></Layout>;
    return <Layout><Page key={path} {...props} {...params} /></Layout>;
  }
  return <Layout><NotFound /></Layout>;
}

document.addEventListener("click", onLinkClick);
render(<App />, document.getElementById("app"));
