// Drives the official socket.io-client for test_official_client.py: one JSON command per stdin
// line, one JSON report per stdout line. Binary values cross as {"$bin": "<base64>"}.
//
//   {"op": "connect", "name": "a", "url": "...", "token": "...", "reconnection": true}
//   {"op": "emit", "name": "a", "id": 1, "event": "...", "args": [...], "ack": true}
//   {"op": "drop", "name": "a"}    close the transport under the client (a network loss)
//   {"op": "close", "name": "a"}
// Reports: {"name", "kind": "connect" | "connect_error" | "disconnect" | "event" | "ack", ...}
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const sockets = new Map();

function report(value) {
  process.stdout.write(JSON.stringify(value, (key, v) => {
    if (v && v.type === "Buffer" && Array.isArray(v.data)) {
      return { $bin: Buffer.from(v.data).toString("base64") };
    }
    return v;
  }) + "\n");
}

function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    if (typeof value.$bin === "string" && Object.keys(value).length === 1) {
      return Buffer.from(value.$bin, "base64");
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

function connect({ name, url, token, reconnection = false }) {
  const socket = io(url, {
    auth: token === undefined ? undefined : { token },
    transports: ["websocket"], reconnection, reconnectionDelay: 100,
    reconnectionDelayMax: 200, timeout: 5000, forceNew: true,
  });
  sockets.set(name, socket);
  socket.on("connect", () => report({ name, kind: "connect", recovered: socket.recovered }));
  socket.on("connect_error", (err) => {
    report({ name, kind: "connect_error", message: err.message, data: err.data ?? null });
  });
  socket.on("disconnect", (reason) => report({ name, kind: "disconnect", reason }));
  socket.onAny((event, ...args) => report({ name, kind: "event", event, args }));
}

function emit({ name, id, event, args = [], ack = true }) {
  const socket = sockets.get(name);
  if (!ack) {
    socket.emit(event, ...decode(args));
    return;
  }
  socket.timeout(5000).emit(event, ...decode(args), (err, ...reply) => {
    report({ name, kind: "ack", id, error: err ? String(err) : null, args: reply });
  });
}

const commands = {
  connect,
  emit,
  // The TCP connection dies without a WebSocket close frame, as when a network goes away.
  drop: ({ name }) => {
    const engine = sockets.get(name).io.engine;
    const raw = engine.transport?.ws?._socket;
    if (raw) raw.destroy();
    else engine.close();
  },
  close: ({ name }) => sockets.get(name).disconnect(),
};

createInterface({ input: process.stdin }).on("line", (line) => {
  const command = JSON.parse(line);
  try {
    commands[command.op](command);
  } catch (err) {
    report({ name: command.name ?? null, kind: "driver_error", message: String(err) });
  }
}).on("close", () => {
  for (const socket of sockets.values()) socket.disconnect();
  process.exit(0);
});
