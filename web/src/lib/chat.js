// Chat state over the socket: conversations with unread counts, the open logs, typing, presence,
// and the outbox. After every (re)connection each open conversation is joined again with the last
// seq seen, and unconfirmed messages are sent again with their client_id (the server makes that
// idempotent), so a dropped connection or a reload loses nothing.
import { api, query, listOf } from "./api.js";
import { realtime } from "./realtime.js";
import { session } from "./session.js";
import { Store } from "./store.js";
import { ConversationLog, Outbox, newClientId } from "./log.js";

const TYPING_TTL_MS = 6000;
const HISTORY_PAGE = 500;

export const conversations = new Store([]);   // [{conversation, unread}]
export const presence = new Store({});        // user_id -> bool
export const typing = new Store({});          // conversation_id -> {user_id: expires_at}
export const logVersion = new Store(0);       // bumps when any open log changes

const logs = new Map();
// Conversations whose room this socket is in without an open log: joined only so message:new
// reaches us (live unread counts); value = the seq we had when joining.
const subscribed = new Map();
const SUBSCRIBE_LIMIT = 50;
let activeConversationId = null;

function outbox() {
  return new Outbox(localStorage, `openchance.outbox.${session.user ? session.user.id : "anon"}`);
}

export function logOf(conversationId) {
  if (!logs.has(conversationId)) logs.set(conversationId, new ConversationLog(conversationId));
  return logs.get(conversationId);
}

export function pendingOf(conversationId) {
  const log = logOf(conversationId);
  return outbox().of(conversationId).filter((item) => !log.hasClientId(item.client_id));
}

function bump() {
  logVersion.set(logVersion.value + 1);
}

function conversationEntry(raw) {
  // GET /conversations may give {conversation, unread} pairs or conversations with unread inside.
  const conversation = raw.conversation || raw;
  const unread = raw.unread ?? raw.unread_count ?? conversation.unread ?? 0;
  return { conversation, unread };
}

export async function loadConversations() {
  const data = await api("GET", "/conversations");
  const entries = listOf(data, "conversations").map(conversationEntry);
  conversations.set(entries);
  const others = new Set();
  for (const { conversation } of entries) {
    for (const id of conversation.participant_ids || []) {
      if (!session.user || id !== session.user.id) others.add(id);
    }
  }
  queryPresence([...others]);
  subscribeAll();
  return entries;
}

/** Join the rooms of the conversations in the list (the server pushes messages per room). */
function subscribeAll() {
  if (!realtime.connected) return;
  for (const { conversation } of conversations.value.slice(0, SUBSCRIBE_LIMIT)) {
    if (logs.has(conversation.id) || subscribed.has(conversation.id)) continue;
    subscribed.set(conversation.id, conversation.last_seq || 0);
    realtime.request("conversation:join", {
      conversation_id: conversation.id, after_seq: conversation.last_seq || 0,
    }).catch(() => subscribed.delete(conversation.id));
  }
}

export async function queryPresence(userIds) {
  if (!userIds.length || !realtime.connected) return;
  try {
    const ack = await realtime.request("presence:query", { user_ids: userIds });
    presence.set({ ...presence.value, ...(ack.online || {}) });
  } catch {
    /* presence is a nicety; the next presence event corrects it */
  }
}

async function loadHistory(log) {
  for (;;) {
    const path = `/conversations/${encodeURIComponent(log.conversationId)}/messages`;
    const data = await api("GET", path + query({ after_seq: log.contiguousSeq, limit: HISTORY_PAGE }));
    const page = listOf(data, "messages");
    log.merge(page);
    if (page.length < HISTORY_PAGE) return;
  }
}

async function join(log) {
  // The server replays in pages; has_more says ask again from where this page ended.
  for (let page = 0; page < 100; page += 1) {
    const ack = await realtime.request("conversation:join", {
      conversation_id: log.conversationId, after_seq: log.contiguousSeq,
    });
    log.merge(ack.missed || []);
    if (!ack.has_more || !(ack.missed || []).length) return;
  }
}

/** Open a conversation for reading: history over HTTP, then the live room over the socket. */
export async function openConversation(conversationId) {
  const log = logOf(conversationId);
  activeConversationId = conversationId;
  await loadHistory(log);
  bump();
  if (realtime.connected) {
    await join(log);
    bump();
    await flushOutbox(conversationId);
  }
  markRead(conversationId);
  return log;
}

export function closeConversation(conversationId) {
  if (activeConversationId === conversationId) activeConversationId = null;
}

export function markRead(conversationId) {
  const log = logOf(conversationId);
  if (!log.lastSeq) return;
  realtime.send("message:read", { conversation_id: conversationId, seq: log.lastSeq });
  conversations.set(conversations.value.map((entry) => (
    entry.conversation.id === conversationId ? { ...entry, unread: 0 } : entry)));
}

async function deliver(item) {
  const ack = await realtime.request("message:send", {
    conversation_id: item.conversation_id, body: item.body, client_id: item.client_id,
  });
  outbox().remove(item.client_id);
  if (ack.message) logOf(item.conversation_id).merge([ack.message]);
  bump();
}

async function flushOutbox(conversationId) {
  for (const item of outbox().all()) {
    if (conversationId && item.conversation_id !== conversationId) continue;
    try {
      await deliver(item);
    } catch (error) {
      if (error.code === "offline" || error.code === "timeout") return;
      // Refused for good (too long, not a member): keep it visible as failed, stop retrying.
      outbox().remove(item.client_id);
      failed.set({ ...failed.value, [item.client_id]: { ...item, error: error.message } });
      bump();
    }
  }
}

export const failed = new Store({});

/** Write a message: it goes into the outbox first, so nothing is lost if the send fails. */
export async function sendMessage(conversationId, body) {
  const item = { conversation_id: conversationId, body, client_id: newClientId(),
    created_at: new Date().toISOString() };
  outbox().add(item);
  bump();
  setTyping(conversationId, false);
  if (realtime.connected) await flushOutbox(conversationId);
}

let typingSentAt = 0;
let typingTimer = null;

/** Called on every keystroke; tells the others at most every 2 s, and "stopped" after 3 s. */
export function setTyping(conversationId, isTyping) {
  clearTimeout(typingTimer);
  const now = Date.now();
  if (!isTyping) {
    if (typingSentAt) realtime.send("typing", { conversation_id: conversationId, is_typing: false });
    typingSentAt = 0;
    return;
  }
  if (now - typingSentAt > 2000) {
    realtime.send("typing", { conversation_id: conversationId, is_typing: true });
    typingSentAt = now;
  }
  typingTimer = setTimeout(() => setTyping(conversationId, false), 3000);
}

export function typingIn(conversationId) {
  const now = Date.now();
  return Object.entries(typing.value[conversationId] || {})
    .filter(([, until]) => until > now).map(([userId]) => userId);
}

function onMessage(payload) {
  const message = payload && (payload.message || payload);
  if (!message || !message.conversation_id) return;
  const known = logs.get(message.conversation_id);
  if (known && known.merge([message])) bump();
  const mine = session.user && message.sender_id === session.user.id;
  if (message.conversation_id === activeConversationId && !document.hidden) markRead(message.conversation_id);
  else if (!mine) {
    const found = conversations.value.some((e) => e.conversation.id === message.conversation_id);
    if (!found) loadConversations().catch(() => {});
    conversations.set(conversations.value.map((entry) => (
      entry.conversation.id === message.conversation_id
        ? { ...entry, unread: entry.unread + 1,
          conversation: { ...entry.conversation, last_seq: message.seq } } : entry)));
  }
  // Whoever wrote has stopped typing.
  clearTyping(message.conversation_id, message.sender_id);
}

function clearTyping(conversationId, userId) {
  const current = { ...(typing.value[conversationId] || {}) };
  if (!(userId in current)) return;
  delete current[userId];
  typing.set({ ...typing.value, [conversationId]: current });
}

function onTyping(payload) {
  if (!payload || !payload.conversation_id || !payload.user_id) return;
  if (session.user && payload.user_id === session.user.id) return;
  if (!payload.is_typing) {
    clearTyping(payload.conversation_id, payload.user_id);
    return;
  }
  const current = { ...(typing.value[payload.conversation_id] || {}) };
  current[payload.user_id] = Date.now() + TYPING_TTL_MS;
  typing.set({ ...typing.value, [payload.conversation_id]: current });
  setTimeout(() => typing.set({ ...typing.value }), TYPING_TTL_MS + 50);
}

async function onReconnect() {
  subscribed.clear();   // a new socket is in no room; loadConversations() below joins again
  for (const log of logs.values()) {
    try {
      await join(log);
    } catch {
      /* not a member any more, or the server is busy: the next reconnect retries */
    }
  }
  bump();
  await flushOutbox(null);
  loadConversations().catch(() => {});
}

let wired = false;

export function wireChat() {
  if (wired) return;
  wired = true;
  realtime.on("message:new", onMessage);
  realtime.on("typing", onTyping);
  realtime.on("presence", (p) => {
    if (p && p.user_id) presence.set({ ...presence.value, [p.user_id]: Boolean(p.online) });
  });
  realtime.on("connect", onReconnect);
}

export function resetChat() {
  logs.clear();
  subscribed.clear();
  conversations.set([]);
  presence.set({});
  typing.set({});
  failed.set({});
}
