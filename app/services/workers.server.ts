/**
 * Several worker processes on one port (WORKERS=N), with keep-alive, and Socket.IO sessions that
 * stay on the worker that opened them.
 *
 * The workers share the listening socket the usual way of node:cluster: the primary accepts each
 * connection and hands it to the next worker, which keeps it (HTTP keep-alive) for as many
 * requests as the client sends on it. A page, a form, a photo: any worker serves it.
 *
 * A Socket.IO session lives in one worker's memory, and the long-polling transport sends each of
 * its requests separately, perhaps on a connection another worker holds. So each session's id
 * names its worker (`w3-…`), and a worker that gets a request (or a WebSocket upgrade) for another
 * worker's session passes it on, over that worker's own Unix socket in a directory the primary
 * made. Most sessions never need it: the browser opens a WebSocket first, and a WebSocket is one
 * connection from handshake to end. Polling (a network that blocks WebSockets) costs a hop between
 * workers for some of its requests.
 *
 * Why not @socket.io/sticky: it makes the primary read the start of every request to find the
 * session, so it turns keep-alive off for everything (each page paid a new connection) and relays
 * every request body and its response through the primary, and it could lose a connection whose
 * first request arrived in two pieces.
 */
import { randomBytes } from "node:crypto";
import http, {
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from "node:http";
import net from "node:net";
import path from "node:path";
import type { Duplex } from "node:stream";
import type { Server as IoServer } from "socket.io";

/** Socket.IO's path; sessions are named in its `sid` parameter. */
const ENGINE_PATH = "/socket.io/";
const SESSION = /^w(\d+)-/;

/** Where worker `id` takes requests for its sessions from the other workers. */
export const workerSocketPath = (dir: string, id: number) => path.join(dir, `w${id}.sock`);

/** The worker a request's session belongs to, if it is a Socket.IO request naming one. */
export function sessionWorker(url: string | undefined): number | null {
  if (!url?.startsWith(ENGINE_PATH)) return null;
  const q = url.indexOf("?");
  if (q < 0) return null;
  const sid = new URLSearchParams(url.slice(q + 1)).get("sid");
  const m = sid ? SESSION.exec(sid) : null;
  return m ? Number(m[1]) : null;
}

/** What Engine.IO answers a session it does not know: the client starts a new one. */
function unknownSession(res: ServerResponse) {
  if (res.headersSent) return res.destroy();
  res.writeHead(400, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ code: 1, message: "Session ID unknown" }));
}

/** Headers about one connection, not the message: each hop sets its own. */
const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"];
const endToEnd = (headers: http.IncomingHttpHeaders) => {
  const copy = { ...headers };
  for (const h of HOP_BY_HOP) delete copy[h];
  return copy;
};

/** More than any Socket.IO packet Liuhe accepts; the owner applies the real limit. */
const BODY_LIMIT = 1024 * 1024;

function passRequest(to: string, req: IncomingMessage, res: ServerResponse) {
  // The body is read whole first, then sent in one write: piped, the last write (after the
  // owner had answered and closed) could fail and turn a good answer into an error.
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > BODY_LIMIT) {
      res.writeHead(413, { Connection: "close" }).end();
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    let answered = false;
    const upstream = http.request(
      // A connection per request (a Unix socket costs little): a kept one could be closed by
      // the other worker just as this one sends on it, and the request would be lost.
      {
        socketPath: to,
        agent: false,
        method: req.method,
        path: req.url,
        headers: { ...endToEnd(req.headers), "content-length": String(size) },
      },
      (answer) => {
        answered = true;
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      // The owner is gone (it died and was replaced): its sessions are gone with it.
      if (!answered) unknownSession(res);
      else res.destroy();
    });
    upstream.end(Buffer.concat(chunks));
  });
}

function passUpgrade(to: string, req: IncomingMessage, socket: Duplex, head: Buffer) {
  const upstream = net.connect(to);
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
  if (head.length > 0) upstream.write(head);
  upstream.on("error", () => socket.destroy());
  socket.on("error", () => upstream.destroy());
  upstream.pipe(socket).pipe(upstream);
}

/**
 * Makes this worker's Socket.IO sessions name it, passes other workers' sessions on to them, and
 * takes theirs from them on its own socket. Call after Socket.IO is attached to `httpServer`.
 * Returns a function that closes the worker's own socket.
 */
export function shareSessions(
  io: IoServer,
  httpServer: HttpServer,
  self: number,
  dir: string,
): () => Promise<void> {
  io.engine.generateId = () => `w${self}-${randomBytes(15).toString("base64url")}`;

  // In front of Engine.IO's own listeners (which answer every /socket.io/ request themselves).
  const own = {
    request: httpServer.listeners("request") as Array<
      (q: IncomingMessage, s: ServerResponse) => void
    >,
    upgrade: httpServer.listeners("upgrade") as Array<
      (q: IncomingMessage, s: Duplex, h: Buffer) => void
    >,
  };
  httpServer.removeAllListeners("request");
  httpServer.removeAllListeners("upgrade");
  httpServer.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const owner = sessionWorker(req.url);
    if (owner !== null && owner !== self)
      return passRequest(workerSocketPath(dir, owner), req, res);
    for (const l of own.request) l.call(httpServer, req, res);
  });
  httpServer.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const owner = sessionWorker(req.url);
    if (owner !== null && owner !== self)
      return passUpgrade(workerSocketPath(dir, owner), req, socket, head);
    for (const l of own.upgrade) l.call(httpServer, req, socket, head);
  });

  // The other workers' way in: what arrives here is served as if it had come to this worker.
  const inbox = http.createServer((req, res) => httpServer.emit("request", req, res));
  inbox.on("upgrade", (req, socket, head) => httpServer.emit("upgrade", req, socket, head));
  // Its own socket (exclusive): not one more listener the primary would accept for and hand over.
  inbox.listen({ path: workerSocketPath(dir, self), exclusive: true });
  return () =>
    new Promise((resolve) => {
      inbox.closeAllConnections();
      inbox.close(() => resolve());
    });
}
