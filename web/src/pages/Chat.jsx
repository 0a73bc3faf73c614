// Conversations with unread counts and presence; one conversation's messages, typing indicator,
// and a composer whose messages go through the outbox (nothing lost on a reconnect or reload).
import { useEffect, useRef, useState } from "preact/hooks";
import { useStore } from "../lib/hooks.js";
import { session } from "../lib/session.js";
import { realtime } from "../lib/realtime.js";
import { formatTime, label } from "../lib/format.js";
import {
  conversations, presence, typing, logVersion, failed, logOf, pendingOf, openConversation,
  closeConversation, sendMessage, setTyping, typingIn, loadConversations, queryPresence,
} from "../lib/chat.js";
import { ErrorBox, UserName } from "../components/ui.jsx";
import { names } from "../lib/users.js";

function otherOf(conversation, me) {
  return (conversation.participant_ids || []).find((id) => id !== me) || me;
}

function Dot({ online }) {
  return <span class={`dot ${online ? "on" : "off"}`} role="img" aria-label={online ? "online" : "offline"} />;
}

function ConversationList({ activeId }) {
  const { user } = useStore(session);
  const entries = useStore(conversations);
  const online = useStore(presence);
  useStore(names);
  useEffect(() => { loadConversations().catch(() => {}); }, []);
  if (!entries.length) return <p class="muted">No conversations yet. Open one from a challenge or an application.</p>;
  return (
    <ul class="conversations" aria-label="Conversations">
      {entries.map(({ conversation, unread }) => {
        const other = otherOf(conversation, user.id);
        return (
          <li key={conversation.id}>
            <a href={`/chat/${encodeURIComponent(conversation.id)}`}
              aria-current={conversation.id === activeId ? "page" : undefined}>
              <Dot online={online[other]} /> <UserName id={other} link={false} />
              <small class="muted"> · {label(conversation.kind)}</small>
              {unread > 0 && <span class="count" aria-label={`${unread} unread`}>{unread}</span>}
            </a>
          </li>
        );
      })}
    </ul>
  );
}

function Messages({ conversationId }) {
  const { user } = useStore(session);
  useStore(logVersion);
  const lost = useStore(failed);
  const list = useRef(null);
  const log = logOf(conversationId);
  const messages = log.messages;
  const pending = pendingOf(conversationId);
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [messages.length, pending.length]);
  return (
    <ol class="messages" ref={list} aria-label="Messages" aria-live="polite">
      {messages.map((m) => (
        <li key={m.id} class={m.sender_id === user.id ? "mine" : "theirs"} data-seq={m.seq}>
          <span class="who">{m.sender_id === user.id ? "You" : <UserName id={m.sender_id} link={false} />}</span>
          <p class="body">{m.body}</p>
          <time datetime={m.created_at}>{formatTime(m.created_at)}</time>
        </li>
      ))}
      {pending.map((m) => (
        <li key={m.client_id} class="mine pending">
          <span class="who">You</span><p class="body">{m.body}</p><small>sending…</small>
        </li>
      ))}
      {Object.values(lost).filter((m) => m.conversation_id === conversationId).map((m) => (
        <li key={m.client_id} class="mine failed">
          <span class="who">You</span><p class="body">{m.body}</p><small role="alert">not sent: {m.error}</small>
        </li>
      ))}
    </ol>
  );
}

function TypingLine({ conversationId }) {
  useStore(typing);
  useStore(names);
  const who = typingIn(conversationId);
  return (
    <p class="typing" aria-live="polite">
      {who.length > 0 && <>{who.map((id) => <UserName key={id} id={id} link={false} />)} is typing…</>}
    </p>
  );
}

function Conversation({ conversationId }) {
  const { user } = useStore(session);
  const entries = useStore(conversations);
  const online = useStore(presence);
  const [text, setText] = useState("");
  const [error, setError] = useState(null);
  // True once history is loaded and the live room joined (tests and the status line use it).
  const [ready, setReady] = useState(false);
  useEffect(() => {
    setError(null);
    setReady(false);
    openConversation(conversationId).then(() => setReady(realtime.connected), setError);
    return () => closeConversation(conversationId);
  }, [conversationId]);
  const entry = entries.find((e) => e.conversation.id === conversationId);
  const other = entry && otherOf(entry.conversation, user.id);
  useEffect(() => { if (other) queryPresence([other]); }, [other]);
  const status = useStore(realtime.status);

  const submit = (event) => {
    event.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText("");
    sendMessage(conversationId, body).catch(setError);
  };
  const onKeyDown = (event) => {
    if (event.key === "Enter" && !event.shiftKey) submit(event);
  };
  return (
    <section class="conversation" aria-labelledby="conversation-title" data-ready={String(ready)}>
      <a class="back" href="/chat">← All conversations</a>
      <h2 id="conversation-title">
        {other ? <><Dot online={online[other]} /> <UserName id={other} /></> : "Conversation"}
        {entry && entry.conversation.subject_id && entry.conversation.kind === "challenge" && (
          <small> · <a href={`/challenges/${encodeURIComponent(entry.conversation.subject_id)}`}>the challenge</a></small>
        )}
      </h2>
      <ErrorBox error={error} />
      <Messages conversationId={conversationId} />
      <TypingLine conversationId={conversationId} />
      <form class="composer" onSubmit={submit}>
        <label for="composer-text" class="sr-only">Message</label>
        <textarea id="composer-text" rows={2} maxLength={4000} value={text} placeholder="Write a message"
          onInput={(e) => { setText(e.currentTarget.value); setTyping(conversationId, Boolean(e.currentTarget.value)); }}
          onKeyDown={onKeyDown} />
        <button class="primary" type="submit">Send</button>
      </form>
      {status !== "online" && <p class="muted" role="status">Reconnecting — messages you write are sent when the connection is back.</p>}
    </section>
  );
}

export function Chat({ conversationId }) {
  return (
    <div class={`chat ${conversationId ? "has-open" : ""}`}>
      <h1 class={conversationId ? "sr-only" : ""}>Chat</h1>
      <aside aria-label="Conversation list"><ConversationList activeId={conversationId} /></aside>
      {conversationId && <Conversation conversationId={conversationId} />}
    </div>
  );
}
