import { test } from "node:test";
import assert from "node:assert/strict";
import { ConversationLog, Outbox, newClientId } from "../src/lib/log.js";

const msg = (seq, extra = {}) => ({ id: `m${seq}`, conversation_id: "c1", seq, sender_id: "u",
  body: `b${seq}`, client_id: `k${seq}`, ...extra });

test("messages from history, join and live events merge in seq order, each once", () => {
  const log = new ConversationLog("c1");
  assert.equal(log.merge([msg(2), msg(1)]), true);
  assert.equal(log.merge([msg(2)]), false);           // the live copy of one we already have
  log.merge([msg(4)]);
  assert.deepEqual(log.messages.map((m) => m.seq), [1, 2, 4]);
  assert.equal(log.lastSeq, 4);
  assert.equal(log.contiguousSeq, 2);                 // rejoin asks from here: 3 is missing
  log.merge([msg(3)]);
  assert.equal(log.contiguousSeq, 4);
});

test("messages of another conversation or without a seq are ignored", () => {
  const log = new ConversationLog("c1");
  assert.equal(log.merge([msg(1, { conversation_id: "c2" }), { ...msg(2), seq: "2" }, null]), false);
  assert.equal(log.messages.length, 0);
});

test("the outbox keeps unsent messages across reloads, once per client_id", () => {
  const data = new Map();
  const storage = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, v),
    removeItem: (k) => data.delete(k) };
  const box = new Outbox(storage, "o");
  box.add({ conversation_id: "c1", client_id: "a", body: "hi" });
  box.add({ conversation_id: "c1", client_id: "a", body: "hi" });
  box.add({ conversation_id: "c2", client_id: "b", body: "yo" });
  const reloaded = new Outbox(storage, "o");
  assert.deepEqual(reloaded.of("c1").map((i) => i.client_id), ["a"]);
  reloaded.remove("a");
  reloaded.remove("b");
  assert.equal(data.has("o"), false);
  storage.setItem("o", "not json");
  assert.deepEqual(new Outbox(storage, "o").all(), []);
});

test("client ids are unique", () => {
  const ids = new Set(Array.from({ length: 200 }, newClientId));
  assert.equal(ids.size, 200);
});
