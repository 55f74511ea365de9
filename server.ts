/**
 * The one Node process: Express serves the Remix app and Socket.IO shares its HTTP server and port.
 * Development runs Vite in middleware mode; production serves ./build (made by `npm run build`).
 *
 * Everything Liuhe-specific (database boot, guards, realtime) comes from the app's own server
 * entry (`liuhe` in app/entry.server.tsx), so the Remix routes and the socket handlers share one
 * module graph: one database connection, one event bus.
 */
import fs from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import type { LiuheServer } from "./app/entry.server";

const production = process.env.NODE_ENV === "production";
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";

const vite = production
  ? undefined
  : await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));

const buildPath = path.resolve("build/server/index.js");
const loadBuild = async (): Promise<ServerBuild> =>
  vite
    ? ((await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild)
    : ((await import(pathToFileURL(buildPath).href)) as ServerBuild);

const build = await loadBuild();
const liuhe = (build.entry.module as unknown as { liuhe: LiuheServer }).liuhe;
await liuhe.boot();

const app = express();
app.disable("x-powered-by");
if (process.env.TRUST_PROXY) app.set("trust proxy", process.env.TRUST_PROXY);
app.use(compression());

if (vite) {
  app.use(vite.middlewares);
} else {
  app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
  // Only build/client's own top-level names can be files. Every other request (each page) skips
  // the static handler, which would look for a file, fail and build an error object every time.
  const topNames = new Set(fs.readdirSync("build/client"));
  const files = express.static("build/client", { maxAge: "1h" });
  app.use((req, res, next) => {
    let top = "";
    try {
      top = decodeURIComponent(req.path).split("/")[1] ?? "";
    } catch {
      // Malformed escapes: the static handler would pass these on as well.
    }
    return topNames.has(top) ? files(req, res, next) : next();
  });
}

// Refuses cross-site writes and oversized bodies before Remix reads anything.
app.use((req, res, next) => liuhe.httpGuard(req, res, next));

app.all(
  "*",
  createRequestHandler({
    build: vite ? loadBuild : build,
    mode: production ? "production" : "development",
    getLoadContext: (req) => ({ clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown" }),
  }),
);

const httpServer = createServer(app);
const realtime = liuhe.attachRealtime(httpServer);
const stopJobs = liuhe.startJobs();

httpServer.listen(port, host, () => {
  console.log(`Liuhe ${production ? "" : "(development) "}listening on http://localhost:${port}`);
});

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing`);
  stopJobs();
  // Closing Socket.IO also closes the HTTP server it is attached to.
  await realtime.close();
  httpServer.closeAllConnections();
  await vite?.close();
  await liuhe.shutdown();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
