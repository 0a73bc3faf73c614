// The Node.js socket.io server of the realtime benchmark: the same events and payloads as the
// plain python-socketio server in ../realtime_server.py (join a room; bench:burst pushes the
// challenge to its watchers; message:send emits message:new to the room and acks), nothing
// persisted. Usage: node server.js PORT (the pushed challenge comes in BENCH_CHALLENGE, JSON).
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { Server } from "socket.io";

const port = Number(process.argv[2]);
const challenge = JSON.parse(process.env.BENCH_CHALLENGE);
const watched = `challenge:${challenge.id}`;

const http = createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"status":"ok"}');
  } else if (!req.url.startsWith("/socket.io/")) {
    res.writeHead(404);
    res.end();
  }
});
const io = new Server(http, { cors: { origin: "*" }, serveClient: false });
const seqs = new Map();

io.on("connection", (socket) => {
  socket.data.userId = socket.handshake.auth?.token ?? null;
  socket.on("conversation:join", (data, ack) => {
    socket.join(data.conversation_id);
    ack({ ok: true, missed: [] });
  });
  socket.on("challenge:watch", (data, ack) => {
    socket.join(`challenge:${data.challenge_id}`);
    ack({ ok: true });
  });
  socket.on("bench:burst", (data, ack) => {
    for (let i = 0; i < Number(data.count); i++) {
      io.to(watched).emit("challenge:updated", { challenge });
    }
    ack({ ok: true });
  });
  socket.on("message:send", (data, ack) => {
    const room = data.conversation_id;
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    const message = {
      id: randomBytes(12).toString("hex"), conversation_id: room, seq, sender_id: socket.id,
      body: data.body, client_id: data.client_id, created_at: new Date().toISOString(),
    };
    io.to(room).emit("message:new", { message });
    ack({ ok: true, message });
  });
});

http.listen(port, "127.0.0.1");
process.on("SIGINT", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
