// One conversation's messages as the client knows them: ordered by seq, each seq once, plus the
// messages written here and not yet confirmed (the outbox), which survive a reload.

export class ConversationLog {
  constructor(conversationId) {
    this.conversationId = conversationId;
    this.bySeq = new Map();
    this.lastSeq = 0;
  }

  /** Add messages from any source (history, join, live); returns true if anything was new. */
  merge(messages) {
    let changed = false;
    for (const message of messages || []) {
      if (!message || message.conversation_id !== this.conversationId) continue;
      if (!Number.isInteger(message.seq) || this.bySeq.has(message.seq)) continue;
      this.bySeq.set(message.seq, message);
      if (message.seq > this.lastSeq) this.lastSeq = message.seq;
      changed = true;
    }
    return changed;
  }

  /** The highest seq such that every seq from 1 up to it is known: where to ask "after". */
  get contiguousSeq() {
    let seq = 0;
    while (this.bySeq.has(seq + 1)) seq += 1;
    return seq;
  }

  get messages() {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  hasClientId(clientId) {
    for (const message of this.bySeq.values()) if (message.client_id === clientId) return true;
    return false;
  }
}

export class Outbox {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
  }
  all() {
    try {
      const items = JSON.parse(this.storage.getItem(this.key) || "[]");
      return Array.isArray(items) ? items : [];
    } catch {
      return [];
    }
  }
  save(items) {
    if (items.length) this.storage.setItem(this.key, JSON.stringify(items));
    else this.storage.removeItem(this.key);
  }
  add(item) {
    this.save([...this.all().filter((i) => i.client_id !== item.client_id), item]);
  }
  remove(clientId) {
    this.save(this.all().filter((i) => i.client_id !== clientId));
  }
  of(conversationId) {
    return this.all().filter((i) => i.conversation_id === conversationId);
  }
}

export function newClientId() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
