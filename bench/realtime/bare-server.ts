/**
 * The ceiling: a bare Socket.IO relay with the same event names as Liuhe's room, and none of its
 * work (no session lookup, no policy, no storage).
 *
 *   PORT=… tsx bench/realtime/bare-server.ts
 */
import { createServer } from "node:http";
import { Server } from "socket.io";

const server = createServer();
const io = new Server(server, { serveClient: false });
let nextId = 1;
io.on("connection", (socket) => {
  socket.on("room:join", async (p: { meetingId: number }, ack: (r: unknown) => void) => {
    await socket.join(`room:${p.meetingId}`);
    ack({ ok: true, data: { messages: [], more: false, presence: 0 } });
  });
  socket.on("room:post", (p: { meetingId: number; body: string }, ack: (r: unknown) => void) => {
    const message = {
      id: nextId++,
      meetingId: p.meetingId,
      body: p.body,
      createdAt: new Date().toISOString(),
    };
    ack({ ok: true, data: { message } });
    io.to(`room:${p.meetingId}`).emit("room:message", message);
  });
});
server.listen(Number(process.env.PORT ?? 3100), "127.0.0.1", () =>
  console.log("bare relay listening"),
);
process.on("SIGTERM", () => {
  void io.close();
  process.exit(0);
});
