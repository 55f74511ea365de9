/**
 * The outer ceiling: a plain `node:http` hello, no framework, no database.
 *
 *   PORT=… tsx bench/ballots/hello-server.ts
 */
import { createServer } from "node:http";

const body = JSON.stringify({ status: "ok" });
const server = createServer((_req, res) => {
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 3100), process.env.HOST ?? "127.0.0.1", () =>
  console.log("hello listening"),
);
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
