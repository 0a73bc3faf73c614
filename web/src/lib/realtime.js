// The one Socket.IO connection of a signed-in user. Listeners are kept here, not on the socket,
// so they survive a new socket after signing in again. socket.io-client is loaded only when a
// user signs in: a visitor's first page downloads none of it.
import { Store } from "./store.js";

const ACK_TIMEOUT_MS = 8000;

export class RealtimeError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

class Realtime {
  constructor() {
    this.socket = null;
    this.status = new Store("offline");
    this.handlers = new Map();
    this.attempt = 0;   // bumped by every connect/disconnect: a stale library load is dropped
  }

  connect(token) {
    this.disconnect();
    this.status.set("connecting");
    const attempt = (this.attempt += 1);
    import("socket.io-client").then(({ io }) => {
      // Signed out (or in again) while the library loaded: that connection is not wanted.
      if (attempt === this.attempt) this.open(io, token);
    }, () => this.status.set("offline"));
  }

  open(io, token) {
    const socket = io({ auth: { token }, transports: ["websocket", "polling"] });
    this.socket = socket;
    socket.on("connect", () => {
      this.status.set("online");
      this.dispatch("connect", null);
    });
    socket.on("disconnect", () => this.status.set("connecting"));
    socket.on("connect_error", () => this.status.set("connecting"));
    socket.onAny((event, payload) => this.dispatch(event, payload));
  }

  disconnect() {
    this.attempt += 1;
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.disconnect();
      this.socket = null;
    }
    this.status.set("offline");
  }

  get connected() {
    return Boolean(this.socket && this.socket.connected);
  }

  dispatch(event, payload) {
    for (const handler of [...(this.handlers.get(event) || [])]) {
      try {
        handler(payload);
      } catch (error) {
        console.error(`handler of ${event} failed`, error);
      }
    }
  }

  /** Listen to a server event (or "connect", after every (re)connection); returns the undo. */
  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(handler);
    return () => this.handlers.get(event).delete(handler);
  }

  /** Emit and wait for the acknowledgement; resolves its body, rejects on {ok: false}. */
  request(event, payload, timeout = ACK_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      if (!this.connected) {
        reject(new RealtimeError("offline", "Not connected; retrying when the connection is back."));
        return;
      }
      this.socket.timeout(timeout).emit(event, payload, (error, ack) => {
        if (error) reject(new RealtimeError("timeout", "The server did not answer in time."));
        else if (ack && ack.ok) resolve(ack);
        else {
          const detail = (ack && ack.error) || {};
          reject(new RealtimeError(detail.code || "error", detail.message || "Refused by the server."));
        }
      });
    });
  }

  /** Emit without waiting (typing, read marks); dropped while offline, which is harmless. */
  send(event, payload) {
    if (this.connected) this.socket.emit(event, payload);
  }
}

export const realtime = new Realtime();
